import { expect } from 'chai';
import { sql } from 'kysely';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { rows } from '../../../core/src/kernel/db/sql.ts';
import { PostgresSearchProvider } from '../../../core/src/modules/search/postgres/postgres-search.provider.ts';
import type { SearchDocument, SearchQuery } from '../../../core/src/modules/search/search-provider.ts';
import { FacetCache } from '../../../core/src/modules/search/postgres/search-facet-cache.ts';
import { BRANDS, SEARCH_FIXTURES } from '../../../core/src/testing/search-fixtures.ts';

const query = (q: string, extra: Partial<SearchQuery> = {}): SearchQuery => ({ q, filters: {}, currency: 'EUR', sort: 'relevance', facets: [], limit: 100, offset: 0, ...extra });
const ids = (result: { hits: Array<{ id: string }> }) => result.hits.map((h) => h.id).sort();

function providerOf(store: TestStore): PostgresSearchProvider {
  return new PostgresSearchProvider(store.commerce.container.cradle);
}

async function state(store: TestStore) {
  const em = store.commerce.container.cradle.database.fork();
  const [row] = await rows<{ active: string; building: string | null }>(em, sql`select active_generation as active, building_generation as building from cw_search_state`);
  const generations = await rows<{ generation: string; documents: number }>(
    em,
    sql`select generation, count(*)::int as documents from cw_search_document group by generation order by generation`,
  );
  const lexicon = await rows<{ generation: string }>(em, sql`select distinct generation from cw_search_lexicon order by generation`);
  return {
    active: Number(row!.active),
    building: row!.building === null ? null : Number(row!.building),
    generations: generations.map((g) => [Number(g.generation), g.documents]),
    lexicon: lexicon.map((l) => Number(l.generation)),
  };
}

const lampe: SearchDocument = {
  ...SEARCH_FIXTURES[0]!,
  id: 'prod_de_01',
  title: 'Lampe aus Messing',
  description: 'Eine Leuchte für den Schreibtisch.',
  categories: [],
  tags: [],
  attributes: [],
  brand: null,
};

describe('PostgreSQL search provider', () => {
  describe('search.language', () => {
    it('stems with the configured text search configuration', async () => {
      const german = await createTestStore({ search: { language: 'german' } });
      const english = await createTestStore();
      try {
        const inGerman = providerOf(german);
        const inEnglish = providerOf(english);
        await inGerman.index([lampe]);
        await inEnglish.index([lampe]);
        const stemmed = await inGerman.query(query('Lampen'));
        expect(ids(stemmed)).to.deep.equal(['prod_de_01']);
        expect(stemmed.correctedQuery).to.equal(undefined, 'German stems "Lampen" and "Lampe" alike');
        const corrected = await inEnglish.query(query('Lampen'));
        expect(corrected.correctedQuery).to.equal('lampe', 'English does not: only typo tolerance finds it');
        expect(ids(corrected)).to.deep.equal(['prod_de_01']);
      } finally {
        await german.stop();
        await english.stop();
      }
    });

    it('refuses a language the database has no text search configuration for, naming the setting', async () => {
      const store = await createTestStore({ search: { language: 'klingon' } });
      try {
        const provider = providerOf(store);
        for (const call of [() => provider.query(query('lamp')), () => provider.index([lampe]), () => provider.check()]) {
          const error = await call().then(
            () => undefined,
            (e: unknown) => e as Error,
          );
          expect(error?.message).to.match(/search\.language is "klingon"/);
          expect(error?.message).to.match(/english/, 'the message lists the configurations there are');
        }
        expect((await store.client.get('/ready')).status).to.equal(503);
      } finally {
        await store.stop();
      }
    });
  });

  describe('reindex', () => {
    let store: TestStore;
    let provider: PostgresSearchProvider;
    before(async () => {
      store = await createTestStore();
      provider = providerOf(store);
    });
    after(() => store.stop());

    it('fills a new generation, switches to it, then drops the old one and its lexicon', async () => {
      await provider.reindex((async function* () {
        yield SEARCH_FIXTURES;
      })());
      const before = await state(store);
      expect(before.building).to.equal(null);
      expect(before.generations).to.deep.equal([[before.active, SEARCH_FIXTURES.length]]);
      let during: Awaited<ReturnType<typeof state>> | undefined;
      await provider.reindex((async function* () {
        yield SEARCH_FIXTURES.slice(0, 10);
        during = await state(store);
        yield SEARCH_FIXTURES.slice(10, 20);
      })());
      const after = await state(store);
      expect(during!.active).to.equal(before.active, 'queries read the old generation while the new one fills');
      expect(during!.building).to.be.greaterThan(before.active);
      expect(during!.generations).to.deep.equal([[before.active, SEARCH_FIXTURES.length], [during!.building, 10]]);
      expect(after).to.deep.equal({ active: during!.building, building: null, generations: [[during!.building, 20]], lexicon: [during!.building] });
    });

    it('keeps index() and remove() calls made during a reindex, over the older content of its batches', async () => {
      const [first, second, third] = [SEARCH_FIXTURES[0]!, SEARCH_FIXTURES[1]!, SEARCH_FIXTURES[2]!];
      const renamed = { ...first, title: 'Arc Reading Lamp Deluxe' };
      const added = { ...third, id: 'prod_new', title: 'Halogen Spot' };
      await provider.reindex((async function* () {
        yield SEARCH_FIXTURES.slice(3);
      })());
      const progress = await provider.reindex((async function* () {
        yield SEARCH_FIXTURES.slice(3, 10);
        // the catalog changes while the reindex runs; the batches below were read before
        await provider.index([renamed, added]);
        await provider.remove([second.id, 'prod_05']);
        expect(ids(await provider.query(query('deluxe')))).to.deep.equal([first.id], 'the change is searchable at once');
        yield [first, second, SEARCH_FIXTURES[4]!];
        yield SEARCH_FIXTURES.slice(10);
      })());
      expect(ids(await provider.query(query('deluxe')))).to.deep.equal([first.id], 'the newer title survives the older batch');
      expect(ids(await provider.query(query('halogen')))).to.deep.equal(['prod_new']);
      expect(ids(await provider.query(query('brass desk')))).to.deep.equal([], 'the removed product stays removed');
      expect(ids(await provider.query(query('clip')))).to.deep.equal([]);
      // every fixture but 03 was in the second reindex, 02 and 05 were removed, prod_new was added
      expect((await provider.query(query(''))).total).to.equal(SEARCH_FIXTURES.length - 2);
      expect(progress.indexed).to.equal(SEARCH_FIXTURES.length);
      expect((await state(store)).building).to.equal(null);
    });

    it('keeps index() calls running concurrently with a reindex', async () => {
      await provider.reindex((async function* () {
        yield SEARCH_FIXTURES;
      })());
      const renamed = SEARCH_FIXTURES.slice(0, 20).map((d) => ({ ...d, title: `${d.title} Limited` }));
      let writes: Promise<unknown> | undefined;
      await provider.reindex((async function* () {
        yield SEARCH_FIXTURES.slice(0, 5);
        // not awaited: the writes race the batches below on PostgreSQL's connection pool
        writes = Promise.all(renamed.map((d) => provider.index([d])));
        for (let i = 5; i < SEARCH_FIXTURES.length; i += 5) yield SEARCH_FIXTURES.slice(i, i + 5);
      })());
      await writes;
      expect(ids(await provider.query(query('limited')))).to.deep.equal(renamed.map((d) => d.id).sort());
      expect((await provider.query(query(''))).total).to.equal(SEARCH_FIXTURES.length);
    });

    it('leaves the active generation alone when a reindex fails', async () => {
      await provider.reindex((async function* () {
        yield SEARCH_FIXTURES;
      })());
      const before = await state(store);
      const failing = provider.reindex((async function* () {
        yield SEARCH_FIXTURES.slice(0, 3);
        throw new Error('catalog read failed');
      })());
      const error = await failing.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).to.equal('catalog read failed');
      expect(await state(store)).to.deep.equal(before);
      expect((await provider.query(query(''))).total).to.equal(SEARCH_FIXTURES.length);
    });
  });

  describe('facets kept between index writes', () => {
    let store: TestStore;
    before(async () => {
      store = await createTestStore();
      await providerOf(store).reindex((async function* () {
        yield SEARCH_FIXTURES;
      })());
    });
    after(() => store.stop());

    const browse = (extra: Partial<SearchQuery> = {}) => query('', { facets: ['category', 'brand', 'price', 'rating', 'attributes'], sort: 'newest', limit: 5, ...extra });
    const brandCount = (facets: { brand?: Array<{ id: string; count: number }> }, id: string) => facets.brand?.find((b) => b.id === id)?.count ?? 0;

    it('answer every page and sort of a listing with the counts a fresh count gives, and follow each write, from whichever process made it', async () => {
      // two providers stand for two API processes: each keeps its own facets
      const [one, other] = [providerOf(store), providerOf(store)];
      /** What a provider that has kept nothing counts now. */
      const counted = async (extra: Partial<SearchQuery> = {}) => (await providerOf(store).query(browse(extra))).facets;

      const first = await one.query(browse());
      const second = await one.query(browse({ offset: 5, sort: 'name' }));
      expect(second.facets).to.deep.equal(first.facets, 'paging and sorting do not change the counts');
      expect(second.hits.map((h) => h.id)).not.to.deep.equal(first.hits.map((h) => h.id));
      expect(second.total).to.equal(first.total);
      expect(first.facets).to.deep.equal(await counted());
      await other.query(browse());

      // a product changes brand through the other process
      const moved = SEARCH_FIXTURES.find((d) => d.brand?.id === BRANDS.lumen.id)!;
      await other.index([{ ...moved, brand: BRANDS.ferro }]);
      const afterMove = (await one.query(browse({ offset: 5 }))).facets;
      expect(brandCount(afterMove, BRANDS.lumen.id)).to.equal(brandCount(first.facets, BRANDS.lumen.id) - 1);
      expect(brandCount(afterMove, BRANDS.ferro.id)).to.equal(brandCount(first.facets, BRANDS.ferro.id) + 1);
      expect(afterMove).to.deep.equal(await counted());
      expect((await other.query(browse())).facets).to.deep.equal(afterMove);

      // a removal through this one
      await one.remove([moved.id]);
      const afterRemoval = await other.query(browse());
      expect(afterRemoval.total).to.equal(first.total - 1);
      expect(brandCount(afterRemoval.facets, BRANDS.ferro.id)).to.equal(brandCount(first.facets, BRANDS.ferro.id));
      expect(afterRemoval.facets).to.deep.equal(await counted());

      // a reindex that switches to a smaller generation
      await one.reindex((async function* () {
        yield SEARCH_FIXTURES.slice(0, 10);
      })());
      const afterReindex = await other.query(browse());
      expect(afterReindex.total).to.equal(10);
      expect(afterReindex.facets).to.deep.equal(await counted());
      expect(afterReindex.facets).not.to.deep.equal(afterRemoval.facets);
    });

    it('keep counts per request: other filters, currency and price bands are counted for themselves', async () => {
      const provider = providerOf(store);
      await provider.query(browse());
      for (const extra of [{ filters: { brandIds: [BRANDS.lumen.id] } }, { currency: 'USD' }, { priceBands: [5000, 10000] }] as Array<Partial<SearchQuery>>) {
        expect((await provider.query(browse(extra))).facets, JSON.stringify(extra)).to.deep.equal((await providerOf(store).query(browse(extra))).facets);
      }
    });

    it('forget the least recently used request beyond their bound, and never hand out a copy a caller can change', () => {
      const cache = new FacetCache(2);
      cache.set('a', '1', { rating: [{ min: 4, count: 1 }] });
      cache.set('b', '1', { rating: [{ min: 4, count: 2 }] });
      cache.get('a', '1');
      cache.set('c', '1', { rating: [{ min: 4, count: 3 }] });
      expect(cache.get('b', '1')).to.equal(undefined, 'b was the least recently used');
      const a = cache.get('a', '1')!;
      a.rating![0]!.count = 99;
      expect(cache.get('a', '1')).to.deep.equal({ rating: [{ min: 4, count: 1 }] });
      expect(cache.get('a', '2')).to.equal(undefined, 'another revision');
      expect(cache.get('a', '1')).to.equal(undefined, 'an entry of an older revision is dropped');
    });
  });
});
