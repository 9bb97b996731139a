import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import elasticsearch, { ElasticsearchSearchProvider } from '@cartwright/plugin-elasticsearch';
import { ALIAS, MockCluster, NODE, mockedOptions, searchAnswer } from './elasticsearch-support.ts';

/** The readiness check core's search module registers; it asks the active provider. */
const SEARCH_CHECK = '@cartwright/core/search:search';

describe('elasticsearch: installed in a store (client on the mock cluster)', () => {
  let cluster: MockCluster;
  let store: TestStore;
  before(async () => {
    cluster = new MockCluster().withAliases();
    cluster.on('HEAD', '/', () => '');
    store = await createTestStore({ plugins: [elasticsearch(mockedOptions(cluster))], search: { provider: 'elasticsearch', language: 'french' } });
  });
  after(async () => {
    await store?.stop();
  });

  it('is the store’s active search provider, with the store’s language', async () => {
    const provider = await store.commerce.container.cradle.searchProviders.active();
    expect(provider).to.be.instanceOf(ElasticsearchSearchProvider);
    expect(provider.id).to.equal('elasticsearch');
    cluster.on('HEAD', `/_alias/${ALIAS}`, () => '');
    cluster.on('POST', `/${ALIAS}/_search`, () => searchAnswer([]));
    await provider.query({ q: 'lampe', filters: {}, currency: 'EUR', sort: 'relevance', facets: [], limit: 5, offset: 0 });
    expect(cluster.requests('POST', `/${ALIAS}/_search`).length).to.be.greaterThan(0);
  });

  it('answers /ready while the cluster answers, and fails its search check when the cluster answers 503', async () => {
    cluster.on('HEAD', '/', () => '');
    const ready = await store.client.get('/ready');
    expect(ready.status, ready.text).to.equal(200);
    expect(ready.body.checks).to.deep.include({ name: SEARCH_CHECK, ok: true });

    cluster.unavailable('HEAD', '/');
    const failing = await store.client.get('/ready');
    expect(failing.status, failing.text).to.equal(503);
    expect(failing.body.checks).to.deep.include({ name: SEARCH_CHECK, ok: false });
    expect(failing.body.detail).to.contain(SEARCH_CHECK);
    // the reason, which /ready leaves to the log, names the node
    const provider = await store.commerce.container.cradle.searchProviders.active();
    let reason = '';
    await provider.check!().catch((error: Error) => (reason = error.message));
    expect(reason).to.equal(`Elasticsearch at ${NODE} cannot be reached: answered 503`);
  });

  it('fails its search check on /ready when the cluster refuses connections, and passes again once it answers', async () => {
    cluster.unreachable('HEAD', '/');
    const failing = await store.client.get('/ready');
    expect(failing.status, failing.text).to.equal(503);
    expect(failing.body.checks).to.deep.include({ name: SEARCH_CHECK, ok: false });
    expect(failing.body.detail).to.contain(SEARCH_CHECK);
    const provider = await store.commerce.container.cradle.searchProviders.active();
    let reason = '';
    await provider.check!().catch((error: Error) => (reason = error.message));
    expect(reason).to.contain(`Elasticsearch at ${NODE} cannot be reached`).and.contain('ECONNREFUSED');

    cluster.on('HEAD', '/', () => '');
    const back = await store.client.get('/ready');
    expect(back.status, back.text).to.equal(200);
    expect(back.body.checks).to.deep.include({ name: SEARCH_CHECK, ok: true });
  });
});

describe('elasticsearch: start-up', () => {
  it('stops a store without a cluster URL, naming ELASTICSEARCH_URL', async () => {
    const saved = process.env.ELASTICSEARCH_URL;
    delete process.env.ELASTICSEARCH_URL;
    try {
      let message = '';
      await createTestStore({ plugins: [elasticsearch()], search: { provider: 'elasticsearch' } }).then(
        (store) => store.stop(),
        (error: Error) => (message = error.message),
      );
      expect(message).to.contain('ELASTICSEARCH_URL');
    } finally {
      if (saved !== undefined) process.env.ELASTICSEARCH_URL = saved;
    }
  });
});
