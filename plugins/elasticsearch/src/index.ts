import { definePlugin } from '@cartwright/core';
import { ElasticsearchSearchProvider } from './elasticsearch-search.provider.ts';
import { ElasticsearchOptions, resolveOptions } from './options.ts';

export { ElasticsearchSearchProvider, type ElasticsearchProviderSettings } from './elasticsearch-search.provider.ts';
export { ElasticsearchOptions, resolveOptions, DEFAULT_INDEX_PREFIX, type ResolvedElasticsearchOptions } from './options.ts';
export { ElasticsearchErrors } from './errors.ts';
export { languageAnalysis, SUPPORTED_LANGUAGES, type LanguageAnalysis } from './language.ts';
export { indexDefinition, TEXT_FIELDS, MAPPING_VERSION } from './index-definition.ts';
export { ProductIndices } from './product-indices.ts';
export { appErrorOf, createClient, displayNode } from './client.ts';

export const PLUGIN_NAME = '@cartwright/plugin-elasticsearch';

/**
 * Search on Elasticsearch 9: the `elasticsearch` search provider, which the merchant picks with
 * `search: { provider: 'elasticsearch' }`. The cluster URL and credentials come from the options or
 * from `ELASTICSEARCH_URL`, `ELASTICSEARCH_API_KEY` (or `ELASTICSEARCH_USERNAME` and
 * `ELASTICSEARCH_PASSWORD`); start-up stops without a URL, or with a language Elasticsearch cannot
 * stem like PostgreSQL. See docs/plugins/elasticsearch.md.
 *
 * @example
 * ```ts
 * defineConfig({ plugins: [elasticsearch({ indexPrefix: 'shop-products' })], search: { provider: 'elasticsearch', language: 'german' } })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: ElasticsearchOptions,
  register(api, options) {
    // a missing URL or an unsupported language stops start-up here, not at the first search
    const provider = new ElasticsearchSearchProvider({
      options: resolveOptions(options),
      language: api.config.search.language,
      boosts: api.config.search.boosts,
      logger: api.logger,
    });
    api.filter('search.providers', (providers) => [...providers, provider]);
    api.onStop(() => provider.client.close());
  },
});
