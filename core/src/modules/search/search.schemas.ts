import { Type, type Static } from 'typebox';
import { ProductSchemas } from '../catalog/index.ts';

const { StoreProductListQuery, ATTRIBUTE_FILTER_KEY, ProductListItem } = ProductSchemas;
const listFilters = StoreProductListQuery.properties;

export const FACET_NAMES = ['category', 'brand', 'price', 'rating', 'attributes'] as const;
const facetName = `(${FACET_NAMES.join('|')})`;

export const SEARCH_SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'name', 'popularity', 'rating'] as const;

export const StoreSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'What the shopper typed: words, `"a phrase"`, a SKU. Taken as text, never as syntax.' })),
    category: listFilters.category,
    brand: listFilters.brand,
    tag: listFilters.tag,
    priceMin: listFilters.priceMin,
    priceMax: listFilters.priceMax,
    currency: listFilters.currency,
    rating: listFilters.rating,
    inStock: listFilters.inStock,
    featured: listFilters.featured,
    sort: Type.Optional(
      Type.Union(
        SEARCH_SORTS.map((s) => Type.Literal(s)),
        { description: '`relevance` (the default with `q`), `newest` (the default without), or a list sort' },
      ),
    ),
    facets: Type.Optional(
      Type.String({
        pattern: `^(${facetName}(,${facetName})*)?$`,
        maxLength: 100,
        description: 'Comma list of category, brand, price, rating, attributes (default: all); empty for none',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false, patternProperties: { [ATTRIBUTE_FILTER_KEY]: Type.String({ minLength: 1, maxLength: 500 }) } },
);
export type StoreSearchQuery = Static<typeof StoreSearchQuery>;

const NamedCount = Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), count: Type.Integer() });

export const SearchFacetsView = Type.Object({
  category: Type.Optional(Type.Array(NamedCount, { description: 'Matching products in each category or its descendants' })),
  brand: Type.Optional(Type.Array(NamedCount)),
  price: Type.Optional(
    Type.Array(Type.Object({ min: Type.Integer(), max: Type.Union([Type.Integer(), Type.Null()]), count: Type.Integer() }), {
      description: 'Price bands `[min, max)` in minor units of `currency`; the last is open-ended',
    }),
  ),
  rating: Type.Optional(Type.Array(Type.Object({ min: Type.Integer(), count: Type.Integer() }), { description: 'Products rated at least `min`' })),
  attributes: Type.Optional(
    Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        type: Type.Union([Type.Literal('text'), Type.Literal('enum'), Type.Literal('boolean'), Type.Literal('number')]),
        /** text, enum, boolean: the values present and their counts. */
        values: Type.Optional(Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }))),
        /** number: the range present. */
        unit: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        min: Type.Optional(Type.Number()),
        max: Type.Optional(Type.Number()),
        count: Type.Optional(Type.Integer()),
      }),
    ),
  ),
});
export type SearchFacetsView = Static<typeof SearchFacetsView>;

export const StoreSearchResult = Type.Object({
  items: Type.Array(ProductListItem),
  /** Every match, not just this page. */
  count: Type.Integer(),
  facets: SearchFacetsView,
  correctedQuery: Type.Optional(Type.String({ description: 'The query as searched when a misspelt word was replaced' })),
});

export const SuggestQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 8 })),
  },
  { additionalProperties: false },
);

export const SuggestResult = Type.Object({
  items: Type.Array(
    Type.Object({
      text: Type.String(),
      kind: Type.Union([Type.Literal('product'), Type.Literal('category'), Type.Literal('brand'), Type.Literal('query')]),
      id: Type.Optional(Type.String()),
    }),
  ),
});

const ReindexView = Type.Object({
  requestedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  outcome: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Null()]),
  indexed: Type.Union([Type.Integer(), Type.Null()]),
  removed: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

export const SearchStatus = Type.Object({
  provider: Type.Object({ id: Type.String(), name: Type.String() }),
  /** Documents the provider holds now; null when it cannot be reached (then `providerError` says why). */
  documents: Type.Union([Type.Integer(), Type.Null()]),
  providerError: Type.Optional(Type.String()),
  lastReindex: ReindexView,
});

export const SearchQueriesQuery = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('top'), Type.Literal('zero')], { default: 'top' })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, default: 30 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

export const SearchQueriesResult = Type.Object({
  items: Type.Array(
    Type.Object({
      query: Type.String(),
      count: Type.Integer(),
      averageResults: Type.Number(),
      lastSearchedAt: Type.String({ format: 'date-time' }),
    }),
  ),
});
