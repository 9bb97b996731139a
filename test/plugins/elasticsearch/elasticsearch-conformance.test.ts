import { runSearchProviderConformance } from '@cartwright/core/testing';
import { ElasticsearchSearchProvider, resolveOptions } from '@cartwright/plugin-elasticsearch';

// The kit against a real cluster: ELASTICSEARCH_URL (and ELASTICSEARCH_API_KEY or USERNAME/PASSWORD when it has security on).
const node = process.env.ELASTICSEARCH_URL;

if (node) {
  const indexPrefix = `cartwright-conformance-${process.pid}-${Date.now()}`;
  runSearchProviderConformance({
    name: 'Elasticsearch',
    async create() {
      // the store's defaults: the kit's relevance expectations assume them
      return new ElasticsearchSearchProvider({ options: resolveOptions({ indexPrefix }), language: 'english', boosts: { inStock: 0.5, featured: 0.25, popularity: 0.25 } });
    },
    async dispose(provider) {
      const { client, indices } = provider as ElasticsearchSearchProvider;
      const { live, building } = await indices.targets();
      await indices.drop([...live, ...building]);
      await client.close();
    },
  });
} else {
  describe('search provider conformance: Elasticsearch', () => {
    it.skip('(skipped: set ELASTICSEARCH_URL to an Elasticsearch 9 cluster to run the conformance kit live)');
  });
}
