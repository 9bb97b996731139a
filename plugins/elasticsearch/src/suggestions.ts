import { type SearchSuggestion, formatSearchText, wordsOf, type SearchTerm } from '@cartwright/core';
import type { estypes } from '@elastic/elasticsearch';

/** Products a suggestion looks at for category and brand names (as the PostgreSQL provider). */
export const SUGGESTION_MATCHES = 50;
/** At most this many of each kind before products: the box stays mostly products. */
const QUERY_SUGGESTIONS = 2;
const NAME_SUGGESTIONS = 2;

/** A matched product as suggestions read it. */
export interface SuggestedProduct {
  id: string;
  text_a: string;
  brand: { id: string; name: string } | null;
  categories: Array<{ id: string; name: string }>;
}

export const SUGGESTION_SOURCE = ['id', 'text_a', 'brand', 'categories'];

/** Lucene regular expressions treat these as syntax; a folded word holds letters and digits only, this is belt and braces. */
const escapeRegExp = (text: string) => text.replace(/[.?+*|{}[\]()"\\#@&<>~]/g, '\\$&');

/** Indexed words that start with `prefix`, in the most products first, then alphabetically (as the PostgreSQL lexicon). */
export function completionAggregation(prefix: string): estypes.AggregationsAggregationContainer {
  return { terms: { field: 'words', include: `${escapeRegExp(prefix)}.*`, size: QUERY_SUGGESTIONS, order: [{ _count: 'desc' }, { _key: 'asc' }] } };
}

/** Every typed word starts some word of the name (`lam` names "Table lamps"). */
function namesWhatWasTyped(name: string, typed: readonly string[]): boolean {
  const words = wordsOf(name);
  return typed.every((t) => words.some((w) => w.startsWith(t)));
}

/**
 * Suggestions in the PostgreSQL provider's order: the query with its last word completed, the
 * categories and brands of the matching products whose names hold the typed words, then the best
 * matching products themselves.
 */
export function buildSuggestions(input: { terms: readonly SearchTerm[]; completions: readonly string[]; products: readonly SuggestedProduct[]; limit: number }): SearchSuggestion[] {
  const { terms, completions, products, limit } = input;
  const head = terms.slice(0, -1);
  const out: SearchSuggestion[] = completions
    .slice(0, QUERY_SUGGESTIONS)
    .map((word) => ({ text: formatSearchText([...head, { kind: 'word', text: word }]), kind: 'query' as const }));
  const typed = terms.flatMap((t) => (t.kind === 'word' ? [t.text] : t.words));
  const typedWithCompletion = completions.length ? [...typed.slice(0, -1), completions[0]!] : typed;
  const names = (kind: 'category' | 'brand') => {
    const seen = new Map<string, string>();
    for (const p of products) {
      const candidates = kind === 'brand' ? (p.brand ? [p.brand] : []) : p.categories;
      for (const c of candidates) {
        if (!seen.has(c.id) && (namesWhatWasTyped(c.name, typed) || namesWhatWasTyped(c.name, typedWithCompletion))) seen.set(c.id, c.name);
      }
    }
    return [...seen].slice(0, NAME_SUGGESTIONS).map(([id, text]) => ({ text, kind, id }));
  };
  out.push(...names('category'), ...names('brand'));
  out.push(...products.map((p) => ({ text: p.text_a, kind: 'product' as const, id: p.id })));
  return out.slice(0, limit);
}
