import { defineErrorCodes } from '../../kernel/errors.ts';

/** Search: `/store/search`, `/store/search/suggest` and `/admin/search/*`. */
export const SearchErrors = defineErrorCodes({
  SEARCH_UNAVAILABLE: { status: 503, title: 'Search cannot answer right now' },
  SEARCH_FILTER_NOT_FOUND: { status: 422, title: 'A search filter names a category, brand, tag or attribute that does not exist' },
  SEARCH_REINDEX_RUNNING: { status: 409, title: 'A reindex is already running' },
});
