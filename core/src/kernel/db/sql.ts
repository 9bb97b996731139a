import type { RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';

/**
 * Modules that read and write with SQL (catalog, inventory, purchasing; decision 0012) run kysely's
 * `sql` template through the request's EntityManager, so they share its transaction.
 */
export async function rows<T>(em: EntityManager, query: RawBuilder<unknown>): Promise<T[]> {
  return (await query.execute(em.getKysely())).rows as T[];
}

/** Runs a write and answers how many rows it touched. */
export async function run(em: EntityManager, query: RawBuilder<unknown>): Promise<number> {
  const result = await query.execute(em.getKysely());
  return Number(result.numAffectedRows ?? 0);
}

/** The SQLSTATE of a driver error (node-postgres and PGlite both carry `code`). */
export function sqlState(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The name of the unique index a write collided with, or undefined for any other error. Kysely
 * hands over the driver's own error (node-postgres or PGlite), both carrying SQLSTATE 23505.
 */
export function uniqueViolation(error: unknown): string | undefined {
  if (sqlState(error) !== '23505') return undefined;
  const { constraint, message } = error as { constraint?: unknown; message?: unknown };
  if (typeof constraint === 'string') return constraint;
  return /unique constraint "([^"]+)"/.exec(String(message))?.[1] ?? 'unknown';
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A LIKE pattern matching every text that starts with `prefix` (ids hold `_`, a LIKE wildcard). */
export function likePrefix(prefix: string): string {
  return `${escapeLike(prefix)}%`;
}

/** A LIKE pattern matching every text that contains `text` (`%`, `_` and `\` typed by a person are letters). */
export function likeContaining(text: string): string {
  return `%${escapeLike(text)}%`;
}
