import { createCatalogStore, created, simpleProduct, type CatalogStore } from '../catalog/catalog-helpers.ts';

export { createCatalogStore as createInventoryStore, created, simpleProduct, type CatalogStore as InventoryStore };

/** A one-variant published product; returns its id and its variant's id. */
export async function productWithVariant(c: CatalogStore, title: string, as = c.admin.as): Promise<{ productId: string; variantId: string; sku: string }> {
  const product = await created(as, '/admin/products', simpleProduct(title, 1000));
  return { productId: product.id, variantId: product.variants[0].id, sku: product.variants[0].sku };
}

export async function query<T = any>(c: CatalogStore, text: string, params: unknown[] = []): Promise<T[]> {
  return c.store.commerce.withScope((s) => s.cradle.em.execute(text, params as any[])) as Promise<T[]>;
}

/** Every level next to the sums of its movements. */
export async function ledgerVersusLevels(c: CatalogStore) {
  return query<{ variant_id: string; location_id: string; on_hand: number; reserved: number; sum_on_hand: number; sum_reserved: number }>(
    c,
    `select l.variant_id, l.location_id, l.on_hand, l.reserved,
       coalesce((select sum(delta_on_hand) from cw_stock_movement m where m.variant_id = l.variant_id and m.location_id = l.location_id), 0)::int as sum_on_hand,
       coalesce((select sum(delta_reserved) from cw_stock_movement m where m.variant_id = l.variant_id and m.location_id = l.location_id), 0)::int as sum_reserved
     from cw_stock_level l`,
  );
}
