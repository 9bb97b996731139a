import { expect } from 'chai';
import { StripeProvider } from '@cartwright/plugin-stripe';

const secretKey = process.env.STRIPE_SECRET_KEY ?? '';
const live = secretKey.startsWith('sk_test_');

describe('stripe: against Stripe’s test mode', () => {
  if (!live) {
    it('runs the manual-capture flow against api.stripe.com (set STRIPE_SECRET_KEY=sk_test_… to run)');
    return;
  }

  it('authorizes with tok_visa, captures part, refunds part, and status() agrees', async function () {
    this.timeout(60_000);
    const provider = new StripeProvider({ secretKey, captureMethod: 'manual' });
    const suffix = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const started = await provider.initiate({
      paymentId: `pay_live${suffix}`,
      orderId: `ord_live${suffix}`,
      orderNumber: `LIVE-${suffix}`,
      amount: 2000,
      currencyCode: 'EUR',
      email: 'buyer@example.com',
      idempotencyKey: `live-${suffix}:initiate`,
      data: { paymentMethodToken: 'tok_visa' },
    });
    expect(started).to.include({ status: 'authorized', amountAuthorized: 2000 });
    const base = { paymentId: `pay_live${suffix}`, reference: started.reference, currencyCode: 'EUR', actor: { kind: 'system', id: null } };
    const captured = await provider.capture({ ...base, amount: 1500, idempotencyKey: `live-${suffix}:capture` });
    expect(captured).to.include({ status: 'captured', amountCaptured: 1500 });
    const refunded = await provider.refund({ ...base, amount: 500, reason: 'live test', idempotencyKey: `live-${suffix}:refund` });
    expect(refunded).to.include({ status: 'partially_refunded', amountRefunded: 500 });
    expect(await provider.status({ ...base, idempotencyKey: 'unused' })).to.deep.include({ status: 'partially_refunded', amountCaptured: 1500, amountRefunded: 500 });
  });
});
