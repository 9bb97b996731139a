import { createCommerce } from '@cartwright/core';
import { benchPlugin } from './bench-plugin.ts';

/**
 * The store under load, in a process of its own so the load generator does not share its CPU.
 * Reads its `database` config from CARTWRIGHT_BENCH_DATABASE, listens on 127.0.0.1 on a free port,
 * sends `{ url }` to the parent, answers `cpu` with its CPU time so far, and stops when told to (or
 * when the parent goes away).
 */
const database = JSON.parse(process.env.CARTWRIGHT_BENCH_DATABASE ?? '{}') as { url?: string; dataDir: string };
const commerce = await createCommerce({
  // request logs stay on (as in production); the parent sends stdout to /dev/null
  logging: { level: 'info' },
  database: { ...database, autoMigrate: true },
  http: { host: '127.0.0.1', port: 0 },
  // an API node with jobs in separate workers: the numbers are the request path's alone
  jobs: { enabled: false },
  plugins: [benchPlugin()],
});
const started = await commerce.start();

let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= commerce.stop().finally(() => {
    if (process.connected) process.disconnect();
  }));
process.on('message', (message) => {
  if (message === 'stop') void stop();
  // the parent asks before and after a measurement, to tell a CPU-bound store from one waiting on its database
  if (message === 'cpu') process.send!({ cpu: process.cpuUsage(), at: process.hrtime.bigint().toString() });
});
process.on('disconnect', () => void stop());
process.send!({ url: started!.url, databaseKind: commerce.database.kind });
