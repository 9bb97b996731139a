/**
 * The search seam. A `SearchProvider` keeps its own index of `SearchDocument`s (one per published,
 * live product) and answers `SearchQuery`s with product ids, facet counts and suggestions; the
 * store turns the ids into product list items. Core ships the PostgreSQL provider (also on the
 * embedded database); `@cartwright/plugin-elasticsearch` is another. Every provider runs the
 * conformance kit (`runSearchProviderConformance` from `@cartwright/core/testing`), which fixes the
 * semantics below with exact expected results.
 *
 * A plugin contributes a provider through the `search.providers` filter and the merchant picks it
 * with `search.provider`:
 *
 * ```ts
 * api.filter('search.providers', (providers, { cradle }) => [...providers, new ElasticsearchProvider(options, cradle.logger)]);
 * ```
 */

/** A product as search sees it. Only published, not deleted products are documents. */
export interface SearchDocument {
  /** The product id (`prod_…`). */
  id: string;
  slug: string;
  /** Weight A: the strongest match. */
  title: string;
  /** Weight D: plain text (the product's Markdown without markup). */
  description: string;
  /** Weight B, with the categories. */
  brand: { id: string; name: string } | null;
  /** Weight B. `path` is the category's ancestors' ids then its own, root first: a filter on any of them matches. */
  categories: Array<{ id: string; name: string; path: string[] }>;
  /** Weight C, with the attributes. */
  tags: Array<{ id: string; name: string }>;
  /** Weight C (text and enum values). Only `filterable` ones can be filtered and faceted on. */
  attributes: SearchAttribute[];
  /** Exact-match only: `q` as a whole, trimmed and case-insensitive, equal to one of them finds the product (`lum-arc-01` finds `LUM-ARC-01`). */
  skus: string[];
  /**
   * The lowest and highest price a shopper sees, per store currency, in minor units (converted at
   * the configured rates where a variant has no price of its own). A currency missing here means
   * the product cannot be bought in it: price filters and price bands leave it out.
   */
  prices: Record<string, { min: number; max: number }>;
  /** Some variant can be bought now (stock, or backorders allowed). */
  inStock: boolean;
  featured: boolean;
  /** A non-negative score kept by the catalog (sales); higher is more popular. */
  popularity: number;
  /** The average review rating 0–5, null without reviews. */
  rating: number | null;
  ratingCount: number;
  /** ISO 8601; the `newest` sort. */
  createdAt: string;
}

export type SearchAttribute =
  | { code: string; name: string; type: 'text' | 'enum'; filterable: boolean; value: string }
  | { code: string; name: string; type: 'number'; filterable: boolean; value: number; unit: string | null }
  | { code: string; name: string; type: 'boolean'; filterable: boolean; value: boolean };

export type SearchSort = 'relevance' | 'newest' | 'price_asc' | 'price_desc' | 'name' | 'popularity' | 'rating';

/**
 * An attribute filter: any of `values` (text, enum, boolean as `'true'`/`'false'`), or a number range
 * (inclusive). With both, both must hold; with neither, it does not filter.
 */
export interface AttributeFilter {
  code: string;
  values?: string[];
  min?: number;
  max?: number;
}

/**
 * Every filter narrows the matches; an absent filter or an empty list does not filter.
 * `inStock: false` and `featured: false` keep only the products that are not.
 */
export interface SearchFilters {
  /** Any of these categories or their descendants. */
  categoryIds?: string[];
  /** Any of these brands. */
  brandIds?: string[];
  /** Any of these tags. */
  tagIds?: string[];
  /** The product's lowest price in `currency` within [min, max] (inclusive, minor units). */
  price?: { min?: number; max?: number };
  /** Average rating at least this. */
  ratingMin?: number;
  inStock?: boolean;
  featured?: boolean;
  /** Every filter must hold (each one is any-of within itself). */
  attributes?: AttributeFilter[];
}

export type FacetName = 'category' | 'brand' | 'price' | 'rating' | 'attributes';

export interface SearchQuery {
  /**
   * What the shopper typed, at most 200 characters, taken as text and never as syntax of the
   * provider: words match their stems ("lamps" finds "lamp") and their unaccented forms ("creme"
   * finds "Crème"); every word must match (title, brand, categories, tags, attribute values,
   * description, or exactly a SKU); `"double quotes"` make a phrase (words adjacent, in order); the
   * last word also matches as a prefix ("des" finds "desk"). A word found nowhere is replaced by
   * the closest known word when one is close enough (typo tolerance), and `correctedQuery` says so.
   * Empty or absent: every document, filtered.
   *
   * Decided where the sentence above leaves room (the conformance kit checks these):
   * - Characters other than letters, digits and `"` separate words; an unclosed quote is ignored.
   *   Only the first 200 characters are read.
   * - Typo tolerance applies only when the query as typed matches nothing: each plain word (not
   *   one inside a phrase) of 3 characters or more that matches no document on its own is replaced
   *   by the indexed word closest to it, within 1 edit up to 4 characters and 2 beyond (an edit:
   *   a letter inserted, deleted, replaced, or two neighbours swapped: `lmap` → `lamp`).
   * - A SKU matches when the whole `q` equals it (see `SearchDocument.skus`).
   */
  q?: string;
  filters: SearchFilters;
  /** Prices, price filters and price bands are in this currency. */
  currency: string;
  /**
   * `relevance` (the default with `q`; `newest` without it) orders by match strength: title before
   * brand and categories before tags and attributes before description, then the configured boosts
   * (in stock, featured, popularity). Every sort ends on the product id, ascending, so pages never
   * overlap. Missing prices and ratings sort last.
   *
   * Precisely: the score is the text match strength (fields weighted in that order) multiplied by
   * `1 + inStock·[in stock] + featured·[featured] + popularity·ln(1 + popularity)/ln(1 + the highest
   * popularity in the index)` with the `search.boosts` weights, so boosts decide between equal text
   * matches and can lift a weaker match over a stronger one; the field order is promised between
   * products the boosts treat alike. Without `q` every text match is equal. `price_asc` and
   * `price_desc` sort on the lowest price in `currency`; `name` on the title compared without case
   * or accents, character by character (code points, the same in every locale); ids compare the same way.
   */
  sort: SearchSort;
  /** Which facets to count; none when empty. */
  facets: FacetName[];
  /** Upper bounds (exclusive, minor units) of the price bands; the last band is open-ended. Default per currency: 10, 25, 50, 100, 250, 500 in major units. */
  priceBands?: number[];
  limit: number;
  offset: number;
}

/** Category and brand facets list the largest count first, then by id. */
export interface FacetCount {
  id: string;
  count: number;
}

/**
 * Facet counts for the query and every filter except the facet's own (choosing brand A still
 * shows how many brand B would give); each counts matching products, so the brand counts plus the
 * products without a brand add up to `total` under the other filters, and so do the price bands
 * plus the products without a price in the currency.
 */
export interface SearchFacets {
  /** Per category: matching products in it or any descendant. Categories with no match are left out. */
  category?: FacetCount[];
  brand?: FacetCount[];
  /** Every band, in order, also when empty: `[min, max)`, the last with `max: null`. */
  price?: Array<{ min: number; max: number | null; count: number }>;
  /** Products rated at least `min` (4, 3, 2, 1): the same cut as the `ratingMin` filter, so the counts nest. */
  rating?: Array<{ min: number; count: number }>;
  /**
   * Filterable attributes present in the matches: value counts (text, enum, boolean) or the range
   * and the number of products having it (number). By code; values with the largest count first,
   * then by value. An attribute filter is left out of its own attribute's counts only.
   */
  attributes?: Array<
    | { code: string; name: string; type: 'text' | 'enum' | 'boolean'; values: Array<{ value: string; count: number }> }
    | { code: string; name: string; type: 'number'; unit: string | null; min: number; max: number; count: number }
  >;
}

export interface SearchResult {
  /** Product ids in result order, with the provider's score (comparable within one result only). */
  hits: Array<{ id: string; score: number }>;
  /** All matches, not just this page. */
  total: number;
  facets: SearchFacets;
  /** The query as searched when typo tolerance replaced a word (`lamsp` → `lamp`); absent otherwise. */
  correctedQuery?: string;
}

export interface SearchSuggestion {
  /** What the box would show and search for. */
  text: string;
  kind: 'product' | 'category' | 'brand' | 'query';
  /** The product, category or brand it names. */
  id?: string;
}

export interface ReindexProgress {
  /** Documents the batches held (a product named twice counts twice). */
  indexed: number;
  /** Products the old index held that the new one does not. */
  removed: number;
}

export interface SearchProvider {
  /** Stable id the merchant names in `search.provider` (`postgres`, `elasticsearch`). */
  readonly id: string;
  readonly name: string;
  /** Adds or replaces these documents; searchable when the promise resolves. */
  index(documents: readonly SearchDocument[]): Promise<void>;
  /** Removes these products; ids it does not hold are ignored. */
  remove(ids: readonly string[]): Promise<void>;
  /**
   * Replaces the whole index with `batches` (every live product), while queries keep being answered
   * from the old content until the new one is complete: search never goes empty or offline. Documents
   * not in `batches` are gone afterwards. `index` and `remove` calls made while it runs are newer than
   * what the batches read and win over them. When reading the batches fails, the old content stays.
   */
  reindex(batches: AsyncIterable<readonly SearchDocument[]>): Promise<ReindexProgress>;
  query(query: SearchQuery): Promise<SearchResult>;
  /**
   * Up to `limit` completions for what is typed so far (prefix and typo tolerant), best first. Which
   * kinds a provider offers and how it mixes them is its own choice; a `product` suggestion's text
   * is the product's title.
   */
  suggest(request: { prefix: string; limit: number }): Promise<SearchSuggestion[]>;
  /** For `/ready`: throws with a reason a person can act on when the index cannot be reached. */
  check?(): Promise<void>;
}
