import type { FacetName, SearchQuery, SearchSort, SearchTerm } from '@cartwright/core';
import type { estypes } from '@elastic/elasticsearch';
import { facetAggregations } from './facet-aggregations.ts';
import { filterQueries, facetedFilters, lowestPriceField } from './search-filters.ts';
import { TOMBSTONED, textQuery } from './text-query.ts';

type Query = estypes.QueryDslQueryContainer;

/** How relevance favours some products among equal text matches (config `search.boosts`). */
export interface SearchBoosts {
  inStock: number;
  featured: number;
  popularity: number;
}

export interface SearchRequestInput {
  query: SearchQuery;
  terms: readonly SearchTerm[];
  /** The whole `q` as compared with SKUs, empty for none. */
  sku: string;
  boosts: SearchBoosts;
  /** The highest popularity in the index: popularity boosts as ln(1 + p) / ln(1 + max), as in PostgreSQL. */
  maxPopularity: number;
}

/** The sort a query gets: its own, else relevance with text and newest without. */
export function effectiveSort(query: SearchQuery, hasText: boolean): SearchSort {
  return query.sort ?? (hasText ? 'relevance' : 'newest');
}

const BY_ID: estypes.SortCombinations = { id: { order: 'asc' } };

/** Every sort ends on the id so pages never overlap; missing prices and ratings sort last. */
export function sortOf(sort: SearchSort, currency: string): estypes.SortCombinations[] {
  const price = (order: 'asc' | 'desc'): estypes.SortCombinations => ({ [lowestPriceField(currency)]: { order, missing: '_last', unmapped_type: 'long' } });
  switch (sort) {
    case 'newest':
      return [{ created_at: { order: 'desc' } }, BY_ID];
    case 'price_asc':
      return [price('asc'), BY_ID];
    case 'price_desc':
      return [price('desc'), BY_ID];
    case 'name':
      return [{ sort_title: { order: 'asc' } }, BY_ID];
    case 'popularity':
      return [{ popularity: { order: 'desc' } }, BY_ID];
    case 'rating':
      return [{ rating: { order: 'desc', missing: '_last' } }, BY_ID];
    default:
      return [{ _score: { order: 'desc' } }, BY_ID];
  }
}

/**
 * Relevance times the boosts, the PostgreSQL provider's formula: 1 + inStock·[in stock] +
 * featured·[featured] + popularity·ln(1 + popularity) / ln(1 + highest popularity).
 */
export function boosted(query: Query, boosts: SearchBoosts, maxPopularity: number): Query {
  const functions: estypes.QueryDslFunctionScoreContainer[] = [{ weight: 1 }];
  if (boosts.inStock > 0) functions.push({ filter: { term: { in_stock: true } }, weight: boosts.inStock });
  if (boosts.featured > 0) functions.push({ filter: { term: { featured: true } }, weight: boosts.featured });
  if (boosts.popularity > 0 && maxPopularity > 0) {
    functions.push({ field_value_factor: { field: 'popularity', modifier: 'ln1p', missing: 0 }, weight: boosts.popularity / Math.log1p(maxPopularity) });
  }
  return { function_score: { query, functions, score_mode: 'sum', boost_mode: 'multiply' } };
}

/** Whether a query's relevance needs the highest popularity (a request of its own). */
export function needsMaxPopularity(query: SearchQuery, hasText: boolean, boosts: SearchBoosts): boolean {
  return effectiveSort(query, hasText) === 'relevance' && boosts.popularity > 0;
}

/**
 * The search body: the text and the unfaceted filters in `query`; the faceted filters in
 * `post_filter` when facets are asked for, so each facet's aggregation can count under every
 * filter but its own (else in `bool.filter` with the rest).
 */
export function searchRequest(input: SearchRequestInput): estypes.SearchRequest {
  const { query, terms, sku, boosts, maxPopularity } = input;
  const hasText = terms.length > 0 || sku !== '';
  const filters = filterQueries(query.filters, query.currency);
  const facets: FacetName[] = [...new Set(query.facets ?? [])];
  const faceted = facetedFilters(filters);
  const postFiltered = facets.length > 0 && faceted.length > 0;
  const bool: estypes.QueryDslBoolQuery = {
    must: [textQuery(terms, sku)],
    filter: [...filters.base, ...(postFiltered ? [] : faceted)],
    must_not: TOMBSTONED,
  };
  const sort = effectiveSort(query, hasText);
  const matched: Query = { bool };
  const request: estypes.SearchRequest = {
    query: sort === 'relevance' ? boosted(matched, boosts, maxPopularity) : matched,
    sort: sortOf(sort, query.currency),
    from: Math.max(0, Math.trunc(query.offset)),
    size: Math.max(0, Math.trunc(query.limit)),
    track_total_hits: true,
    track_scores: true,
    _source: false,
  };
  if (postFiltered) request.post_filter = { bool: { filter: faceted } };
  if (facets.length) request.aggs = facetAggregations(facets, filters, query.currency, query.priceBands);
  return request;
}
