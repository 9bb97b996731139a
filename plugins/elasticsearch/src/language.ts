/**
 * The store's language (a PostgreSQL text search configuration name) as Elasticsearch token
 * filters. PostgreSQL's configurations stem with Snowball and drop their language's stop words, so
 * the same Snowball stemmer and Elasticsearch's stop list of the language stem words the way the
 * PostgreSQL provider does: the two providers find the same products for the same words.
 */
export interface LanguageAnalysis {
  /** The configuration name as given (`english`). */
  language: string;
  /** The stemming token filter, null for `simple` (no stemming). */
  stemmer: { type: 'snowball'; language: string } | { type: 'stemmer'; language: string } | null;
  /** Elasticsearch's predefined stop list (`_english_`), null when the language has none. */
  stopwords: string | null;
}

const SNOWBALL: Record<string, string> = {
  arabic: 'Arabic',
  armenian: 'Armenian',
  basque: 'Basque',
  catalan: 'Catalan',
  danish: 'Danish',
  dutch: 'Dutch',
  english: 'English',
  estonian: 'Estonian',
  finnish: 'Finnish',
  french: 'French',
  german: 'German',
  hungarian: 'Hungarian',
  irish: 'Irish',
  italian: 'Italian',
  lithuanian: 'Lithuanian',
  norwegian: 'Norwegian',
  portuguese: 'Portuguese',
  romanian: 'Romanian',
  russian: 'Russian',
  spanish: 'Spanish',
  swedish: 'Swedish',
  turkish: 'Turkish',
};

/** Languages PostgreSQL stems with Snowball that Elasticsearch has only as `stemmer` languages. */
const STEMMER = new Set(['greek', 'hindi', 'indonesian', 'serbian']);

/** Elasticsearch has no stop list named after these. */
const WITHOUT_STOPWORDS = new Set(['serbian']);

/** The language names `languageAnalysis` accepts. */
export const SUPPORTED_LANGUAGES: readonly string[] = ['simple', ...Object.keys(SNOWBALL), ...STEMMER].sort();

/** How to analyse text in `language`; throws naming the supported ones for a language Elasticsearch cannot stem like PostgreSQL. */
export function languageAnalysis(language: string): LanguageAnalysis {
  if (language === 'simple') return { language, stemmer: null, stopwords: null };
  const stopwords = WITHOUT_STOPWORDS.has(language) ? null : `_${language}_`;
  const snowball = SNOWBALL[language];
  if (snowball) return { language, stemmer: { type: 'snowball', language: snowball }, stopwords };
  if (STEMMER.has(language)) return { language, stemmer: { type: 'stemmer', language }, stopwords };
  throw new Error(`The Elasticsearch search plugin cannot stem the language "${language}" (search.language or its language option): use one of ${SUPPORTED_LANGUAGES.join(', ')}`);
}
