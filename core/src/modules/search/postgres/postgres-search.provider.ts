import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../../kernel/container.ts';
import { rows, run } from '../../../kernel/db/sql.ts';
import type { Logger } from '../../../kernel/logger.ts';
import type { ReindexProgress, SearchDocument, SearchProvider, SearchQuery, SearchResult, SearchSuggestion } from '../search-provider.ts';
import { chunks, deleteDocuments, fillDocuments, writeDocuments } from './search-document-rows.ts';
import {
  abandonGeneration,
  activateGeneration,
  addTombstones,
  beginGeneration,
  clearTombstones,
  dropGeneration,
  lockGenerations,
  writeTargets,
} from './search-generations.ts';
import { completions, corrections } from './search-lexicon.ts';
import { indexRevision, FacetCache } from './search-facet-cache.ts';
import { runSearchStatement, type SearchBoosts, type StatementInput } from './search-statement.ts';
import { buildSuggestions } from './search-suggestions.ts';
import { formatSearchText, parseSearchText, skuKey, type SearchTerm } from '../search-text.ts';
import { termsFound } from './search-tsquery.ts';

/** Products a suggestion looks at for category and brand names. */
const SUGGESTION_MATCHES = 50;

/**
 * Core's search provider: PostgreSQL full-text search (weighted tsvector, the store's text search
 * configuration, `unaccent`) with `pg_trgm` typo tolerance over a lexicon of the indexed words, on
 * PostgreSQL and on the embedded database alike. Reindexing fills a new generation of the index
 * and switches to it in one transaction. See docs/decisions/0018-search-in-postgresql.md.
 */
export class PostgresSearchProvider implements SearchProvider {
  readonly id = 'postgres';
  readonly name = 'PostgreSQL full-text search';
  readonly #cradle: Cradle;
  readonly #language: string;
  readonly #boosts: SearchBoosts;
  readonly #logger: Logger;
  readonly #facets = new FacetCache();
  #languageChecked: Promise<void> | undefined;

  constructor(cradle: Cradle) {
    this.#cradle = cradle;
    this.#language = cradle.config.search.language;
    this.#boosts = { ...cradle.config.search.boosts };
    this.#logger = cradle.logger;
  }

  async index(documents: readonly SearchDocument[]): Promise<void> {
    if (!documents.length) return;
    const em = await this.#ready();
    for (const chunk of chunks(documents)) {
      await em.transactional(async (tx) => {
        const state = await lockGenerations(tx);
        for (const generation of writeTargets(state)) await writeDocuments(tx, generation, this.#language, chunk);
        if (state.building !== null) await clearTombstones(tx, state.building, chunk.map((d) => d.id));
      });
    }
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const em = await this.#ready();
    for (const chunk of chunks(ids)) {
      await em.transactional(async (tx) => {
        const state = await lockGenerations(tx);
        for (const generation of writeTargets(state)) await deleteDocuments(tx, generation, chunk);
        if (state.building !== null) await addTombstones(tx, state.building, chunk);
      });
    }
  }

  async reindex(batches: AsyncIterable<readonly SearchDocument[]>): Promise<ReindexProgress> {
    const em = await this.#ready();
    const generation = await em.transactional((tx) => beginGeneration(tx));
    let indexed = 0;
    try {
      // no transaction stays open between batches: queries go on reading the active generation
      for await (const batch of batches) {
        for (const chunk of chunks(latestOfEach(batch))) {
          await em.transactional(async (tx) => {
            const state = await lockGenerations(tx);
            if (state.building !== generation) throw new Error(`search reindex into generation ${generation} was superseded by a newer reindex`);
            await fillDocuments(tx, generation, this.#language, chunk);
          });
          indexed += chunk.length;
        }
      }
      const { previous, removed } = await em.transactional(async (tx) => {
        const [gone] = await rows<{ removed: number }>(
          tx,
          sql`select count(*)::int as removed from cw_search_document o
            where o.generation = (select active_generation from cw_search_state)
              and not exists (select 1 from cw_search_document n where n.generation = ${generation} and n.id = o.id)`,
        );
        return { previous: await activateGeneration(tx, generation, this.#language), removed: gone!.removed };
      });
      await em.transactional((tx) => dropGeneration(tx, previous));
      return { indexed, removed };
    } catch (error) {
      await em.transactional((tx) => abandonGeneration(tx, generation)).catch((cleanup: unknown) =>
        this.#logger.error({ err: cleanup, generation }, 'search: could not drop the generation of a failed reindex'),
      );
      throw error;
    }
  }

  async query(query: SearchQuery): Promise<SearchResult> {
    const em = await this.#ready();
    const terms = parseSearchText(query.q);
    const input = { query, terms, sku: skuKey(query.q ?? ''), language: this.#language, boosts: this.#boosts };
    const result = await this.#answer(em, input);
    if (result.total > 0 || !terms.length) return result;
    const corrected = await this.#corrected(em, terms);
    if (!corrected) return result;
    return { ...(await this.#answer(em, { ...input, terms: corrected })), correctedQuery: formatSearchText(corrected) };
  }

  /** Runs the statement, counting the facets only when the index changed since they were last counted for this request. */
  async #answer(em: EntityManager, input: StatementInput): Promise<SearchResult> {
    const { query } = input;
    if (!query.facets?.length) return runSearchStatement(em, input);
    const revision = await indexRevision(em);
    const key = JSON.stringify([input.terms, input.sku, query.filters, query.currency, query.facets, query.priceBands ?? null]);
    const facets = this.#facets.get(key, revision);
    if (facets) return { ...(await runSearchStatement(em, { ...input, query: { ...query, facets: [] } })), facets };
    const result = await runSearchStatement(em, input);
    this.#facets.set(key, revision, result.facets);
    return result;
  }

  async suggest(request: { prefix: string; limit: number }): Promise<SearchSuggestion[]> {
    const limit = Math.max(0, Math.trunc(request.limit));
    const typed = parseSearchText(request.prefix);
    const last = typed.at(-1);
    if (!limit || !last) return [];
    const em = await this.#ready();
    const search = (terms: readonly SearchTerm[]) =>
      runSearchStatement(em, {
        query: { q: request.prefix, filters: {}, currency: '', sort: 'relevance', facets: [], limit: SUGGESTION_MATCHES, offset: 0 },
        terms,
        sku: '',
        language: this.#language,
        boosts: this.#boosts,
      });
    let terms = typed;
    let matches = await search(terms);
    if (!matches.total) {
      const corrected = await this.#corrected(em, terms);
      if (corrected) {
        terms = corrected;
        matches = await search(terms);
      }
    }
    const lastWord = terms.at(-1);
    const completed = lastWord?.kind === 'word' ? await completions(em, lastWord.text, 2) : [];
    return buildSuggestions(em, { terms, completions: completed, matchedIds: matches.hits.map((h) => h.id), limit });
  }

  async check(): Promise<void> {
    const em = await this.#ready();
    await run(em, sql`select active_generation from cw_search_state`);
  }

  /** The terms with each word found nowhere replaced by its closest lexicon word; undefined when none was. */
  async #corrected(em: EntityManager, terms: readonly SearchTerm[]): Promise<SearchTerm[] | undefined> {
    const found = await termsFound(em, this.#language, terms);
    const missing = terms.flatMap((t, i) => (t.kind === 'word' && !found[i] ? [t.text] : []));
    if (!missing.length) return undefined;
    const fixes = await corrections(em, missing);
    if (!fixes.size) return undefined;
    return terms.map((t) => (t.kind === 'word' && fixes.has(t.text) ? { kind: 'word', text: fixes.get(t.text)! } : t));
  }

  /** A fresh EntityManager, once the configured language is known to the database. */
  async #ready(): Promise<EntityManager> {
    const em = this.#cradle.database.fork();
    this.#languageChecked ??= this.#checkLanguage(em).catch((error: unknown) => {
      this.#languageChecked = undefined;
      throw error;
    });
    await this.#languageChecked;
    return em;
  }

  async #checkLanguage(em: EntityManager): Promise<void> {
    const [row] = await rows<{ known: boolean; names: string; built_with: string | null }>(
      em,
      sql`select exists (select 1 from pg_ts_config where cfgname = ${this.#language}) as known,
        (select string_agg(cfgname, ', ' order by cfgname) from pg_ts_config) as names,
        (select language from cw_search_state) as built_with`,
    );
    if (!row!.known) {
      throw new Error(
        `search.language is "${this.#language}", which is not a text search configuration of this database; set search.language to one of: ${row!.names}`,
      );
    }
    if (row!.built_with && row!.built_with !== this.#language) {
      this.#logger.warn(
        { builtWith: row!.built_with, language: this.#language },
        'search: the index was built with another search.language; reindex the catalog so words are stemmed the same way',
      );
    }
  }
}

/** A batch naming a product twice keeps its last document. */
function latestOfEach(batch: readonly SearchDocument[]): SearchDocument[] {
  return [...new Map(batch.map((d) => [d.id, d] as const)).values()];
}
