import type { EntityManager } from '@mikro-orm/sql';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { newId } from '../../kernel/ids.ts';
import type { AuditLog } from '../audit/index.ts';
import { Category, type CategoryRecord } from './category.entity.ts';
import { TaxonomyErrors } from './taxonomy.errors.ts';
import { blankToNull, likeContaining, likePrefix, missingIds, resolveSlug, uniqueOr } from './taxonomy-sql.ts';

/** How many levels the tree may have: a root is level 1, so depths run 0..MAX_CATEGORY_DEPTH - 1. */
export const MAX_CATEGORY_DEPTH = 10;

/**
 * The key of the transaction-scoped advisory lock every structural change of the tree takes
 * (create, move, delete): they are rare, and taking turns keeps sibling positions contiguous and
 * paths consistent under concurrent admins without locking rows one by one.
 */
const TREE_LOCK_KEY = 0x63775f63; // 'cw_c'

/** What the catalog shows of a category next to a product. */
export interface CategorySummary {
  id: string;
  name: string;
  slug: string;
  path: string;
  depth: number;
}

export interface CategoryInput {
  name: string;
  slug?: string | undefined;
  description?: string | null | undefined;
  parentId?: string | null | undefined;
  position?: number | undefined;
}

export interface CategoryChange {
  name?: string | undefined;
  slug?: string | undefined;
  description?: string | null | undefined;
}

export interface CategoryListQuery {
  /** Case-insensitive substring of the name. */
  q?: string | undefined;
  /** Only the children of this category; `null` for the roots. */
  parentId?: string | null | undefined;
  limit: number;
  offset: number;
}

/** Options of the calls other modules make; pass `em` when calling inside your own transaction. */
export interface LookupOptions {
  em?: EntityManager | undefined;
  /** JSON pointer of the ids in the caller's request body, so the 4xx names the field (`/categoryIds`). */
  pointer?: string | undefined;
}

export type CategoryWithCount = CategoryRecord & { productCount: number };

/** A node of the storefront tree. */
export interface CategoryTreeNode {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  children: CategoryTreeNode[];
}

function snapshot(category: CategoryRecord) {
  return {
    name: category.name,
    slug: category.slug,
    description: category.description ?? null,
    parentId: category.parentId ?? null,
    position: category.position,
    path: category.path,
  };
}

/**
 * The category tree: the one place its rules live. Every structural change (create, move, delete)
 * takes the tree lock, keeps sibling positions contiguous (0..n-1), and keeps `path` and `depth`
 * of whole subtrees consistent; every admin change is audited and emits an event.
 */
export class CategoryService {
  readonly #em: EntityManager;
  readonly #events: EventBus;
  readonly #audit: AuditLog;

  constructor({ em, events, auditLog }: { em: EntityManager; events: EventBus; auditLog: AuditLog }) {
    this.#em = em;
    this.#events = events;
    this.#audit = auditLog;
  }

  /** A page of the tree, depth-first in sibling order (parents before their children), with each category's own product count. */
  async list(query: CategoryListQuery): Promise<{ items: CategoryWithCount[]; count: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const q = query.q?.trim();
    if (q) {
      where.push('c.name ilike ?');
      params.push(likeContaining(q));
    }
    if (query.parentId !== undefined) {
      where.push(query.parentId === null ? 'c.parent_id is null' : 'c.parent_id = ?');
      if (query.parentId !== null) params.push(query.parentId);
    }
    const filter = where.length ? `where ${where.join(' and ')}` : '';
    const [countRow] = await this.#em.execute<Array<{ n: string | number }>>(`select count(*) as n from cw_category c ${filter}`, params);
    const count = Number(countRow?.n ?? 0);
    if (!count || query.offset >= count) return { items: [], count };
    // the sort key of a category is the positions on its path from the root: [2, 0, 5]
    const page = await this.#em.execute<Array<{ id: string }>>(
      `with recursive tree (id, sort_key) as (
         select id, array[position] from cw_category where parent_id is null
         union all
         select child.id, tree.sort_key || child.position from cw_category child join tree on child.parent_id = tree.id
       )
       select c.id from tree join cw_category c on c.id = tree.id ${filter}
       order by tree.sort_key, c.id limit ? offset ?`,
      [...params, query.limit, query.offset],
    );
    const ids = page.map((r) => r.id);
    if (!ids.length) return { items: [], count };
    const [categories, counts] = await Promise.all([this.#em.find(Category, { id: { $in: ids } }), this.productCounts(ids)]);
    const byId = new Map(categories.map((c) => [c.id, c]));
    const items = ids.flatMap((id) => {
      const category = byId.get(id);
      return category ? [Object.assign(category, { productCount: counts.get(id) ?? 0 })] : [];
    });
    return { items, count };
  }

  /**
   * How many (not deleted) products are linked to each category directly, not counting its
   * subcategories. Reads the catalog's link table: the counts are part of managing the tree.
   */
  async productCounts(ids: string[]): Promise<Map<string, number>> {
    if (!ids.length) return new Map();
    const rows = await this.#em.execute<Array<{ category_id: string; n: string | number }>>(
      `select pc.category_id, count(*) as n from cw_product_category pc join cw_product p on p.id = pc.product_id
       where pc.category_id in (?) and p.deleted_at is null group by pc.category_id`,
      [ids],
    );
    return new Map(rows.map((r) => [r.category_id, Number(r.n)]));
  }

  async get(id: string): Promise<CategoryWithCount> {
    const category = await this.#em.findOne(Category, { id });
    if (!category) throw TaxonomyErrors.CATEGORY_NOT_FOUND(`No category has the id "${id}"`);
    const counts = await this.productCounts([id]);
    return Object.assign(category, { productCount: counts.get(id) ?? 0 });
  }

  /** Creates a category under `parentId` (or at the root), at `position` among its siblings or at the end. */
  async create(input: CategoryInput): Promise<CategoryRecord> {
    const taken = (slug: string) => TaxonomyErrors.CATEGORY_SLUG_TAKEN(`Another category already has the slug "${slug}"`, { errors: [slugIssue()] });
    return uniqueOr(
      this.#em.transactional(async (em) => {
        await lockTree(em);
        const parent = input.parentId ? await this.#parent(em, input.parentId, '/parentId') : null;
        const depth = parent ? parent.depth + 1 : 0;
        if (depth >= MAX_CATEGORY_DEPTH) {
          throw TaxonomyErrors.CATEGORY_TOO_DEEP(`Categories nest at most ${MAX_CATEGORY_DEPTH} levels deep; "${parent!.name}" is on the last level`, {
            extensions: { maxDepth: MAX_CATEGORY_DEPTH },
          });
        }
        const parentId = parent?.id ?? null;
        const siblings = await countChildren(em, parentId);
        const position = Math.min(input.position ?? siblings, siblings);
        await em.execute('update cw_category set position = position + 1 where parent_id is not distinct from ? and position >= ?', [parentId, position]);
        const name = input.name.trim();
        const slug = await resolveSlug(em, { table: 'cw_category', given: input.slug, source: name, maxLength: 200, taken });
        const id = newId('cat');
        const now = new Date();
        const category = em.create(Category, {
          id,
          parentId,
          name,
          slug,
          description: blankToNull(input.description),
          path: `${parent?.path ?? '/'}${id}/`,
          depth,
          position,
          createdAt: now,
          updatedAt: now,
        });
        this.#audit.record(em, { action: 'category.created', target: { type: 'category', id }, before: null, after: snapshot(category) });
        this.#events.emit(em, 'category.created', { categoryId: id, parentId, slug });
        return category;
      }),
      () => taken(input.slug ?? input.name),
    );
  }

  /** Renames a category or changes its slug or description. The slug stays when only the name changes: it is a URL. */
  async update(id: string, change: CategoryChange): Promise<CategoryRecord> {
    const taken = (slug: string) => TaxonomyErrors.CATEGORY_SLUG_TAKEN(`Another category already has the slug "${slug}"`, { errors: [slugIssue()] });
    return uniqueOr(
      this.#em.transactional(async (em) => {
        const category = await em.findOne(Category, { id });
        if (!category) throw TaxonomyErrors.CATEGORY_NOT_FOUND(`No category has the id "${id}"`);
        const before = snapshot(category);
        const fields: string[] = [];
        if (change.name !== undefined && change.name.trim() !== category.name) {
          category.name = change.name.trim();
          fields.push('name');
        }
        if (change.slug !== undefined && change.slug !== category.slug) {
          category.slug = await resolveSlug(em, { table: 'cw_category', given: change.slug, source: category.name, maxLength: 200, excludeId: id, taken });
          fields.push('slug');
        }
        if (change.description !== undefined && blankToNull(change.description) !== (category.description ?? null)) {
          category.description = blankToNull(change.description);
          fields.push('description');
        }
        if (!fields.length) return category;
        category.updatedAt = new Date();
        this.#audit.record(em, { action: 'category.updated', target: { type: 'category', id }, before, after: snapshot(category) });
        this.#events.emit(em, 'category.updated', { categoryId: id, fields });
        return category;
      }),
      () => taken(change.slug ?? ''),
    );
  }

  /**
   * Moves a category, with its whole subtree, under `parentId` (null: to the root) at `position`
   * among its new siblings (the end when left out or past it). Moving within the same parent is a
   * reorder. Positions on both sides stay contiguous; the subtree's paths and depths change in one statement.
   */
  async move(id: string, target: { parentId: string | null; position?: number | undefined }): Promise<CategoryRecord> {
    return this.#em.transactional(async (em) => {
      await lockTree(em);
      const node = await em.findOne(Category, { id }, { refresh: true });
      if (!node) throw TaxonomyErrors.CATEGORY_NOT_FOUND(`No category has the id "${id}"`);
      const parent = target.parentId === null ? null : await this.#parent(em, target.parentId, '/parentId');
      if (parent && parent.path.startsWith(node.path)) {
        throw TaxonomyErrors.CATEGORY_CYCLE(
          parent.id === node.id ? `"${node.name}" cannot be its own parent` : `"${parent.name}" is inside "${node.name}"; a category cannot move under its own descendant`,
          { errors: [{ in: 'body', pointer: '/parentId', rule: 'notDescendant', message: 'must not be the category itself or one of its descendants' }] },
        );
      }
      const depthChange = (parent ? parent.depth + 1 : 0) - node.depth;
      if (depthChange > 0) {
        const [deepest] = await em.execute<Array<{ depth: number | string }>>('select max(depth) as depth from cw_category where path like ?', [likePrefix(node.path)]);
        const levels = Number(deepest?.depth ?? node.depth) + depthChange + 1;
        if (levels > MAX_CATEGORY_DEPTH) {
          throw TaxonomyErrors.CATEGORY_TOO_DEEP(`The move would make the tree ${levels} levels deep; at most ${MAX_CATEGORY_DEPTH} are allowed`, {
            extensions: { maxDepth: MAX_CATEGORY_DEPTH },
          });
        }
      }
      const fromParentId = node.parentId ?? null;
      const toParentId = parent?.id ?? null;
      const siblings = await countChildren(em, toParentId, id);
      const position = Math.min(target.position ?? siblings, siblings);
      if (fromParentId === toParentId && position === node.position) return node;

      const before = snapshot(node);
      const previousPath = node.path;
      const path = `${parent?.path ?? '/'}${node.id}/`;
      // out of the old sibling list, then into the new one: both stay 0..n-1
      await em.execute('update cw_category set position = position - 1 where parent_id is not distinct from ? and position > ? and id <> ?', [
        fromParentId,
        node.position,
        id,
      ]);
      await em.execute('update cw_category set position = position + 1 where parent_id is not distinct from ? and position >= ? and id <> ?', [
        toParentId,
        position,
        id,
      ]);
      const now = new Date();
      await em.execute('update cw_category set parent_id = ?, position = ? where id = ?', [toParentId, position, id]);
      if (path !== previousPath) {
        // the whole subtree (the category and every descendant) in one statement
        await em.execute('update cw_category set path = ? || substr(path, ?), depth = depth + ?, updated_at = ? where path like ?', [
          path,
          previousPath.length + 1,
          depthChange,
          now,
          likePrefix(previousPath),
        ]);
      } else {
        await em.execute('update cw_category set updated_at = ? where id = ?', [now, id]);
      }
      const moved = (await em.findOne(Category, { id }, { refresh: true }))!;
      this.#audit.record(em, { action: 'category.moved', target: { type: 'category', id }, before, after: snapshot(moved) });
      this.#events.emit(em, 'category.moved', { categoryId: id, fromParentId, toParentId, position, path, previousPath });
      return moved;
    });
  }

  /**
   * Deletes a category that has no subcategories (move or delete those first). Products keep
   * existing and simply lose the link to it; its later siblings move up one place.
   */
  async remove(id: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      await lockTree(em);
      const category = await em.findOne(Category, { id }, { refresh: true });
      if (!category) throw TaxonomyErrors.CATEGORY_NOT_FOUND(`No category has the id "${id}"`);
      const children = await countChildren(em, id);
      if (children > 0) {
        throw TaxonomyErrors.CATEGORY_HAS_CHILDREN(`"${category.name}" has ${children} subcategor${children === 1 ? 'y' : 'ies'}; move or delete them first`, {
          extensions: { childCount: children },
        });
      }
      const parentId = category.parentId ?? null;
      await em.execute('update cw_category set position = position - 1 where parent_id is not distinct from ? and position > ?', [parentId, category.position]);
      em.remove(category);
      this.#audit.record(em, { action: 'category.deleted', target: { type: 'category', id }, before: snapshot(category), after: null });
      this.#events.emit(em, 'category.deleted', { categoryId: id, parentId, slug: category.slug });
    });
  }

  /** The whole tree for the storefront: roots and children in sibling order. */
  async tree(): Promise<CategoryTreeNode[]> {
    const all = await this.#em.find(Category, {}, { orderBy: [{ depth: 'asc' }, { position: 'asc' }, { id: 'asc' }] });
    const nodes = new Map<string, CategoryTreeNode>();
    const roots: CategoryTreeNode[] = [];
    for (const category of all) {
      const node: CategoryTreeNode = { id: category.id, name: category.name, slug: category.slug, description: category.description ?? null, children: [] };
      nodes.set(category.id, node);
      // parents come first (smaller depth), and siblings arrive in position order
      if (category.parentId) nodes.get(category.parentId)?.children.push(node);
      else roots.push(node);
    }
    return roots;
  }

  /** Every category in storefront order (depth-first by position), without nesting. */
  async flat(): Promise<CategoryRecord[]> {
    const all = await this.#em.find(Category, {});
    const key = new Map(all.map((c) => [c.id, c]));
    const sortKey = (c: CategoryRecord) => c.path.split('/').filter(Boolean).map((id) => key.get(id)?.position ?? 0);
    const keys = new Map(all.map((c) => [c.id, sortKey(c)]));
    return all.sort((a, b) => compareKeys(keys.get(a.id)!, keys.get(b.id)!) || (a.id < b.id ? -1 : 1));
  }

  /** One category by id or slug, with its ancestors (root first: the breadcrumb) and its children in order. */
  async detail(idOrSlug: string): Promise<{ category: CategoryRecord; ancestors: CategoryRecord[]; children: CategoryRecord[] }> {
    const category = await this.#em.findOne(Category, { $or: [{ id: idOrSlug }, { slug: idOrSlug }] });
    if (!category) throw TaxonomyErrors.CATEGORY_NOT_FOUND(`No category has the id or slug "${idOrSlug}"`);
    const ancestorIds = category.path.split('/').filter(Boolean).slice(0, -1);
    const related = await this.#em.find(
      Category,
      { $or: [{ id: { $in: ancestorIds } }, { parentId: category.id }] },
      { orderBy: [{ depth: 'asc' }, { position: 'asc' }, { id: 'asc' }] },
    );
    return {
      category,
      ancestors: related.filter((c) => c.id !== category.id && c.depth < category.depth),
      children: related.filter((c) => c.parentId === category.id),
    };
  }

  // ---- for other modules (the catalog) ----

  /** Throws CATEGORY_NOT_FOUND (404) naming every id that is not a category. One query. */
  async requireExisting(ids: string[], options: LookupOptions = {}): Promise<void> {
    if (!ids.length) return;
    const em = options.em ?? this.#em;
    const rows = await em.execute<Array<{ id: string }>>('select id from cw_category where id in (?)', [[...new Set(ids)]]);
    const missing = missingIds(ids, rows.map((r) => r.id));
    if (!missing.length) return;
    throw TaxonomyErrors.CATEGORY_NOT_FOUND(`No category has the id${missing.length > 1 ? 's' : ''} ${missing.map((id) => `"${id}"`).join(', ')}`, {
      extensions: { missing },
      ...(options.pointer !== undefined
        ? { errors: missing.map((id) => ({ in: 'body', pointer: `${options.pointer}/${ids.indexOf(id)}`, rule: 'exists', message: `no category has the id "${id}"` })) }
        : {}),
    });
  }

  /**
   * The ids of a category (by id or slug) and of all its descendants, the category first; undefined
   * when there is no such category. One query: what "products in this category" filters on.
   */
  async descendantIds(idOrSlug: string, options: LookupOptions = {}): Promise<string[] | undefined> {
    const em = options.em ?? this.#em;
    const rows = await em.execute<Array<{ id: string }>>(
      `select d.id from cw_category c join cw_category d on starts_with(d.path, c.path)
       where c.id = ? or c.slug = ? order by d.depth, d.position, d.id`,
      [idOrSlug, idOrSlug],
    );
    return rows.length ? rows.map((r) => r.id) : undefined;
  }

  /** Name, slug, path and depth of each category that exists among `ids`. One query. */
  async summaries(ids: string[], options: LookupOptions = {}): Promise<Map<string, CategorySummary>> {
    if (!ids.length) return new Map();
    const em = options.em ?? this.#em;
    const rows = await em.execute<Array<{ id: string; name: string; slug: string; path: string; depth: number | string }>>(
      'select id, name, slug, path, depth from cw_category where id in (?)',
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, slug: r.slug, path: r.path, depth: Number(r.depth) }]));
  }

  async #parent(em: EntityManager, parentId: string, pointer: string): Promise<CategoryRecord> {
    const parent = await em.findOne(Category, { id: parentId }, { refresh: true });
    if (!parent) {
      throw TaxonomyErrors.CATEGORY_PARENT_NOT_FOUND(`No category has the id "${parentId}"`, {
        errors: [{ in: 'body', pointer, rule: 'exists', message: 'must be the id of an existing category' }],
      });
    }
    return parent;
  }
}

function slugIssue() {
  return { in: 'body', pointer: '/slug', rule: 'unique', message: 'is already used by another category' };
}

async function lockTree(em: EntityManager): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(?)', [TREE_LOCK_KEY]);
}

async function countChildren(em: EntityManager, parentId: string | null, exceptId = ''): Promise<number> {
  const [row] = await em.execute<Array<{ n: string | number }>>('select count(*) as n from cw_category where parent_id is not distinct from ? and id <> ?', [
    parentId,
    exceptId,
  ]);
  return Number(row?.n ?? 0);
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function toCategoryView(category: CategoryRecord & { productCount?: number }) {
  return {
    id: category.id,
    parentId: category.parentId ?? null,
    name: category.name,
    slug: category.slug,
    description: category.description ?? null,
    path: category.path,
    depth: category.depth,
    position: category.position,
    ...(category.productCount !== undefined ? { productCount: category.productCount } : {}),
    createdAt: category.createdAt.toISOString(),
    updatedAt: category.updatedAt.toISOString(),
  };
}
