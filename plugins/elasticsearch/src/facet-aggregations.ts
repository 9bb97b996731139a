import { currencyExponent, type FacetName, type SearchFacets } from '@cartwright/core';
import type { estypes } from '@elastic/elasticsearch';
import { facetedFilters, lowestPriceField, type FacetedFilter, type FilterQueries } from './search-filters.ts';

type Aggregation = estypes.AggregationsAggregationContainer;
type Query = estypes.QueryDslQueryContainer;

/** Lower bounds of the rating facet, highest first: the same cut as `ratingMin`, so the counts nest. */
export const RATING_STEPS = [4, 3, 2, 1];
const DEFAULT_BANDS_MAJOR = [10, 25, 50, 100, 250, 500];
/** Facet buckets read per facet: more categories, brands or attribute values than this are not counted. */
const MAX_BUCKETS = 10_000;

/** The price bands' upper bounds in minor units: the query's own (positive, sorted, once each) or 10 … 500 major units of the currency. */
export function priceBounds(currency: string, requested: readonly number[] | undefined): number[] {
  if (requested?.length) return [...new Set(requested.filter((b) => Number.isSafeInteger(b) && b > 0))].sort((a, b) => a - b);
  const unit = 10 ** currencyExponent(currency);
  return DEFAULT_BANDS_MAJOR.map((major) => major * unit);
}

/** Narrows a facet's aggregation to the faceted filters but its own (the disjunctive-faceting pattern). */
function underFilters(filters: Query[], aggs: Record<string, Aggregation>): Aggregation {
  return { filter: filters.length ? { bool: { filter: filters } } : { match_all: {} }, aggs };
}

const countedTerms = (field: string): Aggregation => ({ terms: { field, size: MAX_BUCKETS, order: [{ _count: 'desc' }, { _key: 'asc' }] } });

/** Per attribute code and type: its name (the greatest, as PostgreSQL's max()), value counts and the number range. */
function attributeBuckets(): Record<string, Aggregation> {
  return {
    codes: {
      terms: { field: 'attributes.code', size: MAX_BUCKETS, order: { _key: 'asc' } },
      aggs: {
        types: {
          terms: { field: 'attributes.type', size: 4 },
          aggs: {
            name: { top_hits: { size: 1, sort: [{ 'attributes.name': { order: 'desc' } }] } },
            values: countedTerms('attributes.value'),
            numbers: { stats: { field: 'attributes.number' } },
          },
        },
      },
    },
  };
}

/**
 * The aggregations of the facets asked for. Attributes: one aggregation for the codes no filter
 * names (under every filter), one per filtered code (under every filter but that code's).
 */
export function facetAggregations(facets: readonly FacetName[], filters: FilterQueries, currency: string, bands: readonly number[] | undefined): Record<string, Aggregation> {
  const except = (filter: FacetedFilter) => facetedFilters(filters, { filter });
  const aggs: Record<string, Aggregation> = {};
  if (facets.includes('category')) aggs.facet_category = underFilters(except('category'), { ids: countedTerms('category_ids') });
  if (facets.includes('brand')) aggs.facet_brand = underFilters(except('brand'), { ids: countedTerms('brand.id') });
  if (facets.includes('price')) {
    const bounds = priceBounds(currency, bands);
    const ranges = [0, ...bounds].map((from, i) => ({ ...(i > 0 ? { from } : {}), ...(i < bounds.length ? { to: bounds[i] } : {}) }));
    aggs.facet_price = underFilters(except('price'), { bands: { range: { field: lowestPriceField(currency), ranges, keyed: false } } });
  }
  if (facets.includes('rating')) {
    aggs.facet_rating = underFilters(except('rating'), { steps: { range: { field: 'rating', ranges: RATING_STEPS.map((from) => ({ from })), keyed: false } } });
  }
  if (facets.includes('attributes')) {
    const filteredCodes = [...new Set(filters.attributes.map((a) => a.code))];
    const others: Query = filteredCodes.length ? { bool: { must_not: [{ terms: { 'attributes.code': filteredCodes } }] } } : { match_all: {} };
    aggs.facet_attributes = underFilters(facetedFilters(filters), { nested: { nested: { path: 'attributes' }, aggs: { codes: { filter: others, aggs: attributeBuckets() } } } });
    filteredCodes.forEach((code, i) => {
      aggs[`facet_attribute_${i}`] = underFilters(facetedFilters(filters, { attribute: code }), {
        nested: { nested: { path: 'attributes' }, aggs: { codes: { filter: { term: { 'attributes.code': code } }, aggs: attributeBuckets() } } },
      });
    });
  }
  return aggs;
}

interface KeyedBucket {
  key: string | number;
  doc_count: number;
}
interface RangeBucket {
  from?: number;
  to?: number;
  doc_count: number;
}
interface TypeBucket extends KeyedBucket {
  name: { hits: { hits: Array<{ _source?: { name?: string; unit?: string | null } }> } };
  values: { buckets: KeyedBucket[] };
  numbers: { count: number; min: number | null; max: number | null };
}
interface CodeBucket extends KeyedBucket {
  types: { buckets: TypeBucket[] };
}
type Aggregations = Record<string, any>;

const counts = (buckets: KeyedBucket[]) => buckets.map((b) => ({ id: String(b.key), count: b.doc_count }));

/** The facets as the seam types them, from the search response's aggregations. */
export function shapeFacets(facets: readonly FacetName[], aggregations: Aggregations | undefined, currency: string, bands: readonly number[] | undefined): SearchFacets {
  const aggs = aggregations ?? {};
  const out: SearchFacets = {};
  if (facets.includes('category')) out.category = counts(aggs.facet_category?.ids?.buckets ?? []);
  if (facets.includes('brand')) out.brand = counts(aggs.facet_brand?.ids?.buckets ?? []);
  if (facets.includes('price')) {
    const bounds = priceBounds(currency, bands);
    const buckets: RangeBucket[] = aggs.facet_price?.bands?.buckets ?? [];
    out.price = [0, ...bounds].map((min, i) => ({ min, max: bounds[i] ?? null, count: buckets[i]?.doc_count ?? 0 }));
  }
  if (facets.includes('rating')) {
    const buckets: RangeBucket[] = aggs.facet_rating?.steps?.buckets ?? [];
    out.rating = RATING_STEPS.map((min) => ({ min, count: buckets.find((b) => b.from === min)?.doc_count ?? 0 }));
  }
  if (facets.includes('attributes')) {
    const codes: CodeBucket[] = Object.entries(aggs)
      .filter(([name]) => name === 'facet_attributes' || name.startsWith('facet_attribute_'))
      .flatMap(([, agg]) => (agg?.nested?.codes?.codes?.buckets ?? []) as CodeBucket[]);
    out.attributes = codes.sort((a, b) => (String(a.key) < String(b.key) ? -1 : 1)).flatMap(shapeAttribute);
  }
  return out;
}

function shapeAttribute(bucket: CodeBucket): NonNullable<SearchFacets['attributes']> {
  const code = String(bucket.key);
  // PostgreSQL keeps one facet per code; a code indexed with two types (renamed mid-reindex) keeps its most frequent
  const typed = [...bucket.types.buckets].sort((a, b) => b.doc_count - a.doc_count)[0];
  if (!typed) return [];
  const source = typed.name.hits.hits[0]?._source ?? {};
  const name = source.name ?? code;
  if (typed.key === 'number') {
    const { count, min, max } = typed.numbers;
    return [{ code, name, type: 'number', unit: source.unit ?? null, min: Number(min), max: Number(max), count }];
  }
  return [{ code, name, type: typed.key as 'text' | 'enum' | 'boolean', values: typed.values.buckets.map((b) => ({ value: String(b.key), count: b.doc_count })) }];
}
