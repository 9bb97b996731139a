import type { Context, Next } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { defineRoute, type RouteDefinition } from './route.ts';

/** The route label of a request no route matched (404, 405, OPTIONS): never the raw path, whose values are unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Buckets for an API: 5 ms to 10 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Any other method (a client can send any token) is counted as `OTHER`, so the label stays bounded. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The outbox counts are read on scrape; a database slower than this is skipped, not waited for. */
const OUTBOX_QUERY_TIMEOUT_MS = 2_000;

const STORE_METRICS = Symbol('cartwright.metrics');

/**
 * The default process metrics (`process_*`, `nodejs_*`) are facts about the process, so they are
 * created once per process and registered into each store's registry. Collecting them per store
 * would start one event-loop monitor and one GC observer per store that nothing ever stops (and
 * tests start hundreds of stores in one process).
 */
let processRegistry: Registry | undefined;
function defaultProcessMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

interface OutboxCounts {
  outboxPending: number;
  deliveriesPending: number;
  deliveriesFailed: number;
}

/** One store's metrics: its own registry, so several stores in one process never mix their counts. */
export class StoreMetrics {
  /** This store's metrics plus the process-wide defaults (the same metric objects in every store's registry). */
  readonly register = Registry.merge([defaultProcessMetrics()]);
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #duration: Histogram<'method' | 'route' | 'status'>;
  readonly #database: Database;
  readonly #logger: Logger;
  #outboxRead: Promise<OutboxCounts | undefined> | undefined;

  constructor(deps: { database: Database; logger: Logger }) {
    this.#database = deps.database;
    this.#logger = deps.logger.child({ component: 'metrics' });
    const registers = [this.register];
    const labelNames = ['method', 'route', 'status'] as const;
    this.#requests = new Counter({ name: 'cartwright_http_requests_total', help: 'HTTP requests answered, by method, route template and status', labelNames, registers });
    this.#duration = new Histogram({
      name: 'cartwright_http_request_duration_seconds',
      help: 'Time from receiving a request to its response being ready, by method, route template and status',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'cartwright_outbox_pending_events',
      help: 'Outbox events written but not yet fanned out to their subscribers',
      registers,
      async collect() {
        const counts = await metrics.#readOutbox();
        if (counts) this.set(counts.outboxPending);
        else this.remove(); // no sample rather than a made-up 0
      },
    });
    new Gauge({
      name: 'cartwright_event_deliveries',
      help: 'Event deliveries still to be made (pending) or given up on (failed)',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        const counts = await metrics.#readOutbox();
        this.reset();
        if (counts) {
          this.set({ status: 'pending' }, counts.deliveriesPending);
          this.set({ status: 'failed' }, counts.deliveriesFailed);
        }
      },
    });
  }

  /** Records one answered request. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method: KNOWN_METHODS.has(method) ? method : 'OTHER', route, status: String(status) };
    this.#requests.inc(labels);
    this.#duration.observe(labels, seconds);
  }

  /** The Prometheus text exposition of every metric of this store and of the process. */
  scrape(): Promise<string> {
    return this.register.metrics();
  }

  /** Both outbox gauges are collected in the same scrape: they share one query. */
  #readOutbox(): Promise<OutboxCounts | undefined> {
    this.#outboxRead ??= this.#queryOutbox().finally(() => {
      this.#outboxRead = undefined;
    });
    return this.#outboxRead;
  }

  async #queryOutbox(): Promise<OutboxCounts | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const query = this.#database.fork().execute<Array<{ outbox_pending: string | number; deliveries_pending: string | number; deliveries_failed: string | number }>>(
        `select
           (select count(*) from cw_outbox_event where fanned_out_at is null) as outbox_pending,
           (select count(*) from cw_event_delivery where status = 'pending') as deliveries_pending,
           (select count(*) from cw_event_delivery where status = 'failed') as deliveries_failed`,
      );
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the outbox counts took longer than ${OUTBOX_QUERY_TIMEOUT_MS} ms`)), OUTBOX_QUERY_TIMEOUT_MS);
      });
      const [row] = await Promise.race([query, timeout]);
      return {
        outboxPending: Number(row?.outbox_pending ?? 0),
        deliveriesPending: Number(row?.deliveries_pending ?? 0),
        deliveriesFailed: Number(row?.deliveries_failed ?? 0),
      };
    } catch (error) {
      // the scrape still answers, with the process and HTTP metrics: a database outage is what
      // /ready reports, and a failing /metrics would hide the very numbers that explain it
      this.#logger.warn({ err: error }, 'outbox metrics skipped: the database did not answer');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Counts every request by method, route template (`/store/products/:id`, or `unmatched`) and final
 * status, and times it. Mounted first, so it sees the status the problem middleware settled on.
 * It also hands the store's metrics to the `GET /metrics` route through the request state.
 */
export function httpMetrics(deps: { database: Database; logger: Logger }) {
  const metrics = new StoreMetrics(deps);
  return async function countRequests(ctx: Context, next: Next): Promise<void> {
    (ctx.state as Record<symbol, unknown>)[STORE_METRICS] = metrics;
    const started = process.hrtime.bigint();
    let failed = false;
    try {
      await next();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // @koa/router sets _matchedRoute to the matched layer's path (the template) when a route answers
      const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      const route = matched === undefined ? UNMATCHED_ROUTE : String(matched);
      metrics.observe(ctx.method, route, failed ? 500 : ctx.status, seconds);
    }
  };
}

function storeMetricsOf(ctx: Context): StoreMetrics {
  const metrics = (ctx.state as Record<symbol, unknown>)[STORE_METRICS];
  if (!(metrics instanceof StoreMetrics)) throw new Error('GET /metrics needs the httpMetrics() middleware in front of the router');
  return metrics;
}

/** `GET /metrics`: the Prometheus text exposition. Public like /health: keep it off the internet at the load balancer. */
export function metricsRoutes(): RouteDefinition<any>[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/metrics',
      summary: 'Prometheus metrics: HTTP traffic, the event outbox, and the process',
      description:
        'Text exposition format 0.0.4. `cartwright_http_requests_total` and `cartwright_http_request_duration_seconds` by method, ' +
        'route template and status; `cartwright_outbox_pending_events` and `cartwright_event_deliveries{status}` read from the ' +
        'database on each scrape (left out when it does not answer); and the standard `process_*` and `nodejs_*` metrics.',
      tags: ['operations'],
      schema: { response: { 200: null } },
      handler: async ({ ctx }) => {
        const metrics = storeMetricsOf(ctx);
        const text = await metrics.scrape();
        ctx.type = metrics.register.contentType;
        ctx.body = text;
      },
    }),
  ];
}
