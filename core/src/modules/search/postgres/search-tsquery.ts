import { sql, type RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from '../../../kernel/db/sql.ts';
import { activeGeneration } from './search-generations.ts';
import type { SearchTerm } from '../search-text.ts';

/**
 * tsqueries are built only with `plainto_tsquery` and `phraseto_tsquery`, which read their text
 * like a document and never as query syntax, from the words `parseSearchText` kept. The prefix of
 * the last word is added to the parsed query's own text form, whose lexemes PostgreSQL quoted.
 */
function termQuery(language: string, term: SearchTerm, prefix: boolean): RawBuilder<unknown> {
  const config = sql`${language}::regconfig`;
  if (term.kind === 'phrase') return sql`phraseto_tsquery(${config}, unaccent(${term.words.join(' ')}))`;
  const plain = sql`plainto_tsquery(${config}, unaccent(${term.text}))`;
  return prefix ? sql`regexp_replace(${plain}::text, '''(?:[^'']|'''')*''', '\\&:*', 'g')::tsquery` : plain;
}

/** One tsquery per term; only the last term, when it is a word, matches as a prefix. */
export function termQueries(language: string, terms: readonly SearchTerm[]): RawBuilder<unknown>[] {
  return terms.map((term, index) => termQuery(language, term, index === terms.length - 1));
}

/** Every term must match: the terms' queries and-ed (a term of stop words only drops out). */
export function textQuery(language: string, terms: readonly SearchTerm[]): RawBuilder<unknown> {
  return sql`(${sql.join(termQueries(language, terms), sql` && `)})`;
}

/**
 * For each term, whether some document of the active generation matches it on its own. A term
 * PostgreSQL reads as stop words only counts as found: it drops out of the query anyway.
 */
export async function termsFound(em: EntityManager, language: string, terms: readonly SearchTerm[]): Promise<boolean[]> {
  // `(select …)`: computed once, so the GIN index can look it up
  const checks = termQueries(language, terms).map(
    (query) => sql`(numnode((select ${query})) = 0 or exists (select 1 from cw_search_document d where d.generation = ${activeGeneration} and d.tsv @@ (select ${query})))`,
  );
  const [row] = await rows<{ found: boolean[] }>(em, sql`select array[${sql.join(checks)}] as found`);
  return row!.found;
}
