import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { definePlugin, PaymentWebhookError, type PaymentDispute, type PaymentProvider, type ProviderResult, type ProviderPaymentStatus } from '@cartwright/core';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import type { OrderSnapshot } from '../../../core/src/modules/orders/index.ts';
import { derivePaymentStatus, paymentStatusPath, advancePayment } from '../../../core/src/modules/payments/index.ts';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';

const WEBHOOK_SECRET = 'whsec_test';

interface GatewayPayment {
  reference: string;
  status: ProviderPaymentStatus;
  authorized: number;
  captured: number;
  refunded: number;
}

/**
 * An in-memory gateway: it keeps its own payments, answers a repeated idempotency key with the
 * first call's result (money moves once per key), and counts the money it actually moved.
 */
class MemoryGateway implements PaymentProvider {
  readonly payments = new Map<string, GatewayPayment>();
  readonly #byKey = new Map<string, Promise<ProviderResult>>();
  /** Every money movement the gateway made, once per key. */
  readonly moves: Array<{ kind: string; key: string; amount: number }> = [];
  calls = 0;
  /** What `initiate` does next: authorize, ask for 3-D Secure, decline, or throw (gateway down). */
  initiateMode: 'authorize' | 'requires_action' | 'decline' | 'throw' | 'pending' = 'authorize';

  readonly id: string;
  readonly name: string;
  readonly confirmsOrderBeforePayment: boolean;
  /** Manual capture: authorized at checkout, captured when the order ships. */
  capturesOnShipment = false;
  /** Seconds left while the gateway is known to be down (an open circuit breaker). */
  downFor: number | null = null;

  retryAfter(): number | null {
    return this.downFor;
  }

  /** The gateway moves a payment on its own (the buyer finished 3-D Secure) and its webhook never comes. */
  settleQuietly(reference: string, status: ProviderPaymentStatus, authorized: number): void {
    Object.assign(this.#find(reference), { status, authorized });
  }

  constructor(id: string, name: string, confirmsOrderBeforePayment = false) {
    this.id = id;
    this.name = name;
    this.confirmsOrderBeforePayment = confirmsOrderBeforePayment;
  }

  availability(context: { currencyCode: string; amount: number; countryCode: string }) {
    if (context.countryCode === 'XX') return { available: false as const, reason: 'not offered in this country' };
    return { available: true as const, fee: this.confirmsOrderBeforePayment ? 300 : 0 };
  }

  #once(key: string, fn: () => ProviderResult): Promise<ProviderResult> {
    this.calls++;
    let result = this.#byKey.get(key);
    if (!result) {
      // a slow gateway: concurrent callers overlap
      result = new Promise((resolve) => setTimeout(resolve, 15)).then(fn);
      this.#byKey.set(key, result);
    }
    return result;
  }

  #result(p: GatewayPayment, extra: Partial<ProviderResult> = {}): ProviderResult {
    return { status: p.status, reference: p.reference, amountAuthorized: p.authorized, amountCaptured: p.captured, amountRefunded: p.refunded, rawStatus: `mem_${p.status}`, ...extra };
  }

  #find(reference: string | null): GatewayPayment {
    const p = reference ? this.payments.get(reference) : undefined;
    if (!p) throw new Error(`no gateway payment ${reference}`);
    return p;
  }

  initiate(request: Parameters<PaymentProvider['initiate']>[0]): Promise<ProviderResult> {
    if (this.initiateMode === 'throw') {
      this.calls++;
      return Promise.reject(new Error('gateway down'));
    }
    return this.#once(request.idempotencyKey, () => {
      const reference = `mem_${request.paymentId}`;
      const mode = this.initiateMode;
      const p: GatewayPayment = { reference, status: 'pending', authorized: 0, captured: 0, refunded: 0 };
      if (mode === 'authorize') Object.assign(p, { status: 'authorized', authorized: request.amount });
      if (mode === 'requires_action') p.status = 'requires_action';
      if (mode === 'decline') p.status = 'failed';
      this.payments.set(reference, p);
      if (mode === 'authorize') this.moves.push({ kind: 'authorize', key: request.idempotencyKey, amount: request.amount });
      return this.#result(p, {
        ...(mode === 'requires_action' ? { clientData: { clientSecret: `secret_${request.paymentId}` } } : {}),
        ...(mode === 'decline' ? { failureReason: 'card_declined' } : {}),
      });
    });
  }

  authorize(request: Parameters<PaymentProvider['authorize']>[0]) {
    return this.#once(request.idempotencyKey, () => this.#result(this.#find(request.reference)));
  }

  status(request: Parameters<PaymentProvider['status']>[0]) {
    return Promise.resolve(this.#result(this.#find(request.reference)));
  }

  capture(request: Parameters<PaymentProvider['capture']>[0]) {
    return this.#once(request.idempotencyKey, () => {
      const p = this.#find(request.reference);
      p.captured += request.amount;
      p.authorized = Math.max(p.authorized, p.captured);
      p.status = 'captured';
      this.moves.push({ kind: 'capture', key: request.idempotencyKey, amount: request.amount });
      return this.#result(p);
    });
  }

  refund(request: Parameters<PaymentProvider['refund']>[0]) {
    return this.#once(request.idempotencyKey, () => {
      const p = this.#find(request.reference);
      if (request.amount > p.captured - p.refunded) throw new Error('gateway: refund above captured');
      p.refunded += request.amount;
      p.status = p.refunded === p.captured ? 'refunded' : 'partially_refunded';
      this.moves.push({ kind: 'refund', key: request.idempotencyKey, amount: request.amount });
      return this.#result(p);
    });
  }

  void(request: Parameters<PaymentProvider['void']>[0]) {
    return this.#once(request.idempotencyKey, () => {
      const p = this.#find(request.reference);
      p.status = 'voided';
      this.moves.push({ kind: 'void', key: request.idempotencyKey, amount: p.authorized });
      return this.#result(p);
    });
  }

  async handleWebhook(request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }) {
    const signature = request.headers['x-mem-signature'];
    if (signature !== sign(request.rawBody.toString('utf8'))) throw new PaymentWebhookError('bad signature');
    const event = JSON.parse(request.rawBody.toString('utf8')) as {
      id: string;
      reference: string;
      status: ProviderPaymentStatus;
      authorized: number;
      captured: number;
      refunded: number;
      dispute?: PaymentDispute;
    };
    if (event.status === ('ignored' as never)) return null;
    if (event.dispute) return { eventId: event.id, reference: event.reference, dispute: event.dispute };
    return {
      eventId: event.id,
      reference: event.reference,
      result: { status: event.status, reference: event.reference, amountAuthorized: event.authorized, amountCaptured: event.captured, amountRefunded: event.refunded, rawStatus: `evt_${event.status}` },
    };
  }
}

const sign = (body: string) => createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');

const gateways = { card: new MemoryGateway('memcard', 'Test card'), cod: new MemoryGateway('memcod', 'Test cash on delivery', true) };

/** A wallet whose payments are charged through the card gateway (as Google Pay through Stripe). */
const wallet: PaymentProvider = {
  id: 'memwallet',
  name: 'Test wallet',
  settledThrough: 'memcard',
  availability: () => ({ available: true, fee: 0 }),
  initiate: (request) => gateways.card.initiate(request),
  authorize: (request) => gateways.card.authorize(request),
  capture: (request) => gateways.card.capture(request),
  refund: (request) => gateways.card.refund(request),
  void: (request) => gateways.card.void(request),
  status: (request) => gateways.card.status(request),
};

const fixturePayments = definePlugin({
  name: '@cartwright/test-payments',
  version: '0.0.0',
  register(api) {
    api.filter('payments.providers', (providers) => [...providers, gateways.card, gateways.cod, wallet]);
  },
});

const address = { firstName: 'Ada', lastName: 'Lovelace', company: null, line1: '1 Main St', line2: null, city: 'Springfield', region: null, postalCode: '12345', countryCode: 'US', phone: null };

function snapshot(total: number, paymentMethod: string, customerId: string | null = null): OrderSnapshot {
  return {
    cartId: null as unknown as string,
    customerId,
    email: 'buyer@example.com',
    currencyCode: 'USD',
    pricesIncludeTax: false,
    shippingAddress: address,
    billingAddress: address,
    lines: [
      {
        variantId: null as unknown as string,
        productId: 'prod_test',
        productTitle: 'Mug',
        variantTitle: 'Blue',
        sku: 'MUG-BLUE',
        options: {},
        vendorId: null,
        taxClass: null,
        thumbnailUrl: null,
        quantity: 2,
        unitPrice: total / 2,
        subtotal: total,
        discount: 0,
        discounts: [],
        taxes: [],
        taxTotal: 0,
        total,
      },
    ],
    shipping: [],
    discounts: [],
    taxes: [],
    subtotal: total,
    discountTotal: 0,
    shippingTotal: 0,
    taxTotal: 0,
    total,
    paymentMethod,
  };
}

describe('payments', () => {
  let store: TestStore;
  let admin: SignedIn;
  let customer: SignedIn;

  before(async () => {
    store = await createTestStore({ plugins: [fixturePayments()] });
    admin = await createAndLogin(store, 'pay-admin@example.com', 'admin');
    customer = await createAndLogin(store, 'pay-customer@example.com', 'customer');
  });
  after(() => store.stop());
  beforeEach(() => {
    gateways.card.initiateMode = 'authorize';
    gateways.cod.initiateMode = 'pending';
    gateways.card.capturesOnShipment = false;
    gateways.card.downFor = null;
  });

  const scope = <T>(fn: (cradle: TestStore['commerce']['container']['cradle']) => Promise<T>) => store.commerce.withScope((s) => fn(s.cradle));
  const place = (total: number, method = 'memcard', customerId: string | null = null) =>
    scope((c) => c.em.transactional((tx) => c.orderService.place(tx, snapshot(total, method, customerId))));
  const order = (id: string) => scope(async (c) => (await c.orderService.get(c.em, id))!);
  const ledger = (id: string) => scope((c) => c.paymentService.ledger(id));
  const start = (orderId: string, method?: string) => scope((c) => c.paymentService.start(orderId, method, {}));
  const transition = (id: string, change: Record<string, string>) =>
    scope((c) => c.em.transactional((tx) => c.orderService.transition(tx, id, change as never, { kind: 'test', message: 'test', visibleToCustomer: false })));
  const outboxNames = (orderId: string) =>
    scope(async (c) =>
      (await c.em.execute<Array<{ name: string }>>(`select name from cw_outbox_event where payload->>'orderId' = ? order by occurred_at, id`, [orderId])).map((r) => r.name),
    );
  const storeAs = (token: string | null) => store.client.with(token ? { 'x-order-token': token } : {});

  it('starts a payment that the gateway authorizes, and confirms the order', async () => {
    const placed = await place(5000);
    const response = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {});
    expect(response.status, response.text).to.equal(201);
    expect(response.body).to.include({ status: 'authorized' });
    expect(await order(placed.id)).to.include({ status: 'confirmed', paymentStatus: 'authorized' });
    const [payment] = await ledger(placed.id);
    expect(payment).to.include({ provider: 'memcard', status: 'authorized', amount: 5000, amountAuthorized: 5000, reference: `mem_${payment!.id}` });
    expect(payment!.transactions.map((t) => [t.kind, t.status, t.idempotencyKey])).to.deep.equal([['initiate', 'succeeded', `${payment!.id}:initiate`]]);
    expect(await outboxNames(placed.id)).to.include.members(['payment.authorized', 'order.confirmed']);

    const again = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {});
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('PAYMENT_ORDER_NOT_PAYABLE');
  });

  it('surfaces 3-D Secure with client data and leaves the order pending until the webhook authorizes it', async () => {
    gateways.card.initiateMode = 'requires_action';
    const placed = await place(2000);
    const started = await start(placed.id);
    expect(started.status).to.equal('requires_action');
    expect(started.clientData).to.deep.equal({ clientSecret: `secret_${started.paymentId}` });
    expect(await order(placed.id)).to.include({ status: 'pending', paymentStatus: 'not_paid' });

    const body = JSON.stringify({ id: `evt_${started.paymentId}_1`, reference: `mem_${started.paymentId}`, status: 'authorized', authorized: 2000, captured: 0, refunded: 0 });
    const hook = await store.client.request('POST', '/webhooks/memcard', { rawBody: body, headers: { 'content-type': 'application/json', 'x-mem-signature': sign(body) } });
    expect(hook.status, hook.text).to.equal(200);
    expect(hook.body).to.deep.equal({ received: true, applied: true, duplicate: false });
    expect(await order(placed.id)).to.include({ status: 'confirmed', paymentStatus: 'authorized' });
  });

  it('answers a declined payment with 402, emits payment.failed, keeps the order pending and lets the buyer retry', async () => {
    gateways.card.initiateMode = 'decline';
    const placed = await place(1500);
    const declined = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {});
    expect(declined.status, declined.text).to.equal(402);
    expect(declined.body).to.include({ code: 'PAYMENT_DECLINED', reason: 'card_declined' });
    expect(await order(placed.id)).to.include({ status: 'pending', paymentStatus: 'not_paid' });
    expect(await outboxNames(placed.id)).to.include('payment.failed');

    gateways.card.initiateMode = 'throw';
    const down = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {});
    expect(down.status).to.equal(502);
    expect(down.body.code).to.equal('PAYMENT_PROVIDER_ERROR');

    gateways.card.initiateMode = 'authorize';
    const retried = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {});
    expect(retried.status, retried.text).to.equal(201);
    expect((await ledger(placed.id)).map((p) => p.status)).to.deep.equal(['failed', 'failed', 'authorized']);
    expect(await order(placed.id)).to.include({ status: 'confirmed', paymentStatus: 'authorized' });
  });

  it('refuses an unknown method naming the field, and a method not offered for the order', async () => {
    const placed = await place(1000);
    const unknown = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, { method: 'nope' });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.code).to.equal('PAYMENT_METHOD_UNKNOWN');
    expect(unknown.body.errors[0]).to.include({ pointer: '/method' });
    const bad = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, { method: 7 });
    expect(bad.status).to.equal(400);
  });

  it('captures into paid, refunds partially, then caps the full refund at what is left (422 naming the amount)', async () => {
    const placed = await place(8000);
    await start(placed.id);
    const [payment] = await ledger(placed.id);
    const captured = await admin.as.post(`/admin/orders/${placed.id}/payments/${payment!.id}/capture`, {});
    expect(captured.status, captured.text).to.equal(200);
    expect(captured.body.amountCaptured).to.deep.equal({ amount: 8000, currencyCode: 'USD' });
    expect(await order(placed.id)).to.include({ paymentStatus: 'paid' });

    const partial = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 3000, reason: 'damaged', lines: [] });
    expect(partial.status, partial.text).to.equal(201);
    expect(partial.body.refunded).to.deep.equal({ amount: 3000, currencyCode: 'USD' });
    expect(await order(placed.id)).to.include({ paymentStatus: 'partially_refunded' });

    const tooMuch = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 5001, reason: 'all of it' });
    expect(tooMuch.status).to.equal(422);
    expect(tooMuch.body).to.include({ code: 'REFUND_EXCEEDS_CAPTURED', refundable: 5000 });
    expect(tooMuch.body.errors[0]).to.include({ pointer: '/amount', rule: 'maximum' });

    const rest = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 5000, reason: 'all of it' });
    expect(rest.status, rest.text).to.equal(201);
    expect(await order(placed.id)).to.include({ paymentStatus: 'refunded' });
    const none = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 1, reason: 'more' });
    expect(none.body).to.include({ code: 'REFUND_EXCEEDS_CAPTURED', refundable: 0 });

    const events = await outboxNames(placed.id);
    expect(events.filter((n) => n === 'payment.refunded')).to.have.length(2);
    const refunds = gateways.card.moves.filter((m) => m.key.startsWith(`${placed.id}:refund:`));
    expect(refunds.map((m) => m.amount)).to.deep.equal([3000, 5000]);
  });

  it('treats a retried request with the same Idempotency-Key as the same refund, and the same payment attempt', async () => {
    const placed = await place(5000);
    const first = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {}, { headers: { 'idempotency-key': 'k-start' } });
    expect(first.status, first.text).to.equal(201);
    await scope((c) => c.paymentService.capture(placed.id));
    const replayStart = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {}, { headers: { 'idempotency-key': 'k-start' } });
    expect(replayStart.status, replayStart.text).to.equal(201);
    expect(replayStart.body.paymentId).to.equal(first.body.paymentId);

    const refund = () => admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 1000, reason: 'late' }, { headers: { 'idempotency-key': 'k-refund' } });
    const [a, b] = [await refund(), await refund()];
    expect([a.status, b.status]).to.deep.equal([201, 201]);
    expect(a.body.refunded.amount).to.equal(1000);
    expect(b.body.refunded.amount).to.equal(0);
    expect(gateways.card.moves.filter((m) => m.kind === 'refund' && m.key.startsWith(`${placed.id}:refund:k-refund`))).to.have.length(1);
    expect((await ledger(placed.id))[0]).to.include({ amountRefunded: 1000 });
    expect(await order(placed.id)).to.include({ paymentStatus: 'partially_refunded' });
  });

  it('refuses refund lines that are not the order’s and bodies that are not integers', async () => {
    const placed = await place(1000);
    const bad = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 1, reason: 'x', lines: [{ lineId: 'ol_nope', quantity: 1 }] });
    expect(bad.status).to.equal(422);
    expect(bad.body.code).to.equal('REFUND_LINE_INVALID');
    expect(bad.body.errors[0]).to.include({ pointer: '/lines/0/lineId' });
    const fraction = await admin.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 10.5, reason: 'x' });
    expect(fraction.status).to.equal(400);
    const missing = await admin.as.post(`/admin/orders/ord_missing/refunds`, { amount: 1, reason: 'x' });
    expect(missing.status).to.equal(404);
    expect((await admin.as.get(`/admin/orders/ord_missing/payments`)).status).to.equal(404);
    const zeroCapture = await scope((c) => c.paymentService.capture(placed.id, { amount: 0 }).catch((e: { status: number }) => e.status));
    expect(zeroCapture).to.equal(400);
    const customerTries = await customer.as.post(`/admin/orders/${placed.id}/refunds`, { amount: 1, reason: 'x' });
    expect(customerTries.status).to.equal(403);
  });

  it('settles a cancelled order exactly once when settleCancelled runs twice at once: voids an authorization', async () => {
    const placed = await place(4000);
    await start(placed.id);
    await transition(placed.id, { order: 'cancelled' });
    const results = await Promise.all([scope((c) => c.paymentService.settleCancelled(placed.id)), scope((c) => c.paymentService.settleCancelled(placed.id))]);
    expect(results.reduce((sum, r) => sum + r.voided, 0)).to.equal(4000);
    expect(results.reduce((sum, r) => sum + r.refunded, 0)).to.equal(0);
    const [payment] = await ledger(placed.id);
    expect(gateways.card.moves.filter((m) => m.kind === 'void' && m.key.startsWith(payment!.id))).to.have.length(1);
    expect(payment!.status).to.equal('voided');
    expect(await order(placed.id)).to.include({ status: 'cancelled', paymentStatus: 'voided' });
    expect((await outboxNames(placed.id)).filter((n) => n === 'payment.voided')).to.have.length(1);
    expect(await scope((c) => c.paymentService.settleCancelled(placed.id))).to.deep.equal({ voided: 0, refunded: 0 });
  });

  it('settles a cancelled order exactly once when settleCancelled runs twice at once: refunds what was captured', async () => {
    const placed = await place(6000);
    await start(placed.id);
    await scope((c) => c.paymentService.capture(placed.id, {}));
    await transition(placed.id, { order: 'cancelled' });
    const results = await Promise.all([scope((c) => c.paymentService.settleCancelled(placed.id)), scope((c) => c.paymentService.settleCancelled(placed.id))]);
    expect(results.reduce((sum, r) => sum + r.refunded, 0)).to.equal(6000);
    const [payment] = await ledger(placed.id);
    expect(gateways.card.moves.filter((m) => m.kind === 'refund' && m.key.startsWith(payment!.id))).to.deep.equal([
      { kind: 'refund', key: `${payment!.id}:cancel:refund`, amount: 6000 },
    ]);
    expect(payment).to.include({ status: 'refunded', amountRefunded: 6000 });
    expect(payment!.transactions.find((t) => t.kind === 'refund')).to.include({ reason: 'order cancelled', status: 'succeeded' });
    expect(await order(placed.id)).to.include({ paymentStatus: 'refunded' });
    expect(await scope((c) => c.paymentService.settleCancelled(placed.id))).to.deep.equal({ voided: 0, refunded: 0 });
  });

  it('is settled by the orders module when staff cancel the order', async () => {
    const placed = await place(2200);
    await start(placed.id);
    await scope((c) => c.paymentService.capture(placed.id, { amount: 1200 }));
    const settlement = await scope((c) => c.orderService.cancel(placed.id, { by: 'staff', reason: 'test' }));
    expect(settlement).to.deep.equal({ voided: 0, refunded: 1200 });
    expect(await order(placed.id)).to.include({ status: 'cancelled', paymentStatus: 'refunded' });
  });

  it('applies each webhook event once, never moves a payment backwards, and changes nothing on a bad signature', async () => {
    const placed = await place(3000);
    const started = await start(placed.id);
    const reference = `mem_${started.paymentId}`;
    const post = (event: Record<string, unknown>, signature?: string) => {
      const body = JSON.stringify({ reference, authorized: 3000, refunded: 0, ...event });
      return store.client.request('POST', '/webhooks/memcard', { rawBody: body, headers: { 'content-type': 'application/json', 'x-mem-signature': signature ?? sign(body) } });
    };
    const captured = await post({ id: 'evt_cap_1', status: 'captured', captured: 3000 });
    expect(captured.body).to.include({ applied: true, duplicate: false });
    expect(await order(placed.id)).to.include({ paymentStatus: 'paid' });

    const replay = await post({ id: 'evt_cap_1', status: 'captured', captured: 3000 });
    expect(replay.status).to.equal(200);
    expect(replay.body).to.include({ duplicate: true, applied: false });

    const late = await post({ id: 'evt_auth_0', status: 'authorized', captured: 0 });
    expect(late.body).to.include({ applied: false, duplicate: false });
    const [payment] = await ledger(placed.id);
    expect(payment).to.include({ status: 'captured', amountCaptured: 3000 });
    expect(payment!.transactions.filter((t) => t.kind === 'webhook')).to.have.length(2);
    expect(await order(placed.id)).to.include({ paymentStatus: 'paid' });
    expect((await outboxNames(placed.id)).filter((n) => n === 'payment.captured')).to.have.length(1);

    const forged = await post({ id: 'evt_ref_1', status: 'refunded', captured: 3000, refunded: 3000 }, 'not-the-signature');
    expect(forged.status).to.equal(400);
    expect(forged.body.code).to.equal('PAYMENT_WEBHOOK_INVALID');
    expect((await ledger(placed.id))[0]).to.include({ status: 'captured', amountRefunded: 0 });
    expect(await order(placed.id)).to.include({ paymentStatus: 'paid' });
    // the forged event id was not burnt: the real event still applies
    const real = await post({ id: 'evt_ref_1', status: 'refunded', captured: 3000, refunded: 3000 });
    expect(real.body).to.include({ applied: true });
    expect(await order(placed.id)).to.include({ paymentStatus: 'refunded' });

    const unknownProvider = await store.client.request('POST', '/webhooks/nobody', { rawBody: '{}', headers: { 'content-type': 'application/json' } });
    expect(unknownProvider.status).to.equal(404);
  });

  it('confirms a cash-on-delivery order with not_paid and captures it once when order.delivered is delivered (twice)', async () => {
    const placed = await place(2500, 'memcod');
    const started = await start(placed.id);
    expect(started.status).to.equal('pending');
    expect(await order(placed.id)).to.include({ status: 'confirmed', paymentStatus: 'not_paid' });

    await transition(placed.id, { fulfillment: 'shipped' });
    await transition(placed.id, { fulfillment: 'delivered' });
    await store.deliverEvents();
    await store.deliverEvents();
    const [payment] = await ledger(placed.id);
    expect(payment).to.include({ status: 'captured', amountCaptured: 2500 });
    expect(await order(placed.id)).to.include({ paymentStatus: 'paid', fulfillmentStatus: 'delivered' });
    expect(payment!.transactions.find((t) => t.kind === 'capture')).to.include({ actorKind: 'system', actorId: 'payments/capture-on-delivery', status: 'succeeded' });
    // the subscriber running again (a redelivery) moves nothing
    expect(await scope((c) => c.paymentService.captureOnDelivery(placed.id))).to.equal(0);
    expect(gateways.cod.moves.filter((m) => m.key.startsWith(payment!.id))).to.deep.equal([{ kind: 'capture', key: `${payment!.id}:capture:on-delivery`, amount: 2500 }]);
  });

  it('records who collected cash when staff capture a cash-on-delivery payment in part', async () => {
    const placed = await place(4000, 'memcod');
    const { paymentId } = await start(placed.id);
    const part = await admin.as.post(`/admin/orders/${placed.id}/payments/${paymentId}/capture`, { amount: 1500 });
    expect(part.status, part.text).to.equal(200);
    expect(await order(placed.id)).to.include({ paymentStatus: 'partially_paid' });
    const over = await admin.as.post(`/admin/orders/${placed.id}/payments/${paymentId}/capture`, { amount: 2501 });
    expect(over.status).to.equal(422);
    expect(over.body).to.include({ code: 'PAYMENT_CAPTURE_EXCEEDS_AUTHORIZED', capturable: 2500 });
    const list = await admin.as.get(`/admin/orders/${placed.id}/payments`);
    expect(list.status).to.equal(200);
    const capture = list.body.items[0].transactions.find((t: any) => t.kind === 'capture');
    expect(capture).to.deep.include({ actor: { kind: 'user', id: admin.id }, amount: { amount: 1500, currencyCode: 'USD' } });
  });

  it('answers 404 to another customer’s order and to a guest order without its token (BOLA)', async () => {
    const owner = await createAndLogin(store, 'pay-owner@example.com', 'customer');
    const mine = await place(1000, 'memcard', owner.id);
    expect((await customer.as.post(`/store/orders/${mine.id}/payments`, {})).status).to.equal(404);
    expect((await store.client.post(`/store/orders/${mine.id}/payments`, {})).status).to.equal(404);
    const guest = await place(1000);
    expect((await storeAs('ot_wrong').post(`/store/orders/${guest.id}/payments`, {})).status).to.equal(404);
    expect((await customer.as.post(`/store/orders/${guest.id}/payments`, {})).status).to.equal(404);
    expect(await ledger(mine.id)).to.deep.equal([]);
    const own = await owner.as.post(`/store/orders/${mine.id}/payments`, {});
    expect(own.status, own.text).to.equal(201);
  });

  it('lists the methods a cart may be paid with, with fees and reasons', async () => {
    const created = await store.client.post('/store/carts', {});
    const as = store.client.with({ 'x-cart-token': created.body.token });
    const listed = await as.get('/store/payment-methods', { query: { cartId: created.body.id } });
    expect(listed.status, listed.text).to.equal(200);
    expect(listed.body.items).to.deep.include({ id: 'memcod', name: 'Test cash on delivery', available: true, fee: { amount: 300, currencyCode: 'USD' }, reason: null });
    const stranger = await store.client.get('/store/payment-methods', { query: { cartId: created.body.id } });
    expect(stranger.status).to.equal(404);
    const missing = await store.client.get('/store/payment-methods');
    expect(missing.status).to.equal(400);
  });

  describe('gateway events', () => {
    const webhook = (body: Record<string, unknown>) => {
      const raw = JSON.stringify(body);
      return store.client.request('POST', '/webhooks/memcard', { rawBody: raw, headers: { 'content-type': 'application/json', 'x-mem-signature': sign(raw) } });
    };
    const timeline = (orderId: string) =>
      scope((c) => c.em.execute<Array<{ kind: string; message: string; visible_to_customer: boolean }>>(`select kind, message, visible_to_customer from cw_order_event where order_id = ? order by created_at, id`, [orderId]));

    it('answers 503 with Retry-After while the gateway is known to be down, recording no attempt and calling nothing', async () => {
      const placed = await place(1800);
      gateways.card.downFor = 27.2;
      const calls = gateways.card.calls;
      const refused = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {});
      expect(refused.status, refused.text).to.equal(503);
      expect(refused.body).to.include({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryAfter: 28 });
      expect(refused.headers.get('retry-after')).to.equal('28');
      expect(await ledger(placed.id)).to.deep.equal([]);
      expect(gateways.card.calls).to.equal(calls);

      gateways.card.downFor = null;
      const paid = await storeAs(placed.token).post(`/store/orders/${placed.id}/payments`, {});
      expect(paid.status, paid.text).to.equal(201);
    });

    it('reconciles an attempt whose webhook never came from the gateway, once, leaving newer and other providers’ attempts alone', async () => {
      gateways.card.initiateMode = 'requires_action';
      const stale = await place(2200);
      const started = await start(stale.id);
      const other = await place(2300, 'memcod');
      await start(other.id);
      gateways.card.settleQuietly(`mem_${started.paymentId}`, 'authorized', 2200);

      const notYet = await scope((c) => c.paymentService.reconcile('memcard', new Date(Date.now() - 60_000)));
      expect(notYet).to.deep.equal({ checked: 0, changed: 0 });
      const first = await scope((c) => c.paymentService.reconcile('memcard', new Date(Date.now() + 60_000)));
      expect(first.changed).to.equal(1);
      expect(await order(stale.id)).to.include({ status: 'confirmed', paymentStatus: 'authorized' });
      const [payment] = await ledger(stale.id);
      expect(payment!.transactions.map((t) => t.kind)).to.deep.equal(['initiate', 'status']);
      expect(await outboxNames(stale.id)).to.include('payment.authorized');
      const again = await scope((c) => c.paymentService.reconcile('memcard', new Date(Date.now() + 60_000)));
      expect(again.changed).to.equal(0);
      expect((await ledger(other.id))[0]).to.include({ status: 'pending' });
    });

    it('captures an authorized payment when the order ships, for a gateway that captures on shipment, once however often order.shipped is delivered', async () => {
      gateways.card.capturesOnShipment = true;
      const placed = await place(4200);
      await start(placed.id);
      await transition(placed.id, { fulfillment: 'fulfilled' });
      await transition(placed.id, { fulfillment: 'shipped' });
      await store.deliverEvents();
      expect((await ledger(placed.id))[0]).to.include({ status: 'captured', amountCaptured: 4200 });
      // order.shipped delivered again
      await scope((c) => c.paymentService.captureOnShipment(placed.id));
      const [payment] = await ledger(placed.id);
      expect(payment).to.include({ status: 'captured', amountCaptured: 4200 });
      expect(gateways.card.moves.filter((m) => m.kind === 'capture' && m.key.startsWith(payment!.id))).to.have.length(1);
      expect(await order(placed.id)).to.include({ paymentStatus: 'paid' });
    });

    it('leaves an authorized payment alone when the order ships, for a gateway that does not capture on shipment', async () => {
      const placed = await place(4300);
      await start(placed.id);
      await transition(placed.id, { fulfillment: 'fulfilled' });
      await transition(placed.id, { fulfillment: 'shipped' });
      await store.deliverEvents();
      expect((await ledger(placed.id))[0]).to.include({ status: 'authorized', amountCaptured: 0 });
    });

    it('records a dispute opened and closed on the staff timeline and in the outbox, without moving the payment', async () => {
      const placed = await place(3100);
      const started = await start(placed.id);
      const reference = `mem_${started.paymentId}`;
      const opened = await webhook({ id: 'evt_dp_1', reference, dispute: { id: 'dp_1', amount: 3100, reason: 'fraudulent', status: 'needs_response', closed: false } });
      expect(opened.body).to.include({ applied: true, duplicate: false });
      const closed = await webhook({ id: 'evt_dp_2', reference, dispute: { id: 'dp_1', amount: 3100, reason: 'fraudulent', status: 'won', closed: true } });
      expect(closed.body).to.include({ applied: true });
      const entries = (await timeline(placed.id)).filter((e) => e.kind.startsWith('payment.dispute'));
      expect(entries.map((e) => [e.kind, e.visible_to_customer])).to.deep.equal([['payment.dispute_opened', false], ['payment.dispute_closed', false]]);
      expect(entries[0]!.message).to.include('31.00 USD').and.include('fraudulent');
      expect(await outboxNames(placed.id)).to.include.members(['payment.dispute_opened', 'payment.dispute_closed']);
      expect((await ledger(placed.id))[0]).to.include({ status: 'authorized' });
      expect(await order(placed.id)).to.include({ paymentStatus: 'authorized' });
    });

    it('applies the gateway’s webhooks to a wallet payment charged through it', async () => {
      gateways.card.initiateMode = 'requires_action';
      const placed = await place(2600, 'memwallet');
      const started = await start(placed.id);
      const hook = await webhook({ id: `evt_w_${started.paymentId}`, reference: `mem_${started.paymentId}`, status: 'authorized', authorized: 2600, captured: 0, refunded: 0 });
      expect(hook.body).to.include({ applied: true });
      const [payment] = await ledger(placed.id);
      expect(payment).to.include({ provider: 'memwallet', status: 'authorized', amountAuthorized: 2600 });
      expect(await order(placed.id)).to.include({ status: 'confirmed', paymentStatus: 'authorized' });
    });
  });
});

describe('order payment status from the ledger', () => {
  const sums = (captured: number, refunded: number, authorizedOpen: number, anyVoided = false) => ({ captured, refunded, authorizedOpen, anyVoided });
  it('derives each status and only asks for legal moves', () => {
    expect(derivePaymentStatus('not_paid', sums(0, 0, 100), 100)).to.equal('authorized');
    expect(derivePaymentStatus('authorized', sums(50, 0, 50), 100)).to.equal('partially_paid');
    expect(derivePaymentStatus('authorized', sums(100, 0, 0), 100)).to.equal('paid');
    expect(derivePaymentStatus('paid', sums(100, 40, 0), 100)).to.equal('partially_refunded');
    expect(derivePaymentStatus('partially_refunded', sums(100, 100, 0), 100)).to.equal('refunded');
    expect(derivePaymentStatus('authorized', sums(0, 0, 0, true), 100)).to.equal('voided');
    expect(derivePaymentStatus('not_paid', sums(0, 0, 0, true), 100)).to.equal('not_paid');
    expect(paymentStatusPath('authorized', 'refunded', sums(100, 100, 0), 100)).to.deep.equal(['paid', 'refunded']);
    expect(paymentStatusPath('not_paid', 'partially_refunded', sums(60, 10, 0), 100)).to.deep.equal(['partially_paid', 'partially_refunded']);
  });

  it('never moves a payment backwards', () => {
    const captured = { status: 'captured' as const, amountAuthorized: 100, amountCaptured: 100, amountRefunded: 0 };
    const late = advancePayment(captured, { status: 'authorized', reference: 'r', amountAuthorized: 100, amountCaptured: 0, amountRefunded: 0, rawStatus: 'x' });
    expect(late).to.deep.equal(captured);
    const failedLate = advancePayment(captured, { status: 'failed', reference: 'r', amountAuthorized: 0, amountCaptured: 0, amountRefunded: 0, rawStatus: 'x' });
    expect(failedLate.status).to.equal('captured');
  });

});
