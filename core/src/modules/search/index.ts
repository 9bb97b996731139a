import type { Cradle } from '../../kernel/container.ts';
import { definePlugin } from '../../kernel/plugin.ts';
import { PostgresSearchProvider } from './postgres/postgres-search.provider.ts';
import type { SearchProvider } from './search-provider.ts';
import { SearchProviderRegistry } from './search-provider-registry.ts';
import { ANALYTICS_PRUNE_JOB, pruneSearchQueries } from './analytics/search-analytics.ts';
import { adminSearchRoutes } from './search-admin.routes.ts';
import { storeSearchRoutes } from './search.routes.ts';
import { SearchService } from './search.service.ts';
import { registerCatalogSync } from './sync/catalog-subscribers.ts';
import { REINDEX_JOB, runReindex } from './sync/reindex.ts';
import { STOCK_SYNC_JOB, syncChangedStock } from './sync/stock-sync.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** The installed search providers; `active()` is the one `search.provider` names. */
    searchProviders: SearchProviderRegistry;
    /** `/store/search` and its suggestions: parameters to a provider query, hits to product list items. */
    searchService: SearchService;
  }
}

declare module '../../kernel/events/hooks.ts' {
  interface HookMap {
    /**
     * The search providers of the store. A search plugin appends its own:
     *
     * ```ts
     * api.filter('search.providers', (providers, { cradle }) => [...providers, new ElasticsearchProvider(options, cradle.logger)]);
     * ```
     */
    'search.providers': { value: SearchProvider[]; context: { cradle: Cradle } };
  }
}

/**
 * Search: the provider seam, the PostgreSQL provider, keeping the index in step with the catalog
 * (events, a stock sync job, reindexing), `/store/search` with suggestions, `/admin/search` with the
 * search analytics.
 */
export const searchModule = definePlugin({
  name: '@cartwright/core/search',
  version: '0.1.0',
  register(api) {
    api.service('searchProviders', (cradle) => new SearchProviderRegistry(cradle, [new PostgresSearchProvider(cradle)]), { lifetime: 'singleton' });
    // a store naming a provider that is not installed stops at start, not at the first search
    api.onStart(async (cradle) => void (await cradle.searchProviders.active()));
    api.service('searchService', (cradle) => new SearchService(cradle));
    api.routes('/store/search', storeSearchRoutes);
    api.routes('/admin/search', adminSearchRoutes);
    registerCatalogSync(api);
    api.job(
      REINDEX_JOB,
      async (_data, { em, cradle, logger }) => {
        const result = await runReindex(em, cradle);
        if (result.started) logger.info({ ...result.progress }, 'search reindex finished');
        else logger.info({ runningSince: result.runningSince }, 'search reindex skipped: another one is running');
      },
      { concurrency: 1, lockLifetime: 6 * 60 * 60 * 1000 },
    );
    api.job(STOCK_SYNC_JOB, async (_data, { em, cradle }) => void (await syncChangedStock(em, cradle)), { every: '1 minute', concurrency: 1 });
    api.job(
      ANALYTICS_PRUNE_JOB,
      async (_data, { em, cradle, logger }) => {
        const pruned = await pruneSearchQueries(em, cradle.config.search.analytics.retentionDays);
        if (pruned) logger.info({ pruned }, 'pruned old search analytics');
      },
      { every: '1 day', concurrency: 1 },
    );
    api.readinessCheck('search', async (cradle) => {
      const provider = await cradle.searchProviders.active();
      await provider.check?.();
    });
  },
});

export { SearchProviderRegistry, SearchService };
export type * from './search-provider.ts';
export { parseSearchText, formatSearchText, foldText, wordsOf, skuKey, MAX_QUERY_LENGTH, type SearchTerm } from './search-text.ts';
