import { expect } from 'chai';
import Stripe from 'stripe';
import { eventually } from '@cartwright/core/testing';
import { startStripeStandIn, type StripeStandIn } from '@cartwright/plugin-stripe/testing';
import { query, type InventoryStore } from '../../core/inventory/inventory-helpers.ts';
import { adminOrder, checkoutWithStripe, createStripeStore, outboxCount, paymentRow } from './stripe-support.ts';

describe('stripe: checkout and webhooks through a store (automatic capture)', () => {
  let standIn: StripeStandIn;
  let c: InventoryStore;
  before(async () => {
    standIn = await startStripeStandIn();
    c = await createStripeStore(standIn);
  });
  after(async () => {
    await c?.store.stop();
    await standIn?.stop();
  });

  /** A placed order whose PaymentIntent waits for the buyer (no card sent with checkout). */
  const pendingOrder = async () => {
    const response = await checkoutWithStripe(c);
    expect(response.status, response.text).to.equal(201);
    const payment = await paymentRow(c, response.body.payment.id);
    return { order: response.body.order, payment, reference: payment.reference! };
  };

  const webhookRows = async (paymentId: string) =>
    Number((await query<{ n: number }>(c, `select count(*)::int as n from cw_payment_transaction where payment_id = ? and kind = 'webhook'`, [paymentId]))[0]!.n);

  it('answers 201 with a pending payment and what Stripe.js needs; the PaymentIntent carries the order, the amount and the attempt’s key', async () => {
    const { order, payment, reference } = await pendingOrder();
    expect(order).to.include({ status: 'pending', paymentStatus: 'not_paid' });
    expect(payment).to.include({ status: 'pending', amount: 1500 });
    const intent = standIn.paymentIntent(reference);
    expect(intent).to.include({ amount: 1500, currency: 'usd', capture_method: 'automatic', status: 'requires_payment_method' });
    expect(intent.metadata).to.deep.equal({ cartwright_order_id: order.id, cartwright_payment_id: payment.id, cartwright_order_number: order.number });
    const [ledger] = await query<{ client_data: Record<string, unknown> | string }>(c, 'select client_data from cw_payment where id = ?', [payment.id]);
    const clientData = typeof ledger!.client_data === 'string' ? JSON.parse(ledger!.client_data) : ledger!.client_data;
    expect(clientData).to.deep.equal({ clientSecret: intent.client_secret, publishableKey: standIn.publishableKey });
    const creates = standIn.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.body.metadata && (r.body.metadata as Record<string, string>).cartwright_payment_id === payment.id);
    expect(creates.map((r) => r.idempotencyKey)).to.deep.equal([`${payment.id}:initiate`]);
  });

  it('hands the client secret to the storefront in the checkout answer', async () => {
    const response = await checkoutWithStripe(c);
    const reference = (await paymentRow(c, response.body.payment.id)).reference!;
    expect(response.body.payment).to.deep.equal({
      id: response.body.payment.id,
      status: 'pending',
      clientData: { clientSecret: standIn.paymentIntent(reference).client_secret, publishableKey: standIn.publishableKey },
    });
  });

  it('a 3-D Secure card answers requires_action with the client secret', async () => {
    const response = await checkoutWithStripe(c, { paymentMethodToken: 'tok_threeDSecure2Required' });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.payment.status).to.equal('requires_action');
    expect(response.body.payment.clientData.clientSecret).to.match(/^pi_.+_secret_/);
    expect(response.body.order).to.include({ status: 'pending', paymentStatus: 'not_paid' });
  });

  it('a Google Pay token that Stripe accepts pays the order at once', async () => {
    const response = await checkoutWithStripe(c, { paymentMethodToken: 'tok_visa' });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.payment.status).to.equal('captured');
    expect(response.body.order).to.include({ status: 'confirmed', paymentStatus: 'paid' });
    const create = standIn.requests.find((r) => r.path === '/v1/payment_intents' && (r.body.metadata as Record<string, string> | undefined)?.cartwright_order_id === response.body.order.id)!;
    expect(create.body).to.deep.include({ confirm: 'true', payment_method_data: { type: 'card', card: { token: 'tok_visa' } } });
    expect(await outboxCount(c, 'payment.captured', response.body.order.id)).to.equal(1);
  });

  it('raw card data (Google Pay direct mode) is sent as payment_method_data[card]', async () => {
    const response = await checkoutWithStripe(c, { card: { number: '4242424242424242', expMonth: 12, expYear: 2034 } });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.payment.status).to.equal('captured');
    const create = standIn.requests.find((r) => r.path === '/v1/payment_intents' && (r.body.metadata as Record<string, string> | undefined)?.cartwright_order_id === response.body.order.id)!;
    expect(create.body.payment_method_data).to.deep.equal({ type: 'card', card: { number: '4242424242424242', exp_month: '12', exp_year: '2034' } });
  });

  it('a declined card: the order stands (201) with the failed attempt, PAYMENT_DECLINED with the decline code', async () => {
    standIn.setNextDecline('insufficient_funds');
    const response = await checkoutWithStripe(c, { paymentMethodToken: 'tok_visa' });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.payment).to.include({ status: 'failed' });
    expect(response.body.payment.failure).to.deep.equal({ code: 'PAYMENT_DECLINED', reason: 'insufficient_funds' });
    expect(response.body.order).to.include({ status: 'pending', paymentStatus: 'not_paid' });
    expect(await outboxCount(c, 'payment.failed', response.body.order.id)).to.equal(1);
  });

  it('payment_intent.succeeded confirms and pays the order; the same event again is applied once; a late amount_capturable_updated does not move it back', async () => {
    const { order, payment, reference } = await pendingOrder();
    standIn.confirm(reference, 'tok_visa');
    const sent = await standIn.sendWebhook(c.store, 'payment_intent.succeeded', standIn.paymentIntent(reference));
    expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
    expect(sent.body).to.deep.include({ received: true, applied: true, duplicate: false });
    expect(await adminOrder(c, order.id)).to.include({ status: 'confirmed', paymentStatus: 'paid' });
    expect(await paymentRow(c, payment.id)).to.include({ status: 'captured', amount_captured: 1500 });
    expect(await outboxCount(c, 'payment.captured', order.id)).to.equal(1);

    const again = await standIn.sendWebhook(c.store, 'payment_intent.succeeded', standIn.paymentIntent(reference), { id: sent.event.id });
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.include({ applied: false, duplicate: true });
    expect(await outboxCount(c, 'payment.captured', order.id)).to.equal(1);
    expect(await webhookRows(payment.id)).to.equal(1);

    const earlier = { ...standIn.paymentIntent(reference), status: 'requires_capture', amount_capturable: 1500, amount_received: 0 };
    const late = await standIn.sendWebhook(c.store, 'payment_intent.amount_capturable_updated', earlier);
    expect(late.status).to.equal(200);
    expect(late.body).to.deep.include({ applied: false, duplicate: false });
    expect(await paymentRow(c, payment.id)).to.include({ status: 'captured', amount_captured: 1500 });
    expect(await adminOrder(c, order.id)).to.include({ status: 'confirmed', paymentStatus: 'paid' });
  });

  it('payment_intent.payment_failed fails the attempt with the decline code; the order stays pending for another try', async () => {
    const { order, payment, reference } = await pendingOrder();
    standIn.confirm(reference, 'tok_chargeDeclined');
    const sent = await standIn.sendWebhook(c.store, 'payment_intent.payment_failed', standIn.paymentIntent(reference));
    expect(sent.status).to.equal(200);
    expect(await paymentRow(c, payment.id)).to.include({ status: 'failed' });
    expect(await adminOrder(c, order.id)).to.include({ status: 'pending', paymentStatus: 'not_paid' });
  });

  for (const [what, options] of [
    ['badly signed', { secret: 'whsec_forged' }],
    ['unsigned', { signature: null }],
    ['stale (signed longer ago than the tolerance)', { timestamp: Math.floor(Date.now() / 1000) - 3600 }],
  ] as const) {
    it(`rejects a ${what} webhook with 400 PAYMENT_WEBHOOK_INVALID and changes nothing`, async () => {
      const { order, payment, reference } = await pendingOrder();
      standIn.confirm(reference, 'tok_visa');
      const sent = await standIn.sendWebhook(c.store, 'payment_intent.succeeded', standIn.paymentIntent(reference), options);
      expect(sent.status, JSON.stringify(sent.body)).to.equal(400);
      expect((sent.body as { code: string }).code).to.equal('PAYMENT_WEBHOOK_INVALID');
      expect(await paymentRow(c, payment.id)).to.include({ status: 'pending', amount_captured: 0 });
      expect(await adminOrder(c, order.id)).to.include({ status: 'pending', paymentStatus: 'not_paid' });
      expect(await webhookRows(payment.id)).to.equal(0);
      const recorded = await query(c, 'select 1 from cw_payment_webhook_event where event_id = ?', [sent.event.id]);
      expect(recorded).to.have.length(0);
    });
  }

  it('acknowledges an event it does not act on', async () => {
    const sent = await standIn.sendWebhook(c.store, 'customer.created', { id: 'cus_1', object: 'customer' });
    expect(sent.status).to.equal(200);
    expect(sent.body).to.deep.include({ received: true, applied: false });
  });

  it('charge.refunded (a refund made in the Stripe dashboard) marks the payment and the order refunded', async () => {
    const paid = await checkoutWithStripe(c, { paymentMethodToken: 'tok_visa' });
    const payment = await paymentRow(c, paid.body.payment.id);
    const dashboard = new Stripe(standIn.secretKey, { host: standIn.host, port: standIn.port, protocol: standIn.protocol, maxNetworkRetries: 0 });
    await dashboard.refunds.create({ payment_intent: payment.reference! });
    const charge = standIn.paymentIntent(payment.reference!).latest_charge!;
    expect(charge.amount_refunded).to.equal(1500);
    const sent = await standIn.sendWebhook(c.store, 'charge.refunded', charge);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
    expect(await paymentRow(c, payment.id)).to.include({ status: 'refunded', amount_refunded: 1500 });
    expect(await adminOrder(c, paid.body.order.id)).to.include({ paymentStatus: 'refunded' });
  });

  it('a dispute opened then closed goes on the order’s timeline and emits payment.dispute_opened and payment.dispute_closed', async () => {
    const paid = await checkoutWithStripe(c, { paymentMethodToken: 'tok_visa' });
    const orderId = paid.body.order.id;
    const reference = (await paymentRow(c, paid.body.payment.id)).reference!;
    const dispute = { id: 'dp_standin1', object: 'dispute', amount: 1500, currency: 'usd', reason: 'fraudulent', status: 'needs_response', charge: standIn.paymentIntent(reference).latest_charge!.id, payment_intent: reference };
    const opened = await standIn.sendWebhook(c.store, 'charge.dispute.created', dispute);
    expect(opened.status, JSON.stringify(opened.body)).to.equal(200);
    const closed = await standIn.sendWebhook(c.store, 'charge.dispute.closed', { ...dispute, status: 'lost' });
    expect(closed.status).to.equal(200);
    const kinds = (await adminOrder(c, orderId)).timeline.map((entry: { kind: string }) => entry.kind);
    expect(kinds).to.include.members(['payment.dispute_opened', 'payment.dispute_closed']);
    expect(await outboxCount(c, 'payment.dispute_opened', orderId)).to.equal(1);
    expect(await outboxCount(c, 'payment.dispute_closed', orderId)).to.equal(1);
    const [event] = await query<{ payload: Record<string, unknown> | string }>(c, `select payload from cw_outbox_event where name = 'payment.dispute_closed' and payload->>'orderId' = ?`, [orderId]);
    const payload = typeof event!.payload === 'string' ? JSON.parse(event!.payload) : event!.payload;
    expect(payload).to.include({ disputeId: 'dp_standin1', amount: 1500, status: 'lost' });
  });

  it('a refund through the admin API reaches Stripe once, with its idempotency key, however often it is retried', async () => {
    const paid = await checkoutWithStripe(c, { paymentMethodToken: 'tok_visa' });
    const orderId = paid.body.order.id;
    const reference = (await paymentRow(c, paid.body.payment.id)).reference!;
    const headers = { 'idempotency-key': `refund-${orderId}` };
    const refunded = await c.admin.as.post(`/admin/orders/${orderId}/refunds`, { amount: 300, reason: 'one item returned' }, { headers });
    expect(refunded.status, refunded.text).to.equal(201);
    expect(refunded.body.refunded).to.deep.equal({ amount: 300, currencyCode: 'USD' });
    const retried = await c.admin.as.post(`/admin/orders/${orderId}/refunds`, { amount: 300, reason: 'one item returned' }, { headers });
    expect(retried.status, retried.text).to.equal(201);
    const calls = standIn.requests.filter((r) => r.path === '/v1/refunds' && r.body.payment_intent === reference);
    expect(calls.map((r) => r.idempotencyKey)).to.deep.equal([`${orderId}:refund:refund-${orderId}:0`]);
    expect(calls[0]!.body).to.deep.include({ amount: '300' });
    expect(standIn.paymentIntent(reference).latest_charge!.amount_refunded).to.equal(300);
    expect(await paymentRow(c, paid.body.payment.id)).to.include({ status: 'partially_refunded', amount_refunded: 300 });
    expect(await adminOrder(c, orderId)).to.include({ paymentStatus: 'partially_refunded' });
  });

  it('the reconciliation job settles a payment whose webhook never came', async () => {
    const job = c.store.commerce.jobs.definitions().find((d) => d.name === 'stripe.reconcile');
    expect(job).to.include({ owner: '@cartwright/plugin-stripe' });
    expect(job!.options).to.include({ every: '5 minutes' });
    const { order, payment, reference } = await pendingOrder();
    const fresh = await pendingOrder();
    standIn.confirm(reference, 'tok_visa');
    standIn.confirm(fresh.reference, 'tok_visa');
    // only an attempt older than reconcileAfterMinutes (15) is asked about: its webhook is overdue
    await query(c, `update cw_payment set updated_at = now() - interval '20 minutes' where id = ?`, [payment.id]);
    await c.store.commerce.withScope(async (scope) => {
      await job!.handler(undefined, { em: scope.cradle.em, cradle: scope.cradle, logger: scope.cradle.logger, jobId: 'test' });
    });
    expect(await paymentRow(c, payment.id)).to.include({ status: 'captured', amount_captured: 1500 });
    expect(await adminOrder(c, order.id)).to.include({ status: 'confirmed', paymentStatus: 'paid' });
    expect(await paymentRow(c, fresh.payment.id)).to.include({ status: 'pending' });
  });
});

describe('stripe: manual capture through a store', () => {
  let standIn: StripeStandIn;
  let c: InventoryStore;
  before(async () => {
    standIn = await startStripeStandIn();
    c = await createStripeStore(standIn, { captureMethod: 'manual' });
  });
  after(async () => {
    await c?.store.stop();
    await standIn?.stop();
  });

  it('amount_capturable_updated authorizes and confirms the order; shipping it captures the authorization at Stripe', async () => {
    const response = await checkoutWithStripe(c);
    expect(response.status, response.text).to.equal(201);
    const orderId = response.body.order.id;
    const paymentId = response.body.payment.id;
    const reference = (await paymentRow(c, paymentId)).reference!;
    expect(standIn.paymentIntent(reference).capture_method).to.equal('manual');
    standIn.confirm(reference, 'tok_visa');
    const sent = await standIn.sendWebhook(c.store, 'payment_intent.amount_capturable_updated', standIn.paymentIntent(reference));
    expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
    expect(await paymentRow(c, paymentId)).to.include({ status: 'authorized', amount_authorized: 1500, amount_captured: 0 });
    expect(await adminOrder(c, orderId)).to.include({ status: 'confirmed', paymentStatus: 'authorized' });
    expect(await outboxCount(c, 'payment.authorized', orderId)).to.equal(1);

    const lineId = (await adminOrder(c, orderId)).lines[0].id;
    const packed = await c.admin.as.post(`/admin/orders/${orderId}/fulfillments`, { items: [{ lineId, quantity: 1 }] });
    expect(packed.status, packed.text).to.equal(201);
    const shipped = await c.admin.as.post(`/admin/orders/${orderId}/fulfillments/${packed.body.fulfillments[0].id}/ship`, {});
    expect(shipped.status, shipped.text).to.equal(200);
    await eventually(async () => {
      await c.store.deliverEvents();
      expect(await paymentRow(c, paymentId)).to.include({ status: 'captured', amount_captured: 1500 });
    });
    expect(standIn.paymentIntent(reference)).to.include({ status: 'succeeded', amount_received: 1500 });
    const captures = standIn.requests.filter((r) => r.path === `/v1/payment_intents/${reference}/capture`);
    expect(captures.map((r) => [r.idempotencyKey, r.body.amount_to_capture])).to.deep.equal([[`${paymentId}:capture:on-shipment`, '1500']]);
    expect(await adminOrder(c, orderId)).to.include({ paymentStatus: 'paid' });
    expect(await outboxCount(c, 'payment.captured', orderId)).to.equal(1);
  });
});

describe('stripe: when Stripe is down', () => {
  let standIn: StripeStandIn;
  let c: InventoryStore;
  before(async () => {
    standIn = await startStripeStandIn();
    c = await createStripeStore(standIn, { breaker: { failures: 2, coolDownSeconds: 600 } });
  });
  after(async () => {
    await c?.store.stop();
    await standIn?.stop();
  });

  it('places orders with a failed attempt (PAYMENT_PROVIDER_ERROR, then PAYMENT_PROVIDER_UNAVAILABLE as the breaker opens), then answers 503 with Retry-After at once, placing nothing and calling no one', async () => {
    standIn.down(true);
    // the second failure opens the breaker (failures: 2), so that attempt already reports the gateway down
    for (const code of ['PAYMENT_PROVIDER_ERROR', 'PAYMENT_PROVIDER_UNAVAILABLE']) {
      const response = await checkoutWithStripe(c);
      expect(response.status, response.text).to.equal(201);
      expect(response.body.payment).to.include({ status: 'failed' });
      expect(response.body.payment.failure).to.deep.equal({ code, reason: null });
    }
    const seen = standIn.requests.length;
    const refused = await checkoutWithStripe(c);
    expect(refused.status, refused.text).to.equal(503);
    expect(refused.body.code).to.equal('PAYMENT_PROVIDER_UNAVAILABLE');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 600);
    expect((await refused.cart.as.get(`/store/carts/${refused.cart.id}`)).body.status).to.equal('active');
    const orders = await query(c, 'select id from cw_order where cart_id = ?', [refused.cart.id]);
    expect(orders).to.have.length(0);
    expect(standIn.requests.length).to.equal(seen);
  });
});
