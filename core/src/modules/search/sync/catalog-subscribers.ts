import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { PluginApi } from '../../../kernel/plugin.ts';
import { rows } from '../../../kernel/db/sql.ts';
import type { SearchFilters, SearchProvider } from '../search-provider.ts';
import { syncProducts, type SyncDeps } from './index-products.ts';
import { REINDEX_JOB } from './reindex.ts';

/** How many ids one index lookup pages through at a time. */
const LOOKUP_PAGE = 100;

/**
 * The products whose documents carry this category, brand or tag according to the index, read
 * before they are rebuilt: after a deletion the catalog no longer links them, the index still does.
 */
async function indexedProductsWith(provider: SearchProvider, currency: string, filters: SearchFilters): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += LOOKUP_PAGE) {
    const result = await provider.query({ filters, currency, sort: 'newest', facets: [], limit: LOOKUP_PAGE, offset });
    ids.push(...result.hits.map((h) => h.id));
    if (result.hits.length < LOOKUP_PAGE || offset + LOOKUP_PAGE >= result.total) return ids;
  }
}

async function productIds(em: EntityManager, query: ReturnType<typeof sql>): Promise<string[]> {
  return (await rows<{ product_id: string }>(em, query)).map((r) => r.product_id);
}

/**
 * Rebuilds the products a taxonomy change reaches: those the catalog links to it now and those the
 * index still files under it (the union, so a rename, a move and a deletion are all covered).
 */
async function resync(em: EntityManager, deps: SyncDeps, linked: string[], indexedFilter: SearchFilters): Promise<void> {
  const provider = await deps.searchProviders.active();
  const indexed = await indexedProductsWith(provider, deps.catalogPricing.defaultCurrency, indexedFilter);
  await syncProducts(em, deps, [...linked, ...indexed]);
}

/**
 * Keeps the index in step with the catalog: a product's own events rebuild (or remove) its
 * document; a category, brand, tag or attribute change rebuilds every product it reaches. Every
 * handler reads the current state rather than the event's payload, so deliveries that repeat or
 * arrive out of order leave the same index.
 */
export function registerCatalogSync(api: PluginApi): void {
  for (const event of ['product.created', 'product.updated', 'product.deleted'] as const) {
    api.subscribe(event, `index-${event.replace('.', '-')}`, async ({ payload }, { em, cradle }) => {
      await syncProducts(em, cradle, [payload.productId]);
    });
  }

  for (const event of ['category.updated', 'category.moved', 'category.deleted'] as const) {
    api.subscribe(event, `index-${event.replace('.', '-')}`, async ({ payload }, { em, cradle }) => {
      // the category's subtree as it is now: a rename or a move changes every document below it
      const linked = await productIds(
        em,
        sql`select distinct pc.product_id from cw_category c
          join cw_category d on starts_with(d.path, c.path)
          join cw_product_category pc on pc.category_id = d.id
          where c.id = ${payload.categoryId}`,
      );
      await resync(em, cradle, linked, { categoryIds: [payload.categoryId] });
    });
  }

  for (const event of ['brand.updated', 'brand.deleted'] as const) {
    api.subscribe(event, `index-${event.replace('.', '-')}`, async ({ payload }, { em, cradle }) => {
      const linked = await productIds(em, sql`select id as product_id from cw_product where brand_id = ${payload.brandId}`);
      await resync(em, cradle, linked, { brandIds: [payload.brandId] });
    });
  }

  for (const event of ['tag.updated', 'tag.deleted'] as const) {
    api.subscribe(event, `index-${event.replace('.', '-')}`, async ({ payload }, { em, cradle }) => {
      const linked = await productIds(em, sql`select product_id from cw_product_tag where tag_id = ${payload.tagId}`);
      await resync(em, cradle, linked, { tagIds: [payload.tagId] });
    });
  }

  api.subscribe('attribute.updated', 'index-attribute-updated', async ({ payload }, { em, cradle }) => {
    const linked = await productIds(em, sql`select product_id from cw_product_attribute where attribute_id = ${payload.attributeId}`);
    await syncProducts(em, cradle, linked);
  });

  // The values went with the definition and the index can only be asked about filterable attributes,
  // so which products carried it is known nowhere any more: a rare admin act, answered with a reindex.
  api.subscribe('attribute.deleted', 'index-attribute-deleted', async (_event, { cradle }) => {
    await cradle.jobs.now(REINDEX_JOB, {});
  });
}
