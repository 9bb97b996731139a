/**
 * The seam every way of reaching a person plugs into: email (`@cartwright/plugin-smtp`), SMS
 * (`@cartwright/plugin-twilio`), web push (`@cartwright/plugin-webpush`) and the in-app inbox (core).
 * Core decides who is told what, renders the templates, keeps one message per (event, recipient,
 * channel) and its delivery log, and retries; a channel only hands a rendered message to its
 * service and reports what the service said.
 *
 * `send` carries the message's `idempotencyKey`: core retries with the same key, so a channel whose
 * service takes one (Twilio, most email APIs) passes it on and a retry never reaches a person twice.
 */
export interface NotificationChannel {
  /** Stable id, used in config, in rules and in `/webhooks/:id` for delivery reports (`smtp`, `twilio`). */
  readonly id: string;
  /** What the message reaches: rules address a kind; the store has at most one channel per kind. */
  readonly kind: ChannelKind;
  /** What admins see (`SMTP (mail.example.com)`). */
  readonly name: string;
  /** What this channel can do; the conformance kit checks every claim and core never calls what is not claimed. */
  readonly capabilities: ChannelCapabilities;

  /**
   * Hands one rendered message to the service. Resolves with what the service said; a refusal
   * that will not change on retry (an address the server rejects) is `{ status: 'failed',
   * retryable: false }`. Throws (or resolves `failed` with `retryable: true`) when the service could
   * not be reached or refused for now: core retries with backoff.
   */
  send(message: OutgoingMessage): Promise<SendResult>;
  /** The delivery state of a sent message, for services that can be asked. Claimed by `deliveryStatus`. */
  status?(request: { providerMessageId: string }): Promise<DeliveryReport>;
  /**
   * Checks an inbound delivery report (bounce, delivered) on the raw body and turns it into
   * reports; throws (code `NOTIFICATION_WEBHOOK_INVALID`) when it is not authentic. Claimed by `webhooks`.
   */
  webhook?(request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }): Promise<DeliveryReport[]>;
  /** Answers whether the service is reachable now, for `/ready` and the admin (never throws). */
  check?(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export type ChannelKind = 'email' | 'sms' | 'push' | 'in_app';

export interface ChannelCapabilities {
  deliveryStatus: boolean;
  webhooks: boolean;
}

/** A message rendered for one recipient on one channel. */
export interface OutgoingMessage {
  /** Core's id of the message (one per event, recipient and channel). */
  id: string;
  idempotencyKey: string;
  to: MessageRecipient;
  /** Email subject, push title, in-app title; absent for SMS. */
  subject?: string;
  /** The plain-text body: the email's text part, the SMS, the push body, the in-app body. */
  text: string;
  /** The email's HTML part (already escaped and complete). */
  html?: string;
  /** Extra email headers core sets (`List-Unsubscribe`, `List-Unsubscribe-Post`). */
  headers?: Record<string, string>;
  /** Where the person goes from the message (push and in-app), a URL or an app path. */
  link?: string;
  /** The notification category (`orders`, `account`, `marketing`, …), for the inbox and preferences. */
  category: string;
}

export interface MessageRecipient {
  userId?: string | null;
  name?: string | null;
  email?: string | null;
  /** E.164 (`+4915112345678`). */
  phone?: string | null;
  /** Web push subscriptions of the user's browsers (`endpoint`, `keys.p256dh`, `keys.auth`). */
  pushSubscriptions?: ReadonlyArray<{ endpoint: string; keys: { p256dh: string; auth: string } }>;
  locale?: string | null;
}

export type SendResult =
  | { status: 'sent' | 'delivered'; providerMessageId: string | null }
  | { status: 'failed'; retryable: boolean; reason: string; providerMessageId?: string | null };

export type DeliveryStatus = 'sent' | 'delivered' | 'failed' | 'bounced';

export interface DeliveryReport {
  providerMessageId: string;
  status: DeliveryStatus;
  occurredAt: Date;
  reason: string | null;
}
