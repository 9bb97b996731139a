import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, run } from '../../../kernel/db/sql.ts';
import { newId } from '../../../kernel/ids.ts';
import type { Logger } from '../../../kernel/logger.ts';

export const ANALYTICS_PRUNE_JOB = 'search.analytics-prune';

/** How a query is counted: "  Desk   LAMP " and "desk lamp" are the same search. */
export function normaliseQuery(q: string): string {
  return q.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
}

export interface SearchRecord {
  /** What the shopper typed, as they typed it (normalised here). */
  q: string;
  resultCount: number;
  /** The filter parameters of the request, as given (`category`, `brand`, `attr.color`…). */
  filters: Record<string, unknown>;
}

/**
 * Records one search: what was searched, how many results, which filters; never who searched or
 * from where. One insert, after the answer is computed; a failure is logged and swallowed, since
 * analytics must never cost a shopper a search.
 */
export async function recordSearch(em: EntityManager, logger: Logger, record: SearchRecord): Promise<void> {
  const query = normaliseQuery(record.q);
  if (!query) return;
  try {
    await run(
      em,
      sql`insert into cw_search_query (id, query, result_count, filters, created_at)
        values (${newId('srq')}, ${query.slice(0, 200)}, ${record.resultCount}, ${JSON.stringify(record.filters)}::jsonb, now())`,
    );
  } catch (error) {
    logger.warn({ err: error }, 'could not record a search for the analytics');
  }
}

export interface QueryStat {
  query: string;
  /** Searches for it in the window. */
  count: number;
  /** The average result count of those searches (0 for zero-result queries). */
  averageResults: number;
  lastSearchedAt: string;
}

/**
 * The most searched queries (`top`), or the most searched queries that found nothing (`zero`),
 * over the last `days` days: most searches first, then the most recent, then alphabetical.
 */
export async function searchQueryStats(em: EntityManager, options: { kind: 'top' | 'zero'; days: number; limit: number }): Promise<QueryStat[]> {
  const found = await rows<{ query: string; count: string | number; average: string | number; last: string }>(
    em,
    sql`select query, count(*) as count, avg(result_count) as average,
        to_char(max(created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last
      from cw_search_query
      where created_at >= now() - make_interval(days => ${options.days}::int) ${options.kind === 'zero' ? sql`and zero_results` : sql``}
      group by query order by count(*) desc, max(created_at) desc, query limit ${options.limit}`,
  );
  return found.map((r) => ({
    query: r.query,
    count: Number(r.count),
    averageResults: Math.round(Number(r.average) * 100) / 100,
    lastSearchedAt: r.last,
  }));
}

/** Deletes searches older than `retentionDays`; answers how many went. */
export async function pruneSearchQueries(em: EntityManager, retentionDays: number): Promise<number> {
  return run(em, sql`delete from cw_search_query where created_at < now() - make_interval(days => ${retentionDays}::int)`);
}
