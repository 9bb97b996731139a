import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { runReindex } from '../../../core/src/modules/search/sync/reindex.ts';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { createCatalogStore, created, simpleProduct, type CatalogStore } from '../catalog/catalog-helpers.ts';

function jobRunner(store: TestStore, name: string): () => Promise<void> {
  const job = store.commerce.jobs.definitions().find((d) => d.name === name);
  if (!job) throw new Error(`the job ${name} is not defined`);
  return () => store.commerce.withScope(async (s) => job.handler({}, { em: s.cradle.em, cradle: s.cradle, logger: s.cradle.logger, jobId: 'test' }));
}

const sql = (store: TestStore, statement: string, params: unknown[] = []) =>
  store.commerce.withScope((s) => s.cradle.em.execute<Array<Record<string, any>>>(statement, params));

async function createProducts(c: CatalogStore, count: number, title: (i: number) => string): Promise<void> {
  for (let start = 0; start < count; start += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - start) }, (_, k) => created(c.admin.as, '/admin/products', simpleProduct(title(start + k), 1000 + start + k))),
    );
  }
}

describe('search administration', function () {
  let c: CatalogStore;

  before(async () => {
    c = await createCatalogStore();
  });
  after(async () => {
    await c?.store.stop();
  });

  describe('reindex', () => {
    const lanterns = async () => {
      const answer = await c.store.client.get('/store/search', { query: { q: 'lantern', limit: 5, facets: 'price' } });
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.body.items).to.have.length(5);
      return answer.body.count as number;
    };

    it('answers queries from the old index while the new one is being built, then from the new one', async () => {
      await createProducts(c, 300, (i) => `Lantern ${i}`);
      await c.store.deliverEvents();
      // twenty more whose events are not delivered: only the reindex brings them into the index
      await createProducts(c, 20, (i) => `Lantern extra ${i}`);
      expect(await lanterns()).to.equal(300);

      const during: number[] = [];
      const result = await c.store.commerce.withScope((s) =>
        runReindex(s.cradle.em, s.cradle, async (documentsSoFar) => {
          // the new index holds documents now, and queries are answered from the old one
          during.push(documentsSoFar, await lanterns(), await lanterns());
        }),
      );
      expect(result).to.deep.equal({ started: true, progress: { indexed: 320, removed: 0 } });
      expect(during).to.deep.equal([320, 300, 300]);
      expect(await lanterns()).to.equal(320);

      const status = await c.admin.as.get('/admin/search/status');
      expect(status.status, status.text).to.equal(200);
      expect(status.body.provider.id).to.equal('postgres');
      expect(status.body.documents).to.equal(320);
      expect(status.body.lastReindex).to.deep.include({ outcome: 'succeeded', indexed: 320, removed: 0, error: null });
      expect(Date.parse(status.body.lastReindex.finishedAt)).to.be.at.least(Date.parse(status.body.lastReindex.startedAt));
    });

    it('reindexes through the admin route and the job, removing products no longer live, while queries go on', async () => {
      const ids = (await sql(c.store, `select id from cw_product where title like 'Lantern extra %' order by id limit 2`)).map((r) => r.id as string);
      // unpublished behind the index's back: no event reaches search
      await sql(c.store, `update cw_product set status = 'draft' where id in (?, ?)`, ids);

      const requested = await c.admin.as.post('/admin/search/reindex', {});
      expect(requested.status, requested.text).to.equal(202);
      expect(requested.body.lastReindex.requestedAt).to.be.a('string');

      let finished = false;
      const reindex = jobRunner(c.store, 'search.reindex')().finally(() => (finished = true));
      const totals: number[] = [];
      do totals.push(await lanterns());
      while (!finished);
      await reindex;
      for (const total of totals) expect([320, 318]).to.include(total);

      const status = await c.admin.as.get('/admin/search/status');
      expect(status.body.lastReindex).to.deep.include({ outcome: 'succeeded', indexed: 318, removed: 2 });
      expect(await lanterns()).to.equal(318);
    });

    it('runs one reindex at a time', async () => {
      await c.store.commerce.withScope((s) =>
        runReindex(s.cradle.em, s.cradle, async () => {
          const second = await c.admin.as.post('/admin/search/reindex', {});
          expect(second.status).to.equal(409);
          expect(second.body.code).to.equal('SEARCH_REINDEX_RUNNING');
          expect((await c.admin.as.get('/admin/search/status')).body.lastReindex.outcome).to.equal('running');
        }),
      );
      expect((await c.admin.as.get('/admin/search/status')).body.lastReindex.outcome).to.equal('succeeded');
    });

    it('lets a new reindex take over from one whose process stopped reporting progress ten minutes ago, and not before', async () => {
      const crashed = (minutesAgo: number) =>
        sql(c.store, `update cw_search_sync_state set reindex_outcome = 'running', reindex_finished_at = null,
                        reindex_started_at = now() - make_interval(mins => ?), reindex_heartbeat_at = now() - make_interval(mins => ?) where id = 'index'`, [minutesAgo + 1, minutesAgo]);
      await crashed(9);
      const blocked = await c.admin.as.post('/admin/search/reindex', {});
      expect(blocked.status, blocked.text).to.equal(409);
      expect((await c.admin.as.get('/admin/search/status')).body.lastReindex.outcome).to.equal('running');

      await crashed(11);
      expect((await c.admin.as.get('/admin/search/status')).body.lastReindex).to.include({
        outcome: 'failed',
        error: 'the reindex stopped reporting progress (its process ended)',
      });
      const result = await c.store.commerce.withScope((s) => runReindex(s.cradle.em, s.cradle));
      expect(result.started).to.equal(true);
      expect((await c.admin.as.get('/admin/search/status')).body.lastReindex.outcome).to.equal('succeeded');
    });

    it('is for staff with the right permission only', async () => {
      const customer = await createAndLogin(c.store, 'shopper@example.com', 'customer');
      expect((await customer.as.get('/admin/search/status')).status).to.equal(403);
      expect((await customer.as.post('/admin/search/reindex', {})).status).to.equal(403);
      expect((await customer.as.get('/admin/search/queries')).status).to.equal(403);
      expect((await c.store.client.post('/admin/search/reindex', {})).status).to.equal(401);
    });
  });

  describe('analytics', () => {
    const search = (query: Record<string, string | number>) => c.store.client.get('/store/search', { query });

    it('lists the top queries with their average result count, and the zero-result ones', async () => {
      await sql(c.store, 'delete from cw_search_query');
      for (const q of ['Lantern 1', '  LANTERN   1 ', 'lantern 1', 'lantern 2', 'unicorn', 'Unicorn', 'zebra']) {
        expect((await search({ q })).status).to.equal(200);
      }
      // turning a page is not another search, and a search without words is not a query
      await search({ q: 'lantern 1', offset: 20 });
      await search({ category: 'no-such-thing' });
      await search({});

      const top = await c.admin.as.get('/admin/search/queries', { query: { kind: 'top', days: 30, limit: 4 } });
      expect(top.status, top.text).to.equal(200);
      expect(top.body.items.map((i: any) => [i.query, i.count])).to.deep.equal([
        ['lantern 1', 3],
        ['unicorn', 2],
        // equal counts: the most recently searched first
        ['zebra', 1],
        ['lantern 2', 1],
      ]);
      const lantern1 = top.body.items[0];
      const expected = (await search({ q: 'lantern 1' })).body.count;
      expect(lantern1.averageResults).to.equal(expected);

      const zero = await c.admin.as.get('/admin/search/queries', { query: { kind: 'zero' } });
      expect(zero.body.items.map((i: any) => [i.query, i.count])).to.deep.equal([
        ['unicorn', 2],
        ['zebra', 1],
      ]);
      expect(Date.parse(zero.body.items[0].lastSearchedAt)).to.be.a('number').and.not.NaN;
      expect((await c.admin.as.get('/admin/search/queries', { query: { kind: 'worst' } })).status).to.equal(400);
    });

    it('keeps the query, its result count and its filters, never who searched', async () => {
      await sql(c.store, 'delete from cw_search_query');
      const shopper = await createAndLogin(c.store, 'searcher@example.com', 'customer');
      await shopper.as.get('/store/search', { query: { q: 'Lantern', priceMax: 5000, inStock: true } });
      const rows = await sql(c.store, 'select * from cw_search_query');
      expect(rows).to.have.length(1);
      const row = rows[0]!;
      expect(Object.keys(row).sort()).to.deep.equal(['created_at', 'filters', 'id', 'query', 'result_count', 'zero_results']);
      expect(row.query).to.equal('lantern');
      expect(typeof row.filters === 'string' ? JSON.parse(row.filters) : row.filters).to.deep.equal({ priceMax: 5000, inStock: true });
      expect(JSON.stringify(row)).to.not.contain(shopper.id).and.not.contain('127.0.0.1');
    });

    it('prunes searches older than the retention period', async () => {
      await sql(c.store, 'delete from cw_search_query');
      await search({ q: 'old lantern' });
      await search({ q: 'new lantern' });
      await sql(c.store, `update cw_search_query set created_at = now() - interval '181 days' where query = 'old lantern'`);
      await jobRunner(c.store, 'search.analytics-prune')();
      expect((await sql(c.store, 'select query from cw_search_query')).map((r) => r.query)).to.deep.equal(['new lantern']);
    });
  });
});

describe('search analytics switched off', function () {
  let c: CatalogStore;

  before(async () => {
    c = await createCatalogStore({ search: { analytics: { enabled: false } } });
  });
  after(async () => {
    await c?.store.stop();
  });

  it('records nothing, and search still answers', async () => {
    await created(c.admin.as, '/admin/products', simpleProduct('Quiet lamp', 1000));
    await c.store.deliverEvents();
    const found = await c.store.client.get('/store/search', { query: { q: 'lamp' } });
    expect(found.body.count).to.equal(1);
    expect(await sql(c.store, 'select * from cw_search_query')).to.deep.equal([]);
    const top = await c.admin.as.get('/admin/search/queries');
    expect(top.body.items).to.deep.equal([]);
  });
});
