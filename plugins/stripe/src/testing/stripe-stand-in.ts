import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { listOf, parseStripeForm, type FormObject, type FormValue } from './form-encoding.ts';

interface ChargeState {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  refunded: boolean;
  currency: string;
  payment_intent: string;
  status: 'succeeded' | 'failed';
}

interface PaymentIntentState {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status: Stripe.PaymentIntent.Status;
  capture_method: 'automatic' | 'manual';
  client_secret: string;
  metadata: Record<string, string>;
  latest_charge: string | null;
  last_payment_error: { type: string; code: string; decline_code?: string; message: string } | null;
  next_action: { type: string } | null;
  payment_method: string | null;
  created: number;
  livemode: false;
}

/** A PaymentIntent as the stand-in answers it, with `latest_charge` expanded. */
export type StandInPaymentIntent = Omit<PaymentIntentState, 'latest_charge'> & { latest_charge: ChargeState | null };

/** One request that reached the stand-in (also those it refused while down or failing). */
export interface StandInRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  body: FormObject;
}

export interface SentWebhook {
  status: number;
  body: unknown;
  event: { id: string; type: string; data: { object: unknown } };
}

export interface WebhookSendOptions {
  /** The event id (default: a new `evt_…`); send the same id twice to see it applied once. */
  id?: string;
  /** Seconds since the epoch the signature is made at (default: now); an old one is stale. */
  timestamp?: number;
  /** Sign with another secret (a forged request). */
  secret?: string;
  /** Send this Stripe-Signature as is; null sends none. */
  signature?: string | null;
  /** The provider id in `/webhooks/:id` (default `stripe`). */
  providerId?: string;
}

/** A local Stripe API for tests; see `startStripeStandIn`. */
export interface StripeStandIn {
  host: string;
  port: number;
  protocol: 'http';
  url: string;
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** Every request received, oldest first. */
  readonly requests: StandInRequest[];
  /** The PaymentIntent as Stripe would answer it now (latest_charge expanded). */
  paymentIntent(id: string): StandInPaymentIntent;
  /** What the buyer does with Stripe.js: confirms with a test token or PaymentMethod (`tok_visa`, `tok_threeDSecure2Required`, `tok_chargeDeclined`). */
  confirm(id: string, source?: string): StandInPaymentIntent;
  /** The buyer passes (or fails) 3-D Secure. */
  completeAction(id: string, outcome?: 'succeed' | 'fail'): StandInPaymentIntent;
  /** The next confirmation is declined with this decline code (`insufficient_funds`). */
  setNextDecline(declineCode: string): void;
  /** The next `n` requests answer 500 `api_error`. */
  fail5xx(n: number): void;
  /** While down, every connection is dropped (the SDK sees a connection error). */
  down(isDown: boolean): void;
  /** Signs a Stripe event about `object` and POSTs it to the store's `/webhooks/stripe`. */
  sendWebhook(store: { url: string }, type: string, object: unknown, options?: WebhookSendOptions): Promise<SentWebhook>;
  stop(): Promise<void>;
}

const SUCCEEDING = new Set(['tok_visa', 'tok_mastercard', 'tok_amex', 'pm_card_visa', 'pm_card_mastercard', '4242424242424242', '5555555555554444']);
const NEEDING_ACTION = new Set(['tok_threeDSecure2Required', 'tok_threeDSecure', 'pm_card_threeDSecure2Required', '4000002760003184', '4000000000003220']);
const DECLINING: Record<string, string> = {
  tok_chargeDeclined: 'generic_decline',
  pm_card_chargeDeclined: 'generic_decline',
  '4000000000000002': 'generic_decline',
  tok_chargeDeclinedInsufficientFunds: 'insufficient_funds',
  pm_card_chargeDeclinedInsufficientFunds: 'insufficient_funds',
  '4000000000009995': 'insufficient_funds',
};

/** An answer in Stripe's shape: a status and a JSON body. */
interface Answer {
  status: number;
  body: unknown;
}

class StripeFailure extends Error {
  readonly status: number;
  readonly body: { error: Record<string, unknown> };

  constructor(status: number, error: Record<string, unknown>) {
    super(String(error.message));
    this.status = status;
    this.body = { error };
  }
}

const invalid = (message: string, code = 'parameter_invalid', param?: string) =>
  new StripeFailure(400, { type: 'invalid_request_error', code, message, ...(param ? { param } : {}) });

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

function text(value: FormValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function integer(value: FormValue | undefined, param: string): number | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw invalid(`Invalid integer: ${raw}`, 'parameter_invalid_integer', param);
  return Number(raw);
}

/**
 * Starts a stand-in of the parts of Stripe's API the plugin uses, on 127.0.0.1 and a free port: the
 * form-encoded wire format, Bearer auth, `Idempotency-Key` replay (and refusal of a key reused with
 * another body), Stripe's error bodies and statuses, PaymentIntents with their charge, and refunds.
 * Point the plugin at it with `apiHost`/`apiPort`/`apiProtocol` (or the SDK with host/port/protocol).
 */
export async function startStripeStandIn(): Promise<StripeStandIn> {
  const secretKey = `sk_test_standin${randomBytes(8).toString('hex')}`;
  const webhookSecret = `whsec_standin${randomBytes(8).toString('hex')}`;
  const intents = new Map<string, PaymentIntentState>();
  const charges = new Map<string, ChargeState>();
  const replies = new Map<string, { fingerprint: string; answer: Answer }>();
  const requests: StandInRequest[] = [];
  let nextDecline: string | null = null;
  let failing = 0;
  let isDown = false;

  const view = (intent: PaymentIntentState): StandInPaymentIntent =>
    structuredClone({ ...intent, latest_charge: intent.latest_charge ? charges.get(intent.latest_charge)! : null });
  const answerIntent = (intent: PaymentIntentState, expand: string[]) => (expand.includes('latest_charge') ? view(intent) : structuredClone(intent));

  const intentOf = (id: string): PaymentIntentState => {
    const intent = intents.get(id);
    if (!intent) throw new StripeFailure(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${id}'`, param: 'intent' });
    return intent;
  };

  const unexpectedState = (intent: PaymentIntentState, action: string) =>
    invalid(`You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`, 'payment_intent_unexpected_state');

  const authorized = (intent: PaymentIntentState): void => {
    const manual = intent.capture_method === 'manual';
    const charge: ChargeState = {
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: manual ? 0 : intent.amount,
      amount_refunded: 0,
      captured: !manual,
      refunded: false,
      currency: intent.currency,
      payment_intent: intent.id,
      status: 'succeeded',
    };
    charges.set(charge.id, charge);
    Object.assign(intent, {
      latest_charge: charge.id,
      last_payment_error: null,
      next_action: null,
      status: manual ? 'requires_capture' : 'succeeded',
      amount_capturable: manual ? intent.amount : 0,
      amount_received: manual ? 0 : intent.amount,
    });
  };

  const declined = (intent: PaymentIntentState, declineCode: string): StripeFailure => {
    const charge: ChargeState = { id: newId('ch'), object: 'charge', amount: intent.amount, amount_captured: 0, amount_refunded: 0, captured: false, refunded: false, currency: intent.currency, payment_intent: intent.id, status: 'failed' };
    charges.set(charge.id, charge);
    const error = { type: 'card_error', code: 'card_declined', decline_code: declineCode, message: 'Your card was declined.' };
    Object.assign(intent, { status: 'requires_payment_method', last_payment_error: error, latest_charge: charge.id, next_action: null });
    return new StripeFailure(402, { ...error, charge: charge.id, payment_intent: view(intent) });
  };

  /** Confirms with a test card; throws Stripe's 402 for a declining one. */
  const confirmWith = (intent: PaymentIntentState, source: string): void => {
    if (!['requires_payment_method', 'requires_confirmation'].includes(intent.status)) throw unexpectedState(intent, 'confirm');
    intent.payment_method = source.startsWith('pm_') ? source : newId('pm');
    const decline = nextDecline ?? DECLINING[source];
    nextDecline = null;
    if (decline) throw declined(intent, decline);
    if (NEEDING_ACTION.has(source)) {
      Object.assign(intent, { status: 'requires_action', next_action: { type: 'use_stripe_sdk' }, last_payment_error: null });
      return;
    }
    if (!SUCCEEDING.has(source)) throw invalid(`No such token or test card: '${source}'`, 'resource_missing');
    authorized(intent);
  };

  const sourceOf = (body: FormObject): string | undefined => {
    const method = text(body.payment_method);
    if (method) return method;
    const data = body.payment_method_data;
    if (typeof data !== 'object') return undefined;
    if (text(data.type) !== 'card' || typeof data.card !== 'object') throw invalid('payment_method_data[type] must be card', 'parameter_invalid', 'payment_method_data[type]');
    return text(data.card.token) ?? text(data.card.number);
  };

  const routes: Array<{ method: string; pattern: RegExp; handle: (match: RegExpMatchArray, body: FormObject) => Answer }> = [
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents$/,
      handle: (_m, body) => {
        const amount = integer(body.amount, 'amount');
        const currency = text(body.currency);
        if (amount === undefined || amount < 1) throw invalid('Missing required param: amount.', 'parameter_missing', 'amount');
        if (!currency) throw invalid('Missing required param: currency.', 'parameter_missing', 'currency');
        if (['bhd', 'jod', 'kwd', 'omr', 'tnd'].includes(currency) && amount % 10 !== 0) throw invalid(`Invalid amount for ${currency}: the last digit must be 0.`, 'amount_invalid', 'amount');
        const id = newId('pi');
        const intent: PaymentIntentState = {
          id,
          object: 'payment_intent',
          amount,
          amount_capturable: 0,
          amount_received: 0,
          currency,
          status: 'requires_payment_method',
          capture_method: text(body.capture_method) === 'manual' ? 'manual' : 'automatic',
          client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
          metadata: typeof body.metadata === 'object' ? (body.metadata as Record<string, string>) : {},
          latest_charge: null,
          last_payment_error: null,
          next_action: null,
          payment_method: null,
          created: Math.floor(Date.now() / 1000),
          livemode: false,
        };
        intents.set(id, intent);
        const source = sourceOf(body);
        if (text(body.confirm) === 'true') {
          if (!source) throw invalid('You cannot confirm this PaymentIntent because it\'s missing a payment method.', 'payment_intent_unexpected_state');
          confirmWith(intent, source);
        } else if (source) {
          Object.assign(intent, { status: 'requires_confirmation', payment_method: source });
        }
        return { status: 200, body: answerIntent(intent, listOf(body.expand)) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/payment_intents\/([^/]+)$/,
      handle: (m, query) => ({ status: 200, body: answerIntent(intentOf(m[1]!), listOf(query.expand)) }),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
      handle: (m, body) => {
        const intent = intentOf(m[1]!);
        const source = sourceOf(body) ?? intent.payment_method ?? undefined;
        if (!source) throw invalid('You cannot confirm this PaymentIntent because it\'s missing a payment method.', 'payment_intent_unexpected_state');
        confirmWith(intent, source);
        return { status: 200, body: answerIntent(intent, listOf(body.expand)) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/capture$/,
      handle: (m, body) => {
        const intent = intentOf(m[1]!);
        if (intent.status !== 'requires_capture') throw unexpectedState(intent, 'capture');
        const amount = integer(body.amount_to_capture, 'amount_to_capture') ?? intent.amount_capturable;
        if (amount < 1 || amount > intent.amount_capturable) {
          throw invalid(`The amount to capture (${amount}) must be positive and at most the amount capturable (${intent.amount_capturable}).`, 'amount_too_large', 'amount_to_capture');
        }
        const charge = charges.get(intent.latest_charge!)!;
        Object.assign(charge, { amount_captured: amount, captured: true });
        Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
        return { status: 200, body: answerIntent(intent, listOf(body.expand)) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
      handle: (m, body) => {
        const intent = intentOf(m[1]!);
        if (!['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture', 'processing'].includes(intent.status)) throw unexpectedState(intent, 'cancel');
        Object.assign(intent, { status: 'canceled', amount_capturable: 0, next_action: null });
        return { status: 200, body: answerIntent(intent, listOf(body.expand)) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/refunds$/,
      handle: (_m, body) => {
        const intentId = text(body.payment_intent);
        if (!intentId) throw invalid('Missing required param: payment_intent.', 'parameter_missing', 'payment_intent');
        const intent = intentOf(intentId);
        const charge = intent.latest_charge ? charges.get(intent.latest_charge) : undefined;
        if (!charge || intent.status !== 'succeeded' || !charge.captured) {
          throw invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'charge_not_refundable');
        }
        const left = charge.amount_captured - charge.amount_refunded;
        if (left <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
        const amount = integer(body.amount, 'amount') ?? left;
        if (amount < 1 || amount > left) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount_too_large', 'amount');
        charge.amount_refunded += amount;
        charge.refunded = charge.amount_refunded === charge.amount_captured;
        const refund = { id: newId('re'), object: 'refund', amount, currency: charge.currency, charge: charge.id, payment_intent: intent.id, status: 'succeeded', metadata: body.metadata ?? {} };
        return { status: 200, body: refund };
      },
    },
  ];

  const respond = (response: ServerResponse, answer: Answer, headers: Record<string, string> = {}) => {
    response.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': newId('req'), ...headers });
    response.end(JSON.stringify(answer.body));
  };

  const handle = (request: IncomingMessage, raw: string, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = request.method ?? 'GET';
    const body = parseStripeForm(method === 'GET' ? url.search.slice(1) : raw);
    const keyHeader = request.headers['idempotency-key'];
    const idempotencyKey = typeof keyHeader === 'string' ? keyHeader : null;
    requests.push({ method, path: url.pathname, idempotencyKey, body });
    if (isDown) {
      request.socket.destroy();
      return;
    }
    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      respond(response, { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } } });
      return;
    }
    if (failing > 0) {
      failing -= 1;
      respond(response, { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred (stand-in fail5xx).' } } });
      return;
    }
    const fingerprint = `${method} ${url.pathname} ${raw}`;
    if (method === 'POST' && idempotencyKey) {
      const earlier = replies.get(idempotencyKey);
      if (earlier && earlier.fingerprint !== fingerprint) {
        respond(response, {
          status: 400,
          body: { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.` } },
        });
        return;
      }
      if (earlier) {
        respond(response, earlier.answer, { 'idempotent-replayed': 'true' });
        return;
      }
    }
    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    let answer: Answer;
    try {
      if (!route) throw new StripeFailure(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${url.pathname}).` });
      answer = route.handle(url.pathname.match(route.pattern)!, body);
    } catch (error) {
      if (!(error instanceof StripeFailure)) throw error;
      answer = { status: error.status, body: error.body };
    }
    // Stripe saves the outcome of a request that began executing (a decline included), not a refused parameter
    if (method === 'POST' && idempotencyKey && (answer.status < 400 || answer.status === 402)) replies.set(idempotencyKey, { fingerprint, answer });
    respond(response, answer);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        handle(request, Buffer.concat(chunks).toString('utf8'), response);
      } catch (error) {
        respond(response, { status: 500, body: { error: { type: 'api_error', message: `stand-in bug: ${String(error)}` } } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    url: `http://127.0.0.1:${port}`,
    secretKey,
    publishableKey: 'pk_test_standin',
    webhookSecret,
    requests,
    paymentIntent: (id) => view(intentOf(id)),
    confirm(id, source = 'tok_visa') {
      const intent = intentOf(id);
      try {
        confirmWith(intent, source);
      } catch (error) {
        if (!(error instanceof StripeFailure) || error.status !== 402) throw error;
      }
      return view(intent);
    },
    completeAction(id, outcome = 'succeed') {
      const intent = intentOf(id);
      if (intent.status !== 'requires_action') throw new Error(`PaymentIntent ${id} is ${intent.status}, not requires_action`);
      if (outcome === 'succeed') authorized(intent);
      else declined(intent, 'authentication_required');
      return view(intent);
    },
    setNextDecline(declineCode) {
      nextDecline = declineCode;
    },
    fail5xx(n) {
      failing = n;
    },
    down(flag) {
      isDown = flag;
    },
    async sendWebhook(store, type, object, options = {}) {
      const event = {
        id: options.id ?? newId('evt'),
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
        data: { object },
      };
      const payload = JSON.stringify(event);
      const signature =
        options.signature !== undefined
          ? options.signature
          : Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? webhookSecret, ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}) });
      const response = await fetch(`${store.url}/webhooks/${options.providerId ?? 'stripe'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature !== null ? { 'stripe-signature': signature } : {}) },
        body: payload,
      });
      const responseText = await response.text();
      let body: unknown = responseText;
      try {
        body = JSON.parse(responseText);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body, event };
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
