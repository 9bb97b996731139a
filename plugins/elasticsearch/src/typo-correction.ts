import type { estypes } from '@elastic/elasticsearch';
import type { SearchTerm } from '@cartwright/core';
import { LIVE_ONLY, termQueries } from './text-query.ts';

/** Words shorter than this are never corrected: too many words are one edit away from them (as in PostgreSQL). */
export const MIN_CORRECTED_LENGTH = 3;

/** Edits a correction may make: 1 up to 4 characters, 2 beyond (as in PostgreSQL). */
export const maxEdits = (word: string) => ([...word].length <= 4 ? 1 : 2);

/**
 * One request that tells, for each term, whether some product matches it on its own (a filters
 * aggregation over the whole index), and offers the closest indexed word for each typed word that
 * is in no product (a term suggester per word, on the unstemmed `words`). Phrases are not
 * corrected, as in PostgreSQL.
 */
export function correctionRequest(terms: readonly SearchTerm[]): estypes.SearchRequest {
  const filters = Object.fromEntries(termQueries(terms).map((query, i) => [`t${i}`, query]));
  const suggest: Record<string, estypes.SearchFieldSuggester> = {};
  const words = [...new Set(terms.flatMap((t) => (t.kind === 'word' ? [t.text] : [])))].filter((w) => [...w].length >= MIN_CORRECTED_LENGTH);
  words.forEach((word, i) => {
    suggest[`w${i}`] = {
      text: word,
      term: { field: 'words', suggest_mode: 'missing', max_edits: maxEdits(word), prefix_length: 0, min_word_length: MIN_CORRECTED_LENGTH, size: 5, sort: 'score', string_distance: 'damerau_levenshtein' },
    };
  });
  return { size: 0, query: LIVE_ONLY, aggs: { found: { filters: { filters } } }, ...(words.length ? { suggest } : {}) };
}

/**
 * The terms with each word no product matches replaced by its suggestion, or null when nothing was
 * replaced. Suggestions come best first (closest, then in more products).
 */
export function correctedTerms(terms: readonly SearchTerm[], response: Pick<estypes.SearchResponse, 'aggregations' | 'suggest'>): SearchTerm[] | null {
  const found = (response.aggregations?.found as { buckets?: Record<string, { doc_count: number }> } | undefined)?.buckets ?? {};
  const replacements = new Map<string, string>();
  for (const entries of Object.values(response.suggest ?? {})) {
    for (const entry of entries) {
      const options = Array.isArray(entry.options) ? entry.options : [entry.options];
      const best = options[0] as { text?: string } | undefined;
      if (best?.text) replacements.set(entry.text, best.text);
    }
  }
  let changed = false;
  const replace = (word: string) => {
    const replacement = replacements.get(word);
    if (!replacement || replacement === word) return word;
    changed = true;
    return replacement;
  };
  const corrected = terms.map((term, i): SearchTerm => {
    if (term.kind === 'phrase' || (found[`t${i}`]?.doc_count ?? 0) > 0) return term;
    return { kind: 'word', text: replace(term.text) };
  });
  return changed ? corrected : null;
}
