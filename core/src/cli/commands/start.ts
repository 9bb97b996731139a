import type { Commerce, StartedServer } from '../../kernel/commerce.ts';
import { CONFIG_OPTION, parseCommandArgs, parsePort } from './args.ts';
import { CliError, UsageError, type CliContext, type Command } from './command.ts';
import { buildStore, ensureSchema, loadStoreConfig } from './open-store.ts';

const options = {
  ...CONFIG_OPTION,
  worker: { type: 'boolean', short: 'w' },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
} as const;

export const WORKER_NEEDS_POSTGRESQL = [
  'A worker needs PostgreSQL: set DATABASE_URL (or database.url in the config).',
  'The embedded database (PGlite) can be opened by only one process, so a separate worker cannot share it with the API.',
  'Without PostgreSQL, run `cartwright start` alone: it runs background jobs in the API process.',
].join('\n');

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

interface ShutdownRequest {
  /** Resolves with the first SIGTERM or SIGINT. */
  readonly requested: Promise<ShutdownSignal>;
  readonly received: ShutdownSignal | undefined;
  dispose(): void;
}

/** The first signal asks for a graceful stop; a second one means the operator will not wait. */
function listenForShutdown(context: CliContext): ShutdownRequest {
  let received: ShutdownSignal | undefined;
  let resolveRequested!: (signal: ShutdownSignal) => void;
  const requested = new Promise<ShutdownSignal>((resolve) => (resolveRequested = resolve));
  const onSignal = (signal: ShutdownSignal) => {
    if (received) {
      context.err(`Received ${signal} again: exiting without waiting for the shutdown to finish`);
      process.exit(1);
    }
    received = signal;
    resolveRequested(signal);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  return {
    requested,
    get received() {
      return received;
    },
    dispose: () => {
      for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
    },
  };
}

/**
 * The admin dashboard's URL, printed with the others once the dashboard is served
 * (admin-extensions); until then there is none.
 */
function adminDashboardUrl(_baseUrl: string): string | undefined {
  return undefined;
}

function printUrls(context: CliContext, commerce: Commerce, { url }: StartedServer): void {
  const admin = adminDashboardUrl(url);
  const rows: Array<[string, string]> = [
    ['API', url],
    ...(admin ? [['Admin', admin] as [string, string]] : []),
    ['API docs', `${url}/docs`],
    ['OpenAPI', `${url}/openapi.json`],
    ['Health', `${url}/health`],
  ];
  context.out(`${commerce.config.store.name} is listening`);
  for (const [label, link] of rows) context.out(`  ${label.padEnd(10)}${link}`);
}

async function listen(commerce: Commerce, port: number | undefined, host: string | undefined): Promise<StartedServer> {
  try {
    return (await commerce.start({ http: true, ...(port !== undefined ? { port } : {}), ...(host !== undefined ? { host } : {}) }))!;
  } catch (error) {
    const { code, syscall } = error as NodeJS.ErrnoException;
    if (syscall !== 'listen') throw error;
    const address = `${host ?? commerce.config.http.host}:${port ?? commerce.config.http.port}`;
    const hint = code === 'EADDRINUSE' ? 'the port is already in use; choose another with --port or PORT' : (error as Error).message;
    throw new CliError(`Cannot listen on ${address}: ${hint}`);
  }
}

export const startCommand: Command = {
  name: 'start',
  summary: 'Start the API server, or a background worker with --worker',
  help: `Usage: cartwright start [--port <n>] [--host <host>] [--config <path>]
       cartwright start --worker [--config <path>]

Starts the store: applies pending migrations when database.autoMigrate is on (the default for
the embedded database), serves the API and runs background jobs. SIGTERM or SIGINT stops it
gracefully: it stops accepting connections, lets requests in flight finish (up to
http.shutdownTimeout), then stops jobs and closes the database. A second signal exits at once.

Options:
  -p, --port <n>       Port to listen on (default: PORT, else http.port, else 9000; 0 picks a free port)
  --host <host>        Interface to listen on (default: http.host, else 0.0.0.0)
  -w, --worker         Run background jobs and event delivery only, without HTTP, to scale them out
                       separately from the API. Needs PostgreSQL (DATABASE_URL): the embedded
                       database cannot be shared between processes.
  -c, --config <path>  Config file (default: cartwright.config.{ts,mts,js,mjs,json} in the current directory)
  -h, --help           Show this help`,
  async run(args, context) {
    const { values } = parseCommandArgs(args, options);
    const port = values.port === undefined ? undefined : parsePort(values.port);
    if (values.worker && (port !== undefined || values.host !== undefined)) {
      throw new UsageError('--port and --host do not apply to --worker: a worker serves no HTTP');
    }
    const config = await loadStoreConfig(context, values.config);
    if (values.worker && !config.runtime.database.url) throw new CliError(WORKER_NEEDS_POSTGRESQL);

    const shutdown = listenForShutdown(context);
    let commerce: Commerce | undefined;
    try {
      commerce = await buildStore(config);
      await ensureSchema(commerce, context);
      if (shutdown.received === undefined) {
        if (values.worker) {
          await commerce.start({ http: false, jobs: true });
          context.out(`${commerce.config.store.name}: worker started, running background jobs and event delivery (no HTTP)`);
        } else {
          printUrls(context, commerce, await listen(commerce, port, values.host));
        }
      }
      const signal = await shutdown.requested;
      commerce.logger.info({ signal }, `received ${signal}: finishing requests in flight, then stopping (send it again to force)`);
      await commerce.stop();
      commerce.logger.info('stopped');
      return 0;
    } catch (error) {
      await commerce?.stop().catch(() => undefined);
      throw error;
    } finally {
      shutdown.dispose();
    }
  },
};
