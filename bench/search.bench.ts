/**
 * Search benchmark: `/store/search` (a two-word query without facets and the same queries with every
 * facet; a one-word query with brand, price and stock filters and every facet; browsing without
 * `q`: the whole catalog without facets, with facets counted for each request, and listings of
 * departments and sections paged through) and `/store/search/suggest` on PostgreSQL, at 10,000 and 100,000 products,
 * with 1, 10 and 50 concurrent clients. Each catalog is seeded with set-based SQL
 * (support/search-seed.ts), indexed by the store's own `search.reindex` job, and served by a store in
 * a child process. Latency is measured per request in the parent; prints and records p50/p95/p99 and
 * req/s in bench/RESULTS.md. Target (issue 10): p95 < 50 ms for the two-word query with facets at
 * 100,000 products, one client. Run with `npm run bench:search` (see bench/README.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { CORE_VERSION, createCommerce } from '@cartwright/core';
import { createTestDatabase } from '@cartwright/core/testing';
import { startChildServer } from './support/child-server.ts';
import { writeResultsSection } from './support/results-file.ts';
import { ADJECTIVES, MATERIALS, NOUNS, seedSearchCatalog } from './support/search-seed.ts';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,10,50').split(',').map(Number);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP ?? 2);
const MEASURED_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const POOL_SIZE = 10;
const TARGET_P95_MS = 50;
const TWO_WORDS = 'two-word query, all facets';
const TWO_WORDS_PLAIN = 'two-word query, no facets';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

interface Scenario {
  name: string;
  /** Many different requests, taken in turn, so no one query stays hot in a cache. */
  paths: string[];
  /** Plain search: `facets=` asks for none, and `check` makes sure none come back. */
  unfaceted?: boolean;
}

/** The seed's 5 departments and their 20 sections (bench/support/search-seed.ts). */
const BROWSED_CATEGORIES = [1, 2, 3, 4, 5].flatMap((d) => [`department-${d}`, ...[1, 2, 3, 4].map((s) => `section-${d}-${s}`)]);

function scenarios(): Scenario[] {
  const pairs = MATERIALS.flatMap((material) => NOUNS.filter((noun) => !noun.includes(' ')).map((noun) => `${material} ${noun}`));
  const q = (text: string) => encodeURIComponent(text);
  return [
    { name: TWO_WORDS_PLAIN, paths: pairs.map((pair) => `/store/search?q=${q(pair)}&currency=USD&facets=`), unfaceted: true },
    { name: TWO_WORDS, paths: pairs.map((pair) => `/store/search?q=${q(pair)}&currency=USD`) },
    {
      name: 'one word + brand, price and stock filters, all facets',
      paths: MATERIALS.flatMap((material, m) =>
        [1, 2, 3, 4].map((b) => `/store/search?q=${q(material)}&brand=maker-${1 + ((m * 7 + b) % 60)}&priceMin=1000&priceMax=20000&inStock=true&currency=USD`),
      ),
    },
    { name: 'suggest (a prefix)', paths: [...ADJECTIVES, ...NOUNS].map((word) => `/store/search/suggest?q=${q(word.slice(0, 4))}`) },
    {
      name: 'no q: whole catalog, newest first, pages 1–5, no facets',
      paths: [0, 1, 2, 3, 4].map((page) => `/store/search?currency=USD&facets=&limit=24&offset=${page * 24}`),
      unfaceted: true,
    },
    {
      // more distinct requests than a process keeps facets for, so each one counts them
      name: 'no q: whole catalog, all facets, counted for each request',
      paths: Array.from({ length: 600 }, (_, i) => `/store/search?currency=USD&priceMin=${i + 1}&limit=24`),
    },
    {
      // a shopper's listing: the first page counts the facets, the next pages reuse them until the index changes
      name: 'no q: 25 departments and sections × pages 1–5, all facets',
      paths: BROWSED_CATEGORIES.flatMap((slug) => [0, 1, 2, 3, 4].map((page) => `/store/search?category=${slug}&currency=USD&limit=24&offset=${page * 24}`)),
    },
  ];
}

interface Measured {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

/** `clients` loops, each sending its next request as soon as the last one's body has arrived, for `seconds`. */
async function load(base: string, paths: string[], clients: number, seconds: number): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const path = paths[next++ % paths.length]!;
        const sent = performance.now();
        const response = await fetch(base + path).catch(() => undefined);
        const ok = response?.ok === true && (await response.text().then(() => true, () => false));
        if (ok) latencies.push(performance.now() - sent);
        else errors++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, seconds: (performance.now() - started) / 1000, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) };
}

/** Migrates, seeds `size` products and runs the store's `search.reindex` job once; answers the seconds each took. */
async function prepare(url: string, size: number, mediaDirectory: string): Promise<{ seedSeconds: number; indexSeconds: number }> {
  const commerce = await createCommerce({ logging: { level: 'warn' }, database: { url, autoMigrate: true }, media: { directory: mediaDirectory }, jobs: { enabled: false } });
  try {
    await commerce.migrate();
    const seedStarted = performance.now();
    await seedSearchCatalog(url, size);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const job = commerce.jobs.definitions().find((definition) => definition.name === 'search.reindex');
    if (!job) throw new Error('the store has no search.reindex job');
    const indexStarted = performance.now();
    await commerce.withScope(async (scope) => {
      await job.handler({}, { em: scope.cradle.em, cradle: scope.cradle, logger: scope.cradle.logger, jobId: 'bench' });
    });
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    // a freshly bulk-loaded GIN index keeps new entries in its pending list until a vacuum merges them (autovacuum does in a running store)
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('vacuum analyze').finally(() => client.end());
    return { seedSeconds, indexSeconds };
  } finally {
    await commerce.stop();
  }
}

/** Refuses to measure a store that answers wrongly: every scenario's first requests must find something, with facets or without as asked. */
async function check(base: string, list: Scenario[]): Promise<void> {
  for (const scenario of list) {
    for (const path of scenario.paths.slice(0, 3)) {
      const response = await fetch(base + path);
      const body = (await response.json()) as { count?: number; items?: unknown[]; facets?: Record<string, unknown> };
      if (!response.ok || !(body.items?.length ?? 0)) throw new Error(`${scenario.name}: ${path} answered ${response.status} with ${JSON.stringify(body).slice(0, 300)}`);
      const facetCount = Object.keys(body.facets ?? {}).length;
      if (scenario.unfaceted ? facetCount > 0 : path.startsWith('/store/search?') && facetCount === 0) {
        throw new Error(`${scenario.name}: ${path} answered facets ${JSON.stringify(body.facets).slice(0, 300)}`);
      }
    }
  }
}

const ms = (value: number) => value.toFixed(1);

async function run(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  process.env.CARTWRIGHT_TEST_DB_PREFIX ??= 'cw_bench_';
  const rows: string[] = [];
  const settings: string[] = [];
  let target: Measured | undefined;
  for (const size of SIZES) {
    const database = await createTestDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    const mediaDirectory = mkdtempSync(join(os.tmpdir(), 'cartwright-bench-media-'));
    try {
      const url = database.config.url!;
      const prepared = await prepare(url, size, mediaDirectory);
      settings.push(`${size.toLocaleString('en')} products: seeded in ${prepared.seedSeconds.toFixed(1)} s, indexed by \`search.reindex\` in ${prepared.indexSeconds.toFixed(1)} s, then \`vacuum analyze\``);
      process.stderr.write(`${size} products: seeded in ${prepared.seedSeconds.toFixed(1)} s, indexed in ${prepared.indexSeconds.toFixed(1)} s\n`);
      const store = await startChildServer('support/catalog-store-server.ts', { CARTWRIGHT_BENCH_STORE: JSON.stringify({ url, poolSize: POOL_SIZE, mediaDirectory }) });
      try {
        const list = scenarios();
        await check(store.url, list);
        for (const scenario of list) {
          for (const clients of CLIENTS) {
            await load(store.url, scenario.paths, clients, WARM_UP_SECONDS);
            const measured = await load(store.url, scenario.paths, clients, MEASURED_SECONDS);
            if (size === 100_000 && scenario.name === TWO_WORDS && clients === 1) target = measured;
            const line = `| ${size.toLocaleString('en')} | ${scenario.name} | ${clients} | ${Math.round(measured.requests / measured.seconds)} | ${ms(measured.p50)} | **${ms(measured.p95)}** | ${ms(measured.p99)} | ${measured.errors} |`;
            rows.push(line);
            process.stderr.write(`${line}\n`);
          }
        }
      } finally {
        await store.stop();
      }
    } finally {
      rmSync(mediaDirectory, { recursive: true, force: true });
      await database.drop();
    }
  }
  const cpus = os.cpus();
  const verdict = target
    ? `Target: p95 < ${TARGET_P95_MS} ms for the two-word query with facets at 100,000 products, one client: **${ms(target.p95)} ms, ${target.p95 < TARGET_P95_MS ? 'met' : 'not met'}**.`
    : `Target: p95 < ${TARGET_P95_MS} ms for the two-word query with facets at 100,000 products, one client (not measured in this run: BENCH_SIZES or BENCH_CLIENTS left it out).`;
  const report = `# Search benchmark results

Recorded ${new Date().toISOString()} by \`npm run bench:search\` (bench/search.bench.ts), on PostgreSQL with the core
PostgreSQL search provider. Latencies are per request, measured in the load generator (response body read).
${verdict}

| products | request | clients | req/s | p50 ms | p95 ms | p99 ms | errors |
|---:|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

- ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.platform()} ${os.release()}, node ${process.version}, @cartwright/core ${CORE_VERSION}
- the store in a child process on 127.0.0.1 with a pool of ${POOL_SIZE} database connections and jobs off; PostgreSQL on the same machine; load average (1 min) ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0]!.toFixed(2)} at the end
- ${settings.join('; ')}
- per cell: ${WARM_UP_SECONDS} s warm-up, then ${MEASURED_SECONDS} s measured; queries taken in turn from ${scenarios().map((s) => `${s.paths.length} (${s.name})`).join(', ')}
`;
  const file = join(here, 'RESULTS.md');
  writeResultsSection(file, 'search', report);
  process.stderr.write(`written to ${relative(root, file)}\n`);
}

await run();
