import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../../kernel/container.ts';
import { buildSearchDocuments, REINDEX_BATCH_SIZE } from '../documents/search-documents.ts';

export type SyncDeps = Pick<Cradle, 'catalogPricing' | 'variantAvailability' | 'searchProviders'>;

/**
 * Brings these products' documents in the index up to date: live products are (re)indexed, the
 * others removed. Idempotent, so an event delivered twice or a product touched by two events costs
 * a second write and changes nothing.
 */
export async function syncProducts(em: EntityManager, deps: SyncDeps, productIds: readonly string[]): Promise<{ indexed: number; removed: number }> {
  const ids = [...new Set(productIds)];
  if (!ids.length) return { indexed: 0, removed: 0 };
  const provider = await deps.searchProviders.active();
  let indexed = 0;
  let removed = 0;
  for (let start = 0; start < ids.length; start += REINDEX_BATCH_SIZE) {
    const { documents, notLive } = await buildSearchDocuments(em, deps, ids.slice(start, start + REINDEX_BATCH_SIZE));
    if (documents.length) await provider.index(documents);
    if (notLive.length) await provider.remove(notLive);
    indexed += documents.length;
    removed += notLive.length;
  }
  return { indexed, removed };
}
