import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, run } from '../../../kernel/db/sql.ts';
import { liveDocumentBatches } from '../documents/search-documents.ts';
import type { ReindexProgress, SearchDocument } from '../search-provider.ts';
import type { SyncDeps } from './index-products.ts';

export const REINDEX_JOB = 'search.reindex';

/**
 * A run that has not reported a batch for this long died with its process: another may take over.
 * A live run reports after every batch of 500, which takes seconds.
 */
const STALE_AFTER = sql`interval '10 minutes'`;

export type ReindexOutcome = 'running' | 'succeeded' | 'failed';

export interface ReindexState {
  requestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  outcome: ReindexOutcome | null;
  indexed: number | null;
  removed: number | null;
  error: string | null;
}

const isoOf = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const runningNow = sql`reindex_outcome = 'running' and reindex_heartbeat_at > now() - ${STALE_AFTER}`;

export async function reindexState(em: EntityManager): Promise<ReindexState & { running: boolean }> {
  const [row] = await rows<{
    requested: string | null;
    started: string | null;
    finished: string | null;
    reindex_outcome: ReindexOutcome | null;
    reindex_indexed: number | null;
    reindex_removed: number | null;
    reindex_error: string | null;
    running: boolean;
  }>(
    em,
    sql`select ${isoOf('reindex_requested_at')} as requested, ${isoOf('reindex_started_at')} as started, ${isoOf('reindex_finished_at')} as finished,
        reindex_outcome, reindex_indexed, reindex_removed, reindex_error, coalesce(${runningNow}, false) as running
      from cw_search_sync_state where id = 'index'`,
  );
  if (!row) throw new Error('cw_search_sync_state has no row "index": migration core/0030-search-analytics did not run completely');
  return {
    requestedAt: row.requested,
    startedAt: row.started,
    finishedAt: row.finished,
    // a run whose process died shows as failed, which is what became of it
    outcome: row.reindex_outcome === 'running' && !row.running ? 'failed' : row.reindex_outcome,
    indexed: row.reindex_indexed,
    removed: row.reindex_removed,
    error: row.reindex_outcome === 'running' && !row.running ? 'the reindex stopped reporting progress (its process ended)' : row.reindex_error,
    running: Boolean(row.running),
  };
}

/** Notes that a reindex was asked for; false when one is running, so the caller can say so. */
export async function requestReindex(em: EntityManager): Promise<boolean> {
  const claimed = await run(em, sql`update cw_search_sync_state set reindex_requested_at = now() where id = 'index' and not coalesce(${runningNow}, false)`);
  return claimed === 1;
}

/** Told after each batch is read, before the provider writes it; the reindex waits for it. */
export type BatchListener = (documentsSoFar: number) => void | Promise<void>;

export type ReindexResult = { started: false; runningSince: string | null } | { started: true; progress: ReindexProgress };

/**
 * Replaces the whole index with every live product's document through `SearchProvider.reindex`
 * (which keeps answering queries from the old content until the new one is complete), recording
 * the run in `cw_search_sync_state`. One run at a time across every process: a second caller gets
 * `started: false`. A failure is recorded and thrown.
 */
export async function runReindex(em: EntityManager, deps: SyncDeps, onBatch?: BatchListener): Promise<ReindexResult> {
  const claimed = await run(
    em,
    sql`update cw_search_sync_state set reindex_started_at = now(), reindex_heartbeat_at = now(), reindex_finished_at = null,
        reindex_outcome = 'running', reindex_error = null, reindex_indexed = null, reindex_removed = null
      where id = 'index' and not coalesce(${runningNow}, false)`,
  );
  if (claimed !== 1) return { started: false, runningSince: (await reindexState(em)).startedAt };
  try {
    const provider = await deps.searchProviders.active();
    const progress = await provider.reindex(reported(liveDocumentBatches(em, deps), em, onBatch));
    await run(
      em,
      sql`update cw_search_sync_state set reindex_finished_at = now(), reindex_outcome = 'succeeded', reindex_indexed = ${progress.indexed},
          reindex_removed = ${progress.removed} where id = 'index'`,
    );
    return { started: true, progress };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    await run(em, sql`update cw_search_sync_state set reindex_finished_at = now(), reindex_outcome = 'failed', reindex_error = ${message} where id = 'index'`);
    throw error;
  }
}

/** Passes the batches through, keeping the run's heartbeat fresh and telling `onBatch` how far it got. */
async function* reported(batches: AsyncIterable<SearchDocument[]>, em: EntityManager, onBatch?: BatchListener): AsyncGenerator<SearchDocument[]> {
  let count = 0;
  for await (const batch of batches) {
    count += batch.length;
    await run(em, sql`update cw_search_sync_state set reindex_heartbeat_at = now() where id = 'index'`);
    await onBatch?.(count);
    yield batch;
  }
}
