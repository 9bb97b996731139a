import type { CommerceContainer } from '../container.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from './event-bus.ts';

export interface DispatcherSettings {
  maxAttempts: number;
  retryBaseDelay: number;
  retryMaxDelay: number;
  pollInterval: number;
  batchSize: number;
  /** How long a claimed delivery stays invisible to other dispatchers, in ms. */
  leaseDuration: number;
}

export interface DispatchPassResult {
  fannedOut: number;
  delivered: number;
  retried: number;
  failed: number;
}

interface ClaimedDelivery {
  event_id: string;
  subscriber: string;
  event_name: string;
  attempts: number;
  payload: Record<string, unknown> | string;
  occurred_at: Date | string;
}

/**
 * Delivers outbox events to subscribers at least once. A pass (1) fans each new event out into one
 * delivery row per subscriber, then (2) claims due deliveries with a lease, so several processes
 * can dispatch side by side (`FOR UPDATE SKIP LOCKED`) and a delivery claimed by a process that died
 * becomes due again when its lease runs out. Failures retry with exponential backoff and jitter,
 * and are marked `failed` after `maxAttempts`.
 */
export class OutboxDispatcher {
  readonly #db: Database;
  readonly #bus: EventBus;
  readonly #settings: DispatcherSettings;
  readonly #logger: Logger;
  readonly #createScope: () => CommerceContainer;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;
  #kicked = false;

  constructor(deps: { db: Database; bus: EventBus; settings: DispatcherSettings; logger: Logger; createScope: () => CommerceContainer }) {
    const { db, bus, settings, logger } = deps;
    this.#db = db;
    this.#bus = bus;
    this.#createScope = deps.createScope;
    this.#settings = settings;
    this.#logger = logger.child({ component: 'outbox' });
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  /** Asks for a pass soon (after a commit that wrote events) instead of at the next poll. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#kicked = true;
      return;
    }
    this.#schedule(0);
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#loop(), delay);
    this.#timer.unref();
  }

  async #loop(): Promise<void> {
    if (this.#stopped || this.#running) return;
    let busy = false;
    this.#running = this.runOnce()
      .then((r) => {
        busy = r.fannedOut + r.delivered + r.retried + r.failed > 0;
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'outbox pass failed'));
    await this.#running;
    this.#running = undefined;
    if (this.#stopped) return;
    const again = busy || this.#kicked;
    this.#kicked = false;
    this.#schedule(again ? 0 : this.#settings.pollInterval);
  }

  /** Runs passes until nothing is due at `now`. Tests pass a later `now` to make retries due. */
  async drain(now: Date = new Date(), maxPasses = 100): Promise<DispatchPassResult> {
    const total: DispatchPassResult = { fannedOut: 0, delivered: 0, retried: 0, failed: 0 };
    for (let i = 0; i < maxPasses; i++) {
      const r = await this.runOnce(now);
      total.fannedOut += r.fannedOut;
      total.delivered += r.delivered;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.fannedOut + r.delivered + r.retried + r.failed === 0) break;
    }
    return total;
  }

  async runOnce(now: Date = new Date()): Promise<DispatchPassResult> {
    const fannedOut = await this.#fanOut(now);
    const claimed = await this.#claim(now);
    const result: DispatchPassResult = { fannedOut, delivered: 0, retried: 0, failed: 0 };
    for (const delivery of claimed) {
      const outcome = await this.#deliver(delivery, now);
      result[outcome]++;
    }
    return result;
  }

  async #fanOut(now: Date): Promise<number> {
    const em = this.#db.fork();
    return em.transactional(async (tx) => {
      const events = await tx.execute<Array<{ id: string; name: string }>>(
        `select id, name from cw_outbox_event where fanned_out_at is null order by occurred_at, id limit ? for update skip locked`,
        [this.#settings.batchSize],
      );
      for (const event of events) {
        for (const subscriber of this.#bus.subscribersOf(event.name)) {
          await tx.execute(
            `insert into cw_event_delivery (event_id, subscriber, event_name, status, attempts, next_attempt_at)
             values (?, ?, ?, 'pending', 0, ?) on conflict do nothing`,
            [event.id, subscriber.id, event.name, now],
          );
        }
        await tx.execute(`update cw_outbox_event set fanned_out_at = ? where id = ?`, [now, event.id]);
      }
      return events.length;
    });
  }

  async #claim(now: Date): Promise<ClaimedDelivery[]> {
    const em = this.#db.fork();
    const leaseUntil = new Date(now.getTime() + this.#settings.leaseDuration);
    return em.transactional(async (tx) => {
      const due = await tx.execute<ClaimedDelivery[]>(
        `select d.event_id, d.subscriber, d.event_name, d.attempts, e.payload, e.occurred_at
           from cw_event_delivery d join cw_outbox_event e on e.id = d.event_id
          where d.status = 'pending' and d.next_attempt_at <= ? and (d.lease_until is null or d.lease_until <= ?)
          order by d.next_attempt_at, d.event_id
          limit ? for update of d skip locked`,
        [now, now, this.#settings.batchSize],
      );
      for (const d of due) {
        await tx.execute(`update cw_event_delivery set lease_until = ? where event_id = ? and subscriber = ?`, [
          leaseUntil,
          d.event_id,
          d.subscriber,
        ]);
      }
      return due;
    });
  }

  async #deliver(delivery: ClaimedDelivery, now: Date): Promise<'delivered' | 'retried' | 'failed'> {
    const attempt = delivery.attempts + 1;
    const subscriber = this.#bus.byId(delivery.subscriber);
    const em = this.#db.fork();
    const scope = this.#createScope();
    try {
      if (!subscriber) throw new Error(`subscriber "${delivery.subscriber}" is no longer registered`);
      const payload = typeof delivery.payload === 'string' ? JSON.parse(delivery.payload) : delivery.payload;
      await subscriber.handler(
        {
          id: delivery.event_id,
          name: delivery.event_name,
          payload,
          occurredAt: new Date(delivery.occurred_at),
          dedupeKey: `${delivery.event_id}:${delivery.subscriber}`,
          attempt,
        },
        { em: scope.cradle.em, cradle: scope.cradle },
      );
      await em.execute(
        `update cw_event_delivery set status = 'delivered', attempts = ?, delivered_at = ?, lease_until = null, last_error = null
          where event_id = ? and subscriber = ?`,
        [attempt, new Date(), delivery.event_id, delivery.subscriber],
      );
      return 'delivered';
    } catch (error) {
      const failed = attempt >= this.#settings.maxAttempts;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.#logger.warn(
        { event: delivery.event_name, eventId: delivery.event_id, subscriber: delivery.subscriber, attempt, err: error },
        failed ? 'event delivery failed for good' : 'event delivery failed, will retry',
      );
      await em.execute(
        `update cw_event_delivery set status = ?, attempts = ?, next_attempt_at = ?, lease_until = null, last_error = ?
          where event_id = ? and subscriber = ?`,
        [
          failed ? 'failed' : 'pending',
          attempt,
          new Date(now.getTime() + this.retryDelay(attempt)),
          message.slice(0, 2000),
          delivery.event_id,
          delivery.subscriber,
        ],
      );
      return failed ? 'failed' : 'retried';
    } finally {
      await scope.dispose();
    }
  }

  /**
   * Makes failed deliveries due again (after the subscriber is fixed), optionally only one
   * subscriber's or one event's. Returns how many were re-queued.
   */
  async redeliverFailed(filter: { subscriber?: string; eventId?: string } = {}): Promise<number> {
    const conditions = [`status = 'failed'`];
    const params: unknown[] = [new Date()];
    if (filter.subscriber) {
      conditions.push('subscriber = ?');
      params.push(filter.subscriber);
    }
    if (filter.eventId) {
      conditions.push('event_id = ?');
      params.push(filter.eventId);
    }
    const result = await this.#db
      .fork()
      .getConnection()
      .execute(`update cw_event_delivery set status = 'pending', attempts = 0, next_attempt_at = ? where ${conditions.join(' and ')}`, params, 'run');
    this.kick();
    return (result as unknown as { affectedRows: number }).affectedRows;
  }

  /** Exponential backoff with equal jitter: half the delay fixed, half random. */
  retryDelay(attempt: number): number {
    const exp = Math.min(this.#settings.retryMaxDelay, this.#settings.retryBaseDelay * 2 ** (attempt - 1));
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }
}

