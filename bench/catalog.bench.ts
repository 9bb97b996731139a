/**
 * Catalog read benchmark: the store's product detail, a filtered list and a category page on
 * PostgreSQL with 10,000 products, each beside a baseline measured in the same run: a bare Koa
 * server answering the same JSON with hand-written SQL through `pg` (support/catalog-baseline.ts).
 * Before measuring, it fetches sample requests from both and refuses to go on unless the bodies are
 * equal. Prints req/s, p50/p99 and the store/baseline ratio; writes bench/RESULTS.md.
 * Run with `npm run bench` (see bench/README.md).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import sharp from 'sharp';
import { CORE_VERSION, createCommerce } from '@cartwright/core';
import { createTestDatabase } from '@cartwright/core/testing';
import { BRANDS, PRODUCTS, ROOT_CATEGORIES, seedBenchCatalog } from './support/catalog-seed.ts';
import { startChildServer, type ChildServer } from './support/child-server.ts';

const HOST = '127.0.0.1';
const CONNECTIONS = 50;
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP ?? 3);
const MEASURED_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Both servers get the same number of database connections. */
const POOL_SIZE = 10;
const TARGET_RATIO = 0.5;

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

interface Endpoint {
  name: string;
  /** Many different requests, taken in turn, so no one row stays hot in a cache. */
  paths: string[];
}

/** A deterministic spread of products, brands and price windows. */
function endpoints(): Endpoint[] {
  const published = Array.from({ length: PRODUCTS }, (_, i) => i + 1).filter((i) => i % 97 !== 0);
  const detail = Array.from({ length: 1000 }, (_, k) => published[(k * 7919) % published.length]!).map((i) => `/store/products/bench-product-${i}`);
  const filtered = Array.from({ length: 200 }, (_, k) => {
    const priceMin = 2000 + ((k * 500) % 4000);
    return `/store/products?brand=brand-${1 + (k % BRANDS)}&priceMin=${priceMin}&priceMax=${priceMin + 3000}&sort=price_asc&limit=20`;
  });
  const category = Array.from({ length: ROOT_CATEGORIES }, (_, r) => `/store/products?category=department-${r + 1}&limit=20`);
  return [
    { name: 'product detail', paths: detail },
    { name: 'filtered list (brand + price, price_asc)', paths: filtered },
    { name: 'category page (root, with descendants)', paths: category },
  ];
}

/** BENCH_PROFILE=<dir> writes a CPU profile of the store under load there. */
function startChild(script: string, env: Record<string, string>): Promise<ChildServer> {
  const profile = process.env.BENCH_PROFILE && script.includes('store') ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  return startChildServer(script, env, profile);
}

/** Keys in one order, so that only values and array order count. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** The first place two JSON values differ, as a path and both sides. */
function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path}: store ${JSON.stringify(a)?.slice(0, 300)} ≠ baseline ${JSON.stringify(b)?.slice(0, 300)}`;
}

/** Proves the comparison fair: both servers answer every sampled request with the same JSON. */
async function checkSameAnswers(store: ChildServer, baseline: ChildServer, endpoint: Endpoint): Promise<void> {
  const samples = endpoint.paths.filter((_, i) => i % Math.max(1, Math.floor(endpoint.paths.length / 25)) === 0);
  for (const path of samples) {
    const [s, b] = await Promise.all([fetch(`${store.url}${path}`), fetch(`${baseline.url}${path}`)]);
    const [sBody, bBody] = await Promise.all([s.json(), b.json()]);
    if (s.status !== 200 || b.status !== 200) throw new Error(`${path}: store answered ${s.status}, baseline ${b.status}: ${JSON.stringify(sBody).slice(0, 500)}`);
    const difference = firstDifference(canonical(sBody), canonical(bBody));
    if (difference) throw new Error(`The baseline does not answer ${path} as the store does, so the comparison would not be fair:\n  ${difference}`);
  }
  process.stderr.write(`${endpoint.name}: ${samples.length} sampled responses identical\n`);
}

interface Measured {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  cpu: number;
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function load(url: string, paths: readonly string[], seconds: number): Promise<{ result: autocannon.Result; times: number[] }> {
  let next = 0;
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'GET',
            setupRequest: (request: autocannon.Request) => ({ ...request, path: paths[next++ % paths.length]! }),
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(error) : resolve({ result, times })),
    );
    (instance as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
  });
}

async function measure(server: ChildServer, endpoint: Endpoint, label: string): Promise<Measured> {
  process.stderr.write(`${endpoint.name} on ${label}: warming up ${WARM_UP_SECONDS} s, measuring ${MEASURED_SECONDS} s\n`);
  await load(server.url, endpoint.paths, WARM_UP_SECONDS);
  const cpu = await server.measureCpu();
  const { result, times } = await load(server.url, endpoint.paths, MEASURED_SECONDS);
  const sorted = times.sort((a, b) => a - b);
  return {
    requestsPerSecond: result.requests.average,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
    cpu: await cpu(),
  };
}

/** A few real uploads (so the rows have renditions), shared by every product's images. */
async function uploadMedia(url: string, mediaDirectory: string): Promise<string[]> {
  const commerce = await createCommerce({ logging: { level: 'warn' }, database: { url, autoMigrate: true }, media: { directory: mediaDirectory }, jobs: { enabled: false } });
  try {
    await commerce.migrate();
    const ids: string[] = [];
    for (const [n, colour] of ['#c0392b', '#2980b9', '#27ae60', '#8e44ad'].entries()) {
      const bytes = await sharp({ create: { width: 800, height: 800, channels: 3, background: colour } }).jpeg().toBuffer();
      const media = await commerce.withScope((scope) => scope.cradle.mediaService.upload({ bytes, filename: `bench-${n}.jpg`, purpose: 'product', ownerId: null, alt: `Photo ${n}` }));
      ids.push(media.id);
    }
    return ids;
  } finally {
    await commerce.stop();
  }
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

async function run(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  process.env.CARTWRIGHT_TEST_DB_PREFIX ??= 'cw_bench_';
  const database = await createTestDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const url = database.config.url!;
  const mediaDirectory = mkdtempSync(join(os.tmpdir(), 'cartwright-bench-media-'));
  const rows: Array<{ endpoint: string; store: Measured; baseline: Measured }> = [];
  let seedSeconds = 0;
  try {
    const mediaIds = await uploadMedia(url, mediaDirectory);
    const seedStarted = performance.now();
    await seedBenchCatalog(url, mediaIds);
    seedSeconds = (performance.now() - seedStarted) / 1000;
    process.stderr.write(`seeded ${PRODUCTS} products in ${seedSeconds.toFixed(1)} s\n`);

    const store = await startChild('support/catalog-store-server.ts', { CARTWRIGHT_BENCH_STORE: JSON.stringify({ url, poolSize: POOL_SIZE, mediaDirectory }) });
    const baseline = await startChild('support/catalog-baseline.ts', { CARTWRIGHT_BENCH_BASELINE: JSON.stringify({ url, poolSize: POOL_SIZE }) });
    try {
      const all = endpoints().filter((e) => !process.env.BENCH_ONLY || e.name.startsWith(process.env.BENCH_ONLY));
      for (const endpoint of all) await checkSameAnswers(store, baseline, endpoint);
      for (const endpoint of all) {
        const baselineResult = await measure(baseline, endpoint, 'baseline');
        const storeResult = await measure(store, endpoint, 'store');
        rows.push({ endpoint: endpoint.name, store: storeResult, baseline: baselineResult });
      }
    } finally {
      await Promise.all([store.stop(), baseline.stop()]);
    }
  } finally {
    await database.drop();
    rmSync(mediaDirectory, { recursive: true, force: true });
  }

  const format = (m: Measured) => `${Math.round(m.requestsPerSecond)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${Math.round(m.cpu * 100)} %`;
  const table = [
    '| endpoint | store req/s | p50 ms | p99 ms | CPU | baseline req/s | p50 ms | p99 ms | CPU | store / baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const ratio = r.store.requestsPerSecond / r.baseline.requestsPerSecond;
      return `| ${r.endpoint} | ${format(r.store)} | ${format(r.baseline)} | **${(ratio * 100).toFixed(0)} %**${ratio < TARGET_RATIO ? ' (below target)' : ''} |`;
    }),
  ].join('\n');
  const problems = rows.flatMap((r) =>
    [['store', r.store], ['baseline', r.baseline]].flatMap(([label, m]) => {
      const measured = m as Measured;
      return measured.errors || measured.non2xx ? [`${r.endpoint} on ${label as string}: ${measured.errors} errors, ${measured.non2xx} non-2xx`] : [];
    }),
  );
  process.stdout.write(`\n${table}\n${problems.length ? `\nPROBLEMS: ${problems.join('; ')}\n` : ''}`);

  const now = new Date();
  const cpus = os.cpus();
  const autocannonVersion = (JSON.parse(readFileSync(join(root, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string }).version;
  const report = `# Catalog benchmark results

Recorded ${now.toISOString()} by \`npm run bench\` (bench/catalog.bench.ts). How it works and how to read it:
[README.md](README.md). Machines are noisy: compare the ratios, not the absolute figures. Target: the
store at ≥ ${TARGET_RATIO * 100} % of the baseline on every endpoint.

${table}
${problems.length ? `\nProblems during the run: ${problems.join('; ')}\n` : ''}
## Machine

- ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory
- ${os.platform()} ${os.release()} (${os.arch()}), node ${process.version}
- PostgreSQL ${await postgresVersion(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')} on the same machine
- load average (1 min) when the run began: ${loadAtStart.toFixed(2)}, when it ended: ${os.loadavg()[0]!.toFixed(2)}

## Settings

- @cartwright/core ${CORE_VERSION}, autocannon ${autocannonVersion}
- ${PRODUCTS.toLocaleString('en')} products (${(PRODUCTS * 3).toLocaleString('en')} variants), seeded in ${seedSeconds.toFixed(1)} s with set-based SQL
- ${CONNECTIONS} connections, ${WARM_UP_SECONDS} s warm-up then ${MEASURED_SECONDS} s measured, per endpoint and server; baseline first, then the store
- store and baseline each in a child process on ${HOST} with a pool of ${POOL_SIZE} database connections; the load generator in the parent
- requests measured: ${rows.map((r) => `${r.endpoint}: store ${r.store.total}, baseline ${r.baseline.total}`).join('; ')}
`;
  const file = join(here, 'RESULTS.md');
  writeFileSync(file, report);
  process.stderr.write(`written to ${relative(root, file)}\n`);
}

await run();
