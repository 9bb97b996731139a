import { expect } from 'chai';
import pg from 'pg';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createNotesPlugin, newControls, type NotesPluginControls } from '../../support/notes-plugin.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

/** Reads the Prometheus text format (0.0.4): `# TYPE name type` lines and `name{label="value",…} value [timestamp]` samples. */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const labelText = sample[2] ?? '';
    const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/y;
    let consumed = 0;
    let match: RegExpExecArray | null;
    while ((match = label.exec(labelText))) {
      labels[match[1]!] = match[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = label.lastIndex;
    }
    if (consumed !== labelText.length) throw new Error(`bad labels in: ${line}`);
    const raw = sample[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: sample[1]!, labels, value });
  }
  return { types, samples };
}

/** The samples of one metric whose labels include `labels`. */
function find(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = find(exposition, name, labels);
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

async function scrape(store: TestStore): Promise<Exposition> {
  const res = await store.client.get('/metrics');
  expect(res.status).to.equal(200);
  return parseExposition(res.text);
}

describe('metrics', () => {
  describe('HTTP traffic', () => {
    let store: TestStore;
    before(async () => {
      store = await createTestStore({ plugins: [createNotesPlugin(newControls())({ prefix: '/fixtures', maxLength: 200 })] });
    });
    after(() => store.stop());

    it('answers in the Prometheus text format', async () => {
      const res = await store.client.get('/metrics');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
      const { types } = parseExposition(res.text);
      expect(types.get('cartwright_http_requests_total')).to.equal('counter');
      expect(types.get('cartwright_http_request_duration_seconds')).to.equal('histogram');
      expect(types.get('cartwright_outbox_pending_events')).to.equal('gauge');
      expect(types.get('cartwright_event_deliveries')).to.equal('gauge');
    });

    it('counts requests by method, route template and status, and never by raw path', async () => {
      const created = await store.client.post('/fixtures/notes', { text: 'hello' });
      expect(created.status).to.equal(201);
      expect((await store.client.get(`/fixtures/notes/${created.body.id}`)).status).to.equal(200);
      expect((await store.client.get(`/fixtures/notes/${created.body.id}`)).status).to.equal(200);
      expect((await store.client.post('/fixtures/notes', { text: '' })).status).to.equal(400);
      expect((await store.client.get('/no/such/route-8c1f')).status).to.equal(404);
      expect((await store.client.request('PUT', '/fixtures/notes')).status).to.equal(405);

      const metrics = await scrape(store);
      const requests = (labels: Record<string, string>) => valueOf(metrics, 'cartwright_http_requests_total', labels);
      expect(requests({ method: 'POST', route: '/fixtures/notes', status: '201' })).to.equal(1);
      expect(requests({ method: 'GET', route: '/fixtures/notes/:id', status: '200' })).to.equal(2);
      expect(requests({ method: 'POST', route: '/fixtures/notes', status: '400' })).to.equal(1);
      expect(requests({ method: 'GET', route: 'unmatched', status: '404' })).to.equal(1);
      expect(requests({ method: 'PUT', route: 'unmatched', status: '405' })).to.equal(1);

      const routes = new Set(metrics.samples.map((s) => s.labels.route).filter(Boolean));
      expect([...routes].filter((r) => r!.includes(created.body.id) || r!.includes('route-8c1f'))).to.deep.equal([]);
    });

    it('times each request in a histogram with the same labels', async () => {
      await store.client.get('/health');
      const metrics = await scrape(store);
      const labels = { method: 'GET', route: '/health', status: '200' };
      const count = valueOf(metrics, 'cartwright_http_request_duration_seconds_count', labels);
      expect(count).to.equal(valueOf(metrics, 'cartwright_http_requests_total', labels));
      expect(valueOf(metrics, 'cartwright_http_request_duration_seconds_sum', labels)).to.be.greaterThan(0);
      const buckets = find(metrics, 'cartwright_http_request_duration_seconds_bucket', labels);
      expect(buckets.map((b) => b.labels.le)).to.deep.equal(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
      expect(buckets.at(-1)!.value).to.equal(count);
    });

    it('counts a method outside the known set as OTHER', async () => {
      expect((await store.client.request('PROPFIND', '/health')).status).to.equal(405);
      const metrics = await scrape(store);
      expect(valueOf(metrics, 'cartwright_http_requests_total', { method: 'OTHER', route: 'unmatched', status: '405' })).to.equal(1);
      expect(find(metrics, 'cartwright_http_requests_total', { method: 'PROPFIND' })).to.deep.equal([]);
    });

    it('includes the standard process and Node.js metrics, unprefixed', async () => {
      const metrics = await scrape(store);
      expect(valueOf(metrics, 'process_cpu_seconds_total')).to.be.greaterThan(0);
      expect(valueOf(metrics, 'process_resident_memory_bytes')).to.be.greaterThan(0);
      expect(valueOf(metrics, 'nodejs_heap_size_used_bytes')).to.be.greaterThan(0);
      expect(valueOf(metrics, 'nodejs_eventloop_lag_seconds')).to.be.at.least(0);
      expect(metrics.types.get('nodejs_gc_duration_seconds')).to.equal('histogram');
    });

    it('keeps the counts of stores that share a process apart', async () => {
      const health = { route: '/health', status: '200' };
      const mineBefore = valueOf(await scrape(store), 'cartwright_http_requests_total', health) ?? 0;
      const other = await createTestStore();
      try {
        await other.client.get('/health');
        await other.client.get('/health');
        expect(valueOf(await scrape(other), 'cartwright_http_requests_total', health)).to.equal(2);
        expect(valueOf(await scrape(store), 'cartwright_http_requests_total', health) ?? 0).to.equal(mineBefore);
      } finally {
        await other.stop();
      }
    });
  });

  describe('event outbox', () => {
    let store: TestStore;
    let controls: NotesPluginControls;
    beforeEach(async () => {
      controls = newControls();
      store = await createTestStore({ plugins: [createNotesPlugin(controls)({ prefix: '/fixtures', maxLength: 200 })], events: { maxAttempts: 2 } });
    });
    afterEach(() => store.stop());

    it('reports an event written but not yet delivered, and 0 once it is', async () => {
      const before = await scrape(store);
      expect(valueOf(before, 'cartwright_outbox_pending_events')).to.equal(0);

      expect((await store.client.post('/fixtures/notes', { text: 'to deliver' })).status).to.equal(201);
      expect(valueOf(await scrape(store), 'cartwright_outbox_pending_events')).to.equal(1);

      await store.deliverEvents();
      const after = await scrape(store);
      expect(controls.deliveries).to.have.length(1);
      expect(valueOf(after, 'cartwright_outbox_pending_events')).to.equal(0);
      expect(valueOf(after, 'cartwright_event_deliveries', { status: 'pending' })).to.equal(0);
      expect(valueOf(after, 'cartwright_event_deliveries', { status: 'failed' })).to.equal(0);
    });

    it('reports deliveries waiting for a retry as pending, and those given up on as failed', async () => {
      controls.failNextDeliveries = 2;
      await store.client.post('/fixtures/notes', { text: 'unlucky' });

      await store.deliverEvents(); // attempt 1 of 2 fails: retried later
      let metrics = await scrape(store);
      expect(valueOf(metrics, 'cartwright_outbox_pending_events')).to.equal(0);
      expect(valueOf(metrics, 'cartwright_event_deliveries', { status: 'pending' })).to.equal(1);
      expect(valueOf(metrics, 'cartwright_event_deliveries', { status: 'failed' })).to.equal(0);

      await store.deliverEvents(new Date(Date.now() + 3_600_000)); // attempt 2 of 2 fails: given up
      metrics = await scrape(store);
      expect(valueOf(metrics, 'cartwright_event_deliveries', { status: 'pending' })).to.equal(0);
      expect(valueOf(metrics, 'cartwright_event_deliveries', { status: 'failed' })).to.equal(1);
    });
  });

  it('still answers when the database is down, without the outbox gauges', async () => {
    const store = await createTestStore();
    try {
      if (store.database.config.url) {
        const admin = new pg.Client({ connectionString: store.database.config.url.replace(/\/[^/]+$/, '/postgres') });
        await admin.connect();
        await admin.query(`drop database ${new URL(store.database.config.url).pathname.slice(1)} with (force)`);
        await admin.end();
      } else {
        await store.commerce.database.close();
      }
      await store.client.get('/health');
      const metrics = await scrape(store);
      expect(valueOf(metrics, 'cartwright_http_requests_total', { route: '/health', status: '200' })).to.equal(1);
      expect(valueOf(metrics, 'process_cpu_seconds_total')).to.be.greaterThan(0);
      expect(find(metrics, 'cartwright_outbox_pending_events')).to.deep.equal([]);
      expect(find(metrics, 'cartwright_event_deliveries')).to.deep.equal([]);
    } finally {
      await store.commerce.stop().catch(() => undefined);
      await store.database.drop();
    }
  });
});
