import type { Cradle } from '../../kernel/container.ts';
import { AppError, KernelErrors, type FieldIssue } from '../../kernel/errors.ts';
import { listProductsByIds } from '../catalog/index.ts';
import { recordSearch } from './analytics/search-analytics.ts';
import { SearchErrors } from './search.errors.ts';
import type { SearchFacetsView, StoreSearchQuery } from './search.schemas.ts';
import { FACET_NAMES } from './search.schemas.ts';
import type { AttributeFilter, FacetName, SearchFacets, SearchFilters, SearchQuery, SearchSuggestion } from './search-provider.ts';

type Deps = Pick<
  Cradle,
  | 'em'
  | 'logger'
  | 'config'
  | 'searchProviders'
  | 'catalogPricing'
  | 'categoryService'
  | 'brandService'
  | 'tagService'
  | 'attributeService'
  | 'collectionService'
  | 'mediaService'
  | 'variantAvailability'
>;

/** The parameters of `/store/search` that filter (recorded with each search for the analytics). */
const FILTER_PARAMETERS = ['category', 'brand', 'tag', 'priceMin', 'priceMax', 'currency', 'rating', 'inStock', 'featured'] as const;

const notFound = (parameter: string, message: string): FieldIssue => ({ in: 'query', pointer: `/${parameter}`, rule: 'exists', message });
const invalid = (parameter: string, rule: string, message: string): FieldIssue => ({ in: 'query', pointer: `/${parameter}`, rule, message });

const commaList = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);

export interface StoreSearchAnswer {
  items: Awaited<ReturnType<typeof listProductsByIds>>;
  count: number;
  facets: SearchFacetsView;
  correctedQuery?: string;
}

/**
 * `/store/search` and `/store/search/suggest`: turns the storefront's parameters (slugs, comma
 * lists, `attr.*`) into a provider `SearchQuery`, asks the active provider, and turns its ids and
 * facet ids back into the catalog's list items and named facets. A provider that fails answers 503
 * `SEARCH_UNAVAILABLE`, never a 500.
 */
export class SearchService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  async search(params: StoreSearchQuery & Record<string, unknown>): Promise<StoreSearchAnswer> {
    const deps = this.#deps;
    const query = await this.#searchQuery(params);
    const result = await this.#ask(async (provider) => provider.query(query));
    const [items, facets] = await Promise.all([
      listProductsByIds(deps.em, deps, deps.catalogPricing, result.hits.map((h) => h.id), query.currency),
      this.#namedFacets(result.facets),
    ]);
    // page one only: turning pages is not searching again
    if (query.q && !query.offset && deps.config.search.analytics.enabled) {
      await recordSearch(deps.em, deps.logger, { q: query.q, resultCount: result.total, filters: usedFilters(params) });
    }
    return { items, count: result.total, facets, ...(result.correctedQuery !== undefined ? { correctedQuery: result.correctedQuery } : {}) };
  }

  async suggest(prefix: string, limit: number): Promise<SearchSuggestion[]> {
    const text = prefix.trim();
    if (!text) return [];
    const suggestions = await this.#ask((provider) => provider.suggest({ prefix: text, limit }));
    return suggestions.slice(0, limit);
  }

  async #ask<T>(call: (provider: Awaited<ReturnType<Deps['searchProviders']['active']>>) => Promise<T>): Promise<T> {
    try {
      return await call(await this.#deps.searchProviders.active());
    } catch (error) {
      if (error instanceof AppError && error.status < 500) throw error;
      this.#deps.logger.error({ err: error }, 'the search provider failed');
      throw SearchErrors.SEARCH_UNAVAILABLE('Search cannot answer right now; try again in a moment', { expose: true, headers: { 'Retry-After': '5' } });
    }
  }

  async #searchQuery(params: StoreSearchQuery & Record<string, unknown>): Promise<SearchQuery> {
    const { catalogPricing } = this.#deps;
    const currency = catalogPricing.currencyFor(params.currency);
    const q = params.q?.trim() ? params.q : undefined;
    const facets = params.facets === undefined ? [...FACET_NAMES] : ([...new Set(commaList(params.facets))] as FacetName[]);
    return {
      ...(q !== undefined ? { q } : {}),
      filters: await this.#filters(params),
      currency,
      sort: params.sort ?? (q !== undefined ? 'relevance' : 'newest'),
      facets,
      limit: params.limit ?? 20,
      offset: params.offset ?? 0,
    };
  }

  /** Resolves slugs to ids and checks `attr.*` against the attribute definitions; every problem is reported at once. */
  async #filters(params: StoreSearchQuery & Record<string, unknown>): Promise<SearchFilters> {
    const { categoryService, brandService, tagService } = this.#deps;
    const missing: FieldIssue[] = [];
    const filters: SearchFilters = {};
    if (params.category !== undefined) {
      const ids = await categoryService.descendantIds(params.category);
      if (ids) filters.categoryIds = [ids[0]!];
      else missing.push(notFound('category', `no category has the id or slug "${params.category}"`));
    }
    if (params.brand !== undefined) {
      const values = commaList(params.brand);
      const ids = await Promise.all(values.map((value) => brandService.idBySlugOrId(value)));
      const unknown = values.filter((_, i) => ids[i] === undefined);
      if (!values.length) missing.push(notFound('brand', 'names no brand'));
      else if (unknown.length) missing.push(notFound('brand', `no brand has the id or slug ${unknown.map((v) => `"${v}"`).join(', ')}`));
      else filters.brandIds = [...new Set(ids as string[])];
    }
    if (params.tag !== undefined) {
      const values = commaList(params.tag);
      const ids = await tagService.idsBySlugsOrIds(values);
      const tags = [...(await tagService.summaries(ids)).values()];
      const unknown = values.filter((v) => !tags.some((t) => t.id === v || t.slug === v));
      if (!values.length) missing.push(notFound('tag', 'names no tag'));
      else if (unknown.length) missing.push(notFound('tag', `no tag has the id or slug ${unknown.map((v) => `"${v}"`).join(', ')}`));
      else filters.tagIds = ids;
    }
    const attributes = await this.#attributeFilters(params, missing);
    if (missing.length) {
      throw SearchErrors.SEARCH_FILTER_NOT_FOUND(missing.map((m) => m.message).join('; '), { errors: missing });
    }
    if (attributes.length) filters.attributes = attributes;
    if (params.priceMin !== undefined || params.priceMax !== undefined) {
      filters.price = { ...(params.priceMin !== undefined ? { min: params.priceMin } : {}), ...(params.priceMax !== undefined ? { max: params.priceMax } : {}) };
    }
    if (params.rating !== undefined) filters.ratingMin = params.rating;
    // as on /store/products: inStock=true keeps what can be bought, false does not filter
    if (params.inStock) filters.inStock = true;
    if (params.featured !== undefined) filters.featured = params.featured;
    return filters;
  }

  async #attributeFilters(params: Record<string, unknown>, missing: FieldIssue[]): Promise<AttributeFilter[]> {
    const entries = Object.entries(params).filter((e): e is [string, string] => e[0].startsWith('attr.') && typeof e[1] === 'string');
    if (!entries.length) return [];
    const definitions = await this.#deps.attributeService.byCodes([...new Set(entries.map(([key]) => key.split('.')[1]!))]);
    const byCode = new Map<string, AttributeFilter>();
    const invalidValues: FieldIssue[] = [];
    for (const [key, raw] of entries) {
      const [, code, bound] = key.split('.') as [string, string, 'min' | 'max' | undefined];
      const definition = definitions.get(code);
      if (!definition?.filterable) {
        missing.push(notFound(key, `no filterable attribute has the code "${code}"`));
        continue;
      }
      const filter = byCode.get(code) ?? { code };
      byCode.set(code, filter);
      const values = commaList(raw);
      if (definition.type === 'number') {
        const numbers = values.map(Number);
        if (numbers.length !== 1 || !Number.isFinite(numbers[0])) {
          invalidValues.push(invalid(key, 'type', bound ? 'must be one number' : 'must be one number (use .min and .max for a range)'));
        } else if (bound === 'min') filter.min = numbers[0]!;
        else if (bound === 'max') filter.max = numbers[0]!;
        else Object.assign(filter, { min: numbers[0]!, max: numbers[0]! });
      } else if (bound) {
        invalidValues.push(invalid(key, 'range', `${code} is not a number attribute`));
      } else if (definition.type === 'boolean' && (values.length !== 1 || !['true', 'false'].includes(values[0]!))) {
        invalidValues.push(invalid(key, 'type', 'must be true or false'));
      } else if (!values.length) {
        invalidValues.push(invalid(key, 'minLength', 'must name at least one value'));
      } else {
        filter.values = [...new Set([...(filter.values ?? []), ...values])];
      }
    }
    if (invalidValues.length && !missing.length) throw KernelErrors.VALIDATION_FAILED('Some attribute filters are not valid', { errors: invalidValues });
    return [...byCode.values()];
  }

  async #namedFacets(facets: SearchFacets): Promise<SearchFacetsView> {
    const { categoryService, brandService } = this.#deps;
    const [categories, brands] = await Promise.all([
      categoryService.summaries((facets.category ?? []).map((f) => f.id)),
      brandService.summaries((facets.brand ?? []).map((f) => f.id)),
    ]);
    const named = (counts: Array<{ id: string; count: number }>, names: Map<string, { name: string; slug: string }>) =>
      counts.flatMap((f) => {
        const found = names.get(f.id);
        return found ? [{ id: f.id, name: found.name, slug: found.slug, count: f.count }] : [];
      });
    return {
      ...(facets.category ? { category: named(facets.category, categories) } : {}),
      ...(facets.brand ? { brand: named(facets.brand, brands) } : {}),
      ...(facets.price ? { price: facets.price } : {}),
      ...(facets.rating ? { rating: facets.rating } : {}),
      ...(facets.attributes ? { attributes: facets.attributes } : {}),
    };
  }
}

/** The filter parameters a request used, as given (what the analytics keeps besides the query). */
function usedFilters(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([key, value]) => value !== undefined && ((FILTER_PARAMETERS as readonly string[]).includes(key) || key.startsWith('attr.'))));
}
