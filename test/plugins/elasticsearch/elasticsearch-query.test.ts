import { expect } from 'chai';
import { AppError } from '@cartwright/core';
import { ALIAS, MockCluster, NODE, mockedProvider, searchAnswer, searchQuery, type SeenRequest } from './elasticsearch-support.ts';

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const SEARCH = `/${ALIAS}/_search`;
const BOOSTS = { inStock: 0.5, featured: 0.25, popularity: 0.25 };

/** Text fields with their weights, as every term clause lists them. */
const FIELDS: Array<[string, number]> = [
  ['text_a', 1],
  ['text_b', 0.4],
  ['text_c', 0.2],
  ['text_d', 0.1],
];

const wordClause = (word: string, prefix = false) => ({
  dis_max: {
    queries: FIELDS.flatMap(([field, boost]) => [
      { constant_score: { filter: { match: { [field]: { query: word, zero_terms_query: 'all' } } }, boost } },
      ...(prefix ? [{ constant_score: { filter: { match: { [`${field}.prefix`]: { query: word } } }, boost } }] : []),
    ]),
  },
});

/** A search cluster whose searches answer in turn from `answers` (the popularity lookup answers separately). */
function clusterAnswering(...answers: Array<(request: SeenRequest) => unknown>) {
  const cluster = new MockCluster().withAliases();
  let turn = 0;
  cluster.on('POST', SEARCH, (request) => {
    if (request.body.aggs?.popularity) return searchAnswer([], 0, { aggregations: { popularity: { value: 99 } } });
    const answer = answers[Math.min(turn, answers.length - 1)]!;
    turn += 1;
    return answer(request);
  });
  return cluster;
}

const searches = (cluster: MockCluster) => cluster.requests('POST', SEARCH).filter((r) => !r.body.aggs?.popularity);

describe('elasticsearch: the search request', () => {
  it('puts the words in bool.must, the unfaceted filters in bool.filter, the faceted ones in post_filter, with the boosts and an id tie-break', async () => {
    const cluster = clusterAnswering(() => searchAnswer([]));
    await mockedProvider(cluster, { boosts: BOOSTS }).query(
      searchQuery({
        q: 'Brass "desk lamp" des',
        filters: { categoryIds: ['cat_lighting'], brandIds: ['brand_lumen'], tagIds: ['tag_sale'], inStock: true, price: { min: 1000, max: 5000 }, ratingMin: 4, attributes: [{ code: 'color', values: ['Brass'] }] },
        facets: ['brand', 'attributes'],
        limit: 10,
        offset: 20,
      }),
    );
    const popularity = cluster.requests('POST', SEARCH).find((r) => r.body.aggs?.popularity)!;
    expect(popularity.body).to.deep.equal({ size: 0, query: { bool: { must_not: [{ term: { tombstone: true } }] } }, aggs: { popularity: { max: { field: 'popularity' } } } });
    const [search] = searches(cluster);
    const { function_score } = search!.body.query;
    expect(function_score.functions).to.deep.equal([
      { weight: 1 },
      { filter: { term: { in_stock: true } }, weight: 0.5 },
      { filter: { term: { featured: true } }, weight: 0.25 },
      { field_value_factor: { field: 'popularity', modifier: 'ln1p', missing: 0 }, weight: 0.25 / Math.log1p(99) },
    ]);
    expect(function_score).to.include({ score_mode: 'sum', boost_mode: 'multiply' });
    const { bool } = function_score.query;
    const phrase = {
      dis_max: { queries: FIELDS.map(([field, boost]) => ({ constant_score: { filter: { match_phrase: { [field]: { query: 'desk lamp', zero_terms_query: 'all' } } }, boost } })) },
    };
    expect(bool.must).to.deep.equal([
      { bool: { should: [{ bool: { must: [wordClause('brass'), phrase, wordClause('des', true)] } }, { constant_score: { filter: { term: { skus: 'brass "desk lamp" des' } }, boost: 1 } }], minimum_should_match: 1 } },
    ]);
    expect(bool.filter).to.deep.equal([{ terms: { tag_ids: ['tag_sale'] } }, { term: { in_stock: true } }]);
    expect(bool.must_not).to.deep.equal([{ term: { tombstone: true } }]);
    const category = { terms: { category_ids: ['cat_lighting'] } };
    const brand = { terms: { 'brand.id': ['brand_lumen'] } };
    const price = { range: { 'prices.EUR.min': { gte: 1000, lte: 5000 } } };
    const rating = { range: { rating: { gte: 4 } } };
    const color = { nested: { path: 'attributes', query: { bool: { filter: [{ term: { 'attributes.code': 'color' } }, { terms: { 'attributes.value': ['Brass'] } }] } } } };
    expect(search!.body.post_filter).to.deep.equal({ bool: { filter: [category, brand, price, rating, color] } });
    expect(search!.body.aggs.facet_brand.filter).to.deep.equal({ bool: { filter: [category, price, rating, color] } });
    expect(search!.body.aggs.facet_attributes.filter).to.deep.equal({ bool: { filter: [category, brand, price, rating, color] } });
    expect(search!.body.aggs.facet_attributes.aggs.nested.aggs.codes.filter).to.deep.equal({ bool: { must_not: [{ terms: { 'attributes.code': ['color'] } }] } });
    expect(search!.body.aggs.facet_attribute_0.filter).to.deep.equal({ bool: { filter: [category, brand, price, rating] } });
    expect(search!.body.aggs.facet_attribute_0.aggs.nested.aggs.codes.filter).to.deep.equal({ term: { 'attributes.code': 'color' } });
    expect(search!.body).to.include({ from: 20, size: 10, track_total_hits: true, _source: false });
    expect(search!.body.sort).to.deep.equal([{ _score: { order: 'desc' } }, { id: { order: 'asc' } }]);
  });

  it('without facets keeps every filter in bool.filter and no post_filter; without q sorts newest and matches all', async () => {
    const cluster = clusterAnswering(() => searchAnswer([]));
    await mockedProvider(cluster).query(searchQuery({ sort: undefined as never, filters: { brandIds: ['brand_lumen'] } }));
    const [search] = searches(cluster);
    expect(search!.body.query).to.deep.equal({ bool: { must: [{ match_all: {} }], filter: [{ terms: { 'brand.id': ['brand_lumen'] } }], must_not: [{ term: { tombstone: true } }] } });
    expect(search!.body).to.not.have.property('post_filter');
    expect(search!.body.sort).to.deep.equal([{ created_at: { order: 'desc' } }, { id: { order: 'asc' } }]);
  });

  it('sorts by price in the query currency with missing prices last, and counts price bands in its minor units', async () => {
    const cluster = clusterAnswering(() => searchAnswer([]));
    await mockedProvider(cluster).query(searchQuery({ currency: 'JPY', sort: 'price_desc', facets: ['price', 'rating'] }));
    const [search] = searches(cluster);
    expect(search!.body.sort).to.deep.equal([{ 'prices.JPY.min': { order: 'desc', missing: '_last', unmapped_type: 'long' } }, { id: { order: 'asc' } }]);
    expect(search!.body.aggs.facet_price.aggs.bands.range.ranges).to.deep.equal([{ to: 10 }, { from: 10, to: 25 }, { from: 25, to: 50 }, { from: 50, to: 100 }, { from: 100, to: 250 }, { from: 250, to: 500 }, { from: 500 }]);
    expect(search!.body.aggs.facet_rating.aggs.steps.range.ranges).to.deep.equal([{ from: 4 }, { from: 3 }, { from: 2 }, { from: 1 }]);
  });
});

describe('elasticsearch: the search result', () => {
  it('turns hits, the total and the aggregations into the result, facets in the PostgreSQL provider’s shapes and order', async () => {
    const aggregations = {
      facet_category: { doc_count: 3, ids: { buckets: [{ key: 'cat_home', doc_count: 3 }, { key: 'cat_lighting', doc_count: 2 }] } },
      facet_brand: { doc_count: 3, ids: { buckets: [{ key: 'brand_lumen', doc_count: 2 }] } },
      facet_price: { doc_count: 3, bands: { buckets: [{ to: 1000, doc_count: 1 }, { from: 1000, to: 2500, doc_count: 0 }, { from: 2500, to: 5000, doc_count: 2 }, { from: 5000, to: 10000, doc_count: 0 }, { from: 10000, to: 25000, doc_count: 0 }, { from: 25000, to: 50000, doc_count: 0 }, { from: 50000, doc_count: 0 }] } },
      facet_rating: { doc_count: 3, steps: { buckets: [{ from: 4, doc_count: 1 }, { from: 3, doc_count: 2 }, { from: 2, doc_count: 2 }, { from: 1, doc_count: 3 }] } },
      facet_attributes: {
        doc_count: 3,
        nested: {
          doc_count: 5,
          codes: {
            doc_count: 5,
            codes: {
              buckets: [
                { key: 'wattage', doc_count: 2, types: { buckets: [{ key: 'number', doc_count: 2, name: { hits: { hits: [{ _source: { name: 'Power', unit: 'W' } }] } }, values: { buckets: [] }, numbers: { count: 2, min: 40, max: 60 } }] } },
                { key: 'color', doc_count: 3, types: { buckets: [{ key: 'enum', doc_count: 3, name: { hits: { hits: [{ _source: { name: 'Colour', unit: null } }] } }, values: { buckets: [{ key: 'Black', doc_count: 2 }, { key: 'Brass', doc_count: 1 }] }, numbers: { count: 0, min: null, max: null } }] } },
              ],
            },
          },
        },
      },
    };
    const cluster = clusterAnswering(() => searchAnswer([['prod_b', 2.5], ['prod_a', 1.25]], 3, { aggregations }));
    const result = await mockedProvider(cluster).query(searchQuery({ q: 'lamp', facets: ['category', 'brand', 'price', 'rating', 'attributes'] }));
    expect(result).to.deep.equal({
      hits: [{ id: 'prod_b', score: 2.5 }, { id: 'prod_a', score: 1.25 }],
      total: 3,
      facets: {
        category: [{ id: 'cat_home', count: 3 }, { id: 'cat_lighting', count: 2 }],
        brand: [{ id: 'brand_lumen', count: 2 }],
        price: [
          { min: 0, max: 1000, count: 1 },
          { min: 1000, max: 2500, count: 0 },
          { min: 2500, max: 5000, count: 2 },
          { min: 5000, max: 10000, count: 0 },
          { min: 10000, max: 25000, count: 0 },
          { min: 25000, max: 50000, count: 0 },
          { min: 50000, max: null, count: 0 },
        ],
        rating: [{ min: 4, count: 1 }, { min: 3, count: 2 }, { min: 2, count: 2 }, { min: 1, count: 3 }],
        attributes: [
          { code: 'color', name: 'Colour', type: 'enum', values: [{ value: 'Black', count: 2 }, { value: 'Brass', count: 1 }] },
          { code: 'wattage', name: 'Power', type: 'number', unit: 'W', min: 40, max: 60, count: 2 },
        ],
      },
    });
  });

  it('replaces a word no product has by the suggester’s closest word, searches again and reports correctedQuery', async () => {
    const cluster = clusterAnswering(
      () => searchAnswer([]),
      (request) => {
        expect(request.body.size).to.equal(0);
        expect(request.body.aggs.found.filters.filters.t0).to.deep.equal(wordClause('brass'));
        expect(request.body.aggs.found.filters.filters.t1).to.deep.equal(wordClause('lamsp', true));
        expect(request.body.suggest.w1).to.deep.equal({
          text: 'lamsp',
          term: { field: 'words', suggest_mode: 'missing', max_edits: 2, prefix_length: 0, min_word_length: 3, size: 5, sort: 'score', string_distance: 'damerau_levenshtein' },
        });
        return searchAnswer([], 0, {
          aggregations: { found: { buckets: { t0: { doc_count: 4 }, t1: { doc_count: 0 } } } },
          suggest: {
            w0: [{ text: 'brass', offset: 0, length: 5, options: [] }],
            w1: [{ text: 'lamsp', offset: 0, length: 5, options: [{ text: 'lamp', score: 0.8, freq: 3 }, { text: 'lamps', score: 0.6, freq: 1 }] }],
          },
        });
      },
      () => searchAnswer([['prod_lamp', 1]]),
    );
    const result = await mockedProvider(cluster).query(searchQuery({ q: 'brass lamsp' }));
    expect(result.correctedQuery).to.equal('brass lamp');
    expect(result.hits).to.deep.equal([{ id: 'prod_lamp', score: 1 }]);
    const last = searches(cluster).at(-1)!;
    expect(last.body.query.function_score.query.bool.must[0].bool.should[0]).to.deep.equal({ bool: { must: [wordClause('brass'), wordClause('lamp', true)] } });
  });

  it('leaves the query alone when every word is in some product (the filters excluded them)', async () => {
    const cluster = clusterAnswering(
      () => searchAnswer([]),
      () => searchAnswer([], 0, { aggregations: { found: { buckets: { t0: { doc_count: 2 } } } }, suggest: { w0: [{ text: 'lamp', offset: 0, length: 4, options: [] }] } }),
    );
    const result = await mockedProvider(cluster).query(searchQuery({ q: 'lamp', filters: { featured: true } }));
    expect(result).to.deep.equal({ hits: [], total: 0, facets: {} });
    expect(searches(cluster)).to.have.length(2);
  });
});

describe('elasticsearch: suggestions', () => {
  it('completes the last word from the indexed words, then names categories and brands of the matches, then the products', async () => {
    const cluster = clusterAnswering((request) => {
      expect(request.body._source).to.deep.equal(['id', 'text_a', 'brand', 'categories']);
      expect(request.body.size).to.equal(50);
      expect(request.body.aggs.completions.aggs.live.aggs.words).to.deep.equal({ terms: { field: 'words', include: 'la.*', size: 2, order: [{ _count: 'desc' }, { _key: 'asc' }] } });
      return {
        ...searchAnswer([], 2),
        hits: {
          total: { value: 2, relation: 'eq' },
          hits: [
            { _id: 'prod_a', _score: 2, _source: { id: 'prod_a', text_a: 'Brass desk lamp', brand: { id: 'brand_lumen', name: 'Lumen' }, categories: [{ id: 'cat_desk_lamps', name: 'Desk lamps' }] } },
            { _id: 'prod_b', _score: 1, _source: { id: 'prod_b', text_a: 'Floor lamp', brand: null, categories: [{ id: 'cat_floor_lamps', name: 'Floor lamps' }] } },
          ],
        },
        aggregations: { completions: { doc_count: 9, live: { doc_count: 9, words: { buckets: [{ key: 'lamp', doc_count: 2 }, { key: 'lamps', doc_count: 2 }] } } } },
      };
    });
    const suggestions = await mockedProvider(cluster).suggest({ prefix: 'la', limit: 6 });
    expect(suggestions).to.deep.equal([
      { text: 'lamp', kind: 'query' },
      { text: 'lamps', kind: 'query' },
      { text: 'Desk lamps', kind: 'category', id: 'cat_desk_lamps' },
      { text: 'Floor lamps', kind: 'category', id: 'cat_floor_lamps' },
      { text: 'Brass desk lamp', kind: 'product', id: 'prod_a' },
      { text: 'Floor lamp', kind: 'product', id: 'prod_b' },
    ]);
  });

  it('suggests nothing for an empty prefix or a zero limit, without asking the cluster', async () => {
    const cluster = new MockCluster();
    const provider = mockedProvider(cluster);
    expect(await provider.suggest({ prefix: '  "', limit: 5 })).to.deep.equal([]);
    expect(await provider.suggest({ prefix: 'lamp', limit: 0 })).to.deep.equal([]);
    expect(cluster.seen).to.deep.equal([]);
  });
});

describe('elasticsearch: an unreachable cluster', () => {
  it('fails a query with ELASTICSEARCH_UNAVAILABLE naming the node, after the client’s retries', async () => {
    const cluster = new MockCluster().withAliases().unavailable('POST', SEARCH);
    const error = await rejection(mockedProvider(cluster, { maxRetries: 2 }).query(searchQuery({ q: 'lamp', sort: 'newest' })));
    expect(error).to.be.instanceOf(AppError);
    expect(error).to.include({ code: 'ELASTICSEARCH_UNAVAILABLE', status: 503 });
    expect(error.message).to.contain(NODE).and.contain('answered 503: cluster is starting');
    expect(cluster.requests('POST', SEARCH)).to.have.length(3);
  });

  it('check() rejects naming the node when the cluster answers 503 or cannot be connected to', async () => {
    const busy = new MockCluster().unavailable('HEAD', '/');
    const answered503 = await rejection(mockedProvider(busy).check());
    expect(answered503.message).to.equal(`Elasticsearch at ${NODE} cannot be reached: answered 503`);
    const down = new MockCluster().unreachable('HEAD', '/');
    const refused = await rejection(mockedProvider(down).check());
    expect(refused.message).to.contain(`Elasticsearch at ${NODE} cannot be reached`).and.contain('ECONNREFUSED');
  });

  it('check() passes when the cluster answers the ping', async () => {
    const cluster = new MockCluster().on('HEAD', '/', () => '');
    await mockedProvider(cluster).check();
    expect(cluster.requests('HEAD', '/')).to.have.length(1);
  });

  it('refuses with ELASTICSEARCH_REQUEST_REJECTED when Elasticsearch refuses the request itself', async () => {
    const cluster = new MockCluster().withAliases();
    cluster.on('POST', SEARCH, () => ({ error: 'x' }));
    cluster.mock.clear({ method: 'POST', path: SEARCH });
    const error = await rejection(mockedProvider(cluster).query(searchQuery({ sort: 'newest' })));
    expect(error).to.include({ code: 'ELASTICSEARCH_REQUEST_REJECTED', status: 502 });
    expect(error.message).to.contain(NODE).and.contain('answered 404');
  });
});
