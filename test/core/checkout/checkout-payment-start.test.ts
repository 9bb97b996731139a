import { expect } from 'chai';
import { sql } from 'kysely';
import { definePlugin, Migration, type InitiateRequest, type PaymentProvider, type ProviderCallContext, type ProviderResult } from '@cartwright/core';
import cod from '@cartwright/plugin-cod';
import { query, type InventoryStore } from '../inventory/inventory-helpers.ts';
import { createCheckoutStore, readyCart, stockedVariant } from './checkout-helpers.ts';

class CreateHouseAccountTable extends Migration {
  override up(): void {
    this.addSql('create table test_house_payment (payment_id varchar(64) primary key, amount bigint not null)');
  }
}

/** What these tests never call after `initiate`. */
abstract class OnlyInitiate {
  async authorize(): Promise<ProviderResult> {
    throw new Error('not used by these tests');
  }
  capture = this.authorize;
  refund = this.authorize;
  void = this.authorize;
  status = this.authorize;
}

/**
 * A payment method with no gateway (charged to a house account) that writes its own record through
 * the transaction core gives it, then answers as `mode` says: so a test can see whether that record
 * and checkout's own writes roll back together.
 */
class HouseAccount extends OnlyInitiate implements PaymentProvider {
  readonly id = 'house';
  readonly name = 'House account';
  readonly confirmsOrderBeforePayment = true;
  readonly initiatesInTransaction = true;
  mode: 'accept' | 'decline' | 'throw' = 'accept';

  availability() {
    return { available: true as const, fee: 0 };
  }

  async initiate(request: InitiateRequest, context?: ProviderCallContext): Promise<ProviderResult> {
    if (!context) throw new Error('house accounts are charged only inside the checkout transaction');
    await sql`insert into test_house_payment (payment_id, amount) values (${request.paymentId}, ${request.amount})`.execute(context.em.getKysely());
    if (this.mode === 'throw') throw new Error('house ledger unavailable');
    const status = this.mode === 'decline' ? 'failed' : 'pending';
    return { status, reference: request.paymentId, amountAuthorized: 0, amountCaptured: 0, amountRefunded: 0, rawStatus: status, ...(status === 'failed' ? { failureReason: 'credit_limit' } : {}) };
  }
}

/** A card gateway stand-in (no database): called after checkout commits; it declines, is down, or asks for 3-D Secure. */
class Gateway extends OnlyInitiate implements PaymentProvider {
  readonly id = 'gateway';
  readonly name = 'Card gateway';
  mode: 'decline' | 'throw' | 'requires_action' = 'requires_action';
  /** Seconds left while its circuit breaker is open. */
  downFor: number | null = null;

  retryAfter(): number | null {
    return this.downFor;
  }

  availability() {
    return { available: true as const, fee: 0 };
  }

  async initiate(request: InitiateRequest, context?: ProviderCallContext): Promise<ProviderResult> {
    if (context) throw new Error('a gateway is never called inside a transaction');
    if (this.mode === 'throw') throw new Error('connect ECONNREFUSED 10.0.0.7:443');
    const status = this.mode === 'decline' ? 'failed' : 'requires_action';
    return {
      status,
      reference: `gw_${request.paymentId}`,
      amountAuthorized: 0,
      amountCaptured: 0,
      amountRefunded: 0,
      rawStatus: status,
      ...(status === 'failed' ? { failureReason: 'card_declined' } : { clientData: { clientSecret: `secret_${request.paymentId}` } }),
    };
  }
}

describe('checkout: starting the payment', () => {
  const house = new HouseAccount();
  const gateway = new Gateway();
  let c: InventoryStore;
  before(async () => {
    c = await createCheckoutStore({
      plugins: [
        cod({ countries: ['US'] }),
        definePlugin({
          name: 'test-house-account',
          version: '0.0.0',
          register(api) {
            api.migrations({ name: 'test-house-account/0001', class: CreateHouseAccountTable });
            api.filter('payments.providers', (providers) => [...((providers as PaymentProvider[] | undefined) ?? []), house, gateway]);
          },
        })(),
      ],
    });
  });
  after(() => c.store.stop());
  afterEach(() => {
    house.mode = 'accept';
    gateway.mode = 'requires_action';
    gateway.downFor = null;
  });

  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    Number((await query<{ n: number }>(c, `select count(*)::int as n from ${table} where ${where}`, params))[0]!.n);

  /** Everything a checkout of `cartId` could have written. */
  const traces = async (cartId: string, variantId: string) => ({
    orders: await count('cw_order', 'cart_id = ?', [cartId]),
    housePayments: await count('test_house_payment'),
    reservations: await count('cw_stock_movement', `variant_id = ? and reason = 'reservation'`, [variantId]),
    reserved: Number((await query<{ reserved: number }>(c, 'select reserved from cw_stock_level where variant_id = ?', [variantId]))[0]!.reserved),
  });

  it('with a method that has no gateway: writes the order, the stock hold, the ledger and the provider record together, confirmed and unpaid', async () => {
    const variantId = await stockedVariant(c, 'House kettle', 4);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const housePaymentsBefore = await count('test_house_payment');
    const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'house' });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.order).to.include({ status: 'confirmed', paymentStatus: 'not_paid' });
    expect(response.body.payment).to.include({ status: 'pending' });
    const [ledger] = await query<{ id: string; status: string; provider: string }>(c, 'select id, status, provider from cw_payment where order_id = ?', [response.body.order.id]);
    expect(ledger).to.deep.equal({ id: response.body.payment.id, status: 'pending', provider: 'house' });
    expect(await count('test_house_payment', 'payment_id = ?', [response.body.payment.id])).to.equal(1);
    expect(await count('test_house_payment')).to.equal(housePaymentsBefore + 1);
    // confirmed on placing: the stock stays held with no payment deadline
    expect(await count('cw_stock_reservation', 'reference = ?', [response.body.order.id])).to.equal(0);
    expect((await traces(cart.id, variantId)).reserved).to.equal(1);
  });

  for (const [mode, status, code] of [
    ['decline', 402, 'PAYMENT_DECLINED'],
    ['throw', 502, 'PAYMENT_PROVIDER_ERROR'],
  ] as const) {
    it(`with a method that has no gateway: answers ${status} ${code} when it ${mode}s, leaving no order, hold, payment or provider record; the same key then succeeds`, async () => {
      const variantId = await stockedVariant(c, `House ${mode} kettle`, 4);
      const cart = await readyCart(c, [{ variantId, quantity: 2 }]);
      const before = await traces(cart.id, variantId);
      const headers = { 'idempotency-key': `house-${mode}-${cart.id}` };
      house.mode = mode;
      const refused = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'house' }, { headers });
      expect(refused.status, refused.text).to.equal(status);
      expect(refused.body.code).to.equal(code);
      expect(await traces(cart.id, variantId)).to.deep.equal(before);
      expect((await cart.as.get(`/store/carts/${cart.id}`)).body.status).to.equal('active');

      house.mode = 'accept';
      const retried = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'house' }, { headers });
      expect(retried.status, retried.text).to.equal(201);
      expect(await traces(cart.id, variantId)).to.deep.equal({ orders: 1, housePayments: before.housePayments + 1, reservations: 1, reserved: 2 });
    });
  }

  it('with a gateway: starts after the commit and hands over what the storefront needs (3-D Secure), the order pending with its stock held', async () => {
    const variantId = await stockedVariant(c, 'Gateway kettle', 4);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'gateway' });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.order).to.include({ status: 'pending', paymentStatus: 'not_paid' });
    expect(response.body.payment).to.deep.equal({ id: response.body.payment.id, status: 'requires_action', clientData: { clientSecret: `secret_${response.body.payment.id}` } });
    // unpaid: the hold has a deadline, after which the order is cancelled
    expect(await count('cw_stock_reservation', 'reference = ?', [response.body.order.id])).to.equal(1);
  });

  for (const [mode, code, reason] of [
    ['decline', 'PAYMENT_DECLINED', 'card_declined'],
    ['throw', 'PAYMENT_PROVIDER_ERROR', null],
  ] as const) {
    it(`with a gateway that ${mode === 'decline' ? 'declines' : 'is down'}: the order stands (201) with the failed attempt (${code}), and the shopper pays again with its token`, async () => {
      const variantId = await stockedVariant(c, `Gateway ${mode} kettle`, 4);
      const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
      gateway.mode = mode;
      const headers = { 'idempotency-key': `gateway-${mode}-${cart.id}` };
      const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'gateway' }, { headers });
      expect(response.status, response.text).to.equal(201);
      const { order, orderToken, payment } = response.body;
      expect(order).to.include({ status: 'pending', paymentStatus: 'not_paid' });
      // a network error's details stay in the ledger for staff; the shopper sees the problem's code
      expect(payment).to.deep.equal({ id: payment.id, status: 'failed', clientData: {}, failure: { code, reason } });
      const replay = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'gateway' }, { headers });
      expect(replay.body).to.deep.equal(response.body);

      gateway.mode = 'requires_action';
      const retried = await c.store.client.with({ 'x-order-token': orderToken }).post(`/store/orders/${order.id}/payments`, {});
      expect(retried.status, retried.text).to.equal(201);
      const attempts = await query<{ status: string }>(c, 'select status from cw_payment where order_id = ? order by created_at, id', [order.id]);
      expect(attempts.map((a) => a.status)).to.deep.equal(['failed', 'requires_action']);
    });
  }

  it('with a gateway known to be down: answers 503 with Retry-After at once, placing nothing', async () => {
    const variantId = await stockedVariant(c, 'Gateway down kettle', 4);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const before = await traces(cart.id, variantId);
    gateway.downFor = 12;
    const refused = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'gateway' });
    expect(refused.status, refused.text).to.equal(503);
    expect(refused.body).to.include({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryAfter: 12 });
    expect(refused.headers.get('retry-after')).to.equal('12');
    expect(await traces(cart.id, variantId)).to.deep.equal(before);
    expect((await cart.as.get(`/store/carts/${cart.id}`)).body.status).to.equal('active');
  });
});
