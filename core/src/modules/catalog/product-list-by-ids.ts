import type { EntityManager } from '@mikro-orm/sql';
import { listProducts, type ProductListRequest } from './product-listing.ts';
import type { CatalogPricing } from './pricing.ts';
import type { ProductListItem } from './product.schemas.ts';

type Deps = Parameters<typeof listProducts>[1];

/**
 * The store's list items (as `/store/products` shows them) of these products, in the order given:
 * how search turns its provider's hits into products. Ids that are not published, live products are
 * left out, so an index a moment behind the catalog never shows a draft or a deleted product.
 */
export async function listProductsByIds(
  em: EntityManager,
  deps: Deps,
  pricing: CatalogPricing,
  ids: readonly string[],
  currency: string,
): Promise<ProductListItem[]> {
  if (!ids.length) return [];
  const request: ProductListRequest = {
    ids,
    currency,
    attributes: {},
    sort: 'newest',
    limit: ids.length,
    visibility: { kind: 'store' },
  };
  const { items } = await listProducts(em, deps, pricing, request);
  const byId = new Map(items.map((item) => [item.id, item]));
  return ids.flatMap((id) => {
    const item = byId.get(id);
    return item ? [item] : [];
  });
}
