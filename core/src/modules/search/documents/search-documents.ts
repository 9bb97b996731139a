import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../../kernel/container.ts';
import { rows } from '../../../kernel/db/sql.ts';
import type { CatalogPricing } from '../../catalog/index.ts';
import { amountFromDatabase } from '../../money/index.ts';
import type { SearchAttribute, SearchDocument } from '../search-provider.ts';
import { markdownToPlainText } from './plain-text.ts';

export type DocumentDeps = Pick<Cradle, 'catalogPricing' | 'variantAvailability'>;

type StoredPrice = Parameters<CatalogPricing['shownPrice']>[0][number];

/** How many products a reindex reads and hands to the provider at a time. */
export const REINDEX_BATCH_SIZE = 500;

interface ProductRow {
  id: string;
  slug: string;
  title: string;
  description_markdown: string;
  brand_id: string | null;
  brand_name: string | null;
  featured: boolean;
  popularity: number;
  rating_average: string | number | null;
  rating_count: number;
  created: string;
}

interface CategoryRow {
  product_id: string;
  id: string;
  name: string;
  path: string;
}

interface AttributeRow {
  product_id: string;
  code: string;
  name: string;
  type: SearchAttribute['type'];
  filterable: boolean;
  unit: string | null;
  text_value: string | null;
  number_value: string | number | null;
  boolean_value: boolean | null;
}

export interface BuiltDocuments {
  /** One per product that is published and not deleted, in the order of the ids asked for. */
  documents: SearchDocument[];
  /** The ids asked for that are not live products (drafts, archived, deleted, gone): the index must not hold them. */
  notLive: string[];
}

/**
 * Builds the search documents of `productIds` from the catalog tables, in seven queries whatever
 * the count. `categories` holds the product's categories and their ancestors (whose paths the
 * filters match anyway), so the ancestors' names are searchable too. Prices follow the catalog's shown-price rule (`CatalogPricing.shownPrice`: a variant's
 * own price in a currency, else its default-currency price converted) for every store currency, and
 * `inStock` the store's `variantAvailability`, as `/store/products` computes them.
 */
export async function buildSearchDocuments(em: EntityManager, deps: DocumentDeps, productIds: readonly string[]): Promise<BuiltDocuments> {
  const ids = [...new Set(productIds)];
  if (!ids.length) return { documents: [], notLive: [] };
  const products = await rows<ProductRow>(
    em,
    sql`select p.id, p.slug, p.title, p.description_markdown, p.featured, p.popularity, p.rating_average, p.rating_count,
        b.id as brand_id, b.name as brand_name,
        to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created
      from cw_product p left join cw_brand b on b.id = p.brand_id
      where p.id = any(${ids}) and p.status = 'published' and p.deleted_at is null`,
  );
  const live = products.map((p) => p.id);
  const liveSet = new Set(live);
  const notLive = ids.filter((id) => !liveSet.has(id));
  if (!live.length) return { documents: [], notLive };

  const [categories, tags, attributes, variants] = await Promise.all([
    rows<CategoryRow>(
      em,
      // the product's categories and their ancestors, each once: "lighting" finds what is filed under Lighting › Desk lamps
      sql`select distinct pc.product_id, a.id, a.name, a.path, a.depth, a.position
        from cw_product_category pc join cw_category c on c.id = pc.category_id join cw_category a on starts_with(c.path, a.path)
        where pc.product_id = any(${live}) order by a.depth, a.position, a.id`,
    ),
    rows<{ product_id: string; id: string; name: string }>(
      em,
      sql`select pt.product_id, t.id, t.name from cw_product_tag pt join cw_tag t on t.id = pt.tag_id where pt.product_id = any(${live}) order by t.name, t.id`,
    ),
    rows<AttributeRow>(
      em,
      sql`select pa.product_id, a.code, a.name, a.type, a.filterable, a.unit, pa.text_value, pa.number_value, pa.boolean_value
        from cw_product_attribute pa join cw_attribute a on a.id = pa.attribute_id where pa.product_id = any(${live}) order by a.code`,
    ),
    rows<{ id: string; product_id: string; sku: string }>(
      em,
      sql`select id, product_id, sku from cw_product_variant where product_id = any(${live}) and deleted_at is null order by position, id`,
    ),
  ]);
  const variantIds = variants.map((v) => v.id);
  const [prices, availability] = await Promise.all([
    variantIds.length
      ? rows<{ variant_id: string; currency_code: string; amount: string | number; compare_at_amount: string | number | null }>(
          em,
          sql`select variant_id, currency_code, amount, compare_at_amount from cw_variant_price where variant_id = any(${variantIds})`,
        )
      : Promise.resolve([]),
    deps.variantAvailability.availability(em, variantIds),
  ]);

  const pricesOf = groupBy(prices, (p) => p.variant_id);
  const variantsOf = groupBy(variants, (v) => v.product_id);
  const categoriesOf = groupBy(categories, (c) => c.product_id);
  const tagsOf = groupBy(tags, (t) => t.product_id);
  const attributesOf = groupBy(attributes, (a) => a.product_id);
  const byId = new Map(products.map((p) => [p.id, p]));

  const documents = ids.flatMap((id): SearchDocument[] => {
    const product = byId.get(id);
    if (!product) return [];
    const productVariants = variantsOf.get(id) ?? [];
    return [
      {
        id,
        slug: product.slug,
        title: product.title,
        description: markdownToPlainText(product.description_markdown),
        brand: product.brand_id ? { id: product.brand_id, name: product.brand_name ?? '' } : null,
        categories: (categoriesOf.get(id) ?? []).map((c) => ({ id: c.id, name: c.name, path: c.path.split('/').filter(Boolean) })),
        tags: (tagsOf.get(id) ?? []).map((t) => ({ id: t.id, name: t.name })),
        attributes: (attributesOf.get(id) ?? []).flatMap(toSearchAttribute),
        skus: productVariants.map((v) => v.sku),
        prices: priceRanges(
          deps.catalogPricing,
          productVariants.map((v) =>
            (pricesOf.get(v.id) ?? []).map((p) => ({
              currencyCode: p.currency_code,
              amount: amountFromDatabase(p.amount),
              compareAtAmount: p.compare_at_amount === null ? null : amountFromDatabase(p.compare_at_amount),
            })),
          ),
        ),
        inStock: productVariants.some((v) => availability.get(v.id)?.available === true),
        featured: product.featured,
        popularity: Math.max(0, Number(product.popularity)),
        rating: product.rating_average === null ? null : Number(product.rating_average),
        ratingCount: Number(product.rating_count),
        createdAt: product.created,
      },
    ];
  });
  return { documents, notLive };
}

/** The lowest and highest shown price per store currency over the variants that have one there. */
function priceRanges(pricing: CatalogPricing, variantPrices: StoredPrice[][]): SearchDocument['prices'] {
  const ranges: SearchDocument['prices'] = {};
  for (const currency of pricing.currencies) {
    const shown = variantPrices.flatMap((stored) => {
      const price = pricing.shownPrice(stored, currency);
      return price ? [price.amount] : [];
    });
    if (shown.length) ranges[currency] = { min: Math.min(...shown), max: Math.max(...shown) };
  }
  return ranges;
}

function toSearchAttribute(row: AttributeRow): SearchAttribute[] {
  const base = { code: row.code, name: row.name, filterable: row.filterable };
  if (row.type === 'number') return row.number_value === null ? [] : [{ ...base, type: 'number', value: Number(row.number_value), unit: row.unit }];
  if (row.type === 'boolean') return row.boolean_value === null ? [] : [{ ...base, type: 'boolean', value: row.boolean_value }];
  return row.text_value === null ? [] : [{ ...base, type: row.type, value: row.text_value }];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Every live product's document, `batchSize` at a time in id order, for `SearchProvider.reindex`.
 * Each batch is read when the provider asks for it (keyset paging), so a reindex of a large catalog
 * holds one batch in memory and no transaction between batches.
 */
export async function* liveDocumentBatches(em: EntityManager, deps: DocumentDeps, batchSize = REINDEX_BATCH_SIZE): AsyncGenerator<SearchDocument[]> {
  let after = '';
  for (;;) {
    const page = await rows<{ id: string }>(
      em,
      sql`select id from cw_product where status = 'published' and deleted_at is null and id > ${after} order by id limit ${batchSize}`,
    );
    if (!page.length) return;
    const { documents } = await buildSearchDocuments(em, deps, page.map((p) => p.id));
    if (documents.length) yield documents;
    after = page.at(-1)!.id;
    if (page.length < batchSize) return;
  }
}
