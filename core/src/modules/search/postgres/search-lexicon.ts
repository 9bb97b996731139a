import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { likePrefix, rows } from '../../../kernel/db/sql.ts';
import { activeGeneration } from './search-generations.ts';

/**
 * Typo tolerance. Candidates for a word found nowhere are the lexicon words trigram-similar to it
 * (pg_trgm's `%`, through the GIN index) and those one edit away (generated here and looked up by
 * key: trigrams miss swapped letters in short words, `lmap` shares one trigram with `lamp`). The
 * closest by edit distance wins, then by trigram similarity, then the word in more documents.
 */
const TRIGRAM_CANDIDATES = 20;
/** Words shorter than this are never corrected: too many words are one edit away from them. */
export const MIN_CORRECTED_LENGTH = 3;

/** Edits a correction may make: 1 up to 4 characters, 2 beyond. */
export const maxEdits = (word: string) => (word.length <= 4 ? 1 : 2);

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Every string one deletion, transposition, substitution or insertion away from `word`. */
export function oneEditAway(word: string): string[] {
  const letters = [...new Set([...ALPHABET, ...word])];
  const out = new Set<string>();
  const chars = [...word];
  for (let i = 0; i <= chars.length; i++) {
    const head = chars.slice(0, i).join('');
    const tail = chars.slice(i).join('');
    if (i < chars.length) out.add(head + chars.slice(i + 1).join(''));
    if (i < chars.length - 1) out.add(head + chars[i + 1] + chars[i] + chars.slice(i + 2).join(''));
    for (const letter of letters) {
      if (i < chars.length) out.add(head + letter + chars.slice(i + 1).join(''));
      out.add(head + letter + tail);
    }
  }
  out.delete(word);
  return [...out];
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[x.length]![y.length]!;
}

interface Candidate {
  query: string;
  word: string;
  documents: number;
  similarity: number;
}

/** The closest lexicon word for each of `words` that has one close enough; words without one are left out. */
export async function corrections(em: EntityManager, words: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(words)].filter((w) => [...w].length >= MIN_CORRECTED_LENGTH);
  if (!wanted.length) return new Map();
  const input = JSON.stringify(wanted.map((word) => ({ word, variants: oneEditAway(word) })));
  const candidates = await rows<Candidate>(
    em,
    sql`with q as (select word, variants from jsonb_to_recordset(${input}::jsonb) as r(word text, variants text[])),
        generation as (select ${activeGeneration} as g)
      select q.word as query, c.word, c.documents, similarity(c.word, q.word) as similarity
      from q cross join lateral (
        (select l.word, l.documents from cw_search_lexicon l
          where l.generation = (select g from generation) and l.documents > 0 and l.word % q.word
          order by similarity(l.word, q.word) desc, l.word limit ${TRIGRAM_CANDIDATES})
        union
        (select l.word, l.documents from cw_search_lexicon l
          where l.generation = (select g from generation) and l.documents > 0 and l.word = any(q.variants))
      ) c`,
  );
  const best = new Map<string, { word: string; distance: number; similarity: number; documents: number }>();
  for (const c of candidates) {
    const distance = editDistance(c.query, c.word);
    if (distance === 0 || distance > maxEdits(c.query)) continue;
    const current = best.get(c.query);
    const better =
      !current ||
      distance < current.distance ||
      (distance === current.distance &&
        (c.similarity > current.similarity ||
          (c.similarity === current.similarity && (c.documents > current.documents || (c.documents === current.documents && c.word < current.word)))));
    if (better) best.set(c.query, { word: c.word, distance, similarity: Number(c.similarity), documents: Number(c.documents) });
  }
  return new Map([...best].map(([query, b]) => [query, b.word]));
}

/** Lexicon words starting with `prefix`, in the most documents first. */
export async function completions(em: EntityManager, prefix: string, limit: number): Promise<string[]> {
  const found = await rows<{ word: string }>(
    em,
    sql`select word from cw_search_lexicon
      where generation = ${activeGeneration} and documents > 0 and word like ${likePrefix(prefix)}
      order by documents desc, word limit ${limit}`,
  );
  return found.map((r) => r.word);
}
