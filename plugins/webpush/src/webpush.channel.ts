import { createHash } from 'node:crypto';
import webpush from 'web-push';
import type { ChannelCapabilities, Database, NotificationChannel, OutgoingMessage, SendResult } from '@cartwright/core';
import type { WebpushFailureCode } from './errors.ts';
import type { ResolvedWebpushOptions } from './options.ts';
import { pushPayload } from './payload.ts';
import { PushSubscriptions, subscriptionIssues, type PushSubscriptionJson } from './subscriptions.ts';

/** How one push to one subscription went. */
type PushOutcome =
  | { kind: 'accepted'; location: string | null }
  | { kind: 'gone' }
  | { kind: 'failed'; code: WebpushFailureCode; retryable: boolean; detail: string };

/**
 * The `Topic` header for a message: a retry of the same message (same idempotency key) that finds the
 * first push still queued replaces it instead of arriving twice. RFC 8030 §5.4 allows 32 base64url
 * characters, so the key is hashed (192 of SHA-256's bits) rather than sent as is.
 */
export function topicOf(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32);
}

/**
 * Web push through each browser's push service (FCM, Mozilla autopush, Apple, …): the payload is
 * encrypted for the subscription (RFC 8291) and signed with the store's VAPID key (RFC 8292) by the
 * `web-push` library, and POSTed here with `fetch`, so the timeout and the answer are this channel's.
 *
 * One push per subscription. A 404 or 410 means the browser dropped the subscription: it is deleted
 * and the message counts as sent if any other subscription took it. Every subscription gone is a
 * permanent failure (`WEBPUSH_NO_SUBSCRIPTION`); 429, 5xx, a timeout or no connection is retryable.
 */
export class WebpushChannel implements NotificationChannel {
  readonly id: string;
  readonly kind = 'push' as const;
  readonly name: string;
  // push services answer 201 and say no more: nothing reports delivery to the device
  readonly capabilities: ChannelCapabilities = { deliveryStatus: false, webhooks: false };
  readonly #options: ResolvedWebpushOptions;
  readonly #database: Database;

  constructor(options: ResolvedWebpushOptions, database: Database) {
    this.#options = options;
    this.#database = database;
    this.id = options.id;
    this.name = options.name;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const store = new PushSubscriptions(this.#database.fork());
    const given = message.to.pushSubscriptions ?? [];
    const subscriptions: PushSubscriptionJson[] =
      given.length > 0 ? given.map((s) => ({ endpoint: s.endpoint, keys: { p256dh: s.keys.p256dh, auth: s.keys.auth } })) : message.to.userId ? await store.listForUser(message.to.userId) : [];
    if (subscriptions.length === 0) return failed('WEBPUSH_NO_SUBSCRIPTION', false, 'the recipient has no push subscription');

    const payload = JSON.stringify(pushPayload(message));
    const outcomes = await Promise.all(subscriptions.map((subscription) => this.#push(subscription, payload, message.idempotencyKey)));
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.kind === 'gone') await store.deleteEndpoint(subscriptions[index]!.endpoint);
    }

    const accepted = outcomes.filter((outcome) => outcome.kind === 'accepted');
    // one browser that got it is a sent message: retrying would push again to the browsers that have it
    if (accepted.length > 0) return { status: 'sent', providerMessageId: accepted[0]!.location };
    const failures = outcomes.filter((outcome) => outcome.kind === 'failed');
    if (failures.length === 0) return failed('WEBPUSH_NO_SUBSCRIPTION', false, `every push subscription of the recipient has expired (${outcomes.length} deleted)`);
    const retryable = failures.find((failure) => failure.retryable);
    const first = retryable ?? failures[0]!;
    return failed(first.code, first.retryable, first.detail);
  }

  async #push(subscription: PushSubscriptionJson, payload: string, idempotencyKey: string): Promise<PushOutcome> {
    // a subscription handed over in the message has not been through the routes' checks
    const issues = subscriptionIssues(subscription, this.#options);
    if (issues.length > 0) return { kind: 'failed', code: 'WEBPUSH_REFUSED', retryable: false, detail: `the subscription is invalid: ${issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}` };

    const request = webpush.generateRequestDetails(subscription, payload, {
      vapidDetails: this.#options.vapid,
      TTL: this.#options.ttlSeconds,
      urgency: this.#options.urgency,
      topic: topicOf(idempotencyKey),
    });
    const host = new URL(subscription.endpoint).host;
    let response: Response;
    try {
      response = await fetch(request.endpoint, {
        method: 'POST',
        headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
        body: request.body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { kind: 'failed', code: 'WEBPUSH_UNREACHABLE', retryable: true, detail: `${host} could not be reached (${cause ?? (error as Error).name})` };
    }
    const said = (await response.text().catch(() => '')).slice(0, 200).trim();
    const answer = `${response.status} from ${host}${said ? `: ${said}` : ''}`;
    if (response.ok) return { kind: 'accepted', location: response.headers.get('location') };
    if (response.status === 404 || response.status === 410) return { kind: 'gone' };
    if (response.status === 429) return { kind: 'failed', code: 'WEBPUSH_DEFERRED', retryable: true, detail: answer };
    if (response.status >= 500) return { kind: 'failed', code: 'WEBPUSH_UNREACHABLE', retryable: true, detail: answer };
    return { kind: 'failed', code: 'WEBPUSH_REFUSED', retryable: false, detail: answer };
  }
}

function failed(code: WebpushFailureCode, retryable: boolean, detail: string): SendResult {
  return { status: 'failed', retryable, reason: `${code}: ${detail}` };
}
