import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import type { DeliveredEvent } from '../../kernel/events/event-map.ts';
import { newId } from '../../kernel/ids.ts';
import { subscriptionWants } from './webhook-event-types.ts';
import { postWebhook } from './webhook-request.ts';
import { retryDelayMs } from './webhook-retry-schedule.ts';
import { signatureHeader } from './webhook-signature.ts';
import { refusedUrl } from './webhook-target.ts';
import { WebhookErrors } from './webhooks.errors.ts';

type Deps = Pick<Cradle, 'em' | 'config' | 'logger'>;

/** The event type of the delivery `POST /admin/webhooks/:id/test` makes. */
export const PING_EVENT_TYPE = 'webhook.ping';
const BATCH_SIZE = 50;

export type DeliveryStatus = 'pending' | 'delivered' | 'dead_lettered';

interface DeliveryRow {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  event_created_at: Date | string;
  data: Record<string, unknown> | string;
  status: DeliveryStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date | string;
  delivered_at: Date | string | null;
  created_at: Date | string;
}

interface ClaimedDelivery extends DeliveryRow {
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
}

interface AttemptRow {
  delivery_id: string;
  number: number;
  started_at: Date | string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  succeeded: boolean;
}

export interface AttemptView {
  number: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
}

export interface DeliveryView {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: AttemptView[];
  maxAttempts: number;
  /** When a pending delivery is tried next. */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface DeliveryPassResult {
  delivered: number;
  retried: number;
  deadLettered: number;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** The exact bytes posted: what the signature covers. The same on every attempt of a delivery. */
export function deliveryBody(delivery: Pick<DeliveryRow, 'id' | 'event_type' | 'event_created_at' | 'data'>): string {
  return JSON.stringify({ id: delivery.id, type: delivery.event_type, createdAt: iso(delivery.event_created_at), data: json(delivery.data) });
}

/**
 * Turns events into deliveries (one per matching subscription, whatever the number of times the
 * dispatcher hands an event over) and posts due deliveries, each with its own retry schedule, so
 * an endpoint that fails or hangs delays no other subscription and no other event.
 */
export class WebhookDeliveryService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  get #settings() {
    return this.#deps.config.webhooks;
  }

  /** Records one delivery per active subscription that wants `event`; answers how many are new. */
  async recordEvent(em: EntityManager, event: Pick<DeliveredEvent, 'id' | 'name' | 'payload' | 'occurredAt'>): Promise<number> {
    const subscriptions = await rows<{ id: string; event_types: string[] | string; max_attempts: number | null }>(
      em,
      sql`select id, event_types, max_attempts from cw_webhook_subscription where active`,
    );
    let created = 0;
    for (const subscription of subscriptions) {
      if (!subscriptionWants(json(subscription.event_types), event.name)) continue;
      created += await this.#insert(em, {
        subscriptionId: subscription.id,
        eventId: event.id,
        eventType: event.name,
        createdAt: event.occurredAt,
        data: event.payload as Record<string, unknown>,
        maxAttempts: subscription.max_attempts ?? this.#settings.maxAttempts,
      });
    }
    return created;
  }

  /** A `webhook.ping` delivery to one subscription, sent like any other. */
  async ping(subscriptionId: string): Promise<DeliveryView> {
    const [subscription] = await rows<{ max_attempts: number | null }>(
      this.#deps.em,
      sql`select max_attempts from cw_webhook_subscription where id = ${subscriptionId}`,
    );
    if (!subscription) throw WebhookErrors.WEBHOOK_NOT_FOUND(`No webhook subscription "${subscriptionId}"`);
    const eventId = newId('evt');
    await this.#insert(this.#deps.em, {
      subscriptionId,
      eventId,
      eventType: PING_EVENT_TYPE,
      createdAt: new Date(),
      data: { subscriptionId },
      maxAttempts: subscription.max_attempts ?? this.#settings.maxAttempts,
    });
    const [row] = await rows<{ id: string }>(this.#deps.em, sql`select id from cw_webhook_delivery where subscription_id = ${subscriptionId} and event_id = ${eventId}`);
    return this.get(subscriptionId, row!.id);
  }

  async #insert(
    em: EntityManager,
    d: { subscriptionId: string; eventId: string; eventType: string; createdAt: Date; data: Record<string, unknown>; maxAttempts: number },
  ): Promise<number> {
    const now = new Date();
    return run(
      em,
      sql`insert into cw_webhook_delivery (id, subscription_id, event_id, event_type, event_created_at, data, status, attempts, max_attempts, next_attempt_at, created_at)
          values (${newId('whd')}, ${d.subscriptionId}, ${d.eventId}, ${d.eventType}, ${d.createdAt}, ${JSON.stringify(d.data)}::jsonb, 'pending', 0,
                  ${d.maxAttempts}, ${now}, ${now})
          on conflict (subscription_id, event_id) do nothing`,
    );
  }

  /**
   * Posts every delivery due at `now` (of active subscriptions), batch by batch, the requests of a
   * batch side by side. `now` stamps the attempts and picks the signing secrets; tests pass a later
   * one to make retries due.
   */
  async deliverDue(now: Date = new Date()): Promise<DeliveryPassResult> {
    const result: DeliveryPassResult = { delivered: 0, retried: 0, deadLettered: 0 };
    for (;;) {
      const claimed = await this.#claim(now);
      const outcomes = await Promise.all(claimed.map((delivery) => this.#attempt(delivery, now)));
      for (const outcome of outcomes) result[outcome]++;
      if (claimed.length < BATCH_SIZE) return result;
    }
  }

  async #claim(now: Date): Promise<ClaimedDelivery[]> {
    // long enough for the request to time out and its result to be written; a crashed worker's claims come back after it
    const leaseUntil = new Date(now.getTime() + this.#settings.requestTimeout + 60_000);
    return this.#deps.em.fork().transactional(async (tx) => {
      const due = await rows<ClaimedDelivery>(
        tx,
        sql`select d.*, s.url, s.secret, s.previous_secret, s.previous_secret_expires_at
              from cw_webhook_delivery d join cw_webhook_subscription s on s.id = d.subscription_id
             where d.status = 'pending' and s.active and d.next_attempt_at <= ${now} and (d.lease_until is null or d.lease_until <= ${now})
             order by d.next_attempt_at, d.id
             limit ${BATCH_SIZE} for update of d skip locked`,
      );
      if (due.length) {
        await run(tx, sql`update cw_webhook_delivery set lease_until = ${leaseUntil} where id in (${sql.join(due.map((d) => d.id))})`);
      }
      return due;
    });
  }

  async #attempt(delivery: ClaimedDelivery, now: Date): Promise<'delivered' | 'retried' | 'deadLettered'> {
    const policy = { allowLoopback: this.#settings.allowLoopback };
    const body = deliveryBody(delivery);
    const timestamp = Math.floor(now.getTime() / 1000);
    const graceEnds = delivery.previous_secret_expires_at ? new Date(delivery.previous_secret_expires_at) : null;
    const secrets = delivery.previous_secret && graceEnds && graceEnds > now ? [delivery.secret, delivery.previous_secret] : [delivery.secret];
    // the URL was checked when saved; checked again because config (allowLoopback) may have changed since
    const refused = refusedUrl(delivery.url, policy);
    const outcome = refused
      ? { statusCode: null, error: `url ${refused}`, durationMs: 0 }
      : await postWebhook(
          delivery.url,
          {
            'user-agent': 'Cartwright-Webhooks/1',
            'cartwright-webhook-id': delivery.id,
            'cartwright-webhook-timestamp': String(timestamp),
            'cartwright-webhook-signature': signatureHeader(secrets, timestamp, body),
          },
          body,
          { timeoutMs: this.#settings.requestTimeout, policy },
        );
    const succeeded = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const number = delivery.attempts + 1;
    const status: DeliveryStatus = succeeded ? 'delivered' : number >= delivery.max_attempts ? 'dead_lettered' : 'pending';
    await this.#deps.em.fork().transactional(async (tx) => {
      await run(
        tx,
        sql`insert into cw_webhook_attempt (id, delivery_id, number, started_at, duration_ms, status_code, error, succeeded)
            values (${newId('wha')}, ${delivery.id}, ${number}, ${now}, ${outcome.durationMs}, ${outcome.statusCode}, ${outcome.error}, ${succeeded})`,
      );
      await run(
        tx,
        sql`update cw_webhook_delivery set status = ${status}, attempts = ${number}, lease_until = null,
              delivered_at = ${succeeded ? now : null},
              next_attempt_at = ${status === 'pending' ? new Date(now.getTime() + retryDelayMs(number)) : now}
            where id = ${delivery.id}`,
      );
    });
    if (!succeeded) {
      this.#deps.logger.warn(
        { deliveryId: delivery.id, subscriptionId: delivery.subscription_id, attempt: number, statusCode: outcome.statusCode, error: outcome.error },
        status === 'dead_lettered' ? 'webhook delivery dead-lettered' : 'webhook delivery failed, will retry',
      );
    }
    return succeeded ? 'delivered' : status === 'dead_lettered' ? 'deadLettered' : 'retried';
  }

  /**
   * Sends a delivered or dead-lettered delivery again: one more attempt, same delivery id (the
   * receiver's idempotency key), fresh timestamp and signature. A pending one is still being tried.
   */
  async replay(subscriptionId: string, deliveryId: string): Promise<DeliveryView> {
    await this.#deps.em.transactional(async (tx) => {
      const [row] = await rows<DeliveryRow>(
        tx,
        sql`select * from cw_webhook_delivery where id = ${deliveryId} and subscription_id = ${subscriptionId} for update`,
      );
      if (!row) throw WebhookErrors.WEBHOOK_DELIVERY_NOT_FOUND(`No delivery "${deliveryId}" for webhook "${subscriptionId}"`);
      if (row.status === 'pending') throw WebhookErrors.WEBHOOK_DELIVERY_PENDING(`Delivery "${deliveryId}" is still pending (attempt ${row.attempts + 1} of ${row.max_attempts} is due)`);
      await run(
        tx,
        sql`update cw_webhook_delivery set status = 'pending', max_attempts = attempts + 1, next_attempt_at = ${new Date()}, lease_until = null, delivered_at = null
            where id = ${deliveryId}`,
      );
    });
    return this.get(subscriptionId, deliveryId);
  }

  async list(subscriptionId: string, query: { status?: DeliveryStatus; limit: number; offset: number }): Promise<{ items: DeliveryView[]; count: number }> {
    const em = this.#deps.em;
    const status = query.status ? sql`and status = ${query.status}` : sql``;
    const found = await rows<DeliveryRow & { total: string | number }>(
      em,
      sql`select *, count(*) over () as total from cw_webhook_delivery where subscription_id = ${subscriptionId} ${status}
          order by created_at desc, id desc limit ${query.limit} offset ${query.offset}`,
    );
    if (found.length === 0) {
      const [exists] = await rows(em, sql`select 1 from cw_webhook_subscription where id = ${subscriptionId}`);
      if (!exists) throw WebhookErrors.WEBHOOK_NOT_FOUND(`No webhook subscription "${subscriptionId}"`);
    }
    const items = await this.#withAttempts(found);
    const count = found.length ? Number(found[0]!.total) : (await rows<{ n: string | number }>(em, sql`select count(*) as n from cw_webhook_delivery where subscription_id = ${subscriptionId} ${status}`))[0]!.n;
    return { items, count: Number(count) };
  }

  async get(subscriptionId: string, deliveryId: string): Promise<DeliveryView> {
    const found = await rows<DeliveryRow>(this.#deps.em, sql`select * from cw_webhook_delivery where id = ${deliveryId} and subscription_id = ${subscriptionId}`);
    if (found.length === 0) throw WebhookErrors.WEBHOOK_DELIVERY_NOT_FOUND(`No delivery "${deliveryId}" for webhook "${subscriptionId}"`);
    return (await this.#withAttempts(found))[0]!;
  }

  async #withAttempts(deliveries: DeliveryRow[]): Promise<DeliveryView[]> {
    if (deliveries.length === 0) return [];
    const attempts = await rows<AttemptRow>(
      this.#deps.em,
      sql`select * from cw_webhook_attempt where delivery_id in (${sql.join(deliveries.map((d) => d.id))}) order by delivery_id, number`,
    );
    return deliveries.map((d) => ({
      id: d.id,
      subscriptionId: d.subscription_id,
      eventId: d.event_id,
      eventType: d.event_type,
      status: d.status,
      attempts: attempts
        .filter((a) => a.delivery_id === d.id)
        .map((a) => ({ number: a.number, startedAt: iso(a.started_at), durationMs: a.duration_ms, statusCode: a.status_code, error: a.error, succeeded: a.succeeded })),
      maxAttempts: d.max_attempts,
      nextAttemptAt: d.status === 'pending' ? iso(d.next_attempt_at) : null,
      deliveredAt: d.delivered_at ? iso(d.delivered_at) : null,
      createdAt: iso(d.created_at),
    }));
  }
}
