import { defineRoute } from '../../kernel/http/route.ts';
import { StoreSearchQuery, StoreSearchResult, SuggestQuery, SuggestResult } from './search.schemas.ts';

/** `/store/search`: full-text search over published products, with facets, and autocomplete. Public. */
export const storeSearchRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'Search products, with facet counts',
    description:
      '`q` (at most 200 characters) is matched as text: every word must match (stems and unaccented forms count), `"quotes"` make a ' +
      'phrase, the last word also matches as a prefix, a SKU matches exactly, and a misspelt word may be corrected (`correctedQuery`). ' +
      'Filters are those of `GET /store/products` (`category`, `brand`, `tag`, `priceMin`, `priceMax`, `currency`, `rating`, ' +
      '`inStock`, `featured`, `attr.<code>`, `attr.<code>.min|max`); an unknown category, brand, tag or attribute is 422 ' +
      '`SEARCH_FILTER_NOT_FOUND` naming the parameter. `sort` is `relevance` by default with `q`, `newest` without. `facets` ' +
      'chooses which counts to compute (default all). 503 `SEARCH_UNAVAILABLE` when the search provider cannot answer.',
    tags: ['search'],
    access: 'public',
    schema: { query: StoreSearchQuery, response: { 200: StoreSearchResult } },
    handler: ({ query, cradle }) => cradle.searchService.search(query),
  }),
  defineRoute({
    method: 'GET',
    path: '/suggest',
    summary: 'Autocomplete: products, categories, brands and queries for what is typed so far',
    description: 'Up to `limit` (default 8, at most 20) suggestions, best first; prefix and typo tolerant.',
    tags: ['search'],
    access: 'public',
    schema: { query: SuggestQuery, response: { 200: SuggestResult } },
    handler: async ({ query, cradle }) => ({ items: await cradle.searchService.suggest(query.q, query.limit ?? 8) }),
  }),
];
