import { type SearchAttribute, type SearchDocument, foldText, wordsOf } from '@cartwright/core';

/** A product as the index holds it (see index-definition.ts for the mapping of each field). */
export interface ProductSource {
  id: string;
  slug: string;
  text_a: string;
  text_b: string[];
  text_c: string[];
  text_d: string;
  words: string[];
  sort_title: string;
  skus: string[];
  brand: { id: string; name: string } | null;
  categories: Array<{ id: string; name: string }>;
  category_ids: string[];
  tag_ids: string[];
  attributes: Array<{ code: string; name: string; type: SearchAttribute['type']; unit: string | null; value: string | null; number: number | null }>;
  prices: Record<string, { min: number; max: number }>;
  in_stock: boolean;
  featured: boolean;
  popularity: number;
  rating: number | null;
  rating_count: number;
  created_at: string;
}

/** Words typo tolerance corrects to and completions offer, as the PostgreSQL provider's lexicon keeps them: with a letter, 3 to 40 characters. */
const KEPT_WORD = /^(?=.*\p{L}).{3,40}$/u;

function attributeText(attribute: SearchAttribute): string[] {
  return attribute.type === 'text' || attribute.type === 'enum' ? [attribute.value] : [];
}

/** The documents as index sources, the last one winning when a batch names a product twice. */
export function productSources(documents: readonly SearchDocument[]): ProductSource[] {
  return [...new Map(documents.map((d) => [d.id, d] as const)).values()].map(productSource);
}

export function productSource(document: SearchDocument): ProductSource {
  const textB = [...(document.brand ? [document.brand.name] : []), ...document.categories.map((c) => c.name)];
  const textC = [...document.tags.map((t) => t.name), ...document.attributes.flatMap(attributeText)];
  const words = new Set<string>();
  for (const text of [document.title, ...textB, ...textC, document.description]) for (const word of wordsOf(text)) if (KEPT_WORD.test(word)) words.add(word);
  return {
    id: document.id,
    slug: document.slug,
    text_a: document.title,
    text_b: textB,
    text_c: textC,
    text_d: document.description,
    words: [...words].sort(),
    sort_title: foldText(document.title),
    skus: [...new Set(document.skus.map((s) => s.trim().toLowerCase()).filter(Boolean))],
    brand: document.brand ? { id: document.brand.id, name: document.brand.name } : null,
    categories: document.categories.map((c) => ({ id: c.id, name: c.name })),
    category_ids: [...new Set(document.categories.flatMap((c) => [...c.path, c.id]))],
    tag_ids: [...new Set(document.tags.map((t) => t.id))],
    attributes: document.attributes
      .filter((a) => a.filterable)
      .map((a) => ({
        code: a.code,
        name: a.name,
        type: a.type,
        unit: a.type === 'number' ? a.unit : null,
        value: a.type === 'number' ? null : String(a.value),
        number: a.type === 'number' ? a.value : null,
      })),
    prices: document.prices,
    in_stock: document.inStock,
    featured: document.featured,
    popularity: Math.max(0, document.popularity),
    rating: document.rating,
    rating_count: document.ratingCount,
    created_at: document.createdAt,
  };
}
