import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { run } from '../../../kernel/db/sql.ts';
import type { SearchAttribute, SearchDocument } from '../search-provider.ts';
import { foldText, wordsOf } from '../search-text.ts';

/** Separates an attribute's code from its value in `attribute_values` (a code never holds it). */
export const ATTRIBUTE_SEPARATOR = '\u001f';

/** `code␟value` as filters and the index spell it. */
export const attributeKey = (code: string, value: string) => `${code}${ATTRIBUTE_SEPARATOR}${value}`;

/** The lexicon keeps words typo tolerance can correct to and suggestions complete: with a letter, 3 to 40 characters. */
const LEXICON_WORD = /^(?=.*\p{L}).{3,40}$/u;

/** Rows go to PostgreSQL as one JSON parameter per statement; this many documents each. */
export const WRITE_CHUNK = 500;

/** One `cw_search_document` row, before PostgreSQL builds its tsvector from the four weighted texts. */
interface DocumentRow {
  id: string;
  title: string;
  sort_title: string;
  text_a: string;
  text_b: string;
  text_c: string;
  text_d: string;
  skus: string[];
  brand_id: string | null;
  brand_name: string | null;
  category_ids: string[];
  categories: Array<{ id: string; name: string }>;
  tag_ids: string[];
  attribute_values: string[];
  attribute_numbers: Record<string, number>;
  facet_attributes: Array<{ code: string; name: string; type: SearchAttribute['type']; value: string | number; unit: string | null }>;
  prices: Record<string, { min: number; max: number }>;
  in_stock: boolean;
  featured: boolean;
  popularity: number;
  rating: number | null;
  rating_count: number;
  created_at: string;
  words: string[];
}

function attributeText(attribute: SearchAttribute): string {
  return attribute.type === 'text' || attribute.type === 'enum' ? attribute.value : '';
}

/** The rows of these documents, the last one winning when a batch names a product twice. */
export function documentRows(documents: readonly SearchDocument[]): DocumentRow[] {
  return [...new Map(documents.map((d) => [d.id, d] as const)).values()].map(documentRow);
}

function documentRow(document: SearchDocument): DocumentRow {
  const textB = [document.brand?.name ?? '', ...document.categories.map((c) => c.name)].join(' ');
  const textC = [...document.tags.map((t) => t.name), ...document.attributes.map(attributeText)].join(' ');
  const filterable = document.attributes.filter((a) => a.filterable);
  const words = new Set<string>();
  for (const text of [document.title, textB, textC, document.description]) for (const word of wordsOf(text)) if (LEXICON_WORD.test(word)) words.add(word);
  return {
    id: document.id,
    title: document.title,
    sort_title: foldText(document.title),
    text_a: document.title,
    text_b: textB,
    text_c: textC,
    text_d: document.description,
    skus: [...new Set(document.skus.map((s) => s.trim().toLowerCase()).filter(Boolean))],
    brand_id: document.brand?.id ?? null,
    brand_name: document.brand?.name ?? null,
    category_ids: [...new Set(document.categories.flatMap((c) => [...c.path, c.id]))],
    categories: document.categories.map((c) => ({ id: c.id, name: c.name })),
    tag_ids: [...new Set(document.tags.map((t) => t.id))],
    attribute_values: filterable.filter((a) => a.type !== 'number').map((a) => attributeKey(a.code, String(a.value))),
    attribute_numbers: Object.fromEntries(filterable.filter((a) => a.type === 'number').map((a) => [a.code, a.value])),
    facet_attributes: filterable.map((a) => ({
      code: a.code,
      name: a.name,
      type: a.type,
      value: a.type === 'number' ? a.value : String(a.value),
      unit: a.type === 'number' ? a.unit : null,
    })),
    prices: document.prices,
    in_stock: document.inStock,
    featured: document.featured,
    popularity: Math.max(0, document.popularity),
    rating: document.rating,
    rating_count: document.ratingCount,
    created_at: document.createdAt,
    words: [...words].sort(),
  };
}

/** The rows of a JSON parameter, typed, with the weighted tsvector built in the store's text search configuration. */
function rowsSelect(generation: number, language: string, rows: readonly DocumentRow[]) {
  const config = sql`${language}::regconfig`;
  return sql`select ${generation}::bigint as generation, r.id, r.title, r.sort_title,
      setweight(to_tsvector(${config}, unaccent(r.text_a)), 'A') || setweight(to_tsvector(${config}, unaccent(r.text_b)), 'B')
        || setweight(to_tsvector(${config}, unaccent(r.text_c)), 'C') || setweight(to_tsvector(${config}, unaccent(r.text_d)), 'D') as tsv,
      r.skus, r.brand_id, r.brand_name, r.category_ids, r.categories, r.tag_ids, r.attribute_values, r.attribute_numbers,
      r.facet_attributes, r.prices, r.in_stock, r.featured, r.popularity, r.rating, r.rating_count, r.created_at, r.words
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, title text, sort_title text, text_a text, text_b text,
      text_c text, text_d text, skus text[], brand_id text, brand_name text, category_ids text[], categories jsonb, tag_ids text[],
      attribute_values text[], attribute_numbers jsonb, facet_attributes jsonb, prices jsonb, in_stock boolean, featured boolean,
      popularity float8, rating float8, rating_count integer, created_at timestamptz, words text[])`;
}

const COLUMNS = sql`generation, id, title, sort_title, tsv, skus, brand_id, brand_name, category_ids, categories, tag_ids,
  attribute_values, attribute_numbers, facet_attributes, prices, in_stock, featured, popularity, rating, rating_count, created_at, words`;

/** Counts the words of the rows a statement wrote into the generation's lexicon. */
const countWords = (generation: number, written: string) =>
  sql`insert into cw_search_lexicon (generation, word, documents)
    select ${generation}::bigint, w, count(*)::int from ${sql.ref(written)}, unnest(${sql.ref(written)}.words) w group by w
    on conflict (generation, word) do update set documents = cw_search_lexicon.documents + excluded.documents`;

/** Deletes these products from one generation and takes their words out of its lexicon. */
export async function deleteDocuments(tx: EntityManager, generation: number, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await run(
    tx,
    sql`with removed as (delete from cw_search_document where generation = ${generation} and id = any(${[...ids]}::text[]) returning words),
      counts as (select w, count(*)::int as n from removed, unnest(removed.words) w group by w)
      update cw_search_lexicon l set documents = greatest(l.documents - counts.n, 0) from counts
      where l.generation = ${generation} and l.word = counts.w`,
  );
}

/** Adds or replaces these documents in one generation. */
export async function writeDocuments(tx: EntityManager, generation: number, language: string, documents: readonly SearchDocument[]): Promise<void> {
  const rows = documentRows(documents);
  await deleteDocuments(tx, generation, rows.map((r) => r.id));
  await run(
    tx,
    sql`with written as (insert into cw_search_document (${COLUMNS}) ${rowsSelect(generation, language, rows)} returning words)
      ${countWords(generation, 'written')}`,
  );
}

/**
 * Adds the documents of a reindex batch to the generation being built, except products that
 * `index()` or `remove()` already wrote there during the reindex: those calls are newer than
 * whatever the batch read.
 */
export async function fillDocuments(tx: EntityManager, generation: number, language: string, documents: readonly SearchDocument[]): Promise<void> {
  const rows = documentRows(documents);
  await run(
    tx,
    sql`with written as (
        insert into cw_search_document (${COLUMNS})
        select * from (${rowsSelect(generation, language, rows)}) r
        where not exists (select 1 from cw_search_tombstone t where t.generation = r.generation and t.id = r.id)
        on conflict (generation, id) do nothing
        returning words)
      ${countWords(generation, 'written')}`,
  );
}

/** Splits a list into chunks of `size`. */
export function chunks<T>(items: readonly T[], size = WRITE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
