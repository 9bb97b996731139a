import type { Client, estypes } from '@elastic/elasticsearch';
import { ElasticsearchErrors } from './errors.ts';
import type { ProductSource } from './search-source.ts';

/** One bulk operation: a product written or tombstoned in an index, or deleted from it. */
export type BulkWrite =
  | { op: 'index' | 'create'; index: string; id: string; source: ProductSource | { id: string; tombstone: true } }
  | { op: 'delete'; index: string; id: string };

export interface BulkOptions {
  /** `wait_for`: the writes are searchable when the call resolves. */
  refresh: boolean;
  retries: number;
}

export interface BulkOutcome {
  written: number;
  /** `create`s refused because the product is already there: a newer write won during a reindex. */
  kept: number;
}

/** A document refused for good; the message of the error names a few. */
interface Refusal {
  id: string;
  status: number;
  reason: string;
}

/** Refusals that are outcomes, not failures: deleting what is not there, creating what a newer write put there. */
const expected = (write: BulkWrite, status: number) => (write.op === 'delete' && status === 404) || (write.op === 'create' && status === 409);

/**
 * Sends the writes with the client's bulk helper (batched, 429s retried). Documents Elasticsearch
 * refuses are reported, never swallowed: the call rejects with `ELASTICSEARCH_DOCUMENTS_REJECTED`
 * naming them, after the rest were written.
 */
export async function bulkWrite(client: Client, writes: readonly BulkWrite[], options: BulkOptions): Promise<BulkOutcome> {
  if (!writes.length) return { written: 0, kept: 0 };
  const refused: Refusal[] = [];
  let kept = 0;
  const stats = await client.helpers.bulk<BulkWrite>({
    datasource: [...writes],
    onDocument: (write) => {
      if (write.op === 'delete') return { delete: { _index: write.index, _id: write.id } };
      return [{ [write.op]: { _index: write.index, _id: write.id } } as { index: estypes.BulkIndexOperation }, write.source];
    },
    onDrop: (dropped) => {
      const action = dropped.operation as unknown as Record<string, { _index?: string; _id?: string }>;
      const [op] = Object.keys(action) as Array<BulkWrite['op']>;
      const id = action[op!]?._id ?? '?';
      if (expected({ op: op!, index: '', id } as BulkWrite, dropped.status)) {
        if (op === 'create') kept += 1;
        return;
      }
      // the helper drops a document still answered 429 once its retries are spent without the error
      const reason = dropped.error?.reason ?? dropped.error?.type ?? (dropped.status === 429 ? 'too many requests after every retry' : 'refused');
      refused.push({ id, status: dropped.status, reason });
    },
    retries: options.retries,
    wait: 1_000,
    ...(options.refresh ? { refresh: 'wait_for' as const } : {}),
  });
  if (refused.length) {
    const named = refused.slice(0, 5).map((r) => `${r.id} (${r.status} ${r.reason})`).join('; ');
    throw ElasticsearchErrors.ELASTICSEARCH_DOCUMENTS_REJECTED(`Elasticsearch refused ${refused.length} of ${writes.length} search document writes: ${named}${refused.length > 5 ? '; …' : ''}`);
  }
  return { written: stats.successful, kept };
}
