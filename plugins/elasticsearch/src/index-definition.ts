import type { estypes } from '@elastic/elasticsearch';
import type { LanguageAnalysis } from './language.ts';

/**
 * The text fields by weight, as PostgreSQL's `setweight` A to D: title; brand and categories;
 * tags and attribute values; description. A term scores the weight of the best field it is in.
 */
export const TEXT_FIELDS = [
  { field: 'text_a', weight: 1 },
  { field: 'text_b', weight: 0.4 },
  { field: 'text_c', weight: 0.2 },
  { field: 'text_d', weight: 0.1 },
] as const;

/** Bumped when the mapping changes in a way that needs a reindex; kept in the index's `_meta`. */
export const MAPPING_VERSION = 1;

/** Edge n-grams index every prefix of a word up to this length ("des" finds "desk"). */
const MAX_PREFIX_LENGTH = 20;

const weightedText: estypes.MappingProperty = {
  type: 'text',
  analyzer: 'cw_text',
  fields: { prefix: { type: 'text', analyzer: 'cw_prefix', search_analyzer: 'cw_plain' } },
};

const keyword: estypes.MappingProperty = { type: 'keyword' };

/** Settings and mappings of a concrete products index for the store's language. */
export function indexDefinition(analysis: LanguageAnalysis): { settings: estypes.IndicesIndexSettings; mappings: estypes.MappingTypeMapping } {
  const filter: Record<string, estypes.AnalysisTokenFilter> = {
    cw_prefix_grams: { type: 'edge_ngram', min_gram: 1, max_gram: MAX_PREFIX_LENGTH },
  };
  const textFilters = ['lowercase', 'asciifolding'];
  if (analysis.stopwords) {
    filter.cw_stop = { type: 'stop', stopwords: analysis.stopwords as estypes.AnalysisStopWords };
    textFilters.push('cw_stop');
  }
  if (analysis.stemmer) {
    filter.cw_stemmer = { ...analysis.stemmer } as estypes.AnalysisTokenFilter;
    textFilters.push('cw_stemmer');
  }
  return {
    settings: {
      // one shard: a catalog fits, and term statistics and the suggester then see every document
      number_of_shards: 1,
      analysis: {
        filter,
        analyzer: {
          cw_text: { type: 'custom', tokenizer: 'standard', filter: textFilters },
          cw_plain: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
          cw_prefix: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding', 'cw_prefix_grams'] },
        },
        normalizer: { cw_folded: { type: 'custom', filter: ['lowercase', 'asciifolding'] } },
      },
    },
    mappings: {
      dynamic: 'strict',
      _meta: { language: analysis.language, mappingVersion: MAPPING_VERSION },
      properties: {
        id: keyword,
        slug: { type: 'keyword', index: false },
        text_a: weightedText,
        text_b: weightedText,
        text_c: weightedText,
        text_d: weightedText,
        // the distinct words of the texts, unstemmed: typo corrections and completions come from them
        words: { type: 'keyword' },
        sort_title: { type: 'keyword', normalizer: 'cw_folded' },
        skus: keyword,
        brand: {
          properties: {
            id: keyword,
            name: { type: 'text', analyzer: 'cw_plain', fields: { prefix: { type: 'text', analyzer: 'cw_prefix', search_analyzer: 'cw_plain' }, raw: keyword } },
          },
        },
        categories: {
          type: 'nested',
          properties: {
            id: keyword,
            name: { type: 'text', analyzer: 'cw_plain', fields: { prefix: { type: 'text', analyzer: 'cw_prefix', search_analyzer: 'cw_plain' }, raw: keyword } },
          },
        },
        // every id on every category path: a filter on an ancestor matches
        category_ids: keyword,
        tag_ids: keyword,
        // filterable attributes only: the ones filters and facets read
        attributes: {
          type: 'nested',
          properties: {
            code: keyword,
            name: { type: 'keyword', index: false },
            type: keyword,
            unit: { type: 'keyword', index: false },
            value: keyword,
            number: { type: 'double' },
          },
        },
        prices: { type: 'object', dynamic: true },
        in_stock: { type: 'boolean' },
        featured: { type: 'boolean' },
        popularity: { type: 'double' },
        rating: { type: 'double' },
        rating_count: { type: 'integer' },
        created_at: { type: 'date' },
        // a product removed while a reindex fills the new index: keeps an older batch from bringing it back
        tombstone: { type: 'boolean' },
      },
      dynamic_templates: [{ prices: { path_match: 'prices.*.*', mapping: { type: 'long' } } }],
    },
  };
}
