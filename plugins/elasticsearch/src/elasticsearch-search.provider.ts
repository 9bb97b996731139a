import { type Logger, type ReindexProgress, type SearchDocument, type SearchProvider, type SearchQuery, type SearchResult, type SearchSuggestion, formatSearchText, parseSearchText, skuKey, type SearchTerm } from '@cartwright/core';
import type { Client, estypes } from '@elastic/elasticsearch';
import { bulkWrite, type BulkWrite } from './bulk-writes.ts';
import { appErrorOf, createClient, displayNode, reasonOf } from './client.ts';
import { shapeFacets } from './facet-aggregations.ts';
import { languageAnalysis } from './language.ts';
import type { ResolvedElasticsearchOptions } from './options.ts';
import { ProductIndices } from './product-indices.ts';
import { needsMaxPopularity, searchRequest, type SearchBoosts } from './search-request.ts';
import { productSources } from './search-source.ts';
import { buildSuggestions, completionAggregation, SUGGESTION_MATCHES, SUGGESTION_SOURCE, type SuggestedProduct } from './suggestions.ts';
import { LIVE_ONLY, TOMBSTONED } from './text-query.ts';
import { correctedTerms, correctionRequest } from './typo-correction.ts';

/** What the provider needs besides the client: the resolved options, the store's language and boosts. */
export interface ElasticsearchProviderSettings {
  options: ResolvedElasticsearchOptions;
  /** A PostgreSQL text search configuration name; the options' `language` wins over it. */
  language: string;
  boosts: SearchBoosts;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** A client of your own (tests); default: one built from the options. */
  client?: Client;
}

/** Old ids read per request when counting what a reindex removed. */
const SCAN_PAGE = 1_000;

/**
 * Search on Elasticsearch 9 with the semantics of `SearchProvider` (the same answers as core's
 * PostgreSQL provider, which the conformance kit checks): Snowball stemming of the store's
 * language with accent folding, edge n-grams for prefixes, weighted fields, disjunctive facets as
 * aggregations, typo correction by term suggester, bulk writes, and reindexing into a new index
 * behind an alias that switches atomically.
 */
export class ElasticsearchSearchProvider implements SearchProvider {
  readonly id = 'elasticsearch';
  readonly name = 'Elasticsearch';
  readonly client: Client;
  readonly indices: ProductIndices;
  readonly #node: string;
  readonly #retries: number;
  readonly #boosts: SearchBoosts;
  readonly #logger: ElasticsearchProviderSettings['logger'];

  constructor(settings: ElasticsearchProviderSettings) {
    const analysis = languageAnalysis(settings.options.language ?? settings.language);
    this.client = settings.client ?? createClient(settings.options);
    this.indices = new ProductIndices(this.client, settings.options.indexPrefix, analysis);
    this.#node = settings.options.node;
    this.#retries = settings.options.maxRetries;
    this.#boosts = { ...settings.boosts };
    this.#logger = settings.logger;
  }

  async index(documents: readonly SearchDocument[]): Promise<void> {
    if (!documents.length) return;
    await this.#call('indexing products', async () => {
      const { live, building } = await this.#targets();
      const writes: BulkWrite[] = [];
      for (const source of productSources(documents)) {
        for (const index of [...live, ...building]) writes.push({ op: 'index', index, id: source.id, source });
      }
      await bulkWrite(this.client, writes, { refresh: true, retries: this.#retries });
    });
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.#call('removing products', async () => {
      const { live, building } = await this.#targets();
      const writes: BulkWrite[] = [];
      for (const id of new Set(ids)) {
        for (const index of live) writes.push({ op: 'delete', index, id });
        // a tombstone, not a delete: a reindex batch read before this removal must not bring the product back
        for (const index of building) writes.push({ op: 'index', index, id, source: { id, tombstone: true } });
      }
      await bulkWrite(this.client, writes, { refresh: true, retries: this.#retries });
    });
  }

  async reindex(batches: AsyncIterable<readonly SearchDocument[]>): Promise<ReindexProgress> {
    const { index: fresh, abandoned } = await this.#call('starting a reindex', async () => {
      await this.indices.ensure();
      return this.indices.beginReindex();
    });
    if (abandoned.length) this.#logger?.warn({ abandoned }, 'search: deleted the index of an unfinished reindex; this reindex replaces it');
    let indexed = 0;
    try {
      for await (const batch of batches) {
        const sources = productSources(batch);
        // `create`: a product index() or remove() wrote during the reindex is newer than the batch
        await bulkWrite(this.client, sources.map((source) => ({ op: 'create', index: fresh, id: source.id, source })), { refresh: false, retries: this.#retries });
        indexed += sources.length;
      }
      await this.client.indices.refresh({ index: fresh });
      const { live } = await this.indices.targets();
      const removed = await this.#countMissing(live, fresh);
      const previous = await this.indices.switchTo(fresh);
      await this.indices.drop(previous).catch((error: unknown) => this.#logger?.error({ err: error, indices: previous }, 'search: could not delete the index a reindex replaced'));
      await this.client
        .deleteByQuery({ index: fresh, query: { term: { tombstone: true } }, conflicts: 'proceed', refresh: true })
        .catch((error: unknown) => this.#logger?.warn({ err: error, index: fresh }, 'search: could not clear the tombstones of a reindex (they stay out of every search)'));
      return { indexed, removed };
    } catch (error) {
      await this.indices.drop([fresh]).catch((cleanup: unknown) => this.#logger?.error({ err: cleanup, index: fresh }, 'search: could not delete the index of a failed reindex'));
      throw appErrorOf(error, this.#node, 'reindexing');
    }
  }

  async query(query: SearchQuery): Promise<SearchResult> {
    return this.#call('searching', async () => {
      await this.indices.ensure();
      const terms = parseSearchText(query.q);
      const sku = skuKey(query.q ?? '');
      const result = await this.#search(query, terms, sku);
      if (result.total > 0 || !terms.length) return result;
      const corrected = await this.#corrected(terms);
      if (!corrected) return result;
      return { ...(await this.#search(query, corrected, sku)), correctedQuery: formatSearchText(corrected) };
    });
  }

  async suggest(request: { prefix: string; limit: number }): Promise<SearchSuggestion[]> {
    const limit = Math.max(0, Math.trunc(request.limit));
    const typed = parseSearchText(request.prefix);
    if (!limit || !typed.length) return [];
    return this.#call('suggesting', async () => {
      await this.indices.ensure();
      const query: SearchQuery = { q: request.prefix, filters: {}, currency: '', sort: 'relevance', facets: [], limit: SUGGESTION_MATCHES, offset: 0 };
      let terms = typed;
      let matches = await this.#matchesForSuggestions(query, terms);
      if (!matches.total) {
        const corrected = await this.#corrected(terms);
        if (corrected) {
          terms = corrected;
          matches = await this.#matchesForSuggestions(query, terms);
        }
      }
      return buildSuggestions({ terms, completions: matches.completions, products: matches.products, limit });
    });
  }

  /** Pings the cluster without retries, so `/ready` answers quickly; the reason names the node. */
  async check(): Promise<void> {
    let reachable = false;
    try {
      reachable = await this.client.ping({}, { maxRetries: 0 });
    } catch (error) {
      throw new Error(`Elasticsearch at ${displayNode(this.#node)} cannot be reached: ${reasonOf(error)}`, { cause: error });
    }
    if (!reachable) throw new Error(`Elasticsearch at ${displayNode(this.#node)} cannot be reached: the ping was not answered`);
  }

  async #search(query: SearchQuery, terms: readonly SearchTerm[], sku: string): Promise<SearchResult> {
    const response = await this.client.search({ index: this.indices.alias, ...(await this.#request(query, terms, sku)) });
    return {
      hits: response.hits.hits.map((hit) => ({ id: hit._id!, score: hit._score ?? 0 })),
      total: totalOf(response),
      facets: shapeFacets(query.facets ?? [], response.aggregations as Record<string, unknown> | undefined, query.currency, query.priceBands),
    };
  }

  async #request(query: SearchQuery, terms: readonly SearchTerm[], sku: string): Promise<estypes.SearchRequest> {
    const hasText = terms.length > 0 || sku !== '';
    const maxPopularity = needsMaxPopularity(query, hasText, this.#boosts) ? await this.#maxPopularity() : 0;
    return searchRequest({ query, terms, sku, boosts: this.#boosts, maxPopularity });
  }

  async #matchesForSuggestions(query: SearchQuery, terms: readonly SearchTerm[]): Promise<{ total: number; products: SuggestedProduct[]; completions: string[] }> {
    const last = terms.at(-1);
    const body = await this.#request(query, terms, '');
    const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
    // completions come from every product, not only the matches
    if (last?.kind === 'word') aggs.completions = { global: {}, aggs: { live: { filter: LIVE_ONLY, aggs: { words: completionAggregation(last.text) } } } };
    const response = await this.client.search<SuggestedProduct>({ index: this.indices.alias, ...body, _source: SUGGESTION_SOURCE, ...(last?.kind === 'word' ? { aggs } : {}) });
    const words = (response.aggregations?.completions as { live?: { words?: { buckets?: Array<{ key: string }> } } } | undefined)?.live?.words?.buckets ?? [];
    return {
      total: totalOf(response),
      products: response.hits.hits.flatMap((hit) => (hit._source ? [{ ...hit._source, id: hit._id!, categories: hit._source.categories ?? [], brand: hit._source.brand ?? null }] : [])),
      completions: words.map((b) => String(b.key)),
    };
  }

  async #corrected(terms: readonly SearchTerm[]): Promise<SearchTerm[] | null> {
    const response = await this.client.search({ index: this.indices.alias, ...correctionRequest(terms) });
    return correctedTerms(terms, response);
  }

  async #maxPopularity(): Promise<number> {
    const response = await this.client.search({ index: this.indices.alias, size: 0, query: LIVE_ONLY, aggs: { popularity: { max: { field: 'popularity' } } } });
    return Number((response.aggregations?.popularity as { value?: number | null } | undefined)?.value ?? 0) || 0;
  }

  async #targets(): Promise<{ live: string[]; building: string[] }> {
    await this.indices.ensure();
    const targets = await this.indices.targets();
    if (!targets.live.length) throw new Error(`the alias ${this.indices.alias} points at no index`);
    return targets;
  }

  /** How many live products of the old indices the new one lacks: what the reindex removed. */
  async #countMissing(old: readonly string[], fresh: string): Promise<number> {
    let missing = 0;
    for (const index of old.filter((i) => i !== fresh)) {
      let after: estypes.SortResults | undefined;
      for (;;) {
        const page = await this.client.search({ index, size: SCAN_PAGE, query: LIVE_ONLY, sort: [{ id: { order: 'asc' } }], _source: false, ...(after ? { search_after: after } : {}) });
        const ids = page.hits.hits.map((hit) => hit._id!);
        if (!ids.length) break;
        const present = await this.client.count({ index: fresh, query: { bool: { filter: [{ ids: { values: ids } }], must_not: TOMBSTONED } } });
        missing += ids.length - present.count;
        after = page.hits.hits.at(-1)!.sort;
        if (ids.length < SCAN_PAGE) break;
      }
    }
    return missing;
  }

  async #call<T>(doing: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw appErrorOf(error, this.#node, doing);
    }
  }
}

function totalOf(response: estypes.SearchResponse<unknown>): number {
  const total = response.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

export { createClient };
