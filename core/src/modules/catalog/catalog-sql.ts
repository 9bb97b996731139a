import { sql, type RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { amountFromDatabase } from '../money/index.ts';

/**
 * The catalog reads and writes with SQL through the request's EntityManager (so it shares its
 * transaction): its read path must come close to hand-written SQL (see bench/), and its writes
 * are set operations over link tables. Decision 0012 explains why.
 */
export async function rows<T>(em: EntityManager, query: RawBuilder<unknown>): Promise<T[]> {
  return (await query.execute(em.getKysely())).rows as T[];
}

export async function run(em: EntityManager, query: RawBuilder<unknown>): Promise<number> {
  const result = await query.execute(em.getKysely());
  return Number(result.numAffectedRows ?? 0);
}

/** A timestamp column as ISO 8601 text, the same on PostgreSQL and the embedded database. */
export function iso(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.raw(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A nullable bigint/numeric value as a number. */
export function toAmount(value: string | number | null): number | null {
  return value === null ? null : amountFromDatabase(value);
}

export function toNumber(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

/** `jsonb` arrives parsed from node-postgres and as text from some drivers. */
export function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * The name of the unique index a write collided with, or undefined for any other error. Kysely
 * hands over the driver's own error (node-postgres or PGlite), both carrying SQLSTATE 23505.
 */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (code !== '23505') return undefined;
  if (typeof constraint === 'string') return constraint;
  return /unique constraint "([^"]+)"/.exec(String(message))?.[1] ?? 'unknown';
}
