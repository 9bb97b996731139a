import Stripe from 'stripe';
import {
  PaymentWebhookError,
  type AmountRequest,
  type Cradle,
  type InitiateRequest,
  type PaymentContext,
  type PaymentProvider,
  type ProviderResult,
  type ReferenceRequest,
  type WebhookOutcome,
  type WebhookRequest,
} from '@cartwright/core';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { StripeOptions } from './options.ts';
import { StripeAmountError, toStripeAmount } from './stripe-amounts.ts';
import { resultOf } from './stripe-status.ts';
import { outcomeOf } from './webhook-events.ts';

type Logger = Cradle['logger'];

const EXPAND_CHARGE = ['latest_charge'];

/** Options with their defaults applied, plus what tests inject (a clock for the breaker). */
export interface StripeProviderSettings extends StripeOptions {
  now?: () => number;
}

/** Decrypted Google Pay credentials (direct mode), as the storefront's server side hands them over. */
interface RawCard {
  number: string;
  expMonth: number;
  expYear: number;
}

/** Connection failures, timeouts and Stripe's 5xx: the gateway is not working (a 4xx is it working). */
export function isOutage(error: unknown): boolean {
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError) return true;
  return error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500;
}

/**
 * Card payments through Stripe PaymentIntents, one per payment attempt. Calls go through the
 * official SDK (which retries connection errors, 409 and 5xx with the same Idempotency-Key) and a
 * circuit breaker (which stops calling a Stripe that keeps failing, so checkout can answer 503 at
 * once instead of waiting on timeouts).
 */
export class StripeProvider implements PaymentProvider {
  readonly id: string;
  readonly name: string;
  readonly capturesOnShipment: boolean;
  readonly #stripe: Stripe;
  readonly #options: StripeProviderSettings;
  readonly #breaker: CircuitBreaker;
  readonly #logger: Logger | undefined;

  constructor(options: StripeProviderSettings, logger?: Logger) {
    this.id = options.id ?? 'stripe';
    this.name = options.name ?? 'Card (Stripe)';
    this.capturesOnShipment = options.captureMethod === 'manual';
    this.#options = options;
    this.#logger = logger;
    this.#breaker = new CircuitBreaker({ failures: options.breaker?.failures ?? 5, coolDownSeconds: options.breaker?.coolDownSeconds ?? 30, ...(options.now ? { now: options.now } : {}) });
    this.#stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      timeout: options.timeoutMs ?? 20_000,
      telemetry: false,
      appInfo: { name: '@cartwright/plugin-stripe', version: '0.1.0' },
      ...(options.apiHost ? { host: options.apiHost } : {}),
      ...(options.apiPort ? { port: options.apiPort } : {}),
      ...(options.apiProtocol ? { protocol: options.apiProtocol } : {}),
    });
  }

  retryAfter(): number | null {
    return this.#breaker.retryAfter();
  }

  availability(context: PaymentContext): { available: true; fee: number } | { available: false; reason: string } {
    try {
      toStripeAmount(context.amount, context.currencyCode);
    } catch (error) {
      if (error instanceof StripeAmountError) return { available: false, reason: error.message };
      throw error;
    }
    return { available: true, fee: 0 };
  }

  /**
   * Creates the attempt's PaymentIntent. With a token (`paymentMethodToken`, e.g. from Google Pay),
   * a PaymentMethod (`paymentMethod`) or raw card data (`card`), it is confirmed at once; otherwise
   * the storefront confirms it with the client secret (Stripe.js), and a webhook tells the outcome.
   */
  async initiate(request: InitiateRequest): Promise<ProviderResult> {
    const currency = request.currencyCode.toLowerCase();
    const params: Record<string, unknown> = {
      amount: toStripeAmount(request.amount, request.currencyCode),
      currency,
      capture_method: this.#options.captureMethod ?? 'automatic',
      receipt_email: request.email,
      description: `Order ${request.orderNumber}`,
      metadata: { cartwright_order_id: request.orderId, cartwright_payment_id: request.paymentId, cartwright_order_number: request.orderNumber },
      expand: EXPAND_CHARGE,
      ...(this.#options.statementDescriptor ? { statement_descriptor_suffix: this.#options.statementDescriptor } : {}),
      ...confirmation(request.data),
    };
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.#call(() => this.#stripe.paymentIntents.create(params as unknown as Stripe.PaymentIntentCreateParams, { idempotencyKey: request.idempotencyKey }));
    } catch (error) {
      const declined = declineOf(error);
      if (declined) return declined;
      throw error;
    }
    return resultOf(intent, this.#clientData(intent));
  }

  /** The PaymentIntent as Stripe has it now: authorized once the buyer confirmed (and passed 3-D Secure). */
  async authorize(request: ReferenceRequest): Promise<ProviderResult> {
    return this.status(request);
  }

  /** Captures `amount` of an authorization (less than it when the order was edited down); Stripe releases the rest. */
  async capture(request: AmountRequest): Promise<ProviderResult> {
    const reference = requireReference(request);
    const intent = await this.#call(() =>
      this.#stripe.paymentIntents.capture(reference, { amount_to_capture: toStripeAmount(request.amount, request.currencyCode), expand: EXPAND_CHARGE }, { idempotencyKey: request.idempotencyKey }),
    );
    return resultOf(intent);
  }

  /** A refund of the PaymentIntent's charge; the answer is the payment after it (the charge's `amount_refunded`). */
  async refund(request: AmountRequest & { reason: string }): Promise<ProviderResult> {
    const reference = requireReference(request);
    const refund = await this.#call(() =>
      this.#stripe.refunds.create(
        {
          payment_intent: reference,
          amount: toStripeAmount(request.amount, request.currencyCode),
          // Stripe's own reason is a short enum: ours goes into metadata, for staff reading the dashboard
          metadata: { cartwright_payment_id: request.paymentId, cartwright_reason: request.reason.slice(0, 500) },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    const after = await this.status(request);
    if (refund.status === 'failed' || refund.status === 'canceled') {
      return { ...after, status: 'failed', failureReason: refund.failure_reason ?? `refund_${refund.status}` };
    }
    return after;
  }

  /** Cancels the PaymentIntent (releasing an authorization); one never created has nothing to cancel. */
  async void(request: ReferenceRequest): Promise<ProviderResult> {
    if (!request.reference) return { status: 'voided', reference: null, amountAuthorized: 0, amountCaptured: 0, amountRefunded: 0, rawStatus: 'canceled' };
    const reference = request.reference;
    const intent = await this.#call(() => this.#stripe.paymentIntents.cancel(reference, { expand: EXPAND_CHARGE }, { idempotencyKey: request.idempotencyKey }));
    return resultOf(intent);
  }

  async status(request: ReferenceRequest): Promise<ProviderResult> {
    const reference = requireReference(request);
    const intent = await this.#call(() => this.#stripe.paymentIntents.retrieve(reference, { expand: EXPAND_CHARGE }));
    return resultOf(intent, this.#clientData(intent));
  }

  /** Verifies Stripe's signature on the raw body (and its age), then says what the event means. */
  async handleWebhook(request: WebhookRequest): Promise<WebhookOutcome | null> {
    const secret = this.#options.webhookSecret;
    if (!secret) throw new PaymentWebhookError('Stripe webhooks are not configured: set webhookSecret (whsec_…) in the plugin options');
    const header = request.headers['stripe-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature) throw new PaymentWebhookError('The request has no Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.#stripe.webhooks.constructEvent(request.rawBody, signature, secret, this.#options.webhookToleranceSeconds ?? 300);
    } catch (error) {
      throw new PaymentWebhookError(error instanceof Error ? error.message : 'The Stripe signature does not verify');
    }
    const outcome = outcomeOf(event);
    if (!outcome) this.#logger?.info({ provider: this.id, eventId: event.id, type: event.type }, 'Stripe event acknowledged and ignored');
    return outcome;
  }

  #call<T>(call: () => Promise<T>): Promise<T> {
    return this.#breaker.run('Stripe', call, isOutage);
  }

  #clientData(intent: Stripe.PaymentIntent): Record<string, unknown> {
    return { clientSecret: intent.client_secret, ...(this.#options.publishableKey ? { publishableKey: this.#options.publishableKey } : {}) };
  }
}

function requireReference(request: ReferenceRequest): string {
  if (!request.reference) throw new Error(`Payment ${request.paymentId} has no Stripe PaymentIntent (its start never reached Stripe)`);
  return request.reference;
}

/** The PaymentIntent parameters that confirm it at once, when the storefront sent a way to pay. */
function confirmation(data: Record<string, unknown>): Record<string, unknown> {
  const returnUrl = typeof data.returnUrl === 'string' ? { return_url: data.returnUrl } : {};
  // confirming on the server: only cards, so no redirect-based method asks for a return_url
  const serverConfirmed = { confirm: true, payment_method_types: ['card'], ...returnUrl };
  if (typeof data.paymentMethodToken === 'string') {
    return { ...serverConfirmed, payment_method_data: { type: 'card', card: { token: data.paymentMethodToken } } };
  }
  if (typeof data.paymentMethod === 'string') return { ...serverConfirmed, payment_method: data.paymentMethod };
  const card = rawCard(data.card);
  if (card) {
    return { ...serverConfirmed, payment_method_data: { type: 'card', card: { number: card.number, exp_month: card.expMonth, exp_year: card.expYear } } };
  }
  return returnUrl;
}

function rawCard(value: unknown): RawCard | null {
  if (!value || typeof value !== 'object') return null;
  const card = value as Record<string, unknown>;
  if (typeof card.number !== 'string' || typeof card.expMonth !== 'number' || typeof card.expYear !== 'number') return null;
  return { number: card.number, expMonth: card.expMonth, expYear: card.expYear };
}

/** A declined card is an outcome, not an error: the failed result, with the PaymentIntent Stripe kept when there is one. */
function declineOf(error: unknown): ProviderResult | null {
  if (!(error instanceof Stripe.errors.StripeCardError)) return null;
  const reason = error.decline_code ?? error.code ?? 'card_declined';
  const intent = (error.raw as { payment_intent?: Stripe.PaymentIntent } | undefined)?.payment_intent;
  if (intent) return { ...resultOf(intent), status: 'failed', failureReason: reason };
  return { status: 'failed', reference: null, amountAuthorized: 0, amountCaptured: 0, amountRefunded: 0, rawStatus: 'card_error', failureReason: reason };
}
