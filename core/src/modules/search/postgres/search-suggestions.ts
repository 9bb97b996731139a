import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from '../../../kernel/db/sql.ts';
import type { SearchSuggestion } from '../search-provider.ts';
import { activeGeneration } from './search-generations.ts';
import { formatSearchText, wordsOf, type SearchTerm } from '../search-text.ts';

/** At most this many of each kind before products: the box stays mostly products. */
const QUERY_SUGGESTIONS = 2;
const NAME_SUGGESTIONS = 2;

interface SuggestedDocument {
  id: string;
  title: string;
  brand_id: string | null;
  brand_name: string | null;
  categories: Array<{ id: string; name: string }>;
}

/** Every typed word starts some word of the name (`lam` names "Table lamps"). */
function namesWhatWasTyped(name: string, typed: readonly string[]): boolean {
  const words = wordsOf(name);
  return typed.every((t) => words.some((w) => w.startsWith(t)));
}

/**
 * Suggestions in this order: the query with its last word completed from the lexicon, categories
 * and brands of the matching products whose names hold the typed words, then the best matching
 * products themselves.
 */
export async function buildSuggestions(
  em: EntityManager,
  input: { terms: readonly SearchTerm[]; completions: readonly string[]; matchedIds: readonly string[]; limit: number },
): Promise<SearchSuggestion[]> {
  const { terms, completions, matchedIds, limit } = input;
  const head = terms.slice(0, -1);
  const out: SearchSuggestion[] = completions
    .slice(0, QUERY_SUGGESTIONS)
    .map((word) => ({ text: formatSearchText([...head, { kind: 'word', text: word }]), kind: 'query' as const }));
  const found = matchedIds.length
    ? await rows<SuggestedDocument>(
        em,
        sql`select id, title, brand_id, brand_name, categories from cw_search_document
          where generation = ${activeGeneration} and id = any(${[...matchedIds]}::text[])`,
      )
    : [];
  const byId = new Map(found.map((d) => [d.id, d]));
  const documents = matchedIds.flatMap((id) => byId.get(id) ?? []);
  const typed = terms.flatMap((t) => (t.kind === 'word' ? [t.text] : t.words));
  const typedWithCompletion = completions.length ? [...typed.slice(0, -1), completions[0]!] : typed;
  const names = (kind: 'category' | 'brand') => {
    const seen = new Map<string, string>();
    for (const d of documents) {
      const candidates = kind === 'brand' ? (d.brand_id ? [{ id: d.brand_id, name: d.brand_name ?? '' }] : []) : d.categories;
      for (const c of candidates) {
        if (!seen.has(c.id) && (namesWhatWasTyped(c.name, typed) || namesWhatWasTyped(c.name, typedWithCompletion))) seen.set(c.id, c.name);
      }
    }
    return [...seen].slice(0, NAME_SUGGESTIONS).map(([id, text]) => ({ text, kind, id }));
  };
  out.push(...names('category'), ...names('brand'));
  out.push(...documents.map((d) => ({ text: d.title, kind: 'product' as const, id: d.id })));
  return out.slice(0, limit);
}
