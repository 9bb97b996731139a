import { sql, type RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { KernelErrors } from '../../kernel/errors.ts';
import { currencyExponent } from '../money/index.ts';
import { CatalogErrors } from './catalog.errors.ts';
import { iso, rows, toAmount, toNumber } from './catalog-sql.ts';
import { likeContaining } from '../../kernel/db/sql.ts';
import type { CatalogPricing } from './pricing.ts';
import { imageQuery, imageView, type ImageRow } from './product-views.ts';
import type { AdminProductListItem, ProductStatus } from './product.schemas.ts';

export type ProductSortName = 'newest' | 'price_asc' | 'price_desc' | 'name' | 'popularity' | 'rating';

export interface ProductListRequest {
  q?: string | undefined;
  category?: string | undefined;
  brand?: string | undefined;
  tag?: string | undefined;
  collection?: string | undefined;
  /** Only these products (search hydrating its hits). */
  ids?: readonly string[] | undefined;
  priceMin?: number | undefined;
  priceMax?: number | undefined;
  currency: string;
  rating?: number | undefined;
  inStock?: boolean | undefined;
  featured?: boolean | undefined;
  /** `attr.<code>` / `attr.<code>.min` / `attr.<code>.max` → value. */
  attributes: Record<string, string>;
  sort: ProductSortName;
  limit: number;
  offset?: number | undefined;
  cursor?: string | undefined;
  /** Store lists show published, live products only; admin lists choose. */
  visibility: { kind: 'store' } | { kind: 'admin'; status?: ProductStatus | undefined; vendorId?: string | undefined; deleted?: boolean | undefined };
}

interface SortSpec {
  /** The key as SQL over the `listed` columns, and how a cursor's text goes back to its type. */
  key: string;
  cast: string;
  direction: 'asc' | 'desc';
}

// missing prices and ratings sort last in both directions, through sentinels that keep keyset paging simple
const SORTS: Record<ProductSortName, SortSpec> = {
  newest: { key: 'created_at', cast: 'timestamptz', direction: 'desc' },
  price_asc: { key: 'coalesce(min_price, 9223372036854775807)', cast: 'bigint', direction: 'asc' },
  price_desc: { key: 'coalesce(min_price, -1)', cast: 'bigint', direction: 'desc' },
  name: { key: 'lower(title)', cast: 'text', direction: 'asc' },
  popularity: { key: 'popularity', cast: 'integer', direction: 'desc' },
  rating: { key: 'coalesce(rating_average, -1)', cast: 'numeric', direction: 'desc' },
};

interface ListedRow {
  id: string;
  title: string;
  slug: string;
  brand_id: string | null;
  featured: boolean;
  rating_average: string | number | null;
  rating_count: number;
  status: ProductStatus;
  vendor_id: string | null;
  created: string;
  updated: string;
  deleted: string | null;
  min_price: string | number | null;
  max_price: string | number | null;
  compare_at: string | number | null;
  in_stock: boolean | null;
  variant_count: number;
  sort_key: string;
  total: string | number;
}

type Deps = Pick<Cradle, 'mediaService' | 'brandService' | 'categoryService' | 'tagService' | 'collectionService' | 'attributeService' | 'variantAvailability'>;

const queryIssue = (pointer: string, rule: string, message: string): FieldIssue => ({ in: 'query', pointer, rule, message });

function encodeCursor(sort: ProductSortName, key: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: ProductSortName): { key: string; id: string } {
  try {
    const [s, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (s === sort && typeof key === 'string' && typeof id === 'string') return { key, id };
  } catch {
    // falls through to the error below
  }
  throw CatalogErrors.CATALOG_CURSOR_INVALID('This cursor does not belong to a list with this sort; start again without it', {
    errors: [queryIssue('/cursor', 'cursor', 'not a cursor of this list')],
  });
}

/**
 * The effective price of variant `v` in `currency` as SQL: its own price there, else the
 * default-currency price converted at the configured rate, rounded half up in exact numeric
 * arithmetic, exactly as `CatalogPricing.shownPrice` does.
 */
function effectivePriceSql(pricing: CatalogPricing, currency: string, column: 'amount' | 'compare_at_amount'): RawBuilder<unknown> {
  const own = sql`cp.${sql.raw(column)}`;
  const rate = pricing.rateTo(currency);
  if (!rate) return own;
  const shift = currencyExponent(currency) - currencyExponent(pricing.defaultCurrency);
  const scale = shift >= 0 ? sql`* ${10 ** shift}::numeric` : sql`/ ${10 ** -shift}::numeric`;
  return sql`coalesce(${own}, floor(dp.${sql.raw(column)}::numeric * ${rate}::numeric ${scale} + 0.5)::bigint)`;
}

/**
 * Lists products for the store or the admin: filters, sorts, keyset (`cursor`) or `offset` paging and
 * the total, in one listing query plus a fixed number of lookups (taxonomy filters, brands, thumbnails),
 * however long the page is.
 */
export async function listProducts(
  em: EntityManager,
  deps: Deps,
  pricing: CatalogPricing,
  request: ProductListRequest,
): Promise<{ items: AdminProductListItem[]; count: number; nextCursor?: string }> {
  const where: RawBuilder<unknown>[] = [];
  const { visibility } = request;
  if (visibility.kind === 'store') {
    where.push(sql`p.status = 'published' and p.deleted_at is null`);
  } else {
    where.push(visibility.deleted ? sql`p.deleted_at is not null` : sql`p.deleted_at is null`);
    if (visibility.status) where.push(sql`p.status = ${visibility.status}`);
    if (visibility.vendorId) where.push(sql`p.vendor_id = ${visibility.vendorId}`);
  }
  const empty = { items: [], count: 0 };
  if (request.ids) where.push(sql`p.id = any(${[...request.ids]})`);
  if (request.q) {
    const pattern = likeContaining(request.q);
    where.push(sql`(p.title ilike ${pattern} or exists (select 1 from cw_product_variant sv where sv.product_id = p.id and sv.deleted_at is null and sv.sku ilike ${pattern}))`);
  }
  if (request.category) {
    const ids = await deps.categoryService.descendantIds(request.category);
    if (!ids) return empty;
    where.push(sql`exists (select 1 from cw_product_category pc where pc.product_id = p.id and pc.category_id = any(${ids}))`);
  }
  if (request.brand) {
    const ids: string[] = [];
    for (const value of request.brand.split(',')) {
      const id = await deps.brandService.idBySlugOrId(value.trim());
      if (id) ids.push(id);
    }
    if (!ids.length) return empty;
    where.push(sql`p.brand_id = any(${ids})`);
  }
  if (request.tag) {
    const ids = await deps.tagService.idsBySlugsOrIds(request.tag.split(',').map((t) => t.trim()));
    if (!ids.length) return empty;
    where.push(sql`exists (select 1 from cw_product_tag pt where pt.product_id = p.id and pt.tag_id = any(${ids}))`);
  }
  if (request.collection) {
    const id = await deps.collectionService.idBySlugOrId(request.collection);
    if (!id) return empty;
    where.push(sql`exists (select 1 from cw_collection_product cp2 where cp2.product_id = p.id and cp2.collection_id = ${id})`);
  }
  if (request.featured !== undefined) where.push(sql`p.featured = ${request.featured}`);
  if (request.rating !== undefined) where.push(sql`p.rating_average >= ${request.rating}`);
  where.push(...(await attributeConditions(deps, request.attributes)));

  const outer: RawBuilder<unknown>[] = [];
  if (request.priceMin !== undefined) outer.push(sql`min_price >= ${request.priceMin}`);
  if (request.priceMax !== undefined) outer.push(sql`min_price <= ${request.priceMax}`);
  if (request.inStock) outer.push(sql`in_stock`);

  const sort = SORTS[request.sort];
  const keyed = sql.raw(sort.key);
  const page: RawBuilder<unknown>[] = [];
  if (request.cursor) {
    const { key, id } = decodeCursor(request.cursor, request.sort);
    page.push(sql`(${keyed}, id) ${sql.raw(sort.direction === 'asc' ? '>' : '<')} (${key}::${sql.raw(sort.cast)}, ${id})`);
  }
  const stockCondition = sql.raw(deps.variantAvailability.inStockCondition());
  const usesConversion = pricing.rateTo(request.currency) !== undefined;
  const keyText = sort.key === 'created_at' ? sql`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : sql`(${keyed})::text`;

  // The variant aggregate (prices, stock, variant count) costs a lookup per variant. When no filter or
  // sort reads it, it is computed for the page's rows only, not for every matching product.
  const pricesDecideMatch = outer.length > 0 || sort.key.includes('min_price');
  const variantAggregate = (productId: string) => sql`left join lateral (
      select min(ep.amount) as min_price, max(ep.amount) as max_price, max(ep.compare_at) as compare_at,
        bool_or(${stockCondition}) as in_stock, count(*)::int as variant_count
      from cw_product_variant v
      left join cw_variant_price cp on cp.variant_id = v.id and cp.currency_code = ${request.currency}
      ${usesConversion ? sql`left join cw_variant_price dp on dp.variant_id = v.id and dp.currency_code = ${pricing.defaultCurrency}` : sql``}
      cross join lateral (select ${effectivePriceSql(pricing, request.currency, 'amount')} as amount,
        ${effectivePriceSql(pricing, request.currency, 'compare_at_amount')} as compare_at) ep
      where v.product_id = ${sql.raw(productId)} and v.deleted_at is null
    ) pr on true`;
  const priceColumns = sql`pr.min_price, pr.max_price, pr.compare_at, pr.in_stock, pr.variant_count`;

  const listed = await rows<ListedRow>(
    em,
    sql`with matching as (
        select p.id, p.title, p.slug, p.brand_id, p.featured, p.rating_average, p.rating_count, p.popularity, p.status, p.vendor_id,
          p.created_at, p.updated_at, p.deleted_at${pricesDecideMatch ? sql`, ${priceColumns}` : sql``}
        from cw_product p
        ${pricesDecideMatch ? variantAggregate('p.id') : sql``}
        where ${sql.join([...where, ...outer], sql` and `)}
      ), page as (
        select *, ${keyText} as sort_key from matching ${page.length ? sql`where ${sql.join(page, sql` and `)}` : sql``}
        order by ${keyed} ${sql.raw(sort.direction)}, id ${sql.raw(sort.direction)}
        limit ${request.limit + 1} ${request.offset && !request.cursor ? sql`offset ${request.offset}` : sql``}
      ), shown as (
        select page.*, ${iso('page.created_at')} as created, ${iso('page.updated_at')} as updated, ${iso('page.deleted_at')} as deleted
          ${pricesDecideMatch ? sql`` : sql`, ${priceColumns}`}
        from page ${pricesDecideMatch ? sql`` : variantAggregate('page.id')}
      )
      -- the total rides along even when the page is empty (an offset past the end)
      select shown.*, t.total from (select count(*) as total from matching) t left join shown on true
      order by ${keyed} ${sql.raw(sort.direction)}, id ${sql.raw(sort.direction)}`,
  );
  const count = Number(listed[0]?.total ?? 0);
  const found = listed.filter((row) => row.id !== null);
  const pageRows = found.slice(0, request.limit);
  const ids = pageRows.map((r) => r.id);
  const [brands, thumbnails] = await Promise.all([
    deps.brandService.summaries([...new Set(pageRows.flatMap((r) => (r.brand_id ? [r.brand_id] : [])))]),
    ids.length ? rows<ImageRow>(em, imageQuery(ids, true)) : Promise.resolve([]),
  ]);
  const thumbnailOf = new Map(thumbnails.map((t) => [t.product_id, t]));
  const items = pageRows.map((row): AdminProductListItem => {
    const min = toAmount(row.min_price);
    const max = toAmount(row.max_price);
    const thumbnail = thumbnailOf.get(row.id);
    return {
      id: row.id,
      title: row.title,
      slug: row.slug,
      brand: row.brand_id ? (brands.get(row.brand_id) ?? null) : null,
      thumbnail: thumbnail ? imageView(deps, thumbnail) : null,
      priceRange: min !== null && max !== null ? { min: { amount: min, currencyCode: request.currency }, max: { amount: max, currencyCode: request.currency } } : null,
      compareAtAmount: toAmount(row.compare_at),
      available: row.in_stock === true,
      featured: row.featured,
      rating: { average: toNumber(row.rating_average), count: row.rating_count },
      createdAt: row.created,
      status: row.status,
      vendorId: row.vendor_id,
      variantCount: row.variant_count ?? 0,
      updatedAt: row.updated,
      deletedAt: row.deleted,
    };
  });
  const last = pageRows.at(-1);
  return found.length > request.limit && last ? { items, count, nextCursor: encodeCursor(request.sort, last.sort_key, last.id) } : { items, count };
}

async function attributeConditions(deps: Deps, filters: Record<string, string>): Promise<RawBuilder<unknown>[]> {
  const entries = Object.entries(filters);
  if (!entries.length) return [];
  const codes = [...new Set(entries.map(([key]) => key.split('.')[1]!))];
  const definitions = await deps.attributeService.byCodes(codes);
  const conditions: RawBuilder<unknown>[] = [];
  const errors: FieldIssue[] = [];
  for (const [key, raw] of entries) {
    const [, code, bound] = key.split('.') as [string, string, 'min' | 'max' | undefined];
    const definition = definitions.get(code);
    if (!definition?.filterable) {
      errors.push(queryIssue(`/${key}`, 'filterable', `no filterable attribute has the code ${code}`));
      continue;
    }
    const match = (condition: RawBuilder<unknown>) =>
      sql`exists (select 1 from cw_product_attribute pa where pa.product_id = p.id and pa.attribute_id = ${definition.id} and ${condition})`;
    const values = raw.split(',').map((v) => v.trim()).filter(Boolean);
    if (definition.type === 'number') {
      const numbers = values.map(Number);
      if (!numbers.length || numbers.some((n) => !Number.isFinite(n)) || (bound && numbers.length !== 1)) {
        errors.push(queryIssue(`/${key}`, 'type', 'must be a number'));
        continue;
      }
      if (bound === 'min') conditions.push(match(sql`pa.number_value >= ${String(numbers[0])}::numeric`));
      else if (bound === 'max') conditions.push(match(sql`pa.number_value <= ${String(numbers[0])}::numeric`));
      else conditions.push(match(sql`pa.number_value = any(${numbers.map(String)}::numeric[])`));
    } else if (bound) {
      errors.push(queryIssue(`/${key}`, 'range', `${definition.code} is not a number attribute`));
    } else if (definition.type === 'boolean') {
      if (values.length !== 1 || !['true', 'false'].includes(values[0]!)) {
        errors.push(queryIssue(`/${key}`, 'type', 'must be true or false'));
        continue;
      }
      conditions.push(match(sql`pa.boolean_value = ${values[0] === 'true'}`));
    } else {
      conditions.push(match(sql`pa.text_value = any(${values})`));
    }
  }
  if (errors.length) throw KernelErrors.VALIDATION_FAILED('Some attribute filters are not valid', { errors });
  return conditions;
}

/** Splits a store query into its named filters and its `attr.*` ones. */
export function attributeFilters(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([key, value]) => key.startsWith('attr.') && typeof value === 'string')) as Record<string, string>;
}

