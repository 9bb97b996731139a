import { sql, type RawBuilder } from 'kysely';
import { currencyExponent } from '../../money/index.ts';
import type { FacetName, SearchFacets } from '../search-provider.ts';

/** The faceted filters' columns of the matched set `m` (see search-query.ts). */
export type FacetFlag = 'f_category' | 'f_brand' | 'f_price' | 'f_rating';
const FLAGS: readonly FacetFlag[] = ['f_category', 'f_brand', 'f_price', 'f_rating'];

/** Lower bounds of the rating facet, highest first: the same cut as `ratingMin`, so the counts nest. */
export const RATING_STEPS = [4, 3, 2, 1];
const DEFAULT_BANDS_MAJOR = [10, 25, 50, 100, 250, 500];

/** The price bands' upper bounds in minor units: the query's own (positive, sorted, once each) or 10 … 500 major units of the currency. */
export function priceBounds(currency: string, requested: readonly number[] | undefined): number[] {
  if (requested?.length) return [...new Set(requested.filter((b) => Number.isSafeInteger(b) && b > 0))].sort((a, b) => a - b);
  const unit = 10 ** currencyExponent(currency);
  return DEFAULT_BANDS_MAJOR.map((major) => major * unit);
}

/** The faceted filters a facet row must pass: all of them except `own` (and, for attributes, except filters on the row's own code). */
export class FacetFlags {
  readonly attributeCodes: readonly string[];

  constructor(attributeCodes: readonly string[]) {
    this.attributeCodes = attributeCodes;
  }

  attributeColumn(index: number): string {
    return `f_attribute_${index}`;
  }

  all(): RawBuilder<unknown> {
    return this.#and([...FLAGS.map((f) => sql.ref(`m.${f}`)), ...this.attributeCodes.map((_, i) => sql.ref(`m.${this.attributeColumn(i)}`))]);
  }

  except(own: FacetFlag): RawBuilder<unknown> {
    return this.#and([...FLAGS.filter((f) => f !== own).map((f) => sql.ref(`m.${f}`)), ...this.attributeCodes.map((_, i) => sql.ref(`m.${this.attributeColumn(i)}`))]);
  }

  /** For the attribute facet: every filter, except an attribute filter on the code of the row `a`. */
  exceptAttribute(code: RawBuilder<unknown>): RawBuilder<unknown> {
    const own = this.attributeCodes.map((c, i) => sql`(${sql.ref(`m.${this.attributeColumn(i)}`)} or ${code} = ${c})`);
    return this.#and([...FLAGS.map((f) => sql.ref(`m.${f}`)), ...own]);
  }

  #and(parts: Array<RawBuilder<unknown> | ReturnType<typeof sql.ref>>): RawBuilder<unknown> {
    return sql`(${sql.join(parts, sql` and `)})`;
  }
}

/** The facet columns of the search statement, each one a JSON value over the matched set `m`. */
export function facetColumns(facets: readonly FacetName[], flags: FacetFlags, bounds: readonly number[]): RawBuilder<unknown>[] {
  const columns: RawBuilder<unknown>[] = [];
  if (facets.includes('category')) {
    columns.push(sql`(select coalesce(json_agg(json_build_array(c, n) order by n desc, c collate "C"), '[]'::json)
      from (select c, count(*)::int as n from m cross join unnest(m.category_ids) c where ${flags.except('f_category')} group by c) x) as facet_category`);
  }
  if (facets.includes('brand')) {
    columns.push(sql`(select coalesce(json_agg(json_build_array(brand_id, n) order by n desc, brand_id collate "C"), '[]'::json)
      from (select brand_id, count(*)::int as n from m where brand_id is not null and ${flags.except('f_brand')} group by brand_id) x) as facet_brand`);
  }
  if (facets.includes('price')) {
    columns.push(sql`(select coalesce(json_agg(json_build_array(band, n)), '[]'::json)
      from (select (select count(*) from unnest(${[...bounds]}::bigint[]) b where b <= m.price)::int as band, count(*)::int as n
        from m where m.price is not null and ${flags.except('f_price')} group by 1) x) as facet_price`);
  }
  if (facets.includes('rating')) {
    const counts = RATING_STEPS.map((step) => sql`count(*) filter (where m.rating >= ${step})::int`);
    columns.push(sql`(select json_build_array(${sql.join(counts)}) from m where ${flags.except('f_rating')}) as facet_rating`);
  }
  if (facets.includes('attributes')) {
    const code = sql`(a ->> 'code')`;
    columns.push(sql`(select coalesce(json_agg(json_build_array(code, type, name, unit, value, n, low, high)), '[]'::json)
      from (select ${code} as code, a ->> 'type' as type, max(a ->> 'name') as name, max(a ->> 'unit') as unit,
          case when a ->> 'type' = 'number' then null else a ->> 'value' end as value, count(*)::int as n,
          min(case when a ->> 'type' = 'number' then (a ->> 'value')::float8 end) as low,
          max(case when a ->> 'type' = 'number' then (a ->> 'value')::float8 end) as high
        from m cross join jsonb_array_elements(m.facet_attributes) a
        where ${flags.exceptAttribute(code)}
        group by 1, 2, 5) x) as facet_attributes`);
  }
  return columns;
}

type AttributeRow = [string, string, string, string | null, string | null, number, number | null, number | null];

/** The facets as the seam types them, from the statement's facet columns. */
export function shapeFacets(
  facets: readonly FacetName[],
  row: Record<string, unknown>,
  bounds: readonly number[],
): SearchFacets {
  const out: SearchFacets = {};
  if (facets.includes('category')) out.category = (row.facet_category as Array<[string, number]>).map(([id, count]) => ({ id, count }));
  if (facets.includes('brand')) out.brand = (row.facet_brand as Array<[string, number]>).map(([id, count]) => ({ id, count }));
  if (facets.includes('price')) {
    const counts = new Map((row.facet_price as Array<[number, number]>).map(([band, n]) => [band, n]));
    out.price = [0, ...bounds].map((min, i) => ({ min, max: bounds[i] ?? null, count: counts.get(i) ?? 0 }));
  }
  if (facets.includes('rating')) {
    const counts = row.facet_rating as number[];
    out.rating = RATING_STEPS.map((min, i) => ({ min, count: counts[i] ?? 0 }));
  }
  if (facets.includes('attributes')) out.attributes = shapeAttributes(row.facet_attributes as AttributeRow[]);
  return out;
}

function shapeAttributes(rows: AttributeRow[]): NonNullable<SearchFacets['attributes']> {
  const byCode = new Map<string, NonNullable<SearchFacets['attributes']>[number]>();
  const sorted = [...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : b[5] - a[5] || ((a[4] ?? '') < (b[4] ?? '') ? -1 : 1)));
  for (const [code, type, name, unit, value, count, low, high] of sorted) {
    if (type === 'number') {
      if (!byCode.has(code)) byCode.set(code, { code, name, type: 'number', unit, min: Number(low), max: Number(high), count });
      continue;
    }
    let facet = byCode.get(code);
    if (!facet) {
      facet = { code, name, type: type as 'text' | 'enum' | 'boolean', values: [] };
      byCode.set(code, facet);
    }
    if ('values' in facet) facet.values.push({ value: value ?? '', count });
  }
  return [...byCode.values()];
}
