import { createTestStore, runSearchProviderConformance, type TestStore } from '@cartwright/core/testing';
import { PostgresSearchProvider } from '../../../core/src/modules/search/postgres/postgres-search.provider.ts';

let store: TestStore;

runSearchProviderConformance({
  name: 'PostgreSQL',
  async create() {
    store = await createTestStore();
    const provider = await store.commerce.container.cradle.searchProviders.find('postgres');
    if (!(provider instanceof PostgresSearchProvider)) throw new Error('the store has no PostgreSQL search provider');
    return provider;
  },
  dispose: () => store.stop(),
});
