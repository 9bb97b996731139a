import { Agenda, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { EntityManager } from '@mikro-orm/sql';
import type { CommerceContainer, Cradle } from '../container.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';

export interface JobContext {
  /** A fresh EntityManager for this run (the same one `cradle.em` gives). */
  em: EntityManager;
  /** A container scope of its own for this run: resolve services from it. */
  cradle: Cradle;
  logger: Logger;
  jobId: string;
}

export type JobHandler<D = unknown> = (data: D, context: JobContext) => Promise<void> | void;

export interface JobOptions {
  /** Run on a schedule: a cron expression or an interval such as `'5 minutes'`. */
  every?: string;
  /** How many runs of this job may be in flight per process. */
  concurrency?: number;
  /** After this long a locked run is considered dead and may be picked up again, in ms. */
  lockLifetime?: number;
}

interface Definition {
  name: string;
  owner: string;
  handler: JobHandler<any>;
  options: JobOptions;
}

export const JOBS_TABLE = 'cw_jobs';

/**
 * Background jobs on agenda 6 with its PostgreSQL backend. Every process can enqueue; only processes
 * started with job processing (the API by default, or `cartwright start --worker`) run them, and
 * agenda's row locks spread runs across several processes.
 */
export class JobScheduler {
  readonly #definitions = new Map<string, Definition>();
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #settings: { processEvery: number; maxConcurrency: number };
  readonly #createScope: () => CommerceContainer;
  #agenda: Agenda | undefined;
  #backend: PostgresBackend | undefined;
  #pool: { end(): Promise<void> } | undefined;
  #processing = false;

  constructor(deps: { db: Database; settings: { processEvery: number; maxConcurrency: number }; logger: Logger; createScope: () => CommerceContainer }) {
    const { db, settings, logger } = deps;
    this.#createScope = deps.createScope;
    this.#db = db;
    this.#settings = settings;
    this.#logger = logger.child({ component: 'jobs' });
  }

  define<D>(name: string, handler: JobHandler<D>, options: JobOptions & { owner: string }): void {
    if (this.#definitions.has(name)) {
      throw new Error(`Job "${name}" is already defined by ${this.#definitions.get(name)!.owner}`);
    }
    const { owner, ...rest } = options;
    this.#definitions.set(name, { name, owner, handler: handler as JobHandler<any>, options: rest });
  }

  definitions(): readonly Definition[] {
    return [...this.#definitions.values()];
  }

  /** Connects to the job table; with `process`, also starts running due jobs in this process. */
  async start({ process }: { process: boolean }): Promise<void> {
    const pool = this.#db.createPool(Math.max(2, Math.min(this.#settings.maxConcurrency, 10)));
    const backend = new PostgresBackend({
      pool: pool as unknown as NonNullable<ConstructorParameters<typeof PostgresBackend>[0]['pool']>,
      tableName: JOBS_TABLE,
      logTableName: `${JOBS_TABLE}_log`,
      // LISTEN/NOTIFY needs a dedicated connection, which the embedded database does not have.
      disableNotifications: pool.embedded,
    });
    this.#pool = pool;
    const agenda = new Agenda({
      backend,
      processEvery: this.#settings.processEvery,
      maxConcurrency: this.#settings.maxConcurrency,
    });
    agenda.on('error', (error) => this.#logger.error({ err: error }, 'job queue error'));
    // the LISTEN connection re-emits its errors on the channel, where an unheard 'error' would crash the process
    backend.notificationChannel?.on('error', (error) => this.#logger.warn({ err: error }, 'job notification channel error'));
    agenda.on('fail', (error, job) => this.#logger.warn({ err: error, job: job.attrs.name }, 'job failed'));
    for (const def of this.#definitions.values()) {
      agenda.define(
        def.name,
        async (job: Job<unknown>) => {
          const scope = this.#createScope();
          try {
            await def.handler(job.attrs.data, {
              em: scope.cradle.em,
              cradle: scope.cradle,
              logger: this.#logger.child({ job: def.name }),
              jobId: String(job.attrs._id),
            });
          } finally {
            await scope.dispose();
          }
        },
        {
          ...(def.options.concurrency ? { concurrency: def.options.concurrency } : {}),
          ...(def.options.lockLifetime ? { lockLifetime: def.options.lockLifetime } : {}),
        },
      );
    }
    await agenda.ready;
    this.#agenda = agenda;
    this.#backend = backend;
    for (const def of this.#definitions.values()) {
      if (def.options.every) await agenda.every(def.options.every, def.name);
    }
    if (process) {
      await agenda.start();
      this.#processing = true;
    }
  }

  /** Whether the queue is connected (enqueueing works). */
  get started(): boolean {
    return this.#agenda !== undefined;
  }

  get processing(): boolean {
    return this.#processing;
  }

  async now<D>(name: string, data: D): Promise<string> {
    const job = await this.#require(name).now(name, data);
    return String(job.attrs._id);
  }

  async schedule<D>(when: Date | string, name: string, data: D): Promise<string> {
    const job = await this.#require(name).schedule(when, name, data);
    return String(job.attrs._id);
  }

  /** Throws when the job store cannot be reached (used by `/ready`). */
  async ping(): Promise<void> {
    if (!this.#agenda) throw new Error('job queue is not started');
    await this.#agenda.queryJobs({ name: '__cartwright_ping__' });
  }

  async stop(): Promise<void> {
    const agenda = this.#agenda;
    const backend = this.#backend;
    const processing = this.#processing;
    this.#agenda = undefined;
    this.#backend = undefined;
    this.#processing = false;
    // agenda.stop() only closes connections of an agenda that processed jobs; an enqueue-only
    // queue (API nodes with jobs off, tests) must release its pool itself
    if (agenda && processing) await agenda.stop();
    else await backend?.disconnect();
    // the pool was handed to agenda, so agenda leaves closing it to us
    await this.#pool?.end();
    this.#pool = undefined;
  }

  #require(name: string): Agenda {
    if (!this.#definitions.has(name)) throw new Error(`Job "${name}" is not defined`);
    if (!this.#agenda) throw new Error('The job queue is not started');
    return this.#agenda;
  }
}
