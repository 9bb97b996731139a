import { defineRoute, reply } from '../../kernel/http/route.ts';
import { searchQueryStats } from './analytics/search-analytics.ts';
import { SearchErrors } from './search.errors.ts';
import { SearchQueriesQuery, SearchQueriesResult, SearchStatus } from './search.schemas.ts';
import { REINDEX_JOB, reindexState, requestReindex } from './sync/reindex.ts';
import type { Cradle } from '../../kernel/container.ts';

/** Search is store configuration; staff who manage products may see how the index stands. */
const STATUS_ACCESS = { permission: ['settings:write', 'products:read'] } as const;
const REINDEX_ACCESS = { permission: 'settings:write' } as const;
// the permission catalogue has no analytics permission yet: what shoppers search for is a settings matter until it does
const ANALYTICS_ACCESS = { permission: 'settings:write' } as const;

async function searchStatus(cradle: Cradle) {
  const provider = await cradle.searchProviders.active();
  const lastReindex = await reindexState(cradle.em);
  const { running: _running, ...shown } = lastReindex;
  try {
    const all = await provider.query({ filters: {}, currency: cradle.catalogPricing.defaultCurrency, sort: 'newest', facets: [], limit: 1, offset: 0 });
    return { provider: { id: provider.id, name: provider.name }, documents: all.total, lastReindex: shown };
  } catch (error) {
    return { provider: { id: provider.id, name: provider.name }, documents: null, providerError: error instanceof Error ? error.message : String(error), lastReindex: shown };
  }
}

/** `/admin/search`: the index's status, reindexing, and what shoppers search for. */
export const adminSearchRoutes = [
  defineRoute({
    method: 'GET',
    path: '/status',
    summary: 'The search provider, how many documents it holds, and the last reindex',
    description: 'Needs `settings:write` or `products:read`.',
    tags: ['search'],
    access: STATUS_ACCESS,
    schema: { response: { 200: SearchStatus } },
    handler: ({ cradle }) => searchStatus(cradle),
  }),
  defineRoute({
    method: 'POST',
    path: '/reindex',
    summary: 'Rebuild the whole index in the background',
    description:
      'Queues the `search.reindex` job and answers 202 with the status; search keeps answering from the current index until the new one ' +
      'is complete. 409 `SEARCH_REINDEX_RUNNING` while one runs. Needs `settings:write`.',
    tags: ['search'],
    access: REINDEX_ACCESS,
    schema: { response: { 202: SearchStatus } },
    handler: async ({ cradle }) => {
      if (!(await requestReindex(cradle.em))) {
        const { startedAt } = await reindexState(cradle.em);
        throw SearchErrors.SEARCH_REINDEX_RUNNING(`A reindex started at ${startedAt} is still running; its outcome shows in GET /admin/search/status`);
      }
      await cradle.jobs.now(REINDEX_JOB, {});
      return reply(202, await searchStatus(cradle));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/queries',
    summary: 'What shoppers search for: the top queries, or those that found nothing',
    description:
      '`kind=top` (default): the most searched queries of the last `days` (default 30) with their average result count; `kind=zero`: ' +
      'the most searched queries that found nothing, with when they were last searched. Queries are normalised (trimmed, lower-cased, ' +
      'spaces collapsed). Needs `settings:write`.',
    tags: ['search'],
    access: ANALYTICS_ACCESS,
    schema: { query: SearchQueriesQuery, response: { 200: SearchQueriesResult } },
    handler: async ({ query, cradle }) => ({
      items: await searchQueryStats(cradle.em, { kind: query.kind ?? 'top', days: query.days ?? 30, limit: query.limit ?? 20 }),
    }),
  }),
];
