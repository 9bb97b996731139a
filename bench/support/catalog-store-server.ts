import { createCommerce } from '@cartwright/core';
import cod from '@cartwright/plugin-cod';
import { checkoutStoreConfig, COD_OPTIONS } from './checkout-seed.ts';

/**
 * The store under load in the catalog benchmark, in a process of its own. Reads
 * CARTWRIGHT_BENCH_STORE ({ url, poolSize, mediaDirectory, checkout? }; with `checkout`, the
 * checkout scenario's flat-rate shipping and cash on delivery), listens on 127.0.0.1 on a free port,
 * sends `{ url }`, answers `cpu` with its CPU time so far, stops on `stop` or when the parent goes away.
 */
const settings = JSON.parse(process.env.CARTWRIGHT_BENCH_STORE ?? '{}') as { url: string; poolSize: number; mediaDirectory: string; checkout?: boolean };
const commerce = await createCommerce({
  // request logs stay on (as in production); the parent sends stdout to /dev/null
  logging: { level: 'info' },
  database: { url: settings.url, poolSize: settings.poolSize, autoMigrate: false },
  media: { directory: settings.mediaDirectory },
  http: { host: '127.0.0.1', port: 0 },
  // an API node with jobs in separate workers: the numbers are the request path's alone
  jobs: { enabled: false },
  ...(settings.checkout ? { ...checkoutStoreConfig(), plugins: [cod(COD_OPTIONS)] } : {}),
});
const started = await commerce.start();

let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= commerce.stop().finally(() => {
    if (process.connected) process.disconnect();
  }));
process.on('message', (message) => {
  if (message === 'stop') void stop();
  if (message === 'cpu') process.send!({ cpu: process.cpuUsage(), at: process.hrtime.bigint().toString() });
});
process.on('disconnect', () => void stop());
process.send!({ url: started!.url });
