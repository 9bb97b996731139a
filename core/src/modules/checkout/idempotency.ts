import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, run } from '../../kernel/db/sql.ts';

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' };

/** A stable hash of what a request asked for: the same JSON in another key order hashes the same. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)]))
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

/**
 * Claims an `Idempotency-Key` inside the caller's transaction. The insert of the key row is what
 * serialises two requests with one key: PostgreSQL makes the second insert wait until the first
 * transaction ends, then it either finds the committed row (replay, or mismatch when the request
 * differs) or, the first having rolled back, claims the key itself. So a key is never half-used.
 */
export async function claimIdempotencyKey(tx: EntityManager, scope: string, key: string, hash: string): Promise<IdempotencyClaim> {
  const claimed = await rows(
    tx,
    sql`insert into cw_idempotency_key (scope, key, request_hash, created_at) values (${scope}, ${key}, ${hash}, ${new Date()})
      on conflict (scope, key) do nothing returning key`,
  );
  if (claimed.length) return { kind: 'new' };
  const [row] = await rows<{ request_hash: string; response_status: number | null; response_body: unknown }>(
    tx,
    sql`select request_hash, response_status, response_body from cw_idempotency_key where scope = ${scope} and key = ${key}`,
  );
  if (!row || row.request_hash !== hash) return { kind: 'mismatch' };
  const body = typeof row.response_body === 'string' ? JSON.parse(row.response_body) : row.response_body;
  return { kind: 'replay', status: Number(row.response_status), body };
}

/** Stores the response a replay answers with. */
export async function recordIdempotentResponse(em: EntityManager, scope: string, key: string, status: number, body: unknown, resourceId?: string): Promise<void> {
  await run(
    em,
    sql`update cw_idempotency_key set response_status = ${status}, response_body = ${JSON.stringify(body)}::jsonb, resource_id = coalesce(${resourceId ?? null}, resource_id)
      where scope = ${scope} and key = ${key}`,
  );
}

/** Forgets keys older than `before` (the store keeps them at least 24 hours). */
export async function purgeIdempotencyKeys(em: EntityManager, before: Date): Promise<number> {
  return run(em, sql`delete from cw_idempotency_key where created_at < ${before}`);
}
