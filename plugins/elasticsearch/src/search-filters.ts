import type { AttributeFilter, SearchFilters } from '@cartwright/core';
import type { estypes } from '@elastic/elasticsearch';

type Query = estypes.QueryDslQueryContainer;

/**
 * The filters as Elasticsearch queries, split the way facets need them (as the PostgreSQL
 * provider splits them): the ones no facet counts (tags, stock, featured) always narrow the
 * matches; each faceted one stands alone, so a facet can count under every filter but its own.
 * An empty list does not filter.
 */
export interface FilterQueries {
  base: Query[];
  category: Query | null;
  brand: Query | null;
  price: Query | null;
  rating: Query | null;
  /** One per attribute filter, with the code its facet leaves out. */
  attributes: Array<{ code: string; query: Query }>;
}

export type FacetedFilter = 'category' | 'brand' | 'price' | 'rating';

/** Where a product's lowest price in a currency is (minor units), as the price filter, bands and sorts read it. */
export const lowestPriceField = (currency: string) => `prices.${currency}.min`;

const nonEmpty = (list: readonly string[] | undefined): list is readonly string[] => Array.isArray(list) && list.length > 0;

const nestedAttribute = (code: string, condition: Query): Query => ({
  nested: { path: 'attributes', query: { bool: { filter: [{ term: { 'attributes.code': code } }, condition] } } },
});

function attributeQuery(filter: AttributeFilter): Query | null {
  const parts: Query[] = [];
  if (nonEmpty(filter.values)) parts.push(nestedAttribute(filter.code, { terms: { 'attributes.value': [...filter.values] } }));
  const range: estypes.QueryDslNumberRangeQuery = {};
  if (typeof filter.min === 'number') range.gte = filter.min;
  if (typeof filter.max === 'number') range.lte = filter.max;
  if (Object.keys(range).length) parts.push(nestedAttribute(filter.code, { range: { 'attributes.number': range } }));
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0]! : { bool: { filter: parts } };
}

export function filterQueries(filters: SearchFilters, currency: string): FilterQueries {
  const base: Query[] = [];
  if (nonEmpty(filters.tagIds)) base.push({ terms: { tag_ids: [...filters.tagIds] } });
  if (typeof filters.inStock === 'boolean') base.push({ term: { in_stock: filters.inStock } });
  if (typeof filters.featured === 'boolean') base.push({ term: { featured: filters.featured } });
  const price: estypes.QueryDslNumberRangeQuery = {};
  if (typeof filters.price?.min === 'number') price.gte = filters.price.min;
  if (typeof filters.price?.max === 'number') price.lte = filters.price.max;
  return {
    base,
    category: nonEmpty(filters.categoryIds) ? { terms: { category_ids: [...filters.categoryIds] } } : null,
    brand: nonEmpty(filters.brandIds) ? { terms: { 'brand.id': [...filters.brandIds] } } : null,
    // a range only matches products that have a price in the currency
    price: Object.keys(price).length ? { range: { [lowestPriceField(currency)]: price } } : null,
    rating: typeof filters.ratingMin === 'number' ? { range: { rating: { gte: filters.ratingMin } } } : null,
    attributes: (filters.attributes ?? []).flatMap((filter) => {
      const query = attributeQuery(filter);
      return query ? [{ code: filter.code, query }] : [];
    }),
  };
}

/** The faceted filters, except `own` (a faceted filter's name, or the code of an attribute whose filters to leave out). */
export function facetedFilters(filters: FilterQueries, own?: { filter: FacetedFilter } | { attribute: string }): Query[] {
  const out: Query[] = [];
  for (const name of ['category', 'brand', 'price', 'rating'] as const) {
    const query = filters[name];
    if (query && !(own && 'filter' in own && own.filter === name)) out.push(query);
  }
  for (const attribute of filters.attributes) if (!(own && 'attribute' in own && own.attribute === attribute.code)) out.push(attribute.query);
  return out;
}
