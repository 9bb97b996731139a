/**
 * Catalog read benchmark: the store's product detail, a filtered list and a category page on
 * PostgreSQL with 10,000 products, a guest cart read, and last (it writes) a guest checkout with cash on delivery,
 * each beside a baseline measured in the same run: a bare Koa server answering the same JSON with hand-written SQL
 * through `pg` (support/catalog-baseline.ts; for checkout, support/checkout-baseline.ts: the same rows in one
 * transaction, compared table by table before measuring).
 * Before measuring, it fetches sample requests from both and refuses to go on unless the bodies are
 * equal. Prints req/s, p50/p99 and the store/baseline ratio; writes bench/RESULTS.md.
 * Run with `npm run bench` (see bench/README.md).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import sharp from 'sharp';
import { CORE_VERSION, createCommerce } from '@cartwright/core';
import { createTestDatabase } from '@cartwright/core/testing';
import cod from '@cartwright/plugin-cod';
import { makeSomeLinesShort, planCarts, seedCartStock, type PlannedLine } from './support/cart-seed.ts';
import { BRANDS, PRODUCTS, ROOT_CATEGORIES, seedBenchCatalog } from './support/catalog-seed.ts';
import { startChildServer, type ChildServer } from './support/child-server.ts';
import { writeResultsSection } from './support/results-file.ts';
import {
  checkoutStoreConfig,
  COD_OPTIONS,
  FLAT_RATE,
  planCheckoutVariants,
  seedCheckoutCarts,
  seedCheckoutStock,
  WRITTEN_TABLES,
  type PooledCart,
} from './support/checkout-seed.ts';

const HOST = '127.0.0.1';
const CONNECTIONS = 50;
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP ?? 3);
const MEASURED_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Both servers get the same number of database connections. */
const POOL_SIZE = 10;
const TARGET_RATIO = 0.5;
/** Checkout's target (issue 6): the store at ≥ 40 % of the baseline's orders/s. */
const CHECKOUT_TARGET_RATIO = 0.4;
const targetOf = (endpoint: string) => (endpoint === CHECKOUT ? CHECKOUT_TARGET_RATIO : TARGET_RATIO);

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

interface BenchRequest {
  path: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
}

interface Endpoint {
  name: string;
  /** Many different requests, taken in turn, so no one row stays hot in a cache. */
  requests: BenchRequest[];
  /**
   * Requests that may be sent only once (a checkout needs a fresh cart): a cursor that goes on
   * across warm-up and measurement instead of starting over, and must not run past the end.
   */
  cursor?: { next: number };
}

const CART_READ = 'cart read (guest, 5 lines)';
const CHECKOUT = 'checkout (guest, 1 line, cash on delivery)';
/** Ready carts per server: enough for the whole warm-up and measurement at up to this many orders/s. */
const CHECKOUT_MAX_RATE = Number(process.env.BENCH_CHECKOUT_MAX_RATE ?? 1500);
/** Checkouts per server in the fairness check, before measuring. */
const CHECKOUT_SAMPLES = 20;

/** The products the product-detail endpoint asks for (1,000 of the published ones). */
function detailProducts(): number[] {
  const published = Array.from({ length: PRODUCTS }, (_, i) => i + 1).filter((i) => i % 97 !== 0);
  return Array.from({ length: 1000 }, (_, k) => published[(k * 7919) % published.length]!);
}

const selected = (name: string) => !process.env.BENCH_ONLY || name.startsWith(process.env.BENCH_ONLY);

/** A deterministic spread of products, brands and price windows. (The cart read is made later: see run.) */
function endpoints(): Endpoint[] {
  const detail = detailProducts().map((i) => `/store/products/bench-product-${i}`);
  const filtered = Array.from({ length: 200 }, (_, k) => {
    const priceMin = 2000 + ((k * 500) % 4000);
    return `/store/products?brand=brand-${1 + (k % BRANDS)}&priceMin=${priceMin}&priceMax=${priceMin + 3000}&sort=price_asc&limit=20`;
  });
  const category = Array.from({ length: ROOT_CATEGORIES }, (_, r) => `/store/products?category=department-${r + 1}&limit=20`);
  const paths = (list: string[]) => list.map((path) => ({ path }));
  return [
    { name: 'product detail', requests: paths(detail) },
    { name: 'filtered list (brand + price, price_asc)', requests: paths(filtered) },
    { name: 'category page (root, with descendants)', requests: paths(category) },
  ];
}

/** Sends one JSON request to the store and insists on the status expected. */
async function storeCall(url: string, method: string, body: unknown, headers: Record<string, string>, expected: number): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== expected) throw new Error(`${method} ${url} answered ${response.status}, not ${expected}: ${JSON.stringify(answer).slice(0, 500)}`);
  return answer;
}

/** Guest carts made through the store's HTTP API, as a storefront would: one request per cart to read it. */
async function createCarts(store: ChildServer, planned: readonly PlannedLine[][]): Promise<BenchRequest[]> {
  const requests: BenchRequest[] = [];
  for (const lines of planned) {
    const cart = await storeCall(`${store.url}/store/carts`, 'POST', {}, {}, 201);
    const headers = { 'x-cart-token': cart.token as string };
    for (const line of lines) await storeCall(`${store.url}/store/carts/${cart.id as string}/items`, 'POST', line, headers, 200);
    requests.push({ path: `/store/carts/${cart.id as string}`, headers });
  }
  return requests;
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
  const samples = endpoint.requests.filter((_, i) => i % Math.max(1, Math.floor(endpoint.requests.length / 25)) === 0);
  for (const { path, headers } of samples) {
    const [s, b] = await Promise.all([fetch(`${store.url}${path}`, { headers }), fetch(`${baseline.url}${path}`, { headers })]);
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

function load(url: string, requests: readonly BenchRequest[], seconds: number, cursor: { next: number } = { next: 0 }): Promise<{ result: autocannon.Result; times: number[] }> {
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
            setupRequest: (request: autocannon.Request) => {
              const { path, headers, method = 'GET', body } = requests[cursor.next++ % requests.length]!;
              return { ...request, method, path, ...(headers ? { headers: { ...request.headers, ...headers } } : {}), ...(body === undefined ? {} : { body }) };
            },
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
  await load(server.url, endpoint.requests, WARM_UP_SECONDS, endpoint.cursor);
  const cpu = await server.measureCpu();
  const { result, times } = await load(server.url, endpoint.requests, MEASURED_SECONDS, endpoint.cursor);
  if (endpoint.cursor && endpoint.cursor.next > endpoint.requests.length) {
    throw new Error(`${endpoint.name} on ${label}: ran out of fresh carts (${endpoint.cursor.next} requests for ${endpoint.requests.length}); raise BENCH_CHECKOUT_MAX_RATE`);
  }
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

const CHECKOUT_ADDRESS = { firstName: 'Grace', lastName: 'Hopper', line1: '1 Navy Way', city: 'Arlington', region: 'VA', postalCode: '22202', countryCode: 'US' };

/** Checkout requests of a pool, each with a fresh cart, its token and an Idempotency-Key of its own. */
function checkoutRequests(pool: readonly PooledCart[], server: string): BenchRequest[] {
  return pool.map((cart, n) => ({
    method: 'POST',
    path: `/store/carts/${cart.id}/checkout`,
    headers: { 'content-type': 'application/json', 'x-cart-token': cart.token, 'idempotency-key': `bench-${server}-${n}` },
    body: '{"paymentMethod":"cod"}',
  }));
}

async function rowCounts(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<Record<string, string>>(`select ${WRITTEN_TABLES.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ')}`);
  return Object.fromEntries(Object.entries(rows[0]!).map(([table, n]) => [table, Number(n)]));
}

/** Everything one checkout left in the database about its order, cart and key. */
async function orderRows(client: pg.Client, orderId: string): Promise<Record<string, unknown>> {
  const { rows } = await client.query(
    `select
       (select to_jsonb(o) from cw_order o where o.id = $1) as "order",
       (select jsonb_agg(to_jsonb(l) order by l.position) from cw_order_line l where l.order_id = $1) as lines,
       (select jsonb_agg(to_jsonb(e) order by e.kind) from cw_order_event e where e.order_id = $1) as timeline,
       (select jsonb_agg(jsonb_build_object('name', e.name, 'payload', e.payload, 'fanned_out_at', e.fanned_out_at) order by e.name) from cw_outbox_event e where e.payload->>'orderId' = $1) as outbox,
       (select jsonb_agg(to_jsonb(m)) from cw_stock_movement m where m.reference = $1) as movements,
       (select count(*) from cw_stock_reservation r where r.reference = $1) as deadlines,
       (select to_jsonb(c) from cw_cart c where c.order_id = $1) as cart,
       (select to_jsonb(k) - 'key' from cw_idempotency_key k where k.resource_id = $1) as idempotency,
       (select jsonb_agg(to_jsonb(p)) from cw_payment p where p.order_id = $1) as payments,
       (select jsonb_agg(to_jsonb(t)) from cw_payment_transaction t where t.order_id = $1) as transactions,
       (select jsonb_agg(to_jsonb(c)) from cod_payment c join cw_payment p on p.id = c.payment_id where p.order_id = $1) as cod_payments,
       (select jsonb_agg(to_jsonb(c)) from cod_payment_operation c join cw_payment p on p.id = c.payment_id where p.order_id = $1) as cod_operations`,
    [orderId],
  );
  return rows[0] as Record<string, unknown>;
}

/** Generated ids, timestamps and secrets differ by nature: names them, so only what was written counts. */
function masked(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const [id, name] of names) text = text.split(id).join(name);
    return text;
  }
  if (Array.isArray(value)) return value.map((v) => masked(v, names));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) =>
        /(_at|^id|^number|_hash|^orderToken)$/.test(k) && v !== null ? [k, `<${k}>`] : [k, masked(v, names)],
      ),
    );
  }
  return value;
}

/**
 * Proves the checkout comparison fair: CHECKOUT_SAMPLES checkouts on each server must add the same
 * number of rows to every table a checkout writes, answer the same JSON, and leave the same rows
 * for their order (ids, numbers, tokens and times aside).
 */
async function checkSameWrites(url: string, store: ChildServer, baseline: ChildServer, storeEndpoint: Endpoint, baselineEndpoint: Endpoint): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const run = async (server: ChildServer, endpoint: Endpoint) => {
      const before = await rowCounts(client);
      const answers: Array<Record<string, any>> = [];
      for (let i = 0; i < CHECKOUT_SAMPLES; i++) {
        const { path, headers, body } = endpoint.requests[endpoint.cursor!.next++]!;
        const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
        const answer = (await response.json()) as Record<string, any>;
        if (response.status !== 201) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer).slice(0, 500)}`);
        answers.push(answer);
      }
      const after = await rowCounts(client);
      const added = Object.fromEntries(WRITTEN_TABLES.map((t) => [t, (after[t]! - before[t]!) / CHECKOUT_SAMPLES]));
      const first = answers[0]!;
      const names = new Map<string, string>([
        [first.order.id, '<order>'], [first.payment.id, '<payment>'], [String(first.order.number), '<number>'],
        [endpoint.requests[endpoint.cursor!.next - CHECKOUT_SAMPLES]!.path.split('/')[3]!, '<cart>'],
      ]);
      return { added, answer: masked(canonical(first), names), rows: masked(canonical(await orderRows(client, first.order.id)), names) };
    };
    const s = await run(store, storeEndpoint);
    const b = await run(baseline, baselineEndpoint);
    const perOrder = (added: Record<string, number>) => Object.entries(added).filter(([, n]) => n).map(([t, n]) => `${t} +${n}`).join(', ');
    process.stderr.write(`checkout rows per order: store ${perOrder(s.added)}\n`);
    for (const [what, a, c] of [['rows added per table', s.added, b.added], ['answer', s.answer, b.answer], ['rows of the order', s.rows, b.rows]] as const) {
      const difference = firstDifference(a, c);
      if (difference) throw new Error(`The checkout baseline does not write or answer as the store does (${what}), so the comparison would not be fair:\n  ${difference}`);
    }
    process.stderr.write(`${CHECKOUT}: ${CHECKOUT_SAMPLES} checkouts on each server wrote the same rows and answered the same JSON\n`);
  } finally {
    await client.end();
  }
}

/**
 * The checkout scenario, on a store of its own configured for it (flat-rate shipping, cash on
 * delivery) and a baseline of its own, each with its own pool of ready carts. Runs last: it writes.
 */
async function measureCheckout(url: string, mediaDirectory: string, variants: readonly string[]): Promise<{ store: Measured; baseline: Measured; carts: number }> {
  // the COD plugin's tables, migrated as the store would (its config includes the plugin)
  const migrator = await createCommerce({
    logging: { level: 'warn' }, database: { url, autoMigrate: false }, media: { directory: mediaDirectory }, jobs: { enabled: false },
    ...checkoutStoreConfig(), plugins: [cod(COD_OPTIONS)],
  });
  try {
    await migrator.migrate();
  } finally {
    await migrator.stop();
  }
  await seedCheckoutStock(url, variants);
  const store = await startChild('support/catalog-store-server.ts', { CARTWRIGHT_BENCH_STORE: JSON.stringify({ url, poolSize: POOL_SIZE, mediaDirectory, checkout: true }) });
  const baseline = await startChild('support/checkout-baseline.ts', {
    CARTWRIGHT_BENCH_BASELINE: JSON.stringify({ url, poolSize: POOL_SIZE, flatRate: { id: FLAT_RATE.id, name: FLAT_RATE.name, amount: FLAT_RATE.amounts.USD } }),
  });
  try {
    // one cart made ready through the store's API: the pools copy how it stores email, addresses and option
    const cart = await storeCall(`${store.url}/store/carts`, 'POST', {}, {}, 201);
    const headers = { 'x-cart-token': cart.token as string };
    await storeCall(`${store.url}/store/carts/${cart.id as string}/items`, 'POST', { variantId: variants[0], quantity: 1 }, headers, 200);
    await storeCall(
      `${store.url}/store/carts/${cart.id as string}`, 'PATCH',
      { email: 'grace@example.com', shippingAddress: CHECKOUT_ADDRESS, billingAddress: CHECKOUT_ADDRESS, shippingOptionId: FLAT_RATE.id }, headers, 200,
    );
    const carts = CHECKOUT_SAMPLES + Math.ceil((WARM_UP_SECONDS + MEASURED_SECONDS) * CHECKOUT_MAX_RATE);
    const started = performance.now();
    const storeEndpoint: Endpoint = { name: CHECKOUT, requests: checkoutRequests(await seedCheckoutCarts(url, 'store', carts, variants, cart.id as string), 'store'), cursor: { next: 0 } };
    const baselineEndpoint: Endpoint = { name: CHECKOUT, requests: checkoutRequests(await seedCheckoutCarts(url, 'base', carts, variants, cart.id as string), 'base'), cursor: { next: 0 } };
    process.stderr.write(`inserted ${carts} ready single-line carts per server in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    await checkSameWrites(url, store, baseline, storeEndpoint, baselineEndpoint);
    const baselineResult = await measure(baseline, baselineEndpoint, 'baseline');
    const storeResult = await measure(store, storeEndpoint, 'store');
    return { store: storeResult, baseline: baselineResult, carts };
  } finally {
    await Promise.all([store.stop(), baseline.stop()]);
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
  const cartPlan = planCarts(new Set(detailProducts()));
  const checkoutVariants = planCheckoutVariants(new Set(detailProducts()), new Set(cartPlan.flat().map((line) => line.variantId)));
  let checkoutCarts = 0;
  try {
    const mediaIds = await uploadMedia(url, mediaDirectory);
    const seedStarted = performance.now();
    await seedBenchCatalog(url, mediaIds);
    seedSeconds = (performance.now() - seedStarted) / 1000;
    process.stderr.write(`seeded ${PRODUCTS} products in ${seedSeconds.toFixed(1)} s\n`);

    const store = await startChild('support/catalog-store-server.ts', { CARTWRIGHT_BENCH_STORE: JSON.stringify({ url, poolSize: POOL_SIZE, mediaDirectory }) });
    const baseline = await startChild('support/catalog-baseline.ts', { CARTWRIGHT_BENCH_BASELINE: JSON.stringify({ url, poolSize: POOL_SIZE }) });
    try {
      const all = endpoints().filter((e) => selected(e.name));
      for (const endpoint of all) await checkSameAnswers(store, baseline, endpoint);
      for (const endpoint of all) {
        const baselineResult = await measure(baseline, endpoint, 'baseline');
        const storeResult = await measure(store, endpoint, 'store');
        rows.push({ endpoint: endpoint.name, store: storeResult, baseline: baselineResult });
      }
      // The cart read comes last, and its stock levels are seeded only now: stock levels change the
      // plans of the store's listing queries, so the catalog endpoints run on the catalog alone.
      if (selected(CART_READ)) {
        await seedCartStock(url, cartPlan);
        const carts = await createCarts(store, cartPlan);
        await makeSomeLinesShort(url, cartPlan);
        const first = (await (await fetch(`${store.url}${carts[0]!.path}`, { headers: carts[0]!.headers })).json()) as { lines: Array<{ availability: string; availableQuantity: number | null }> };
        const standing = first.lines.map((l) => `${l.availability} (${l.availableQuantity ?? 'no limit'})`).join(', ');
        process.stderr.write(`created ${carts.length} guest carts of ${cartPlan[0]!.length} lines through the store's API; the first one's lines: ${standing}\n`);
        const endpoint: Endpoint = { name: CART_READ, requests: carts };
        await checkSameAnswers(store, baseline, endpoint);
        const baselineResult = await measure(baseline, endpoint, 'baseline');
        const storeResult = await measure(store, endpoint, 'store');
        rows.push({ endpoint: endpoint.name, store: storeResult, baseline: baselineResult });
      }
    } finally {
      await Promise.all([store.stop(), baseline.stop()]);
    }
    // checkout comes after everything else: it writes (orders, stock, carts), and runs on servers of its own
    if (selected(CHECKOUT)) {
      const measured = await measureCheckout(url, mediaDirectory, checkoutVariants);
      checkoutCarts = measured.carts;
      rows.push({ endpoint: CHECKOUT, store: measured.store, baseline: measured.baseline });
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
      return `| ${r.endpoint} | ${format(r.store)} | ${format(r.baseline)} | **${(ratio * 100).toFixed(0)} %**${ratio < targetOf(r.endpoint) ? ' (below target)' : ''} |`;
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
store at ≥ ${TARGET_RATIO * 100} % of the baseline on every read endpoint, ≥ ${CHECKOUT_TARGET_RATIO * 100} % on checkout (where
one request is one order, so req/s is orders/s).

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
- cart read: ${cartPlan.length} guest carts of ${cartPlan[0]!.length} lines (3 of the 5 with stock levels, one of them in two locations), made through the store's API; requests rotate through them with their \`X-Cart-Token\`
${checkoutCarts ? `- checkout: ${checkoutCarts.toLocaleString('en')} ready guest carts per server (one line of one unit over ${checkoutVariants.length.toLocaleString('en')} variants with ample stock; email, both addresses and the flat-rate option set), inserted with SQL; each request checks out a fresh cart with cash on delivery and its own \`Idempotency-Key\`; the store has \`shipping.flatRates\` and \`@cartwright/plugin-cod\` (\`{ countries: ['US'] }\`), the baseline writes the same rows in one hand-written transaction ([support/checkout-baseline.ts](support/checkout-baseline.ts)), checked before measuring
` : ''}- ${CONNECTIONS} connections, ${WARM_UP_SECONDS} s warm-up then ${MEASURED_SECONDS} s measured, per endpoint and server; baseline first, then the store
- store and baseline each in a child process on ${HOST} with a pool of ${POOL_SIZE} database connections; the load generator in the parent
- requests measured: ${rows.map((r) => `${r.endpoint}: store ${r.store.total}, baseline ${r.baseline.total}`).join('; ')}
`;
  const file = join(here, 'RESULTS.md');
  writeResultsSection(file, 'catalog', report);
  process.stderr.write(`written to ${relative(root, file)}\n`);
}

await run();
