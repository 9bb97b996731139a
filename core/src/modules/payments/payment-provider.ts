import type { EntityManager } from '@mikro-orm/sql';

/**
 * The seam every payment method plugs into (cash on delivery, Stripe, Google Pay, …). Core keeps
 * the ledger (every attempt and every transaction, with amounts, provider references, raw statuses
 * and idempotency keys) and the order's payment status; a provider only talks to its gateway and
 * reports what happened. Amounts are integer minor units of `currencyCode`.
 *
 * Every call that moves money carries an `idempotencyKey` the provider must pass to its gateway
 * (or honour itself): core retries with the same key, so a retry never charges or refunds twice.
 */
export interface PaymentProvider {
  /** Stable id, used in config, in `paymentMethod`, and in `/webhooks/:id` (`cod`, `stripe`). */
  readonly id: string;
  /** What the storefront shows (`Cash on delivery`). */
  readonly name: string;
  /**
   * True for methods paid after the goods arrive (cash on delivery): the order is confirmed when it
   * is placed, with payment `not_paid`. Otherwise an order is confirmed once its payment is authorized.
   */
  readonly confirmsOrderBeforePayment?: boolean;
  /**
   * True for providers that make no network call and keep their state in the store's database (cash
   * on delivery): core then calls `initiate` with the caller's transaction in `context.em`, and the
   * provider must do its writes through it, so checkout writes the order, its stock hold and its
   * payment in one transaction, and a checkout that fails leaves no payment behind. A gateway
   * provider leaves it unset: core calls it outside any transaction.
   */
  readonly initiatesInTransaction?: boolean;
  /**
   * True when the gateway authorizes at checkout and the money is taken later (Stripe's manual
   * capture): when the order's fulfillment reaches `shipped`, core captures what is left of each
   * authorized payment of this provider, at most the order's total less what is already captured
   * (a partial capture when the order was edited down). Otherwise staff capture through the admin API.
   */
  readonly capturesOnShipment?: boolean;
  /**
   * The id of the provider whose gateway holds this provider's payments (a wallet such as Google Pay
   * charged through Stripe): that provider's webhooks and reconciliation then apply to these
   * payments too, matched by `reference`, and are applied through this provider.
   */
  readonly settledThrough?: string;

  /**
   * Seconds until the gateway takes calls again when it is known to be down (an open circuit
   * breaker), else null. Checkout and new payment attempts then answer 503
   * `PAYMENT_PROVIDER_UNAVAILABLE` with `Retry-After` at once, placing nothing.
   */
  retryAfter?(): number | null;

  /** Whether the buyer may choose it for this order; a reason when not (shown to the shopper). */
  availability(context: PaymentContext): { available: true; fee: number } | { available: false; reason: string };

  /**
   * Starts paying for an order: creates the gateway's payment (a PaymentIntent), or records it (COD).
   * `context.em` is given only to providers with `initiatesInTransaction`.
   */
  initiate(request: InitiateRequest, context?: ProviderCallContext): Promise<ProviderResult>;
  /** Confirms an authorization the client completed (3-D Secure); providers that authorize in `initiate` may return the current state. */
  authorize(request: ReferenceRequest): Promise<ProviderResult>;
  /** Takes `amount` (≤ authorized) of an authorized payment; COD: records cash collected. */
  capture(request: AmountRequest): Promise<ProviderResult>;
  /** Gives back `amount` (≤ captured − refunded); COD: records a manual refund. */
  refund(request: AmountRequest & { reason: string }): Promise<ProviderResult>;
  /** Cancels an authorization before capture. */
  void(request: ReferenceRequest): Promise<ProviderResult>;
  /** The gateway's current view of a payment (reconciliation when a webhook never came). */
  status(request: ReferenceRequest): Promise<ProviderResult>;
  /**
   * An inbound webhook at `/webhooks/:id`: verifies it on the raw body (throw `PaymentWebhookError`
   * when it is not authentic: the route answers 400 and changes nothing), and says which payment it
   * is about and what it now is. `null`: an event the provider acknowledges and ignores.
   */
  handleWebhook?(request: WebhookRequest): Promise<WebhookOutcome | null>;
}

/** The caller's open transaction, for a provider that `initiatesInTransaction`. */
export interface ProviderCallContext {
  em: EntityManager;
}

export interface PaymentContext {
  currencyCode: string;
  /** The order total before any fee of this method. */
  amount: number;
  countryCode: string;
}

export interface InitiateRequest {
  paymentId: string;
  orderId: string;
  orderNumber: string;
  amount: number;
  currencyCode: string;
  email: string;
  idempotencyKey: string;
  /** What the storefront sent as `paymentData` (a Google Pay token, a return URL). */
  data: Record<string, unknown>;
}

export interface ReferenceRequest {
  paymentId: string;
  /** The gateway's id for the payment, from an earlier `ProviderResult.reference`. */
  reference: string | null;
  idempotencyKey: string;
}

export interface AmountRequest extends ReferenceRequest {
  amount: number;
  currencyCode: string;
  /** Who did it, for providers that record it (COD: the courier or staff who collected the cash). */
  actor: { kind: string; id: string | null };
}

/**
 * What the gateway says now. `status` is the payment's state after the call:
 * - `pending`: nothing authorized yet (COD before delivery, a PaymentIntent awaiting the card);
 * - `requires_action`: the buyer must act (3-D Secure); `clientData` tells the storefront how;
 * - `authorized`, `captured`, `partially_refunded`, `refunded`, `voided`, `failed`.
 * Amounts are cumulative totals for the payment, not deltas.
 */
export interface ProviderResult {
  status: ProviderPaymentStatus;
  reference: string | null;
  amountAuthorized: number;
  amountCaptured: number;
  amountRefunded: number;
  /** What the storefront needs to continue (a client secret); never secrets of the store. */
  clientData?: Record<string, unknown>;
  /** The gateway's own status word, kept in the ledger as is. */
  rawStatus: string;
  /** A failure's reason, safe to show (`card_declined`). */
  failureReason?: string;
}

export type ProviderPaymentStatus = 'pending' | 'requires_action' | 'authorized' | 'captured' | 'partially_refunded' | 'refunded' | 'voided' | 'failed';

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export interface WebhookOutcome {
  /** Dedupe key: the gateway's event id. */
  eventId: string;
  /** The payment's reference at the gateway. */
  reference: string;
  /** The payment as the gateway now sees it; absent for an event that does not change it (a dispute). */
  result?: ProviderResult;
  /** A dispute (chargeback) opened or closed: staff see it on the order's timeline, and `payment.dispute_opened` / `payment.dispute_closed` are emitted. */
  dispute?: PaymentDispute;
}

export interface PaymentDispute {
  /** The gateway's dispute id. */
  id: string;
  /** Minor units disputed. */
  amount: number;
  /** The gateway's reason (`fraudulent`, `product_not_received`), null when none. */
  reason: string | null;
  /** The gateway's status word (`needs_response`, `won`, `lost`). */
  status: string;
  /** True once the dispute is over (won or lost). */
  closed: boolean;
}

/** Thrown by `handleWebhook` for an unsigned, badly signed or stale request. */
export class PaymentWebhookError extends Error {}
