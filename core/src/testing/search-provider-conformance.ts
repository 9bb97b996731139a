import assert from 'node:assert/strict';
import type { SearchDocument, SearchProvider, SearchQuery, SearchResult } from '../modules/search/search-provider.ts';
import { globalRunner, type ConformanceRunner } from './conformance-runner.ts';
import { SEARCH_FIXTURES } from './search-fixtures.ts';

export interface SearchProviderConformanceOptions {
  /** Shown in the test titles. */
  name: string;
  /** Called once before the tests: a provider with an index of its own (the kit replaces its content). */
  create(): Promise<SearchProvider>;
  /** Called once after the tests. */
  dispose?(provider: SearchProvider): Promise<void>;
  /** Defaults to the global mocha functions (see ConformanceRunner in conformance-runner.ts). */
  runner?: ConformanceRunner;
}

const ids = (result: SearchResult) => result.hits.map((h) => h.id);
const sorted = (list: readonly string[]) => [...list].sort();
const p = (...numbers: number[]) => numbers.map((n) => `prod_${String(n).padStart(2, '0')}`);
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

async function* batchesOf(documents: readonly SearchDocument[], size: number): AsyncGenerator<readonly SearchDocument[]> {
  for (let i = 0; i < documents.length; i += size) yield documents.slice(i, i + size);
}

/** Every id the fixture holds, newest first (the order of `sort: 'newest'`). */
const NEWEST = p(
  27, 24, 7, 19, 3, 11, 1, 16, 6, 14, 2, 29, 12, 4, 28, 26, 13, 25, 5, 15, 17, 8, 18, 20, 10, 9, 22, 21, 23, 30,
  40, 39, 38, 37, 36, 35, 34, 33, 32, 31,
);

/**
 * Declares the tests every `SearchProvider` must pass: the semantics in `search-provider.ts`,
 * checked with exact expected results over a fixed catalog (`SEARCH_FIXTURES`, 40 products). The
 * kit replaces the provider's whole index with `reindex`, so give it an index of its own. Where
 * the contract fixes an order (sorts, field weights between otherwise equal products, boosts) the
 * kit checks the order; elsewhere it checks the exact set of products. See docs/plugins/search-providers.md.
 *
 * @example
 * ```ts
 * import { runSearchProviderConformance } from '@cartwright/core/testing';
 *
 * runSearchProviderConformance({
 *   name: 'Elasticsearch',
 *   create: async () => new ElasticsearchProvider({ node: process.env.ES_URL!, index: `kit-${Date.now()}` }, logger),
 *   dispose: async (provider) => (provider as ElasticsearchProvider).dropIndex(),
 * });
 * ```
 */
export function runSearchProviderConformance(options: SearchProviderConformanceOptions): void {
  const { describe, it, before, after } = options.runner ?? globalRunner();
  let provider: SearchProvider;
  const search = (query: Partial<SearchQuery>) =>
    provider.query({ filters: {}, currency: 'EUR', sort: 'relevance', facets: [], limit: 100, offset: 0, ...query });
  /** The ids of a query sorted `newest`, which fixes the order of any result. */
  const newest = async (query: Partial<SearchQuery>) => ids(await search({ sort: 'newest', ...query }));

  describe(`search provider conformance: ${options.name}`, () => {
    before(async () => {
      provider = await options.create();
      await provider.reindex(batchesOf(SEARCH_FIXTURES, 7));
    });
    after(async () => {
      if (provider) await options.dispose?.(provider);
    });

    describe('text', () => {
      it('an empty or absent q lists every document', async () => {
        for (const q of [undefined, '', '   ']) {
          const result = await search({ q, sort: 'newest' });
          assert.equal(result.total, 40, `q ${JSON.stringify(q)}: total`);
          assert.deepEqual(ids(result), NEWEST, `q ${JSON.stringify(q)}: every document, newest first`);
          assert.equal(result.correctedQuery, undefined);
        }
      });

      it('matches words by their stem: "lamps" finds the lamp products', async () => {
        const result = await search({ q: 'lamps' });
        assert.deepEqual(sorted(ids(result)), p(1, 2, 3, 4, 5, 20));
        assert.equal(result.total, 6);
        assert.equal(result.correctedQuery, undefined, 'a word that matches is not corrected');
      });

      it('folds accents in documents and queries both ways', async () => {
        assert.deepEqual(ids(await search({ q: 'creme brulee' })), p(16), '"creme brulee" finds "Crème brûlée Set"');
        assert.deepEqual(sorted(ids(await search({ q: 'crème' }))), p(16, 17), '"crème" finds "Creme Caramel Mix" too');
        assert.deepEqual(sorted(ids(await search({ q: 'CAFE' }))), p(12), 'case and accents: "CAFE" finds "Bentwood Café Chair"');
      });

      it('requires every word to match', async () => {
        assert.deepEqual(sorted(ids(await search({ q: 'lamp desk' }))), p(1, 2, 5), 'title, category or description: each word somewhere');
        assert.deepEqual(sorted(ids(await search({ q: 'linen grey' }))), p(9));
      });

      it('reads "double quotes" as a phrase: the words adjacent and in order', async () => {
        assert.deepEqual(sorted(ids(await search({ q: '"desk lamp"' }))), p(1, 2), '"Clip-on Lamp" has "desk" in its description, not next to "lamp"');
        assert.deepEqual(ids(await search({ q: '"lamp desk"' })), [], 'the words in the other order');
      });

      it('matches the last word as a prefix', async () => {
        assert.deepEqual(sorted(ids(await search({ q: 'des' }))), p(1, 2, 5, 6, 7, 8, 16, 17, 26), '"des" finds desks and desserts');
        assert.deepEqual(sorted(ids(await search({ q: 'oak writ' }))), p(6));
        assert.deepEqual(ids(await search({ q: 'writ oak' })), [], 'only the last word is a prefix');
      });

      it('finds a product by one of its SKUs typed in full', async () => {
        assert.deepEqual(ids(await search({ q: 'LUM-ARC-01' })), p(1));
        assert.deepEqual(ids(await search({ q: 'fer-sk-26' })), p(13), 'case-insensitively');
      });

      it('corrects a word found nowhere to the closest indexed word and says so', async () => {
        const swapped = await search({ q: 'lmap' });
        assert.equal(swapped.correctedQuery, 'lamp');
        assert.deepEqual(sorted(ids(swapped)), p(1, 2, 3, 4, 5, 20));
        const doubled = await search({ q: 'desk lampp' });
        assert.ok(doubled.correctedQuery === 'desk lamp' || doubled.correctedQuery === 'desk lamps', `correctedQuery is ${String(doubled.correctedQuery)}`);
        assert.deepEqual(sorted(ids(doubled)), p(1, 2, 5));
        const nothing = await search({ q: 'qzxwv' });
        assert.equal(nothing.total, 0);
        assert.deepEqual(nothing.hits, []);
      });

      it('ranks a title match above a description match of otherwise equal products', async () => {
        const result = await search({ q: 'walnut' });
        assert.deepEqual(ids(result), p(22, 21), '"Walnut Serving Board" before the spoons whose description names walnut');
        assert.ok(result.hits[0]!.score > result.hits[1]!.score, 'the scores say so too');
      });

      it('weighs the title, then brand and categories, then tags and attributes, then the description', async () => {
        const result = await search({ q: 'kestrel' });
        // the kneelers differ only in where "kestrel" sits; equal weights fall back to the id
        assert.deepEqual(ids(result), p(36, 34, 35, 32, 33, 31), 'title; category, brand; attribute, tag; description');
        const [title, category, brand, attribute, tag, description] = result.hits.map((h) => h.score);
        assert.equal(category, brand, 'a category and the brand weigh the same');
        assert.equal(attribute, tag, 'an attribute and a tag weigh the same');
        assert.ok(title! > brand! && brand! > tag! && tag! > description!, `scores ${JSON.stringify(result.hits)}`);
      });

      it('boosts the product in stock between two equal text matches', async () => {
        assert.deepEqual(ids(await search({ q: 'cushion' })), p(10, 9), 'the sand cover is in stock, the grey one is not');
      });

      it('boosts the featured product between two equal text matches', async () => {
        const result = await search({ q: 'watering' });
        assert.deepEqual(ids(result), p(38, 37), 'the featured can first, though its id sorts after its twin');
        assert.ok(result.hits[0]!.score > result.hits[1]!.score, 'the scores say so too');
      });

      it('boosts the more popular product between two equal text matches', async () => {
        const result = await search({ q: 'willow' });
        assert.deepEqual(ids(result), p(40, 39), 'popularity 300 before 5, though its id sorts after its twin');
        assert.ok(result.hits[0]!.score > result.hits[1]!.score, 'the scores say so too');
      });

      it('takes injection-looking input as text', async () => {
        const dropTable = await search({ q: "'); drop table cw_product; --" });
        assert.equal(dropTable.total, 0);
        for (const q of ['a & | ! :* <->', "' OR 1=1 --", '\\"; select pg_sleep(10); --', '(lamp | desk) & !chair', 'lamp:*', '"""', '%_%']) {
          const result = await search({ q });
          assert.ok(Number.isInteger(result.total) && result.total >= 0, `q ${q}: answers`);
          for (const id of ids(result)) assert.ok(NEWEST.includes(id), `q ${q}: ${id} is a fixture product`);
        }
        assert.deepEqual(sorted(ids(await search({ q: '(lamp) & !desk' }))), p(1, 2, 5), 'operators are separators: "lamp desk"');
        assert.equal((await search({})).total, 40, 'the index is intact');
      });

      it('cuts q at 200 characters', async () => {
        const result = await search({ q: `lamps${' '.repeat(200)}qzxwv` });
        assert.deepEqual(sorted(ids(result)), p(1, 2, 3, 4, 5, 20), 'the word after the first 200 characters is not searched');
      });
    });

    describe('filters', () => {
      it('category: the category and its descendants', async () => {
        assert.deepEqual(await newest({ filters: { categoryIds: ['cat_lighting'] } }), p(19, 3, 1, 2, 4, 5, 20));
        assert.deepEqual(await newest({ filters: { categoryIds: ['cat_home'] } }), p(27, 24, 7, 19, 3, 11, 1, 6, 2, 12, 4, 28, 26, 5, 8, 20, 10, 9, 23, 30));
        assert.deepEqual(await newest({ filters: { categoryIds: ['cat_desks', 'cat_desserts'] } }), p(7, 16, 6, 17, 8), 'any of several');
        assert.deepEqual(await newest({ filters: { categoryIds: ['cat_kitchen'] } }), p(16, 14, 29, 28, 13, 25, 15, 17, 18, 22, 21), 'a product in two branches');
      });

      it('brand, tag, featured, in stock', async () => {
        assert.deepEqual(await newest({ filters: { brandIds: ['brand_ferro', 'brand_oakline'] } }), p(7, 11, 6, 29, 28, 26, 13, 15));
        assert.deepEqual(await newest({ filters: { tagIds: ['tag_eco'] } }), p(6, 4, 26, 13, 18, 20, 23, 30));
        assert.deepEqual(await newest({ filters: { featured: true } }), p(3, 6, 13, 38));
        assert.deepEqual(await newest({ filters: { inStock: false } }), p(27, 7, 2, 15, 9));
        assert.equal((await search({ filters: { inStock: true } })).total, 35);
      });

      it('price: the lowest price in the query currency, inclusive, leaving out products not sold in it', async () => {
        assert.deepEqual(await newest({ filters: { price: { min: 2500, max: 4900 } } }), p(1, 16, 14, 29, 4, 13, 25, 10, 9));
        assert.deepEqual(await newest({ currency: 'JPY', filters: { price: { max: 5000 } } }), p(16, 29, 26, 25, 5, 17, 18, 20, 10, 9, 22, 21, 23, 30));
        assert.deepEqual(await newest({ currency: 'USD', filters: { price: { min: 40000 } } }), p(7));
      });

      it('rating: at least the given average, leaving out products without reviews', async () => {
        assert.deepEqual(await newest({ filters: { ratingMin: 4.5 } }), p(3, 1, 6, 12, 13, 18, 30));
      });

      it('attributes: any of the values, a number range, every filter at once', async () => {
        assert.deepEqual(await newest({ filters: { attributes: [{ code: 'color', values: ['white', 'red'] }] } }), p(24, 19, 29, 4, 25, 5, 8, 23));
        assert.deepEqual(await newest({ filters: { attributes: [{ code: 'wattage', min: 6, max: 10 }] } }), p(19, 1, 2, 4, 20));
        assert.deepEqual(await newest({ filters: { attributes: [{ code: 'dimmable', values: ['true'] }] } }), p(3, 1, 20));
        assert.deepEqual(
          await newest({ filters: { attributes: [{ code: 'color', values: ['black'] }, { code: 'dimmable', values: ['true'] }] } }),
          p(3, 1),
        );
      });

      it('combine with the text query', async () => {
        assert.deepEqual(await newest({ q: 'lamp', filters: { brandIds: ['brand_lumen'] } }), p(3, 1, 20));
        assert.deepEqual(await newest({ q: 'desk', filters: { inStock: true } }), p(1, 6, 26, 5, 8));
        assert.deepEqual(await newest({ q: 'chair', filters: { categoryIds: ['cat_kitchen'] } }), p(28));
        const all = { categoryIds: ['cat_home'], brandIds: ['brand_lumen', 'brand_nordlys'], price: { max: 10000 }, ratingMin: 4, inStock: true, tagIds: ['tag_new'] };
        assert.deepEqual(await newest({ filters: all }), p(1));
        assert.deepEqual(await newest({ q: 'lamp', filters: { ...all, tagIds: undefined } }), p(1, 20));
      });
    });

    describe('facets', () => {
      it('count each facet under every filter but its own', async () => {
        const result = await search({
          sort: 'newest',
          filters: { brandIds: ['brand_lumen'], categoryIds: ['cat_lighting'] },
          facets: ['category', 'brand', 'price', 'rating', 'attributes'],
        });
        assert.deepEqual(ids(result), p(3, 1, 20));
        assert.equal(result.total, 3);
        assert.deepEqual(result.facets.brand, [{ id: 'brand_lumen', count: 3 }, { id: 'brand_nordlys', count: 2 }], 'brands of the lighting products');
        assert.deepEqual(result.facets.category, [
          { id: 'cat_home', count: 3 },
          { id: 'cat_lighting', count: 3 },
          { id: 'cat_desk_lamps', count: 1 },
          { id: 'cat_floor_lamps', count: 1 },
        ], 'categories of the Lumen products, with their ancestors');
        assert.deepEqual(result.facets.price, [
          { min: 0, max: 1000, count: 1 },
          { min: 1000, max: 2500, count: 0 },
          { min: 2500, max: 5000, count: 1 },
          { min: 5000, max: 10000, count: 0 },
          { min: 10000, max: 25000, count: 1 },
          { min: 25000, max: 50000, count: 0 },
          { min: 50000, max: null, count: 0 },
        ]);
        assert.deepEqual(result.facets.rating, [{ min: 4, count: 3 }, { min: 3, count: 3 }, { min: 2, count: 3 }, { min: 1, count: 3 }]);
        assert.deepEqual(result.facets.attributes, [
          { code: 'color', name: 'Colour', type: 'enum', values: [{ value: 'black', count: 2 }] },
          { code: 'dimmable', name: 'Dimmable', type: 'boolean', values: [{ value: 'true', count: 3 }] },
          { code: 'wattage', name: 'Power', type: 'number', unit: 'W', min: 7, max: 12, count: 3 },
        ]);
      });

      it('count over the text matches; brand counts and the brandless add up to the total', async () => {
        const result = await search({ q: 'desk', facets: ['category', 'brand'] });
        assert.equal(result.total, 7);
        assert.deepEqual(result.facets.category, [
          { id: 'cat_home', count: 7 },
          { id: 'cat_furniture', count: 4 },
          { id: 'cat_desks', count: 3 },
          { id: 'cat_lighting', count: 3 },
          { id: 'cat_desk_lamps', count: 2 },
        ]);
        assert.deepEqual(result.facets.brand, [{ id: 'brand_oakline', count: 3 }, { id: 'brand_lumen', count: 1 }, { id: 'brand_nordlys', count: 1 }]);
        const brandless = ids(result).filter((id) => !SEARCH_FIXTURES.find((d) => d.id === id)!.brand).length;
        assert.equal(brandless, 2);
        assert.equal(result.facets.brand!.reduce((sum, b) => sum + b.count, 0) + brandless, result.total);
      });

      it('leave a facet\'s own attribute filter out of its counts, and rating counts nest', async () => {
        const result = await search({
          q: 'lamp',
          currency: 'USD',
          filters: { attributes: [{ code: 'color', values: ['black', 'white'] }], ratingMin: 4 },
          facets: ['attributes', 'rating', 'brand', 'price'],
        });
        assert.deepEqual(sorted(ids(result)), p(1, 3));
        assert.deepEqual(result.facets.attributes, [
          { code: 'color', name: 'Colour', type: 'enum', values: [{ value: 'black', count: 2 }, { value: 'brass', count: 1 }] },
          { code: 'dimmable', name: 'Dimmable', type: 'boolean', values: [{ value: 'true', count: 2 }] },
          { code: 'wattage', name: 'Power', type: 'number', unit: 'W', min: 8, max: 12, count: 2 },
        ]);
        assert.deepEqual(result.facets.rating, [{ min: 4, count: 2 }, { min: 3, count: 3 }, { min: 2, count: 3 }, { min: 1, count: 3 }]);
        assert.deepEqual(result.facets.brand, [{ id: 'brand_lumen', count: 2 }]);
        assert.deepEqual(result.facets.price!.map((b) => b.count), [0, 0, 0, 1, 1, 0, 0], 'USD 54.00 and 139.00');
      });

      it('price bands: every band, per currency, plus the unpriced, add up to the total', async () => {
        const yen = await search({ currency: 'JPY', facets: ['price'] });
        assert.deepEqual(yen.facets.price, [
          { min: 0, max: 10, count: 0 },
          { min: 10, max: 25, count: 0 },
          { min: 25, max: 50, count: 0 },
          { min: 50, max: 100, count: 0 },
          { min: 100, max: 250, count: 0 },
          { min: 250, max: 500, count: 0 },
          { min: 500, max: null, count: 36 },
        ], 'JPY has no minor unit: the default bands are 10 … 500 yen');
        const own = await search({ currency: 'JPY', priceBands: [1000, 5000, 20000], filters: { price: { max: 5000 } }, facets: ['price'] });
        assert.equal(own.total, 14);
        assert.deepEqual(own.facets.price, [
          { min: 0, max: 1000, count: 2 },
          { min: 1000, max: 5000, count: 12 },
          { min: 5000, max: 20000, count: 18 },
          { min: 20000, max: null, count: 4 },
        ], 'the price facet ignores the price filter');
        const unpriced = SEARCH_FIXTURES.filter((d) => !d.prices.JPY).length;
        assert.equal(own.facets.price!.reduce((sum, b) => sum + b.count, 0) + unpriced, 40);
      });

      it('answers only the facets asked for', async () => {
        const result = await search({ q: 'lamp', facets: ['brand'] });
        assert.deepEqual(Object.keys(result.facets), ['brand']);
        assert.deepEqual((await search({ q: 'lamp' })).facets, {});
      });
    });

    describe('sorting and pages', () => {
      const inCategory = (categoryId: string, sort: SearchQuery['sort'], currency = 'EUR') => newest({ filters: { categoryIds: [categoryId] }, sort, currency });

      it('sorts by price either way, ties by id, products without a price last', async () => {
        assert.deepEqual(await inCategory('cat_lighting', 'price_asc'), p(20, 5, 4, 1, 19, 2, 3));
        assert.deepEqual(await inCategory('cat_textiles', 'price_asc'), p(23, 9, 10, 24));
        assert.deepEqual(await inCategory('cat_textiles', 'price_desc'), p(24, 9, 10, 23));
        assert.deepEqual(await inCategory('cat_chairs', 'price_asc', 'JPY'), p(12, 28, 11, 27));
        assert.deepEqual(await inCategory('cat_chairs', 'price_desc', 'JPY'), p(11, 28, 12, 27));
      });

      it('sorts by name regardless of case and accents, by popularity and by rating', async () => {
        assert.deepEqual(await inCategory('cat_pans', 'name'), p(14, 13, 29, 15));
        assert.deepEqual(await inCategory('cat_pantry', 'name'), p(16, 17, 18), '"Crème brûlée" before "Creme Caramel"');
        assert.deepEqual(await inCategory('cat_textiles', 'popularity'), p(24, 9, 10, 23));
        assert.deepEqual(await inCategory('cat_chairs', 'rating'), p(12, 11, 28, 27));
        assert.deepEqual(await inCategory('cat_lighting', 'newest'), p(19, 3, 1, 2, 4, 5, 20));
      });

      it('pages without overlap or gaps', async () => {
        const pages: string[] = [];
        for (let offset = 0; offset < 42; offset += 7) {
          const page = await search({ sort: 'newest', limit: 7, offset });
          assert.equal(page.total, 40, 'the total is of all matches, not the page');
          pages.push(...ids(page));
        }
        assert.deepEqual(pages, NEWEST);
        const relevance: string[] = [];
        for (let offset = 0; offset < 9; offset += 2) relevance.push(...ids(await search({ q: 'des', limit: 2, offset })));
        assert.deepEqual(relevance, ids(await search({ q: 'des' })), 'relevance pages too');
      });
    });

    describe('suggestions', () => {
      it('completes what is typed so far, products named by their title', async () => {
        const suggestions = await provider.suggest({ prefix: 'des', limit: 10 });
        assert.ok(suggestions.length > 0 && suggestions.length <= 10);
        assert.ok(suggestions.some((s) => fold(s.text).split(/\W+/).some((w) => w.startsWith('desk'))), 'something about desks');
        for (const s of suggestions) {
          assert.ok(['product', 'category', 'brand', 'query'].includes(s.kind), `kind ${s.kind}`);
          if (s.kind === 'product') assert.equal(s.text, SEARCH_FIXTURES.find((d) => d.id === s.id)?.title, 'a product suggestion is its title');
          if (s.kind === 'category' || s.kind === 'brand') assert.ok(s.id, `a ${s.kind} suggestion names its id`);
        }
      });

      it('tolerates typos and keeps to the limit', async () => {
        const suggestions = await provider.suggest({ prefix: 'lmap', limit: 10 });
        assert.ok(suggestions.some((s) => fold(s.text).includes('lamp')), JSON.stringify(suggestions));
        assert.ok((await provider.suggest({ prefix: 'lam', limit: 2 })).length <= 2);
      });
    });

    describe('changes', () => {
      it('remove: the products are gone, unknown ids are ignored', async () => {
        await provider.remove(['prod_20', 'prod_99']);
        try {
          assert.deepEqual(sorted(ids(await search({ q: 'lamp' }))), p(1, 2, 3, 4, 5));
          assert.equal((await search({})).total, 39);
        } finally {
          await provider.index(SEARCH_FIXTURES.filter((d) => d.id === 'prod_20'));
        }
        assert.equal((await search({})).total, 40);
      });

      it('index: a document replaces the one with its id', async () => {
        const board = SEARCH_FIXTURES.find((d) => d.id === 'prod_22')!;
        await provider.index([{ ...board, title: 'Teak Serving Board', prices: { EUR: { min: 99900, max: 99900 } } }]);
        try {
          assert.deepEqual(ids(await search({ q: 'walnut' })), p(21), 'the old title is no longer found');
          assert.deepEqual(ids(await search({ q: 'teak' })), p(22));
          assert.deepEqual(await newest({ filters: { price: { min: 99900 } } }), p(22));
          assert.equal((await search({})).total, 40);
        } finally {
          await provider.index([board]);
        }
        assert.deepEqual(ids(await search({ q: 'walnut' })), p(22, 21));
      });

      it('reindex: replaces everything, answering from the old content until it is done', async () => {
        const kept = SEARCH_FIXTURES.filter((d) => !['prod_25', 'prod_26', 'prod_27'].includes(d.id));
        const added: SearchDocument = { ...SEARCH_FIXTURES.find((d) => d.id === 'prod_30')!, id: 'prod_41', title: 'Soy Wax Candle Trio', skus: ['SOY-41'] };
        const during: SearchResult[] = [];
        async function* slowly(): AsyncGenerator<readonly SearchDocument[]> {
          yield kept.slice(0, 10);
          during.push(await search({ q: 'candle' }), await search({}));
          yield [...kept.slice(10), added];
        }
        const progress = await provider.reindex(slowly());
        assert.deepEqual(sorted(ids(during[0]!)), p(30), 'mid-reindex: the new candle is not there yet');
        assert.equal(during[1]!.total, 40, 'mid-reindex: the old content, whole');
        assert.deepEqual(progress, { indexed: 38, removed: 3 });
        assert.deepEqual(sorted(ids(await search({ q: 'candle' }))), ['prod_30', 'prod_41']);
        assert.equal((await search({})).total, 38);
        assert.deepEqual(ids(await search({ q: 'espresso' })), [], 'a product left out is gone');
        await provider.reindex(batchesOf(SEARCH_FIXTURES, 40));
        assert.deepEqual(ids(await search({ sort: 'newest' })), NEWEST);
      });
    });
  });
}
