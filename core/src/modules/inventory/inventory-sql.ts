import type { RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';

/** Inventory reads and writes with SQL through the request's EntityManager, as the catalog does (decision 0012). */
export async function rows<T>(em: EntityManager, query: RawBuilder<unknown>): Promise<T[]> {
  return (await query.execute(em.getKysely())).rows as T[];
}

/** The SQLSTATE of a driver error (node-postgres and PGlite both carry `code`). */
export function sqlState(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
