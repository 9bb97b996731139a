import { expect } from 'chai';
import gpay from '@cartwright/plugin-gpay';
import stripe from '@cartwright/plugin-stripe';
import { startStripeStandIn, type StripeStandIn } from '@cartwright/plugin-stripe/testing';
import { createCheckoutStore, readyCart, stockedVariant } from '../../core/checkout/checkout-helpers.ts';
import { query, type InventoryStore } from '../../core/inventory/inventory-helpers.ts';
import { stripeGooglePayData } from './gpay-support.ts';

interface LedgerRow {
  provider: string;
  status: string;
  reference: string | null;
  amount_authorized: number;
  amount_captured: number;
}

describe('Google Pay in gateway mode, charged through Stripe (against the Stripe stand-in)', () => {
  let standIn: StripeStandIn;
  let c: InventoryStore;
  before(async () => {
    standIn = await startStripeStandIn();
    c = await createCheckoutStore({
      plugins: [
        // listed after Google Pay on purpose: the gateway is found whatever the order
        gpay({ merchantName: 'Cartwright Test Shop', stripe: { publishableKey: standIn.publishableKey } }),
        stripe({
          secretKey: standIn.secretKey,
          publishableKey: standIn.publishableKey,
          webhookSecret: standIn.webhookSecret,
          captureMethod: 'manual',
          apiHost: standIn.host,
          apiPort: standIn.port,
          apiProtocol: standIn.protocol,
          maxNetworkRetries: 0,
        }),
      ],
    });
  });
  after(async () => {
    await c.store.stop();
    await standIn.stop();
  });

  const ledger = async (paymentId: string) =>
    (await query<LedgerRow>(c, 'select provider, status, reference, amount_authorized::int as amount_authorized, amount_captured::int as amount_captured from cw_payment where id = ?', [paymentId]))[0]!;

  async function checkout(paymentData?: Record<string, unknown>) {
    const variantId = await stockedVariant(c, `Gateway lamp ${Math.random()}`, 5, 2000);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'gpay', ...(paymentData ? { paymentData } : {}) });
    expect(response.status, response.text).to.equal(201);
    return response.body;
  }

  it('asks Google Pay to tokenize for Stripe with the store’s publishable key, then pays the order with the token: a PaymentIntent confirmed at once', async () => {
    const placed = await checkout();
    expect(placed.payment.status).to.equal('requires_action');
    const request = placed.payment.clientData.paymentDataRequest;
    expect(request.allowedPaymentMethods[0].tokenizationSpecification).to.deep.equal({
      type: 'PAYMENT_GATEWAY',
      parameters: { gateway: 'stripe', 'stripe:version': '2018-10-31', 'stripe:publishableKey': standIn.publishableKey },
    });
    expect(request.transactionInfo.totalPrice).to.equal('25.00');

    const payer = c.store.client.with({ 'x-order-token': placed.orderToken });
    const paid = await payer.post(`/store/orders/${placed.order.id}/payments`, { method: 'gpay', paymentData: { paymentData: stripeGooglePayData('tok_visa') } });
    expect(paid.status, paid.text).to.equal(201);
    expect(paid.body.status).to.equal('authorized');
    const row = await ledger(paid.body.paymentId);
    expect(row).to.deep.include({ provider: 'gpay', status: 'authorized', amount_authorized: 2500, amount_captured: 0 });
    const intent = standIn.paymentIntent(row.reference!);
    expect(intent).to.include({ status: 'requires_capture', amount: 2500, currency: 'usd' });
    // Stripe got the card token out of Google Pay's token, not the JSON around it
    const created = standIn.requests.find((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && JSON.stringify(r.body).includes(placed.order.id));
    expect(JSON.stringify(created?.body)).to.include('tok_visa');
    const order = await payer.get(`/store/orders/${placed.order.id}`);
    expect(order.body).to.include({ status: 'confirmed', paymentStatus: 'authorized' });
  });

  it('pays directly at checkout with `paymentData: { paymentData }`, and staff capture through Stripe', async () => {
    const placed = await checkout({ paymentData: stripeGooglePayData('tok_mastercard') });
    expect(placed.payment.status).to.equal('authorized');
    const captured = await c.admin.as.post(`/admin/orders/${placed.order.id}/payments/${placed.payment.id}/capture`, {});
    expect(captured.status, captured.text).to.equal(200);
    expect(captured.body).to.include({ provider: 'gpay', status: 'captured' });
    const row = await ledger(placed.payment.id);
    expect(row).to.deep.include({ status: 'captured', amount_captured: 2500 });
    expect(standIn.paymentIntent(row.reference!).status).to.equal('succeeded');
  });

  it('answers a declined card as 402 PAYMENT_DECLINED, leaving the order open to another attempt', async () => {
    const placed = await checkout();
    const payer = c.store.client.with({ 'x-order-token': placed.orderToken });
    const declined = await payer.post(`/store/orders/${placed.order.id}/payments`, { method: 'gpay', paymentData: { paymentData: stripeGooglePayData('tok_chargeDeclined') } });
    expect(declined.status, declined.text).to.equal(402);
    expect(declined.body.code).to.equal('PAYMENT_DECLINED');
    const retried = await payer.post(`/store/orders/${placed.order.id}/payments`, { method: 'gpay', paymentData: { paymentData: stripeGooglePayData('tok_visa') } });
    expect(retried.status, retried.text).to.equal(201);
    expect(retried.body.status).to.equal('authorized');
  });

  it('hands Stripe’s 3-D Secure step to the storefront, and Stripe’s webhook settles the Google Pay payment (settledThrough)', async () => {
    const placed = await checkout({ paymentData: stripeGooglePayData('tok_threeDSecure2Required') });
    expect(placed.payment.status).to.equal('requires_action');
    expect(placed.payment.clientData.clientSecret).to.be.a('string');
    const { reference } = await ledger(placed.payment.id);
    const intent = standIn.completeAction(reference!);
    const delivered = await standIn.sendWebhook(c.store, 'payment_intent.amount_capturable_updated', intent);
    expect(delivered.status, JSON.stringify(delivered.body)).to.equal(200);
    expect(await ledger(placed.payment.id)).to.deep.include({ provider: 'gpay', status: 'authorized', amount_authorized: 2500 });
  });

  it('refuses paymentData that is not Google Pay’s with 422 GPAY_PAYMENT_DATA_INVALID, and a DIRECT token with a pointer to its type', async () => {
    const placed = await checkout();
    const payer = c.store.client.with({ 'x-order-token': placed.orderToken });
    const missing = await payer.post(`/store/orders/${placed.order.id}/payments`, { method: 'gpay', paymentData: { paymentData: { apiVersion: 2 } } });
    expect(missing.status, missing.text).to.equal(422);
    expect(missing.body.code).to.equal('GPAY_PAYMENT_DATA_INVALID');
    const direct = stripeGooglePayData('tok_visa');
    direct.paymentMethodData.tokenizationData.type = 'DIRECT';
    const wrongType = await payer.post(`/store/orders/${placed.order.id}/payments`, { method: 'gpay', paymentData: { paymentData: direct } });
    expect(wrongType.status, wrongType.text).to.equal(422);
    expect(wrongType.body.errors[0].pointer).to.equal('/paymentData/paymentData/paymentMethodData/tokenizationData/type');
  });
});
