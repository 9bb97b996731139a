import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { newId } from '../../kernel/ids.ts';
import type { AuditLog } from '../audit/index.ts';
import type { LookupOptions } from './category.service.ts';
import { Tag, type TagRecord } from './tag.entity.ts';
import { TaxonomyErrors } from './taxonomy.errors.ts';
import { likeContaining, missingIds, resolveSlug, uniqueOr } from './taxonomy-sql.ts';

export interface TagSummary {
  id: string;
  name: string;
  slug: string;
}

const snapshot = (tag: TagRecord) => ({ name: tag.name, slug: tag.slug });

const slugTaken = (slug: string) =>
  TaxonomyErrors.TAG_SLUG_TAKEN(`Another tag already has the slug "${slug}"`, {
    errors: [{ in: 'body', pointer: '/slug', rule: 'unique', message: 'is already used by another tag' }],
  });

/** Tags: flat labels with unique slugs. Deleting one removes it from its products. */
export class TagService {
  readonly #em: EntityManager;
  readonly #events: EventBus;
  readonly #audit: AuditLog;

  constructor({ em, events, auditLog }: { em: EntityManager; events: EventBus; auditLog: AuditLog }) {
    this.#em = em;
    this.#events = events;
    this.#audit = auditLog;
  }

  /** By name, A to Z ignoring case; `q` is a case-insensitive substring of the name. */
  async list(query: { q?: string | undefined; limit: number; offset: number }): Promise<{ items: TagRecord[]; count: number }> {
    const q = query.q?.trim();
    const [items, count] = await this.#em.findAndCount(Tag, q ? { name: { $ilike: likeContaining(q) } } : {}, {
      orderBy: [{ [raw('lower(name)')]: 'asc' }, { id: 'asc' }],
      limit: query.limit,
      offset: query.offset,
    });
    return { items, count };
  }

  async get(idOrSlug: string): Promise<TagRecord> {
    const tag = await this.#em.findOne(Tag, { $or: [{ id: idOrSlug }, { slug: idOrSlug }] });
    if (!tag) throw TaxonomyErrors.TAG_NOT_FOUND(`No tag has the id or slug "${idOrSlug}"`);
    return tag;
  }

  async create(input: { name: string; slug?: string | undefined }): Promise<TagRecord> {
    return uniqueOr(
      this.#em.transactional(async (em) => {
        const name = input.name.trim();
        const slug = await resolveSlug(em, { table: 'cw_tag', given: input.slug, source: name, maxLength: 100, taken: slugTaken });
        const tag = em.create(Tag, { id: newId('tag'), name, slug, createdAt: new Date() });
        this.#audit.record(em, { action: 'tag.created', target: { type: 'tag', id: tag.id }, before: null, after: snapshot(tag) });
        this.#events.emit(em, 'tag.created', { tagId: tag.id, slug });
        return tag;
      }),
      () => slugTaken(input.slug ?? input.name),
    );
  }

  async update(id: string, change: { name?: string | undefined; slug?: string | undefined }): Promise<TagRecord> {
    return uniqueOr(
      this.#em.transactional(async (em) => {
        const tag = await em.findOne(Tag, { id });
        if (!tag) throw TaxonomyErrors.TAG_NOT_FOUND(`No tag has the id "${id}"`);
        const before = snapshot(tag);
        const fields: string[] = [];
        if (change.name !== undefined && change.name.trim() !== tag.name) {
          tag.name = change.name.trim();
          fields.push('name');
        }
        if (change.slug !== undefined && change.slug !== tag.slug) {
          tag.slug = await resolveSlug(em, { table: 'cw_tag', given: change.slug, source: tag.name, maxLength: 100, excludeId: id, taken: slugTaken });
          fields.push('slug');
        }
        if (!fields.length) return tag;
        this.#audit.record(em, { action: 'tag.updated', target: { type: 'tag', id }, before, after: snapshot(tag) });
        this.#events.emit(em, 'tag.updated', { tagId: id, fields });
        return tag;
      }),
      () => slugTaken(change.slug ?? ''),
    );
  }

  /** Deletes a tag; products that carried it lose it (the link rows cascade). */
  async remove(id: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      const tag = await em.findOne(Tag, { id });
      if (!tag) throw TaxonomyErrors.TAG_NOT_FOUND(`No tag has the id "${id}"`);
      em.remove(tag);
      this.#audit.record(em, { action: 'tag.deleted', target: { type: 'tag', id }, before: snapshot(tag), after: null });
      this.#events.emit(em, 'tag.deleted', { tagId: id, slug: tag.slug });
    });
  }

  // ---- for other modules (the catalog) ----

  /** Throws TAG_NOT_FOUND (404) naming every id that is not a tag. One query. */
  async requireExisting(ids: string[], options: LookupOptions = {}): Promise<void> {
    if (!ids.length) return;
    const em = options.em ?? this.#em;
    const rows = await em.execute<Array<{ id: string }>>('select id from cw_tag where id in (?)', [[...new Set(ids)]]);
    const missing = missingIds(ids, rows.map((r) => r.id));
    if (!missing.length) return;
    throw TaxonomyErrors.TAG_NOT_FOUND(`No tag has the id${missing.length > 1 ? 's' : ''} ${missing.map((id) => `"${id}"`).join(', ')}`, {
      extensions: { missing },
      ...(options.pointer !== undefined
        ? { errors: missing.map((id) => ({ in: 'body', pointer: `${options.pointer}/${ids.indexOf(id)}`, rule: 'exists', message: `no tag has the id "${id}"` })) }
        : {}),
    });
  }

  /** The ids of the tags named by id or slug in `values`, each once; values that name no tag are left out. One query. */
  async idsBySlugsOrIds(values: string[], options: LookupOptions = {}): Promise<string[]> {
    if (!values.length) return [];
    const em = options.em ?? this.#em;
    const unique = [...new Set(values)];
    const rows = await em.execute<Array<{ id: string }>>('select id from cw_tag where id in (?) or slug in (?) order by id', [unique, unique]);
    return rows.map((r) => r.id);
  }

  /** Name and slug of each tag that exists among `ids`. One query. */
  async summaries(ids: string[], options: LookupOptions = {}): Promise<Map<string, TagSummary>> {
    if (!ids.length) return new Map();
    const em = options.em ?? this.#em;
    const rows = await em.execute<TagSummary[]>('select id, name, slug from cw_tag where id in (?)', [[...new Set(ids)]]);
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, slug: r.slug }]));
  }
}

export function toTagView(tag: TagRecord) {
  return { id: tag.id, name: tag.name, slug: tag.slug, createdAt: tag.createdAt.toISOString() };
}
