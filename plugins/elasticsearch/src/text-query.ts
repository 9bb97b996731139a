import type { estypes } from '@elastic/elasticsearch';
import { TEXT_FIELDS } from './index-definition.ts';
import type { SearchTerm } from '@cartwright/core';

type Query = estypes.QueryDslQueryContainer;

/** A SKU typed in full outranks any text match, as in the PostgreSQL provider. */
export const SKU_MATCH_SCORE = 1;

/** Products a reindex tombstoned (they only live in an index being built): no search sees them. */
export const TOMBSTONED: Query[] = [{ term: { tombstone: true } }];
export const LIVE_ONLY: Query = { bool: { must_not: TOMBSTONED } };

/**
 * One term: a word matches its stem in any text field, a phrase its words adjacent and in order;
 * the last term, when a word, also matches as a prefix of a word. The term scores the weight of the
 * best field it matches in (A 1, B 0.4, C 0.2, D 0.1), like `ts_rank`'s default weights, and a term
 * of stop words only matches everything (it drops out, as in PostgreSQL).
 */
export function termQuery(term: SearchTerm, asPrefix: boolean): Query {
  const queries: Query[] = TEXT_FIELDS.flatMap(({ field, weight }) => {
    const match: Query =
      term.kind === 'phrase'
        ? { match_phrase: { [field]: { query: term.words.join(' '), zero_terms_query: 'all' } } }
        : { match: { [field]: { query: term.text, zero_terms_query: 'all' } } };
    const scored: Query[] = [{ constant_score: { filter: match, boost: weight } }];
    if (asPrefix && term.kind === 'word') scored.push({ constant_score: { filter: { match: { [`${field}.prefix`]: { query: term.text } } }, boost: weight } });
    return scored;
  });
  return { dis_max: { queries } };
}

/** One query per term; only the last term, when it is a word, matches as a prefix. */
export function termQueries(terms: readonly SearchTerm[]): Query[] {
  return terms.map((term, index) => termQuery(term, index === terms.length - 1));
}

/** What `q` matches: every term, or the whole input as a SKU; everything without either. */
export function textQuery(terms: readonly SearchTerm[], sku: string): Query {
  const text: Query | null = terms.length ? { bool: { must: termQueries(terms) } } : null;
  const skuMatch: Query | null = sku ? { constant_score: { filter: { term: { skus: sku } }, boost: SKU_MATCH_SCORE } } : null;
  if (text && skuMatch) return { bool: { should: [text, skuMatch], minimum_should_match: 1 } };
  return text ?? skuMatch ?? { match_all: {} };
}
