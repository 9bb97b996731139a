import assert from 'node:assert/strict';
import { expect } from 'chai';
import Stripe from 'stripe';
import { PaymentWebhookError, type Cradle, type InitiateRequest } from '@cartwright/core';
import { createTestStore } from '@cartwright/core/testing';
import stripe, { CircuitOpenError, StripeAmountError, StripeProvider, type StripeProviderSettings } from '@cartwright/plugin-stripe';
import { startStripeStandIn, type StripeStandIn } from '@cartwright/plugin-stripe/testing';
import { standInOptions } from './stripe-support.ts';

let attempts = 0;
const request = (overrides: Partial<InitiateRequest> = {}): InitiateRequest => {
  attempts += 1;
  return {
    paymentId: `pay_unit${attempts}`,
    orderId: `ord_unit${attempts}`,
    orderNumber: `U-${attempts}`,
    amount: 1500,
    currencyCode: 'USD',
    email: 'buyer@example.com',
    idempotencyKey: `pay_unit${attempts}:initiate`,
    data: {},
    ...overrides,
  };
};

describe('stripe provider (against the stand-in)', () => {
  let standIn: StripeStandIn;
  before(async () => {
    standIn = await startStripeStandIn();
  });
  after(() => standIn.stop());
  afterEach(() => {
    standIn.down(false);
    standIn.fail5xx(0);
  });

  const provider = (settings: Partial<StripeProviderSettings> = {}, logger?: Cradle['logger']) => new StripeProvider({ ...standInOptions(standIn), ...settings }, logger);
  const requestsFor = (paymentId: string) =>
    standIn.requests.filter((r) => r.path === '/v1/payment_intents' && (r.body.metadata as Record<string, string> | undefined)?.cartwright_payment_id === paymentId);

  it('sends JPY as the same integer and KWD in thousandths', async () => {
    const yen = await provider().initiate(request({ amount: 1500, currencyCode: 'JPY' }));
    expect(standIn.paymentIntent(yen.reference!)).to.include({ amount: 1500, currency: 'jpy' });
    expect(yen).to.include({ status: 'pending', amountAuthorized: 0 });
    const dinar = await provider().initiate(request({ amount: 12_340, currencyCode: 'KWD' }));
    expect(standIn.paymentIntent(dinar.reference!)).to.include({ amount: 12_340, currency: 'kwd' });
  });

  it('refuses a KWD amount Stripe cannot take: unavailable with the reason, and initiate never calls Stripe', async () => {
    const availability = provider().availability({ currencyCode: 'KWD', amount: 12_345, countryCode: 'KW' });
    expect(availability.available).to.equal(false);
    expect((availability as { reason: string }).reason).to.match(/ending in 0/);
    const refused = request({ amount: 12_345, currencyCode: 'KWD' });
    await assert.rejects(provider().initiate(refused), StripeAmountError);
    expect(requestsFor(refused.paymentId)).to.have.length(0);
  });

  it('a declined card is a failed result with the decline code, keeping the PaymentIntent as reference', async () => {
    const result = await provider().initiate(request({ data: { paymentMethodToken: 'tok_chargeDeclined' } }));
    expect(result).to.include({ status: 'failed', failureReason: 'generic_decline', amountAuthorized: 0 });
    expect(result.reference).to.match(/^pi_/);
    expect(standIn.paymentIntent(result.reference!).status).to.equal('requires_payment_method');
  });

  it('a PaymentMethod id confirms at once; 3-D Secure then completes to authorized with manual capture', async () => {
    const manual = provider({ captureMethod: 'manual' });
    expect(manual.capturesOnShipment).to.equal(true);
    const started = await manual.initiate(request({ data: { paymentMethod: 'pm_card_threeDSecure2Required' } }));
    expect(started.status).to.equal('requires_action');
    expect(started.clientData).to.have.property('clientSecret').that.matches(/_secret_/);
    standIn.completeAction(started.reference!);
    const authorized = await manual.authorize({ paymentId: 'pay_x', reference: started.reference, idempotencyKey: 'k' });
    expect(authorized).to.include({ status: 'authorized', amountAuthorized: 1500, amountCaptured: 0 });
  });

  it('a partial capture keeps the authorized amount and captures the part', async () => {
    const manual = provider({ captureMethod: 'manual' });
    const started = await manual.initiate(request({ data: { paymentMethodToken: 'tok_visa' } }));
    expect(started.status).to.equal('authorized');
    const captured = await manual.capture({ paymentId: 'pay_x', reference: started.reference, idempotencyKey: `${started.reference}:cap`, amount: 1000, currencyCode: 'USD', actor: { kind: 'system', id: null } });
    expect(captured).to.include({ status: 'captured', amountAuthorized: 1500, amountCaptured: 1000, amountRefunded: 0 });
  });

  it('the SDK retries Stripe’s 5xx with the same Idempotency-Key, and the payment is created once', async () => {
    standIn.fail5xx(2);
    const sent = request();
    const result = await provider({ maxNetworkRetries: 2 }).initiate(sent);
    expect(result.status).to.equal('pending');
    const calls = requestsFor(sent.paymentId);
    expect(calls.map((r) => r.idempotencyKey)).to.deep.equal([sent.idempotencyKey, sent.idempotencyKey, sent.idempotencyKey]);
  });

  it('throws when Stripe keeps failing after the retries', async () => {
    standIn.fail5xx(5);
    await assert.rejects(provider({ maxNetworkRetries: 1 }).initiate(request()), Stripe.errors.StripeAPIError);
  });

  it('the breaker opens after consecutive outages, fails fast, and lets one trial call through after the cool-down', async () => {
    let now = 1_000_000;
    const guarded = provider({ breaker: { failures: 2, coolDownSeconds: 30 }, now: () => now });
    standIn.down(true);
    for (let i = 0; i < 2; i += 1) await assert.rejects(guarded.initiate(request()), Stripe.errors.StripeConnectionError);
    expect(guarded.retryAfter()).to.equal(30);
    const seen = standIn.requests.length;
    await assert.rejects(guarded.initiate(request()), CircuitOpenError);
    expect(standIn.requests.length).to.equal(seen);
    now += 30_000;
    expect(guarded.retryAfter()).to.equal(null);
    standIn.down(false);
    expect((await guarded.initiate(request())).status).to.equal('pending');
    expect(guarded.retryAfter()).to.equal(null);
  });

  it('Stripe refusing a request (4xx) does not count against it', async () => {
    const guarded = provider({ breaker: { failures: 1, coolDownSeconds: 30 } });
    const pending = await guarded.initiate(request());
    await assert.rejects(guarded.capture({ paymentId: 'pay_x', reference: pending.reference, idempotencyKey: `${pending.reference}:c`, amount: 1500, currencyCode: 'USD', actor: { kind: 'system', id: null } }));
    expect(guarded.retryAfter()).to.equal(null);
  });

  it('without a webhookSecret every webhook is refused', async () => {
    const unconfigured = new StripeProvider({ ...standInOptions(standIn), webhookSecret: undefined as never });
    await assert.rejects(unconfigured.handleWebhook({ rawBody: Buffer.from('{}'), headers: { 'stripe-signature': 't=1,v1=abc' } }), PaymentWebhookError);
  });

  it('acknowledges an event it does not act on with null, logged at info', async () => {
    const logged: unknown[][] = [];
    const logger = { info: (...args: unknown[]) => logged.push(args) } as unknown as Cradle['logger'];
    const payload = JSON.stringify({ id: 'evt_unknown1', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1' } } });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: standIn.webhookSecret });
    const outcome = await provider({}, logger).handleWebhook({ rawBody: Buffer.from(payload), headers: { 'stripe-signature': signature } });
    expect(outcome).to.equal(null);
    expect(logged).to.have.length(1);
    expect(logged[0]![0]).to.deep.include({ eventId: 'evt_unknown1', type: 'customer.created' });
  });
});

describe('stripe plugin options', () => {
  const startFailure = async (options: unknown): Promise<Error> => {
    let failure: Error | undefined;
    await createTestStore({ plugins: [stripe(options as never)] }).then(
      (store) => store.stop(),
      (error: Error) => {
        failure = error;
      },
    );
    assert.ok(failure, 'the store started with options it should refuse');
    return failure;
  };

  it('refuses a key that is not a secret key, and a webhook secret that is not whsec_', async () => {
    const failure = await startFailure({ secretKey: 'pk_live_123', webhookSecret: 'secret' });
    expect(failure.message).to.contain('plugins[0].options.secretKey (plugin "@cartwright/plugin-stripe")');
    expect(failure.message).to.contain('plugins[0].options.webhookSecret (plugin "@cartwright/plugin-stripe")');
  });

  it('refuses an unknown capture method', async () => {
    const failure = await startFailure({ secretKey: 'sk_test_123', captureMethod: 'later' });
    expect(failure.message).to.contain('plugins[0].options.captureMethod');
  });
});
