import { createECDH } from 'node:crypto';
import { newId, type EntityManager, type FieldIssue } from '@cartwright/core';
import { base64urlBytes } from './options.ts';

/** A browser's push subscription as `PushSubscription.toJSON()` gives it (and `OutgoingMessage.to.pushSubscriptions` carries it). */
export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface StoredPushSubscription extends PushSubscriptionJson {
  id: string;
  userId: string;
  createdAt: Date;
  updatedAt: Date;
}

interface WebpushTables {
  webpush_subscription: {
    id: string;
    user_id: string;
    endpoint: string;
    p256dh: string;
    auth: string;
    created_at: Date;
    updated_at: Date;
  };
}

type Row = WebpushTables['webpush_subscription'];

const stored = (row: Row): StoredPushSubscription => ({
  id: row.id,
  userId: row.user_id,
  endpoint: row.endpoint,
  keys: { p256dh: row.p256dh, auth: row.auth },
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** The longest endpoint kept (push services' URLs are well under it; it bounds the unique index). */
export const MAX_ENDPOINT_LENGTH = 2048;

/** A local stand-in's endpoint, accepted only with the test option `allowLocalHttpEndpoints`. */
const isLocalHttp = (url: URL) => url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');

/**
 * What is wrong with a subscription a browser sent, one issue per field (empty when nothing is): the
 * endpoint must be https (push services are), and the keys base64url of the sizes RFC 8291 fixes —
 * `p256dh` an uncompressed P-256 point (65 bytes) and `auth` 16 bytes — or every push to it would fail.
 */
export function subscriptionIssues(subscription: PushSubscriptionJson, options: { allowLocalHttpEndpoints: boolean }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const issue = (pointer: string, rule: string, message: string) => issues.push({ in: 'body', pointer, rule, message });
  let url: URL | null = null;
  try {
    url = new URL(subscription.endpoint);
  } catch {
    issue('/endpoint', 'format', 'must be an absolute URL');
  }
  if (url && url.protocol !== 'https:' && !(options.allowLocalHttpEndpoints && isLocalHttp(url))) issue('/endpoint', 'format', 'must be an https URL');
  if (subscription.endpoint.length > MAX_ENDPOINT_LENGTH) issue('/endpoint', 'maxLength', `must be at most ${MAX_ENDPOINT_LENGTH} characters`);

  const p256dh = base64urlBytes(subscription.keys.p256dh);
  if (p256dh?.length !== 65 || p256dh[0] !== 0x04) {
    issue('/keys/p256dh', 'format', 'must be base64url (without "=") of an uncompressed P-256 public key (65 bytes)');
  } else if (!isCurvePoint(p256dh)) {
    issue('/keys/p256dh', 'format', 'is not a point on the P-256 curve');
  }
  if (base64urlBytes(subscription.keys.auth)?.length !== 16) issue('/keys/auth', 'format', 'must be base64url (without "=") of 16 bytes');
  return issues;
}

function isCurvePoint(point: Buffer): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(point);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browsers' push subscriptions, in the table `webpush_subscription`: one row per endpoint (a
 * browser profile's subscription), owned by the user who registered it last. Given the request's
 * EntityManager in routes and a fork of the database in the channel.
 */
export class PushSubscriptions {
  readonly #em: EntityManager;

  constructor(em: EntityManager) {
    this.#em = em;
  }

  async listForUser(userId: string): Promise<StoredPushSubscription[]> {
    const rows = await this.#db().selectFrom('webpush_subscription').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
    return rows.map(stored);
  }

  /**
   * Registers the subscription for the user, or refreshes it: a browser sends the same endpoint again
   * after its keys rotate, and a browser another user signs in on moves to that user (pushes follow
   * whoever uses the browser now). Answers the row and whether it is new.
   */
  async upsert(userId: string, subscription: PushSubscriptionJson): Promise<{ subscription: StoredPushSubscription; created: boolean }> {
    const now = new Date();
    const existing = await this.#db().selectFrom('webpush_subscription').select('id').where('endpoint', '=', subscription.endpoint).executeTakeFirst();
    const row = await this.#db()
      .insertInto('webpush_subscription')
      .values({ id: newId('wps'), user_id: userId, endpoint: subscription.endpoint, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, created_at: now, updated_at: now })
      // two registrations of one endpoint at once both end here: the second updates the first's row
      .onConflict((conflict) =>
        conflict.column('endpoint').doUpdateSet({ user_id: userId, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, updated_at: now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return { subscription: stored(row), created: !existing };
  }

  /** Deletes the user's subscription; false when the user has none with this id. */
  async deleteForUser(userId: string, id: string): Promise<boolean> {
    const deleted = await this.#db().deleteFrom('webpush_subscription').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** Forgets an endpoint the push service said is gone (404/410), whoever registered it. */
  async deleteEndpoint(endpoint: string): Promise<void> {
    await this.#db().deleteFrom('webpush_subscription').where('endpoint', '=', endpoint).execute();
  }

  #db() {
    return this.#em.getKysely<WebpushTables>();
  }
}
