import { ForeignKeyConstraintViolationException, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { AppError } from '../../kernel/errors.ts';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { newId } from '../../kernel/ids.ts';
import type { AuditLog } from '../audit/index.ts';
import type { MediaService } from '../media/index.ts';
import { Brand, type BrandRecord } from './brand.entity.ts';
import type { LookupOptions } from './category.service.ts';
import { TaxonomyErrors } from './taxonomy.errors.ts';
import { blankToNull, likeContaining, resolveSlug, uniqueOr } from './taxonomy-sql.ts';

export interface BrandInput {
  name: string;
  slug?: string | undefined;
  description?: string | null | undefined;
  logoMediaId?: string | null | undefined;
}

export type BrandChange = Partial<BrandInput>;

export interface BrandSummary {
  id: string;
  name: string;
  slug: string;
}

function snapshot(brand: BrandRecord) {
  return { name: brand.name, slug: brand.slug, description: brand.description ?? null, logoMediaId: brand.logoMediaId ?? null };
}

const slugTaken = (slug: string) =>
  TaxonomyErrors.BRAND_SLUG_TAKEN(`Another brand already has the slug "${slug}"`, {
    errors: [{ in: 'body', pointer: '/slug', rule: 'unique', message: 'is already used by another brand' }],
  });

/** Brands: names, unique slugs, an optional description and logo. Deleting one clears it from its products. */
export class BrandService {
  readonly #em: EntityManager;
  readonly #events: EventBus;
  readonly #audit: AuditLog;
  readonly #media: MediaService;

  constructor({ em, events, auditLog, mediaService }: { em: EntityManager; events: EventBus; auditLog: AuditLog; mediaService: MediaService }) {
    this.#em = em;
    this.#events = events;
    this.#audit = auditLog;
    this.#media = mediaService;
  }

  /** By name, A to Z ignoring case; `q` is a case-insensitive substring of the name. */
  async list(query: { q?: string | undefined; limit: number; offset: number }): Promise<{ items: BrandRecord[]; count: number }> {
    const q = query.q?.trim();
    const [items, count] = await this.#em.findAndCount(Brand, q ? { name: { $ilike: likeContaining(q) } } : {}, {
      orderBy: [{ [raw('lower(name)')]: 'asc' }, { id: 'asc' }],
      limit: query.limit,
      offset: query.offset,
    });
    return { items, count };
  }

  async get(idOrSlug: string): Promise<BrandRecord> {
    const brand = await this.#em.findOne(Brand, { $or: [{ id: idOrSlug }, { slug: idOrSlug }] });
    if (!brand) throw TaxonomyErrors.BRAND_NOT_FOUND(`No brand has the id or slug "${idOrSlug}"`);
    return brand;
  }

  async create(input: BrandInput): Promise<BrandRecord> {
    const logoMediaId = input.logoMediaId ?? null;
    if (logoMediaId) await this.#requireLogo(logoMediaId);
    return this.#logoGuard(logoMediaId, uniqueOr(
      this.#em.transactional(async (em) => {
        const name = input.name.trim();
        const slug = await resolveSlug(em, { table: 'cw_brand', given: input.slug, source: name, maxLength: 200, taken: slugTaken });
        const now = new Date();
        const brand = em.create(Brand, { id: newId('brand'), name, slug, description: blankToNull(input.description), logoMediaId, createdAt: now, updatedAt: now });
        this.#audit.record(em, { action: 'brand.created', target: { type: 'brand', id: brand.id }, before: null, after: snapshot(brand) });
        this.#events.emit(em, 'brand.created', { brandId: brand.id, slug });
        return brand;
      }),
      () => slugTaken(input.slug ?? input.name),
    ));
  }

  async update(id: string, change: BrandChange): Promise<BrandRecord> {
    if (change.logoMediaId) await this.#requireLogo(change.logoMediaId);
    return this.#logoGuard(change.logoMediaId ?? null, uniqueOr(
      this.#em.transactional(async (em) => {
        const brand = await em.findOne(Brand, { id });
        if (!brand) throw TaxonomyErrors.BRAND_NOT_FOUND(`No brand has the id "${id}"`);
        const before = snapshot(brand);
        const fields: string[] = [];
        if (change.name !== undefined && change.name.trim() !== brand.name) {
          brand.name = change.name.trim();
          fields.push('name');
        }
        if (change.slug !== undefined && change.slug !== brand.slug) {
          brand.slug = await resolveSlug(em, { table: 'cw_brand', given: change.slug, source: brand.name, maxLength: 200, excludeId: id, taken: slugTaken });
          fields.push('slug');
        }
        if (change.description !== undefined && blankToNull(change.description) !== (brand.description ?? null)) {
          brand.description = blankToNull(change.description);
          fields.push('description');
        }
        if (change.logoMediaId !== undefined && change.logoMediaId !== (brand.logoMediaId ?? null)) {
          brand.logoMediaId = change.logoMediaId;
          fields.push('logoMediaId');
        }
        if (!fields.length) return brand;
        brand.updatedAt = new Date();
        this.#audit.record(em, { action: 'brand.updated', target: { type: 'brand', id }, before, after: snapshot(brand) });
        this.#events.emit(em, 'brand.updated', { brandId: id, fields });
        return brand;
      }),
      () => slugTaken(change.slug ?? ''),
    ));
  }

  /** Deletes a brand; its products keep existing without a brand (the foreign key sets it to null). */
  async remove(id: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      const brand = await em.findOne(Brand, { id });
      if (!brand) throw TaxonomyErrors.BRAND_NOT_FOUND(`No brand has the id "${id}"`);
      em.remove(brand);
      this.#audit.record(em, { action: 'brand.deleted', target: { type: 'brand', id }, before: snapshot(brand), after: null });
      this.#events.emit(em, 'brand.deleted', { brandId: id, slug: brand.slug });
    });
  }

  /** Refuses a logo that is not an uploaded media file (checked before the transaction: the media service reads with its own EntityManager). */
  async #requireLogo(mediaId: string): Promise<void> {
    try {
      await this.#media.requireExisting([mediaId]);
    } catch (error) {
      if (error instanceof AppError && error.code === 'MEDIA_NOT_FOUND') throw logoNotFound(mediaId);
      throw error;
    }
  }

  /** A logo deleted between the check and the write meets the foreign key. */
  async #logoGuard<T>(mediaId: string | null, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (mediaId && error instanceof ForeignKeyConstraintViolationException) throw logoNotFound(mediaId);
      throw error;
    }
  }

  // ---- for other modules (the catalog) ----

  /** Throws BRAND_NOT_FOUND (404) when `id` is not a brand. One query. */
  async requireExisting(id: string, options: LookupOptions = {}): Promise<void> {
    const em = options.em ?? this.#em;
    const rows = await em.execute('select 1 from cw_brand where id = ?', [id]);
    if (rows.length) return;
    throw TaxonomyErrors.BRAND_NOT_FOUND(`No brand has the id "${id}"`, {
      extensions: { missing: [id] },
      ...(options.pointer !== undefined ? { errors: [{ in: 'body', pointer: options.pointer, rule: 'exists', message: `no brand has the id "${id}"` }] } : {}),
    });
  }

  /** The id of the brand whose id or slug is `value`; undefined when there is none. One query. */
  async idBySlugOrId(value: string, options: LookupOptions = {}): Promise<string | undefined> {
    const em = options.em ?? this.#em;
    const rows = await em.execute<Array<{ id: string }>>('select id from cw_brand where id = ? or slug = ? limit 1', [value, value]);
    return rows[0]?.id;
  }

  /** Name and slug of each brand that exists among `ids`. One query. */
  async summaries(ids: string[], options: LookupOptions = {}): Promise<Map<string, BrandSummary>> {
    if (!ids.length) return new Map();
    const em = options.em ?? this.#em;
    const rows = await em.execute<BrandSummary[]>('select id, name, slug from cw_brand where id in (?)', [[...new Set(ids)]]);
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, slug: r.slug }]));
  }
}

function logoNotFound(mediaId: string) {
  return TaxonomyErrors.BRAND_LOGO_NOT_FOUND(`No media file has the id "${mediaId}"`, {
    errors: [{ in: 'body', pointer: '/logoMediaId', rule: 'exists', message: 'must be the id of an uploaded media file' }],
  });
}

export function toBrandView(brand: BrandRecord) {
  return {
    id: brand.id,
    name: brand.name,
    slug: brand.slug,
    description: brand.description ?? null,
    logoMediaId: brand.logoMediaId ?? null,
    createdAt: brand.createdAt.toISOString(),
    updatedAt: brand.updatedAt.toISOString(),
  };
}
