/**
 * HTTP kernel benchmark: how many requests per second one store process answers, and how fast,
 * for three kinds of request (see bench/README.md). Run with `npm run bench`; with DATABASE_URL set
 * it runs on a throwaway PostgreSQL database too. Prints a markdown table and writes it, with the
 * machine's facts, to bench/results/<date>-http-kernel.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { CORE_VERSION } from '@cartwright/core';
import { createTestDatabase, type TestDatabase } from '@cartwright/core/testing';
import { startChildServer, type ChildServer } from './support/child-server.ts';

const HOST = '127.0.0.1';
const CONNECTIONS = 10;
const WARM_UP_SECONDS = 3;
const MEASURED_SECONDS = 10;

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  expectedStatus: number;
}

const scenarios: Scenario[] = [
  { name: 'GET /health', method: 'GET', path: '/health', expectedStatus: 200 },
  {
    name: 'POST /bench/entries (validated body → 1 row + 1 outbox event)',
    method: 'POST',
    path: '/bench/entries',
    body: JSON.stringify({ sku: 'BENCH-001', quantity: 3, note: 'load test entry' }),
    expectedStatus: 201,
  },
  { name: 'GET /openapi.json', method: 'GET', path: '/openapi.json', expectedStatus: 200 },
];

interface Target {
  label: string;
  /** The `database` config the store runs with, and how to clean it up afterwards. */
  prepare(): Promise<{ config: { url?: string; dataDir: string }; cleanup(): Promise<void>; version(): Promise<string> }>;
}

const targets: Target[] = [
  {
    label: 'embedded (PGlite)',
    async prepare() {
      // a data directory on disk, as `cartwright start` uses without DATABASE_URL (not in-memory)
      const dataDir = mkdtempSync(join(os.tmpdir(), 'cartwright-bench-'));
      const pglite = JSON.parse(readFileSync(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
      return {
        config: { dataDir },
        cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
        version: async () => `PGlite ${pglite.version}`,
      };
    },
  },
];
if (process.env.DATABASE_URL) {
  targets.push({
    label: 'PostgreSQL',
    async prepare() {
      process.env.CARTWRIGHT_TEST_DB_PREFIX ??= 'cw_bench_';
      const database: TestDatabase = await createTestDatabase(process.env.DATABASE_URL);
      return {
        config: { url: database.config.url!, dataDir: database.config.dataDir },
        cleanup: () => database.drop(),
        version: async () => {
          const client = new pg.Client({ connectionString: database.config.url! });
          await client.connect();
          try {
            const { rows } = await client.query<{ server_version: string }>('show server_version');
            return `PostgreSQL ${rows[0]!.server_version}`;
          } finally {
            await client.end();
          }
        },
      };
    },
  });
}

interface Row {
  scenario: string;
  database: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  serverCpu: number;
}

async function startServer(database: { url?: string; dataDir: string }): Promise<ChildServer> {
  const server = await startChildServer('support/bench-server.ts', { CARTWRIGHT_BENCH_DATABASE: JSON.stringify(database) });
  if (new URL(server.url).hostname !== HOST) throw new Error(`the bench server listens on ${server.url}, not ${HOST}`);
  return server;
}

interface Measured {
  result: autocannon.Result;
  /** Every response's time in ms, at the resolution autocannon measures (its own percentiles are whole ms). */
  responseTimes: number[];
}

function load(url: string, scenario: Scenario, seconds: number): Promise<Measured> {
  const responseTimes: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}${scenario.path}`,
        method: scenario.method,
        connections: CONNECTIONS,
        duration: seconds,
        ...(scenario.body ? { body: scenario.body, headers: { 'content-type': 'application/json' } } : {}),
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(error) : resolve({ result, responseTimes })),
    );
    // autocannon 9 emits (client, statusCode, bytes, ms); @types/autocannon still describes v7's arguments
    (instance as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      responseTimes.push(ms);
    });
  });
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function run(): Promise<void> {
  // other work on the machine skews the numbers: the report says how busy it was when the run began
  const loadAtStart = os.loadavg()[0]!;
  const rows: Row[] = [];
  const engines: string[] = [];
  for (const target of targets) {
    const database = await target.prepare();
    try {
      engines.push(await database.version());
      const server = await startServer(database.config);
      try {
        for (const scenario of scenarios) {
          // a wrong status would measure an error path: check one request first
          const probe = await fetch(`${server.url}${scenario.path}`, {
            method: scenario.method,
            ...(scenario.body ? { body: scenario.body, headers: { 'content-type': 'application/json' } } : {}),
          });
          await probe.arrayBuffer();
          if (probe.status !== scenario.expectedStatus) throw new Error(`${scenario.name} answered ${probe.status}, expected ${scenario.expectedStatus}`);
          process.stderr.write(`${target.label}: ${scenario.name}: warming up ${WARM_UP_SECONDS} s, measuring ${MEASURED_SECONDS} s\n`);
          await load(server.url, scenario, WARM_UP_SECONDS);
          const cpuUsed = await server.measureCpu();
          const { result, responseTimes } = await load(server.url, scenario, MEASURED_SECONDS);
          const serverCpu = await cpuUsed();
          const sorted = responseTimes.sort((a, b) => a - b);
          rows.push({
            scenario: scenario.name,
            database: target.label,
            requestsPerSecond: result.requests.average,
            p50: percentile(sorted, 0.5),
            p99: percentile(sorted, 0.99),
            errors: result.errors,
            non2xx: result.non2xx,
            total: result.requests.total,
            serverCpu,
          });
        }
      } finally {
        await server.stop();
      }
    } finally {
      await database.cleanup();
    }
  }

  const table = [
    '| scenario | database | requests/s | p50 ms | p99 ms | errors | non-2xx | server CPU |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.database} | ${Math.round(r.requestsPerSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${r.non2xx} | ${Math.round(r.serverCpu * 100)} % |`,
    ),
  ].join('\n');
  process.stdout.write(`\n${table}\n`);

  const now = new Date();
  const date = now.toISOString().slice(0, 10);
  const cpus = os.cpus();
  const autocannonVersion = (JSON.parse(readFileSync(join(root, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string }).version;
  const report = `# HTTP kernel benchmark, ${date}

Recorded ${now.toISOString()} by \`npm run bench\` (bench/http-kernel.bench.ts). What each row measures and how to
read it: [bench/README.md](../README.md).

${table}

## Machine

- node ${process.version} on ${os.platform()} ${os.release()} (${os.arch()})
- ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}
- ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory
- ${engines.join(', ')}
- load average (1 min) when the run began: ${loadAtStart.toFixed(2)}, when it ended: ${os.loadavg()[0]!.toFixed(2)} (the run itself keeps about 2 CPUs busy)

## Settings

- @cartwright/core ${CORE_VERSION}, autocannon ${autocannonVersion}
- ${CONNECTIONS} connections, ${WARM_UP_SECONDS} s warm-up (not recorded) then ${MEASURED_SECONDS} s measured, per scenario
- the store in a child process on ${HOST} (\`jobs.enabled: false\`, request logs at \`info\` to /dev/null), the load generator in the parent
- requests per scenario measured: ${rows.map((r) => `${r.scenario.split(' (')[0]} on ${r.database}: ${r.total}`).join('; ')}
`;
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  let file = join(dir, `${date}-http-kernel.md`);
  // a second run on the same day gets its own file rather than replacing the first
  for (let n = 2; existsSync(file); n++) file = join(dir, `${date}-http-kernel-${n}.md`);
  writeFileSync(file, report);
  process.stderr.write(`written to ${relative(root, file)}\n`);
}

await run();
