import { sql, type RawBuilder } from 'kysely';
import type { AttributeFilter, SearchFilters } from '../search-provider.ts';
import { attributeKey } from './search-document-rows.ts';

/**
 * The filters as SQL over a `cw_search_document d`, split the way facets need them: the ones no
 * facet counts (tags, stock, featured) narrow the matched set once; each faceted one is a column
 * of its own, so a facet can count with every filter but its own. An empty list does not filter.
 */
export interface FilterConditions {
  /** tags, in stock, featured: and-ed into the WHERE. */
  base: RawBuilder<unknown>[];
  category: RawBuilder<unknown> | null;
  brand: RawBuilder<unknown> | null;
  price: RawBuilder<unknown> | null;
  rating: RawBuilder<unknown> | null;
  /** One per attribute filter, with the code its facet leaves out. */
  attributes: Array<{ code: string; condition: RawBuilder<unknown> }>;
}

/** The product's lowest price in the query's currency, null when it is not sold in it. */
export const lowestPrice = (currency: string) => sql`(d.prices -> ${currency} ->> 'min')::bigint`;

const nonEmpty = (list: readonly string[] | undefined): list is readonly string[] => Array.isArray(list) && list.length > 0;

function attributeCondition(filter: AttributeFilter): RawBuilder<unknown> | null {
  const parts: RawBuilder<unknown>[] = [];
  if (nonEmpty(filter.values)) parts.push(sql`d.attribute_values && ${filter.values.map((v) => attributeKey(filter.code, v))}::text[]`);
  const number = sql`(d.attribute_numbers ->> ${filter.code})::float8`;
  if (typeof filter.min === 'number') parts.push(sql`${number} >= ${filter.min}::float8`);
  if (typeof filter.max === 'number') parts.push(sql`${number} <= ${filter.max}::float8`);
  return parts.length ? sql`(${sql.join(parts, sql` and `)})` : null;
}

export function filterConditions(filters: SearchFilters, currency: string): FilterConditions {
  const base: RawBuilder<unknown>[] = [];
  if (nonEmpty(filters.tagIds)) base.push(sql`d.tag_ids && ${[...filters.tagIds]}::text[]`);
  if (typeof filters.inStock === 'boolean') base.push(sql`d.in_stock = ${filters.inStock}`);
  if (typeof filters.featured === 'boolean') base.push(sql`d.featured = ${filters.featured}`);
  const price = lowestPrice(currency);
  const priceParts: RawBuilder<unknown>[] = [sql`${price} is not null`];
  if (typeof filters.price?.min === 'number') priceParts.push(sql`${price} >= ${filters.price.min}::bigint`);
  if (typeof filters.price?.max === 'number') priceParts.push(sql`${price} <= ${filters.price.max}::bigint`);
  const attributes = (filters.attributes ?? []).flatMap((filter) => {
    const condition = attributeCondition(filter);
    return condition ? [{ code: filter.code, condition }] : [];
  });
  return {
    base,
    category: nonEmpty(filters.categoryIds) ? sql`d.category_ids && ${[...filters.categoryIds]}::text[]` : null,
    brand: nonEmpty(filters.brandIds) ? sql`d.brand_id = any(${[...filters.brandIds]}::text[])` : null,
    price: priceParts.length > 1 ? sql`(${sql.join(priceParts, sql` and `)})` : null,
    rating: typeof filters.ratingMin === 'number' ? sql`d.rating >= ${filters.ratingMin}::float8` : null,
    attributes,
  };
}
