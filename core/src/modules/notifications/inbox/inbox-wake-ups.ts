import pg from 'pg';
import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Database } from '../../../kernel/db/database.ts';
import { rows } from '../../../kernel/db/sql.ts';
import type { Logger } from '../../../kernel/logger.ts';

/** The PostgreSQL channel inbox writers notify; its payload is the user id, a wake-up, never content. */
export const INBOX_CHANNEL = 'cw_inbox';

/** Something woken when a user's inbox changed (an open stream). */
export interface InboxSubscriber {
  wake(): void;
}

const RECONNECT_DELAYS_MS = [250, 1_000, 5_000, 15_000];

/**
 * Tells the open streams of a user that their inbox changed, in this process and in every other.
 *
 * On PostgreSQL a writer runs `pg_notify` in its own transaction (delivered on commit) and each
 * process holds one listening connection, opened when its first stream opens. The embedded
 * database serves one process, so the wake-up goes straight to this process's streams after the
 * commit. Subscribers re-read the table either way: a lost wake-up only delays an entry until the
 * stream's next heartbeat.
 */
export class InboxWakeUps {
  readonly #database: Database;
  readonly #url: string | undefined;
  readonly #logger: Logger;
  readonly #subscribers = new Map<string, Set<InboxSubscriber>>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #stopped = false;

  constructor(database: Database, url: string | undefined, logger: Logger) {
    this.#database = database;
    this.#url = url;
    this.#logger = logger;
  }

  /**
   * Runs `work` in a transaction of `em` and wakes the streams of the users it names once it has
   * committed. Every inbox write goes through here, so no writer forgets to wake anyone.
   */
  async write<T>(em: EntityManager, work: (tx: EntityManager) => Promise<{ value: T; wake: readonly string[] }>): Promise<T> {
    const viaPostgres = this.#database.kind === 'postgresql';
    const { value, wake } = await em.transactional(async (tx) => {
      const outcome = await work(tx);
      if (viaPostgres) for (const userId of new Set(outcome.wake)) await rows(tx, sql`select pg_notify(${INBOX_CHANNEL}, ${userId})`);
      return outcome;
    });
    if (!viaPostgres) for (const userId of new Set(wake)) this.#wakeUser(userId);
    return value;
  }

  /** How many streams this process holds open for the user. */
  count(userId: string): number {
    return this.#subscribers.get(userId)?.size ?? 0;
  }

  /** Registers a stream; the returned function removes it. */
  subscribe(userId: string, subscriber: InboxSubscriber): () => void {
    let set = this.#subscribers.get(userId);
    if (!set) this.#subscribers.set(userId, (set = new Set()));
    set.add(subscriber);
    if (this.#database.kind === 'postgresql') void this.#listen();
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.#subscribers.get(userId) === set) this.#subscribers.delete(userId);
    };
  }

  /** Resolves once this process is listening (tests and the first stream wait for it; a no-op on the embedded database). */
  async ready(): Promise<void> {
    if (this.#database.kind === 'postgresql') await this.#listen();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    await this.#connecting?.catch(() => undefined);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #wakeUser(userId: string): void {
    for (const subscriber of this.#subscribers.get(userId) ?? []) subscriber.wake();
  }

  #wakeEveryone(): void {
    for (const set of this.#subscribers.values()) for (const subscriber of set) subscriber.wake();
  }

  #listen(): Promise<void> {
    if (this.#client || this.#stopped) return Promise.resolve();
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', (message) => {
      if (message.channel === INBOX_CHANNEL && message.payload) this.#wakeUser(message.payload);
    });
    // a dropped connection (server restart, failover) is replaced; until then heartbeats catch up
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, undefined));
    try {
      await client.connect();
      await client.query(`listen ${INBOX_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.#lost(client, error);
      return;
    }
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    // whatever was written while no connection listened is read now
    if (this.#failures > 0) this.#wakeEveryone();
    this.#failures = 0;
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#stopped) return;
    if (this.#client === client) this.#client = undefined;
    else if (this.#client) return;
    if (this.#reconnectTimer) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.#failures, RECONNECT_DELAYS_MS.length - 1)]!;
    this.#failures++;
    this.#logger.warn({ err: error, retryInMs: delay }, 'notification inbox: the listening PostgreSQL connection failed');
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#subscribers.size > 0) void this.#listen();
    }, delay);
    this.#reconnectTimer.unref();
  }
}
