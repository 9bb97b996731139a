import { expect } from 'chai';
import { AppError } from '@cartwright/core';
import { resolveOptions } from '@cartwright/plugin-elasticsearch';
import { ALIAS, LIVE_INDEX, MockCluster, NODE, answerStatus, batchesOf, doc, mockedProvider, searchAnswer, searchQuery } from './elasticsearch-support.ts';

const notFound = () => answerStatus(404, { error: 'alias missing', status: 404 });

const LAMP = doc('prod_lamp', {
  title: 'Brass desk lamp',
  description: 'A lamp for the desk',
  brand: { id: 'brand_lumen', name: 'Lumen' },
  categories: [{ id: 'cat_desk_lamps', name: 'Desk lamps', path: ['cat_home', 'cat_lighting'] }],
  tags: [{ id: 'tag_sale', name: 'Sale' }],
  attributes: [
    { code: 'color', name: 'Colour', type: 'enum', filterable: true, value: 'Brass' },
    { code: 'wattage', name: 'Power', type: 'number', filterable: true, value: 40, unit: 'W' },
    { code: 'finish', name: 'Finish', type: 'text', filterable: false, value: 'Crème matt' },
  ],
  skus: [' LMP-001 '],
  prices: { EUR: { min: 4900, max: 5900 } },
  rating: 4.5,
  ratingCount: 2,
  popularity: 7,
});

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('elasticsearch: options', () => {
  it('stops start-up without a node, naming ELASTICSEARCH_URL', () => {
    expect(() => resolveOptions({}, {})).to.throw(/ELASTICSEARCH_URL/);
  });

  it('reads the node and credentials from the environment, an API key before a user', () => {
    expect(resolveOptions({}, { ELASTICSEARCH_URL: NODE, ELASTICSEARCH_API_KEY: 'k', ELASTICSEARCH_USERNAME: 'u', ELASTICSEARCH_PASSWORD: 'p' })).to.include({ node: NODE, indexPrefix: ALIAS, maxRetries: 3 });
    expect(resolveOptions({}, { ELASTICSEARCH_URL: NODE, ELASTICSEARCH_API_KEY: 'k' }).auth).to.deep.equal({ apiKey: 'k' });
    expect(resolveOptions({}, { ELASTICSEARCH_URL: NODE, ELASTICSEARCH_USERNAME: 'u', ELASTICSEARCH_PASSWORD: 'p' }).auth).to.deep.equal({ username: 'u', password: 'p' });
    expect(() => resolveOptions({}, { ELASTICSEARCH_URL: NODE, ELASTICSEARCH_USERNAME: 'u' })).to.throw(/ELASTICSEARCH_PASSWORD/);
  });

  it('refuses a language Elasticsearch cannot stem like PostgreSQL, naming the ones it can', () => {
    expect(() => mockedProvider(new MockCluster(), { language: 'klingon' })).to.throw(/"klingon".*english.*simple/);
  });
});

describe('elasticsearch: index creation', () => {
  it('creates the first index behind the alias, with the language’s Snowball stemmer, stop words, accent folding and edge n-grams', async () => {
    const cluster = new MockCluster().acceptBulk();
    let aliasExists = false;
    cluster.on('HEAD', `/_alias/${ALIAS}`, () => (aliasExists ? '' : notFound()));
    cluster.on('PUT', '/:index', () => {
      aliasExists = true;
      return { acknowledged: true };
    });
    cluster.on('GET', `/_alias/${ALIAS},${ALIAS}-reindex`, () => ({ [LIVE_INDEX]: { aliases: { [ALIAS]: {} } } }));
    await mockedProvider(cluster, { language: 'german' }).index([LAMP]);
    const [create] = cluster.requests('PUT');
    expect(create!.path).to.match(new RegExp(`^/${ALIAS}-\\d+$`));
    expect(create!.body.aliases).to.deep.equal({ [ALIAS]: { is_write_index: true } });
    const { analysis } = create!.body.settings;
    expect(analysis.filter.cw_stemmer).to.deep.equal({ type: 'snowball', language: 'German' });
    expect(analysis.filter.cw_stop).to.deep.equal({ type: 'stop', stopwords: '_german_' });
    expect(analysis.filter.cw_prefix_grams).to.deep.equal({ type: 'edge_ngram', min_gram: 1, max_gram: 20 });
    expect(analysis.analyzer.cw_text).to.deep.equal({ type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding', 'cw_stop', 'cw_stemmer'] });
    expect(analysis.analyzer.cw_prefix.filter).to.deep.equal(['lowercase', 'asciifolding', 'cw_prefix_grams']);
    const { properties, dynamic, _meta } = create!.body.mappings;
    expect(dynamic).to.equal('strict');
    expect(_meta).to.deep.equal({ language: 'german', mappingVersion: 1 });
    for (const field of ['text_a', 'text_b', 'text_c', 'text_d']) {
      expect(properties[field]).to.deep.equal({ type: 'text', analyzer: 'cw_text', fields: { prefix: { type: 'text', analyzer: 'cw_prefix', search_analyzer: 'cw_plain' } } });
    }
    expect(properties.attributes.type).to.equal('nested');
    expect(properties.category_ids).to.deep.equal({ type: 'keyword' });
    expect(create!.body.mappings.dynamic_templates).to.deep.equal([{ prices: { path_match: 'prices.*.*', mapping: { type: 'long' } } }]);
  });

  it('stems nothing for simple, and maps English to Snowball English', async () => {
    for (const [language, stemmer, stop] of [
      ['simple', undefined, undefined],
      ['english', { type: 'snowball', language: 'English' }, { type: 'stop', stopwords: '_english_' }],
    ] as const) {
      const cluster = new MockCluster();
      cluster.on('HEAD', `/_alias/${ALIAS}`, () => notFound());
      cluster.on('PUT', '/:index', () => ({ acknowledged: true }));
      cluster.on('POST', `/${ALIAS}/_search`, () => searchAnswer([]));
      await mockedProvider(cluster, { language }).query(searchQuery());
      const { analysis } = cluster.requests('PUT')[0]!.body.settings;
      expect(analysis.filter.cw_stemmer, language).to.deep.equal(stemmer);
      expect(analysis.filter.cw_stop, language).to.deep.equal(stop);
    }
  });
});

describe('elasticsearch: bulk writes', () => {
  it('indexes documents with the bulk helper: weighted texts, folded SKUs, path ids, filterable attributes, prices per currency', async () => {
    const cluster = new MockCluster().withAliases().acceptBulk();
    await mockedProvider(cluster).index([LAMP]);
    const [bulk] = cluster.requests('POST', '/_bulk');
    expect(bulk!.querystring).to.deep.include({ refresh: 'wait_for' });
    expect(bulk!.body[0]).to.deep.equal({ index: { _index: LIVE_INDEX, _id: 'prod_lamp' } });
    expect(bulk!.body[1]).to.deep.include({
      id: 'prod_lamp',
      text_a: 'Brass desk lamp',
      text_b: ['Lumen', 'Desk lamps'],
      text_c: ['Sale', 'Brass', 'Crème matt'],
      text_d: 'A lamp for the desk',
      sort_title: 'brass desk lamp',
      skus: ['lmp-001'],
      category_ids: ['cat_home', 'cat_lighting', 'cat_desk_lamps'],
      tag_ids: ['tag_sale'],
      prices: { EUR: { min: 4900, max: 5900 } },
      in_stock: true,
      rating: 4.5,
    });
    expect(bulk!.body[1].attributes).to.deep.equal([
      { code: 'color', name: 'Colour', type: 'enum', unit: null, value: 'Brass', number: null },
      { code: 'wattage', name: 'Power', type: 'number', unit: 'W', value: null, number: 40 },
    ]);
    expect(bulk!.body[1].words).to.include.members(['brass', 'creme', 'lamp', 'lamps', 'lumen']);
  });

  it('removes with bulk deletes, ignoring ids the index does not hold', async () => {
    const cluster = new MockCluster().withAliases().acceptBulk((op, id) => (id === 'prod_gone' ? { status: 404, type: 'not_found', reason: 'not found' } : undefined));
    await mockedProvider(cluster).remove(['prod_lamp', 'prod_gone']);
    expect(cluster.requests('POST', '/_bulk')[0]!.body).to.deep.equal([
      { delete: { _index: LIVE_INDEX, _id: 'prod_lamp' } },
      { delete: { _index: LIVE_INDEX, _id: 'prod_gone' } },
    ]);
  });

  it('reports documents Elasticsearch refuses, by id and reason, after writing the rest', async () => {
    const cluster = new MockCluster().withAliases().acceptBulk((op, id) => (id === 'prod_bad' ? { status: 400, type: 'mapper_parsing_exception', reason: 'failed to parse field [rating]' } : undefined));
    const error = await rejection(mockedProvider(cluster).index([LAMP, doc('prod_bad')]));
    expect(error).to.be.instanceOf(AppError);
    expect(error.code).to.equal('ELASTICSEARCH_DOCUMENTS_REJECTED');
    expect(error.message).to.contain('1 of 2').and.contain('prod_bad (400 failed to parse field [rating])');
  });

  it('sends again the documents Elasticsearch answers 429 for, and resolves once it takes them', async () => {
    let busy = 1;
    const tooMany = { status: 429, type: 'es_rejected_execution_exception', reason: 'rejected execution of bulk' };
    const cluster = new MockCluster().withAliases().acceptBulk((op, id) => (id === 'prod_busy' && busy-- > 0 ? tooMany : undefined));
    await mockedProvider(cluster, { maxRetries: 2 }).index([LAMP, doc('prod_busy')]);
    const bulks = cluster.requests('POST', '/_bulk');
    expect(bulks).to.have.length(2);
    expect(bulks[0]!.body.filter((_: unknown, i: number) => i % 2 === 0)).to.deep.equal([
      { index: { _index: LIVE_INDEX, _id: 'prod_lamp' } },
      { index: { _index: LIVE_INDEX, _id: 'prod_busy' } },
    ]);
    expect(bulks[1]!.body[0]).to.deep.equal({ index: { _index: LIVE_INDEX, _id: 'prod_busy' } }, 'only the refused document goes again');
    expect(bulks[1]!.body).to.have.length(2);
  });

  it('reports a document still answered 429 once the retries are spent', async () => {
    const cluster = new MockCluster().withAliases().acceptBulk((op, id) => (id === 'prod_busy' ? { status: 429, type: 'es_rejected_execution_exception', reason: 'rejected execution of bulk' } : undefined));
    const error = await rejection(mockedProvider(cluster, { maxRetries: 1 }).index([LAMP, doc('prod_busy')]));
    expect(error.code).to.equal('ELASTICSEARCH_DOCUMENTS_REJECTED');
    expect(error.message).to.contain('1 of 2').and.contain('prod_busy (429 too many requests after every retry)');
    expect(cluster.requests('POST', '/_bulk')).to.have.length(2, 'the first try and one retry');
  });
});

describe('elasticsearch: reindex through aliases', () => {
  it('fills a new index with create operations, switches the alias atomically, deletes the old index and counts what went', async () => {
    const cluster = new MockCluster().withAliases().acceptBulk((op, id) => (id === 'prod_newer' ? { status: 409, type: 'version_conflict_engine_exception', reason: 'exists' } : undefined));
    let fresh = '';
    cluster.on('PUT', '/:index', (request) => {
      fresh = request.path.slice(1);
      return { acknowledged: true };
    });
    cluster.on('GET', '/:index/_refresh', () => ({}));
    cluster.on('POST', `/${LIVE_INDEX}/_search`, () => searchAnswer([['prod_lamp', 0], ['prod_old', 0]]));
    cluster.on('POST', '/:index/_count', () => ({ count: 1 }));
    cluster.on('POST', '/_aliases', () => ({ acknowledged: true }));
    cluster.on('DELETE', '/:index', () => ({ acknowledged: true }));
    cluster.on('POST', '/:index/_delete_by_query', () => ({ deleted: 0 }));
    const progress = await mockedProvider(cluster).reindex(batchesOf([LAMP], [doc('prod_newer')]));
    expect(progress).to.deep.equal({ indexed: 2, removed: 1 });
    const create = cluster.requests('PUT')[0]!;
    expect(create.body.aliases).to.deep.equal({ [`${ALIAS}-reindex`]: {} });
    const bulks = cluster.requests('POST', '/_bulk').map((r) => r.body[0]);
    expect(bulks).to.deep.equal([{ create: { _index: fresh, _id: 'prod_lamp' } }, { create: { _index: fresh, _id: 'prod_newer' } }]);
    expect(cluster.requests('POST', '/_aliases')[0]!.body).to.deep.equal({
      actions: [
        { add: { index: fresh, alias: ALIAS, is_write_index: true } },
        { remove: { index: LIVE_INDEX, alias: ALIAS } },
        { remove: { index: fresh, alias: `${ALIAS}-reindex` } },
      ],
    });
    const order = cluster.seen.map((r) => `${r.method} ${r.path}`);
    expect(order.indexOf('POST /_aliases')).to.be.lessThan(order.indexOf(`DELETE /${LIVE_INDEX}`));
    expect(cluster.requests('POST', `/${fresh}/_delete_by_query`)[0]!.body).to.deep.equal({ query: { term: { tombstone: true } } });
  });

  it('during a reindex, writes index() to both indices and remove() as a delete in the old and a tombstone in the new', async () => {
    const building = `${ALIAS}-1800000000000`;
    const cluster = new MockCluster().withAliases(building).acceptBulk();
    const provider = mockedProvider(cluster);
    await provider.index([LAMP]);
    await provider.remove(['prod_old']);
    const [indexed, removed] = cluster.requests('POST', '/_bulk').map((r) => r.body);
    expect(indexed!.filter((_: unknown, i: number) => i % 2 === 0)).to.deep.equal([
      { index: { _index: LIVE_INDEX, _id: 'prod_lamp' } },
      { index: { _index: building, _id: 'prod_lamp' } },
    ]);
    expect(removed).to.deep.equal([{ delete: { _index: LIVE_INDEX, _id: 'prod_old' } }, { index: { _index: building, _id: 'prod_old' } }, { id: 'prod_old', tombstone: true }]);
  });

  it('deletes the new index when a batch fails, leaving the alias where it was', async () => {
    const cluster = new MockCluster().withAliases().acceptBulk();
    cluster.on('PUT', '/:index', () => ({ acknowledged: true }));
    cluster.on('DELETE', '/:index', () => ({ acknowledged: true }));
    async function* failing(): AsyncIterable<readonly ReturnType<typeof doc>[]> {
      yield [LAMP];
      throw new Error('the catalog could not be read');
    }
    const error = await rejection(mockedProvider(cluster).reindex(failing()));
    expect(error.message).to.contain('the catalog could not be read');
    const fresh = cluster.requests('PUT')[0]!.path;
    expect(cluster.requests('DELETE').map((r) => r.path)).to.deep.equal([fresh]);
    expect(cluster.requests('POST', '/_aliases')).to.deep.equal([]);
  });
});
