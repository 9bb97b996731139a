import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import cors from '@koa/cors';
import { asValue } from 'awilix';
import type { EventArgs, EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import { coreMigrations } from '../../migrations/index.ts';
import { coreModules } from '../modules/index.ts';
import type { CommerceConfigInput, RuntimeConfig } from './config/define-config.ts';
import { validateConfig } from './config/validate-config.ts';
import { createCommerceContainer, createUnitOfWorkScope, type CommerceContainer } from './container.ts';
import { openDatabase, type Database } from './db/database.ts';
import { EventBus } from './events/event-bus.ts';
import { HookRegistry } from './events/hooks.ts';
import { EventDelivery, OutboxEvent } from './events/outbox.entities.ts';
import { OutboxDispatcher } from './events/outbox-dispatcher.ts';
import { buildOpenApiDocument } from './http/openapi.ts';
import { problemMiddleware } from './http/problem.ts';
import { InFlightTracker, requestContext, securityHeaders } from './http/request-context.ts';
import type { MountedRoute } from './http/route.ts';
import { buildRouter } from './http/router.ts';
import { systemRoutes, type ReadinessProbe } from './http/system-routes.ts';
import { httpMetrics, metricsRoutes } from './http/metrics.ts';
import { JobScheduler } from './jobs/job-scheduler.ts';
import { createLogger, type Logger } from './logger.ts';
import { KernelErrors } from './errors.ts';
import { isPluginInstance, type AdminExtension, type PluginInstance, type SeedContext } from './plugin.ts';
import { PluginError, PluginRegistry } from './plugin-registry.ts';
import { shutdownStep } from './shutdown-step.ts';
import { CORE_VERSION } from './version.ts';
import { newId } from './ids.ts';

export interface StartOptions {
  /** Serve HTTP (false for `start --worker`). Default true. */
  http?: boolean;
  /** Run background jobs and event delivery in this process. Default: `config.jobs.enabled`. */
  jobs?: boolean;
  port?: number;
  host?: string;
}

export interface StartedServer {
  url: string;
  port: number;
}

/** A store: the Koa app, the container, and its life cycle. */
export interface Commerce {
  app: Koa;
  container: CommerceContainer;
  config: RuntimeConfig;
  logger: Logger;
  database: Database;
  dispatcher: OutboxDispatcher;
  jobs: JobScheduler;
  routes: readonly MountedRoute[];
  plugins: ReadonlyArray<{ name: string; version: string }>;
  adminExtensions: ReadonlyArray<AdminExtension & { owner: string }>;
  openapi(): Record<string, unknown>;
  migrate(): Promise<string[]>;
  /** Runs a function in its own unit of work (fresh EntityManager, system actor), as jobs and the CLI do. */
  withScope<T>(fn: (scope: CommerceContainer) => Promise<T>): Promise<T>;
  /** Runs every demo seeder (`cartwright seed demo`). */
  seedDemo(): Promise<string[]>;
  /** Feeds each top-level key of a seed document to the module that handles it. */
  seedData(document: Record<string, unknown>): Promise<string[]>;
  start(options?: StartOptions): Promise<StartedServer | undefined>;
  /** Graceful: stops accepting, lets in-flight requests finish, then stops jobs and closes the database. */
  stop(): Promise<void>;
}

function resolveConfig(config: CommerceConfigInput | RuntimeConfig): RuntimeConfig {
  const { source, plugins, ...rest } = config as RuntimeConfig;
  return validateConfig(rest as CommerceConfigInput, (plugins ?? []) as PluginInstance[], source);
}

/**
 * Builds a store from its configuration: validates it, loads core modules then plugins in config
 * order, opens the database with every entity and migration they declared, and assembles the HTTP
 * app. Nothing listens and no job runs until `start()`.
 */
export async function createCommerce(input: CommerceConfigInput | RuntimeConfig): Promise<Commerce> {
  const config = resolveConfig(input);
  const logger = createLogger({ level: config.logging.level });
  const container = createCommerceContainer();
  const events = new EventBus();
  const hooks = new HookRegistry();
  container.register({ config: asValue(config), logger: asValue(logger), events: asValue(events), hooks: asValue(hooks) });

  const registry = new PluginRegistry({ container, events, hooks, config, logger });
  // lazily bound: the database and job queue exist only after every plugin has registered
  let probes: () => ReadinessProbe[] = () => [];
  registry.mount('operations', '/', systemRoutes({ probes: () => probes(), openapi: () => openapi() }));
  registry.mount('operations', '/', metricsRoutes());
  for (const plugin of [...coreModules, ...config.plugins]) {
    if (!isPluginInstance(plugin)) throw new Error('plugins must be plugin instances');
    await registry.load(plugin);
  }

  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.database.dataDir,
    poolSize: config.database.poolSize,
    debug: config.database.debug,
    entities: [OutboxEvent, EventDelivery, ...registry.entities],
    migrations: [...coreMigrations, ...registry.migrations],
    logger,
  });
  const unitOfWork = (name: string) =>
    createUnitOfWorkScope(container, { em: database.fork(), requestId: newId('run'), actor: { kind: 'system', name } });
  const jobs = new JobScheduler({ db: database, settings: config.jobs, logger, createScope: () => unitOfWork('jobs') });
  for (const job of registry.jobs) jobs.define(job.name, job.handler, { ...job.options, owner: job.owner });
  container.register({ database: asValue(database), jobs: asValue(jobs) });

  probes = () => [
    { name: 'database', check: () => database.ping() },
    ...(jobs.started ? [{ name: 'jobs', check: () => jobs.ping() }] : []),
    ...registry.readiness.map((r) => ({ name: `${r.owner}:${r.name}`, check: () => r.check(container.cradle) })),
  ];
  const dispatcher = new OutboxDispatcher({ db: database, bus: events, settings: config.events, logger, createScope: () => unitOfWork('events') });
  database.orm.em.getEventManager().registerSubscriber(outboxWakeUp(dispatcher));

  const routes = registry.routes;
  let openapiDocument: Record<string, unknown> | undefined;
  const openapi = () => (openapiDocument ??= buildOpenApiDocument(routes, { title: `${config.store.name} API`, version: CORE_VERSION }));

  const inFlight = new InFlightTracker();
  const app = new Koa({ proxy: config.http.trustProxy });
  app.silent = true; // every error is rendered (and 5xx logged) by the problem middleware
  const router = buildRouter(routes, { bodyLimit: config.http.bodyLimit });
  app.use(httpMetrics({ database, logger }));
  app.use(inFlight.middleware());
  app.use(requestContext(container, database, logger));
  app.use(problemMiddleware(logger));
  app.use(securityHeaders());
  app.use(
    cors({
      origin: (ctx) => {
        const origin = ctx.get('Origin');
        const allowed = config.http.cors.origins;
        if (allowed.includes('*')) return '*';
        return allowed.includes(origin) ? origin : '';
      },
      credentials: config.http.cors.credentials,
      exposeHeaders: ['X-Request-Id', 'Retry-After', 'Location'],
      maxAge: 600,
    }),
  );
  app.use(router.routes());
  // answers OPTIONS and sets 405 with its Allow header; the problem middleware renders the body
  app.use(router.allowedMethods());

  let server: Server | undefined;
  let stopping: Promise<void> | undefined;
  let started = false;

  const withScope = async <T>(fn: (scope: CommerceContainer) => Promise<T>): Promise<T> => {
    const scope = unitOfWork('cli');
    try {
      return await fn(scope);
    } finally {
      await scope.dispose();
    }
  };

  const seedContext = (scope: CommerceContainer): SeedContext => ({ em: scope.cradle.em, cradle: scope.cradle, logger });

  const commerce: Commerce = {
    app,
    container,
    config,
    logger,
    database,
    dispatcher,
    jobs,
    routes,
    plugins: registry.loaded,
    adminExtensions: registry.adminExtensions,
    openapi,
    migrate: () => database.migrate(),
    withScope,
    async seedDemo() {
      const ran: string[] = [];
      for (const seed of registry.demoSeeds) {
        await withScope(async (scope) => seed.seeder(seedContext(scope)));
        ran.push(`${seed.owner}:${seed.name}`);
      }
      return ran;
    },
    async seedData(document) {
      const unknownKeys = Object.keys(document).filter((key) => !registry.seedData.has(key));
      if (unknownKeys.length) {
        throw KernelErrors.UNPROCESSABLE(`No module handles the seed key(s) ${unknownKeys.join(', ')}; known keys: ${[...registry.seedData.keys()].join(', ') || 'none'}`);
      }
      // all or nothing: a bad entry halfway leaves no half-seeded store behind
      return withScope(async (scope) => {
        const { em } = scope.cradle;
        await em.begin();
        try {
          for (const [key, items] of Object.entries(document)) await registry.seedData.get(key)!.handler(items, seedContext(scope));
          await em.commit();
        } catch (error) {
          await em.rollback();
          throw error;
        }
        return Object.keys(document);
      });
    },
    async start(options = {}) {
      if (started) throw new Error('This store is already started');
      started = true;
      const autoMigrate = config.database.autoMigrate ?? database.kind === 'embedded';
      if (autoMigrate) {
        const applied = await database.migrate();
        if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
      } else {
        const pending = await database.pendingMigrations();
        if (pending.length) {
          throw new Error(`${pending.length} migration(s) are pending (${pending.join(', ')}); run \`cartwright migrate\` or set database.autoMigrate`);
        }
      }
      for (const hook of registry.startHooks) {
        try {
          await hook.fn(container.cradle);
        } catch (error) {
          throw new PluginError(hook.owner, 'to start', error);
        }
      }
      const processJobs = options.jobs ?? config.jobs.enabled;
      await jobs.start({ process: processJobs });
      if (processJobs) dispatcher.start();
      if (options.http === false) return undefined;
      server = createServer(app.callback());
      server.keepAliveTimeout = config.http.keepAliveTimeout;
      const port = options.port ?? config.http.port;
      const host = options.host ?? config.http.host;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      return { url: `http://${shownHost}:${address.port}`, port: address.port };
    },
    stop() {
      stopping ??= (async () => {
        if (server) {
          const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
          server.closeIdleConnections();
          const drained = await inFlight.idle(config.http.shutdownTimeout);
          if (!drained) logger.warn({ inFlight: inFlight.count }, 'shutdown timeout: closing connections with requests in flight');
          server.closeAllConnections();
          await closed;
        }
        // each later part gets the same limit; one that overruns is logged and left behind
        const limit = config.http.shutdownTimeout;
        const step = async (part: string, work: () => Promise<unknown>, plugin?: string) => {
          if (!(await shutdownStep(work, limit))) logger.warn({ part, plugin, limitMs: limit }, `shutdown: ${part} did not finish in time; going on`);
        };
        await step('event delivery', () => dispatcher.stop());
        await step('job queue', () => jobs.stop());
        for (const hook of [...registry.stopHooks].reverse()) {
          await step(
            'plugin onStop',
            async () => {
              try {
                await hook.fn(container.cradle);
              } catch (error) {
                logger.error({ err: error, plugin: hook.owner }, 'plugin failed to stop');
              }
            },
            hook.owner,
          );
        }
        await step('container', () => container.dispose());
        await step('database', () => database.close());
      })();
      return stopping;
    },
  };
  return commerce;
}

/** Wakes the dispatcher when a transaction that wrote outbox rows commits. */
function outboxWakeUp(dispatcher: OutboxDispatcher): EventSubscriber {
  let pending = false;
  return {
    getSubscribedEntities: () => [OutboxEvent],
    afterCreate: (_args: EventArgs<unknown>) => {
      pending = true;
    },
    afterFlush: (args: FlushEventArgs) => {
      // inside a transaction the rows are not visible until commit; afterTransactionCommit kicks then
      if (pending && !args.em.isInTransaction()) {
        pending = false;
        dispatcher.kick();
      }
    },
    afterTransactionCommit: (_args: TransactionEventArgs) => {
      if (pending) {
        pending = false;
        dispatcher.kick();
      }
    },
  };
}
