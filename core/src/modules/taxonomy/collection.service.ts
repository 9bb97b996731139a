import type { EntityManager } from '@mikro-orm/sql';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { newId } from '../../kernel/ids.ts';
import type { AuditLog } from '../audit/index.ts';
import type { LookupOptions } from './category.service.ts';
import { Collection, type CollectionRecord } from './collection.entity.ts';
import { TaxonomyErrors } from './taxonomy.errors.ts';
import { blankToNull, likeContaining, missingIds, resolveSlug, uniqueOr } from './taxonomy-sql.ts';

/** How many products one collection may list: a merchandised list, not a catalog. */
export const MAX_COLLECTION_PRODUCTS = 1000;

export interface CollectionInput {
  title: string;
  slug?: string | undefined;
  description?: string | null | undefined;
}

export type CollectionChange = Partial<CollectionInput>;

export type CollectionWithCount = CollectionRecord & { productCount: number };

function snapshot(collection: CollectionRecord) {
  return { title: collection.title, slug: collection.slug, description: collection.description ?? null };
}

const slugTaken = (slug: string) =>
  TaxonomyErrors.COLLECTION_SLUG_TAKEN(`Another collection already has the slug "${slug}"`, {
    errors: [{ in: 'body', pointer: '/slug', rule: 'unique', message: 'is already used by another collection' }],
  });

/**
 * Collections: admin-curated, ordered product lists. The product list is always set as a whole,
 * and positions follow its order. A soft-deleted product stays in the rows but is never shown; a
 * product deleted for good leaves every collection (the foreign key cascades).
 */
export class CollectionService {
  readonly #em: EntityManager;
  readonly #events: EventBus;
  readonly #audit: AuditLog;

  constructor({ em, events, auditLog }: { em: EntityManager; events: EventBus; auditLog: AuditLog }) {
    this.#em = em;
    this.#events = events;
    this.#audit = auditLog;
  }

  /** Newest first; `q` is a case-insensitive substring of the title. */
  async list(query: { q?: string | undefined; limit: number; offset: number }): Promise<{ items: CollectionWithCount[]; count: number }> {
    const q = query.q?.trim();
    const [items, count] = await this.#em.findAndCount(Collection, q ? { title: { $ilike: likeContaining(q) } } : {}, {
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      limit: query.limit,
      offset: query.offset,
    });
    const counts = await this.#productCounts(items.map((c) => c.id));
    return { items: items.map((c) => Object.assign(c, { productCount: counts.get(c.id) ?? 0 })), count };
  }

  async get(idOrSlug: string): Promise<CollectionRecord> {
    const collection = await this.#em.findOne(Collection, { $or: [{ id: idOrSlug }, { slug: idOrSlug }] });
    if (!collection) throw TaxonomyErrors.COLLECTION_NOT_FOUND(`No collection has the id or slug "${idOrSlug}"`);
    return collection;
  }

  /**
   * The collection's product ids in order. `publishedOnly` (the storefront) leaves out products
   * that are not published; soft-deleted products are always left out.
   */
  async productIds(collectionId: string, options: { publishedOnly?: boolean } = {}): Promise<string[]> {
    const rows = await this.#em.execute<Array<{ product_id: string }>>(
      `select cp.product_id from cw_collection_product cp join cw_product p on p.id = cp.product_id
       where cp.collection_id = ? and p.deleted_at is null${options.publishedOnly ? ` and p.status = 'published'` : ''}
       order by cp.position, cp.product_id`,
      [collectionId],
    );
    return rows.map((r) => r.product_id);
  }

  async create(input: CollectionInput): Promise<CollectionRecord> {
    return uniqueOr(
      this.#em.transactional(async (em) => {
        const title = input.title.trim();
        const slug = await resolveSlug(em, { table: 'cw_collection', given: input.slug, source: title, maxLength: 200, taken: slugTaken });
        const now = new Date();
        const collection = em.create(Collection, { id: newId('coll'), title, slug, description: blankToNull(input.description), createdAt: now, updatedAt: now });
        this.#audit.record(em, { action: 'collection.created', target: { type: 'collection', id: collection.id }, before: null, after: snapshot(collection) });
        this.#events.emit(em, 'collection.created', { collectionId: collection.id, slug });
        return collection;
      }),
      () => slugTaken(input.slug ?? input.title),
    );
  }

  async update(id: string, change: CollectionChange): Promise<CollectionRecord> {
    return uniqueOr(
      this.#em.transactional(async (em) => {
        const collection = await em.findOne(Collection, { id });
        if (!collection) throw TaxonomyErrors.COLLECTION_NOT_FOUND(`No collection has the id "${id}"`);
        const before = snapshot(collection);
        const fields: string[] = [];
        if (change.title !== undefined && change.title.trim() !== collection.title) {
          collection.title = change.title.trim();
          fields.push('title');
        }
        if (change.slug !== undefined && change.slug !== collection.slug) {
          collection.slug = await resolveSlug(em, { table: 'cw_collection', given: change.slug, source: collection.title, maxLength: 200, excludeId: id, taken: slugTaken });
          fields.push('slug');
        }
        if (change.description !== undefined && blankToNull(change.description) !== (collection.description ?? null)) {
          collection.description = blankToNull(change.description);
          fields.push('description');
        }
        if (!fields.length) return collection;
        collection.updatedAt = new Date();
        this.#audit.record(em, { action: 'collection.updated', target: { type: 'collection', id }, before, after: snapshot(collection) });
        this.#events.emit(em, 'collection.updated', { collectionId: id, fields });
        return collection;
      }),
      () => slugTaken(change.slug ?? ''),
    );
  }

  /**
   * Replaces the collection's products with `productIds`, in that order (positions 0..n-1).
   * Every id must be an existing product that is not deleted; otherwise nothing changes.
   */
  async setProducts(id: string, productIds: string[]): Promise<string[]> {
    return this.#em.transactional(async (em) => {
      // the row lock makes concurrent replacements of one list take turns
      const [locked] = await em.execute<Array<{ id: string }>>('select id from cw_collection where id = ? for update', [id]);
      if (!locked) throw TaxonomyErrors.COLLECTION_NOT_FOUND(`No collection has the id "${id}"`);
      const ids = [...new Set(productIds)];
      if (ids.length) {
        const rows = await em.execute<Array<{ id: string }>>('select id from cw_product where id in (?) and deleted_at is null', [ids]);
        const missing = missingIds(ids, rows.map((r) => r.id));
        if (missing.length) {
          throw TaxonomyErrors.COLLECTION_PRODUCT_NOT_FOUND(`No product has the id${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`, {
            extensions: { missing },
            errors: missing.map((m) => ({ in: 'body', pointer: `/productIds/${productIds.indexOf(m)}`, rule: 'exists', message: `no product has the id "${m}"` })),
          });
        }
      }
      const previous = await em.execute<Array<{ product_id: string }>>('select product_id from cw_collection_product where collection_id = ? order by position', [id]);
      const before = previous.map((r) => r.product_id);
      await em.execute('delete from cw_collection_product where collection_id = ?', [id]);
      if (ids.length) {
        await em.execute(
          `insert into cw_collection_product (collection_id, product_id, position)
           select ?, item.product_id, item.ordinal - 1 from jsonb_array_elements_text(?::jsonb) with ordinality as item(product_id, ordinal)`,
          [id, JSON.stringify(ids)],
        );
      }
      await em.execute('update cw_collection set updated_at = ? where id = ?', [new Date(), id]);
      const removed = before.filter((p) => !ids.includes(p));
      this.#audit.record(em, { action: 'collection.products_set', target: { type: 'collection', id }, before: { productIds: before }, after: { productIds: ids } });
      this.#events.emit(em, 'collection.products_changed', { collectionId: id, productIds: ids, removedProductIds: removed });
      return ids;
    });
  }

  /** Deletes a collection and its list (the products themselves stay). */
  async remove(id: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      const collection = await em.findOne(Collection, { id });
      if (!collection) throw TaxonomyErrors.COLLECTION_NOT_FOUND(`No collection has the id "${id}"`);
      em.remove(collection);
      this.#audit.record(em, { action: 'collection.deleted', target: { type: 'collection', id }, before: snapshot(collection), after: null });
      this.#events.emit(em, 'collection.deleted', { collectionId: id, slug: collection.slug });
    });
  }

  // ---- for other modules (the catalog) ----

  /** The id of the collection whose id or slug is `value`; undefined when there is none. One query. */
  async idBySlugOrId(value: string, options: LookupOptions = {}): Promise<string | undefined> {
    const em = options.em ?? this.#em;
    const rows = await em.execute<Array<{ id: string }>>('select id from cw_collection where id = ? or slug = ? limit 1', [value, value]);
    return rows[0]?.id;
  }

  async #productCounts(ids: string[]): Promise<Map<string, number>> {
    if (!ids.length) return new Map();
    const rows = await this.#em.execute<Array<{ collection_id: string; n: string | number }>>(
      `select cp.collection_id, count(*) as n from cw_collection_product cp join cw_product p on p.id = cp.product_id
       where cp.collection_id in (?) and p.deleted_at is null group by cp.collection_id`,
      [ids],
    );
    return new Map(rows.map((r) => [r.collection_id, Number(r.n)]));
  }
}

export function toCollectionView(collection: CollectionRecord & { productCount?: number }, productCount = collection.productCount) {
  return {
    id: collection.id,
    title: collection.title,
    slug: collection.slug,
    description: collection.description ?? null,
    ...(productCount !== undefined ? { productCount } : {}),
    createdAt: collection.createdAt.toISOString(),
    updatedAt: collection.updatedAt.toISOString(),
  };
}
