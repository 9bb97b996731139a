import { sql, type RawBuilder } from 'kysely';
import { amountFromDatabase } from '../money/index.ts';

export { rows, run, uniqueViolation } from '../../kernel/db/sql.ts';

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

