/**
 * What a shopper typed, read as words and quoted phrases and nothing else: every character other
 * than a letter, a digit or a double quote is a separator, so no input reaches a provider's
 * query syntax (PostgreSQL's `&`, `|`, `!`, `:*`, `<->`; Elasticsearch's query strings; quotes of SQL)
 * as syntax. Shared by every provider, so they read `q` alike.
 */
export type SearchTerm = { kind: 'word'; text: string } | { kind: 'phrase'; words: string[] };

/** Longest `q` read; the route refuses longer ones, and a provider called directly stops here. */
export const MAX_QUERY_LENGTH = 200;

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower case without diacritics (`Crème` → `creme`); PostgreSQL's `unaccent` is applied again in SQL. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC').toLowerCase();
}

/** The folded words of a text, in order. */
export function wordsOf(text: string): string[] {
  return foldText(text).match(WORD) ?? [];
}

/** Words and `"quoted phrases"`; an unclosed quote is ignored (its words are plain words). */
export function parseSearchText(q: string | undefined): SearchTerm[] {
  const text = (q ?? '').slice(0, MAX_QUERY_LENGTH);
  const parts = text.split('"');
  const closed = parts.length % 2 === 1 ? parts.length : parts.length - 1;
  const terms: SearchTerm[] = [];
  parts.forEach((part, index) => {
    const words = wordsOf(part);
    const quoted = index % 2 === 1 && index < closed;
    if (quoted && words.length > 1) terms.push({ kind: 'phrase', words });
    else for (const word of words) terms.push({ kind: 'word', text: word });
  });
  return terms;
}

/** The terms written back as a query (`desk "floor lamp"`), for `correctedQuery`. */
export function formatSearchText(terms: readonly SearchTerm[]): string {
  return terms.map((t) => (t.kind === 'word' ? t.text : `"${t.words.join(' ')}"`)).join(' ');
}

/** `q` compared with SKUs: the whole input, trimmed, in lower case; SKUs are stored the same way. */
export function skuKey(text: string): string {
  return text.slice(0, MAX_QUERY_LENGTH).trim().toLowerCase();
}
