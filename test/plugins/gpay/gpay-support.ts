import { definePlugin, type AmountRequest, type InitiateRequest, type PaymentProvider, type ProviderResult, type ReferenceRequest } from '@cartwright/core';

interface Charge {
  result: ProviderResult;
  amount: number;
}

/**
 * A card gateway under the id `stripe`, in memory, for tests that do not run against the Stripe
 * stand-in: it takes `data.paymentMethodToken` or `data.card` as the Stripe provider does, authorizes
 * at once (manual capture), and keeps every `initiate` it was given so a test can see what Google
 * Pay handed over. A token `tok_chargeDeclined` is declined.
 */
export class FakeCardGateway implements PaymentProvider {
  readonly id = 'stripe';
  readonly name = 'Card gateway (fake)';
  readonly capturesOnShipment = true;
  readonly initiated: InitiateRequest[] = [];
  readonly #charges = new Map<string, Charge>();
  readonly #byKey = new Map<string, ProviderResult>();
  #next = 0;

  availability() {
    return { available: true as const, fee: 0 };
  }

  async initiate(request: InitiateRequest): Promise<ProviderResult> {
    const replay = this.#byKey.get(request.idempotencyKey);
    if (replay) return replay;
    this.initiated.push(request);
    const { paymentMethodToken, card } = request.data as { paymentMethodToken?: string; card?: { number?: string } };
    if (!paymentMethodToken && !card?.number) throw new Error('the fake gateway needs data.paymentMethodToken or data.card');
    const reference = `pi_fake_${++this.#next}`;
    const declined = paymentMethodToken === 'tok_chargeDeclined';
    const result: ProviderResult = declined
      ? { status: 'failed', reference, amountAuthorized: 0, amountCaptured: 0, amountRefunded: 0, rawStatus: 'requires_payment_method', failureReason: 'card_declined' }
      : { status: 'authorized', reference, amountAuthorized: request.amount, amountCaptured: 0, amountRefunded: 0, rawStatus: 'requires_capture' };
    this.#charges.set(reference, { result, amount: request.amount });
    this.#byKey.set(request.idempotencyKey, result);
    return result;
  }

  async authorize(request: ReferenceRequest): Promise<ProviderResult> {
    return this.status(request);
  }

  async capture(request: AmountRequest): Promise<ProviderResult> {
    return this.#change(request, (r) => {
      if (r.amountCaptured + request.amount > r.amountAuthorized) throw new Error(`cannot capture ${request.amount}: ${r.amountAuthorized - r.amountCaptured} left`);
      const captured = r.amountCaptured + request.amount;
      return { ...r, status: 'captured', amountCaptured: captured, rawStatus: 'succeeded' };
    });
  }

  async refund(request: AmountRequest & { reason: string }): Promise<ProviderResult> {
    return this.#change(request, (r) => {
      if (r.amountRefunded + request.amount > r.amountCaptured) throw new Error(`cannot refund ${request.amount}: ${r.amountCaptured - r.amountRefunded} refundable`);
      const refunded = r.amountRefunded + request.amount;
      return { ...r, status: refunded === r.amountCaptured ? 'refunded' : 'partially_refunded', amountRefunded: refunded };
    });
  }

  async void(request: ReferenceRequest): Promise<ProviderResult> {
    return this.#change(request, (r) => {
      if (r.amountCaptured > 0) throw new Error('cannot void a captured payment');
      return { ...r, status: 'voided', rawStatus: 'canceled' };
    });
  }

  async status(request: ReferenceRequest): Promise<ProviderResult> {
    return this.#charge(request.reference).result;
  }

  #charge(reference: string | null): Charge {
    const charge = reference ? this.#charges.get(reference) : undefined;
    if (!charge) throw new Error(`no payment ${reference}`);
    return charge;
  }

  async #change(request: ReferenceRequest, next: (result: ProviderResult) => ProviderResult): Promise<ProviderResult> {
    const replay = this.#byKey.get(request.idempotencyKey);
    if (replay) return replay;
    const charge = this.#charge(request.reference);
    charge.result = next(charge.result);
    this.#byKey.set(request.idempotencyKey, charge.result);
    return charge.result;
  }
}

/** A plugin that installs `gateway` as the store's `stripe` provider. */
export const fakeGatewayPlugin = (gateway: FakeCardGateway) =>
  definePlugin({
    name: 'test-fake-card-gateway',
    version: '0.0.0',
    register(api) {
      api.filter('payments.providers', (providers) => [...((providers as PaymentProvider[] | undefined) ?? []), gateway]);
    },
  })();

/** What `loadPaymentData` resolves with when Google Pay tokenizes the card for Stripe (the token is Stripe's JSON, as a string). */
export function stripeGooglePayData(tokenId: string) {
  const token = JSON.stringify({ id: tokenId, object: 'token', type: 'card', card: { brand: 'Visa', last4: '4242', tokenization_method: 'android_pay' } });
  return {
    apiVersion: 2,
    apiVersionMinor: 0,
    paymentMethodData: { type: 'CARD', description: 'Visa •••• 4242', info: { cardNetwork: 'VISA', cardDetails: '4242' }, tokenizationData: { type: 'PAYMENT_GATEWAY', token } },
  };
}
