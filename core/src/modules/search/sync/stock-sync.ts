import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, run } from '../../../kernel/db/sql.ts';
import { syncProducts, type SyncDeps } from './index-products.ts';

export const STOCK_SYNC_JOB = 'search.sync-stock';

/**
 * Ledger rows are stamped when written but seen by others only at commit, so one stamped before the
 * watermark may appear after it moved on: each run reads this far back behind it. A product touched
 * lately is re-indexed on a few runs in a row, which is harmless (re-indexing is idempotent).
 */
const COMMIT_GRACE = sql`interval '2 minutes'`;

/**
 * Stock changes raise no catalog event, yet decide `inStock`: this re-indexes the products whose
 * stock moved since the watermark, read from the stock ledger (`cw_stock_movement`: adjustments,
 * reservations, sales, returns, receipts), then moves the watermark to the newest movement read.
 */
export async function syncChangedStock(em: EntityManager, deps: SyncDeps): Promise<{ products: number }> {
  const changed = await rows<{ product_id: string; newest: string }>(
    em,
    sql`select v.product_id, max(m.created_at)::text as newest
      from cw_stock_movement m join cw_product_variant v on v.id = m.variant_id
      where m.created_at > (select stock_watermark - ${COMMIT_GRACE} from cw_search_sync_state where id = 'index')
      group by v.product_id`,
  );
  if (!changed.length) return { products: 0 };
  await syncProducts(em, deps, changed.map((c) => c.product_id));
  const newest = changed.map((c) => c.newest);
  await run(
    em,
    sql`update cw_search_sync_state set stock_watermark = greatest(stock_watermark, (select max(t) from unnest(${newest}::timestamptz[]) t)) where id = 'index'`,
  );
  return { products: changed.length };
}
