import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from '../../../kernel/db/sql.ts';
import type { SearchFacets } from '../search-provider.ts';

/** Requests whose facets a process keeps; a browse page's facets are a few kilobytes. */
const DEFAULT_ENTRIES = 500;

/**
 * The index's revision: every write to it bumps the number in the same transaction (see
 * `lockGenerations`), so facets counted at revision R are right for as long as R is current.
 */
export async function indexRevision(em: EntityManager): Promise<string> {
  const [state] = await rows<{ revision: string }>(em, sql`select revision from cw_search_state`);
  return String(state!.revision);
}

/**
 * Facets by request (everything but sort and page), each tagged with the index revision it was
 * read after. Counting facets reads every match (a whole-catalog browse is the costly case), while
 * shoppers page and re-sort the same listing; one least-recently-used map per process, checked
 * against the database's revision, so every process sees a write as soon as it commits.
 */
export class FacetCache {
  readonly #entries = new Map<string, { revision: string; facets: SearchFacets }>();
  readonly #max: number;

  constructor(max = DEFAULT_ENTRIES) {
    this.#max = max;
  }

  get(key: string, revision: string): SearchFacets | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.revision !== revision) return undefined;
    this.#entries.set(key, entry);
    return structuredClone(entry.facets);
  }

  /**
   * `revision` must have been read before the facets were counted: the count then saw at least
   * that revision's writes, so it is never older than its tag.
   */
  set(key: string, revision: string, facets: SearchFacets): void {
    this.#entries.delete(key);
    this.#entries.set(key, { revision, facets: structuredClone(facets) });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
