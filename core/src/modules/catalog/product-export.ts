import { sql, type RawBuilder } from 'kysely';
import type { Cradle } from '../../kernel/container.ts';
import { formatDecimal } from '../money/index.ts';
import { TaxonomyErrors } from '../taxonomy/index.ts';
import type { CatalogScope } from './catalog-access.ts';
import { rows } from './catalog-sql.ts';
import { exportHeader, LIST_SEPARATOR, MAX_CSV_OPTIONS, protectCell } from './product-csv.ts';
import { loadProductViews } from './product-views.ts';
import type { AdminProductView, ProductStatus } from './product.schemas.ts';

/** Products read per query while exporting: the file is written batch by batch, never held whole. */
export const EXPORT_BATCH = 200;

type Deps = Pick<
  Cradle,
  'em' | 'catalogPricing' | 'brandService' | 'categoryService' | 'tagService' | 'attributeService' | 'mediaService' | 'variantAvailability'
>;

export interface ExportFilters {
  status?: ProductStatus | undefined;
  /** Category id or slug; its descendants are included. */
  category?: string | undefined;
  /** Brand id or slug. */
  brand?: string | undefined;
}

/**
 * Prepares an export: checks the filters, then returns the rows (header first) as an async
 * iterable that reads products in keyset-paged batches as the consumer asks for them. Deleted
 * products are left out; a vendor's export holds its own products only.
 */
export async function exportProducts(deps: Deps, scope: CatalogScope, filters: ExportFilters): Promise<AsyncIterable<string[]>> {
  const where: RawBuilder<unknown>[] = [sql`p.deleted_at is null`];
  if (scope.kind === 'vendor') where.push(sql`p.vendor_id = ${scope.vendorId}`);
  if (filters.status) where.push(sql`p.status = ${filters.status}`);
  if (filters.brand) {
    const brandId = await deps.brandService.idBySlugOrId(filters.brand);
    if (!brandId) throw TaxonomyErrors.BRAND_NOT_FOUND(`No brand has the id or slug "${filters.brand}"`, { extensions: { missing: [filters.brand] } });
    where.push(sql`p.brand_id = ${brandId}`);
  }
  if (filters.category) {
    const ids = await deps.categoryService.descendantIds(filters.category);
    if (!ids) throw TaxonomyErrors.CATEGORY_NOT_FOUND(`No category has the id or slug "${filters.category}"`, { extensions: { missing: [filters.category] } });
    where.push(sql`exists (select 1 from cw_product_category pc where pc.product_id = p.id and pc.category_id = any(${ids}))`);
  }
  const attributes = (await deps.attributeService.list({ limit: 10_000, offset: 0 })).items.map((a) => a.code);
  const currencies = deps.catalogPricing.currencies;
  return (async function* () {
    yield exportHeader(currencies, attributes);
    let after = '';
    for (;;) {
      const page = await rows<{ id: string }>(
        deps.em,
        sql`select p.id from cw_product p where ${sql.join(where, sql` and `)} and p.id > ${after} order by p.id limit ${EXPORT_BATCH}`,
      );
      if (!page.length) return;
      const ids = page.map((p) => p.id);
      const views = await loadProductViews(deps.em, deps, deps.catalogPricing, ids, deps.catalogPricing.defaultCurrency);
      for (const id of ids) {
        const view = views.get(id);
        if (view) yield* productRows(view, currencies, attributes);
      }
      after = ids.at(-1)!;
    }
  })();
}

/** One row per variant, every row carrying the product's columns (the import accepts them repeated). */
function* productRows(view: AdminProductView, currencies: readonly string[], attributeCodes: readonly string[]): Generator<string[]> {
  const product = [
    view.slug,
    view.title,
    view.descriptionMarkdown,
    view.status,
    view.brand?.slug ?? '',
    view.categories.map((c) => c.slug).join(LIST_SEPARATOR),
    view.tags.map((t) => t.slug).join(LIST_SEPARATOR),
    String(view.featured),
    view.metaTitle ?? '',
    view.metaDescription ?? '',
    view.taxClass ?? '',
  ];
  const attributes = attributeCodes.map((code) => {
    const value = view.attributes.find((a) => a.code === code)?.value;
    return value === undefined ? '' : String(value);
  });
  for (const variant of view.variants) {
    const options = Array.from({ length: MAX_CSV_OPTIONS }, (_, k) => {
      const option = view.options[k];
      return option ? [option.name, variant.options[option.name] ?? ''] : ['', ''];
    }).flat();
    const number = (n: number | null) => (n === null ? '' : String(n));
    const prices = currencies.flatMap((currency) => {
      const price = variant.prices.find((p) => p.currencyCode === currency);
      return price
        ? [formatDecimal(price.amount, currency), price.compareAtAmount === null ? '' : formatDecimal(price.compareAtAmount, currency)]
        : ['', ''];
    });
    yield [
      ...product,
      ...options,
      variant.sku,
      variant.barcode ?? '',
      number(variant.weightGrams),
      number(variant.lengthMm),
      number(variant.widthMm),
      number(variant.heightMm),
      ...prices,
      ...attributes,
    ].map(protectCell);
  }
}
