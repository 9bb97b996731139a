import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { AppError } from '../../kernel/errors.ts';
import { slugify, uniqueSlug } from '../../kernel/slug.ts';

import { likeContaining, likePrefix } from '../../kernel/db/sql.ts';

export { likeContaining, likePrefix };

export function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Tables whose rows carry a unique `slug`: the only names `resolveSlug` puts into SQL. */
export type SlugTable = 'cw_category' | 'cw_brand' | 'cw_tag' | 'cw_collection';

export interface SlugRequest {
  table: SlugTable;
  /** A slug the admin typed (already checked against SLUG_PATTERN by the request schema): used as is, or refused when taken. */
  given?: string | undefined;
  /** The name or title a slug is generated from when none is given. */
  source: string;
  /** The column width. */
  maxLength: number;
  /** The row being changed, whose own slug does not count as taken. */
  excludeId?: string;
  taken: (slug: string) => AppError;
}

/**
 * The slug a row gets: the one given, refused with `taken` when another row has it; or one
 * generated from `source` with `slugify`, suffixed `-2`, `-3`… past the ones in use (read in one query).
 */
export async function resolveSlug(em: EntityManager, request: SlugRequest): Promise<string> {
  const exclude = request.excludeId ?? '';
  if (request.given !== undefined) {
    const rows = await em.execute(`select 1 from ${request.table} where slug = ? and id <> ? limit 1`, [request.given, exclude]);
    if (rows.length) throw request.taken(request.given);
    return request.given;
  }
  // room for a `-NNN` suffix within the column
  const base = slugify(request.source).slice(0, request.maxLength - 8).replace(/-+$/, '') || 'item';
  const rows = await em.execute<Array<{ slug: string }>>(`select slug from ${request.table} where (slug = ? or slug like ?) and id <> ?`, [
    base,
    likePrefix(`${base}-`),
    exclude,
  ]);
  const used = new Set(rows.map((r) => r.slug));
  return uniqueSlug(base, async (candidate) => used.has(candidate));
}

/** Runs a write, turning a unique-constraint violation (a slug or code taken by a concurrent request) into `conflict`. */
export async function uniqueOr<T>(write: Promise<T>, conflict: () => AppError): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw conflict();
    throw error;
  }
}

/** The rows' ids that `ids` names but `found` lacks, in request order. */
export function missingIds(ids: readonly string[], found: Iterable<string>): string[] {
  const present = new Set(found);
  return [...new Set(ids)].filter((id) => !present.has(id));
}

export const toIso = (date: Date | string): string => new Date(date).toISOString();
