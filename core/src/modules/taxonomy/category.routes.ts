import { defineRoute, reply } from '../../kernel/http/route.ts';
import { toCategoryView, type CategoryTreeNode } from './category.service.ts';
import { TAXONOMY_READ, TAXONOMY_WRITE } from './taxonomy-access.ts';
import {
  CategoryList,
  CategoryListQuery,
  CategoryView,
  CreateCategoryBody,
  IdOrSlugParams,
  IdParams,
  MoveCategoryBody,
  StoreCategoryDetail,
  StoreCategoryTree,
  StoreCategoryTreeQuery,
  UpdateCategoryBody,
} from './taxonomy.schemas.ts';

const tags = ['categories'];

/** `/admin/categories`: the tree, for staff (read and write) and vendors (read). */
export const adminCategoryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List categories, flat, in tree order',
    description: 'Depth-first in sibling order (a parent comes before its children). `q` searches names; `parentId` (`root` for the top level) lists one level.',
    tags,
    access: TAXONOMY_READ,
    schema: { query: CategoryListQuery, response: { 200: CategoryList } },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.categoryService.list({
        q: query.q,
        ...(query.parentId !== undefined ? { parentId: query.parentId === 'root' ? null : query.parentId } : {}),
        limit: query.limit ?? 20,
        offset: query.offset ?? 0,
      });
      return { items: items.map(toCategoryView), count };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create a category',
    description: 'Under `parentId` (top level when left out), at `position` among its siblings (the end when left out). The slug is generated from the name unless given.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { body: CreateCategoryBody, response: { 201: CategoryView } },
    handler: async ({ body, cradle }) => reply(201, toCategoryView(await cradle.categoryService.create(body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One category',
    tags,
    access: TAXONOMY_READ,
    schema: { params: IdParams, response: { 200: CategoryView } },
    handler: async ({ params, cradle }) => toCategoryView(await cradle.categoryService.get(params.id)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Rename a category, or change its slug or description',
    description: 'The slug does not follow a new name by itself: it is in storefront URLs.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, body: UpdateCategoryBody, response: { 200: CategoryView } },
    handler: async ({ params, body, cradle }) => toCategoryView(await cradle.categoryService.update(params.id, body)),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/move',
    summary: 'Move a category with its subcategories, or reorder it among its siblings',
    description:
      '`parentId: null` moves it to the top level; the same parent with another `position` reorders. Positions stay 0..n-1 on both sides. ' +
      'A category cannot move under itself or one of its descendants, nor make the tree deeper than 10 levels.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, body: MoveCategoryBody, response: { 200: CategoryView } },
    handler: async ({ params, body, cradle }) => toCategoryView(await cradle.categoryService.move(params.id, body)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a category without subcategories',
    description: 'Refused (409) while it has subcategories: move or delete them first. Its products stay and lose the link to it.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.categoryService.remove(params.id);
    },
  }),
];

const storeCategory = (c: { id: string; name: string; slug: string; description?: string | null | undefined }) => ({
  id: c.id,
  name: c.name,
  slug: c.slug,
  description: c.description ?? null,
});

/** `/store/categories`: navigation for storefronts. */
export const storeCategoryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The whole category tree, nested, in order',
    description: '`?flat=true` answers a flat list in the same order, each with parentId, depth and position.',
    tags,
    schema: { query: StoreCategoryTreeQuery, response: { 200: StoreCategoryTree } },
    handler: async ({ query, cradle }) => {
      if (query.flat) {
        const all = await cradle.categoryService.flat();
        return { items: all.map((c) => ({ ...storeCategory(c), parentId: c.parentId ?? null, depth: c.depth, position: c.position })), count: all.length };
      }
      const items = await cradle.categoryService.tree();
      const countNodes = (nodes: CategoryTreeNode[]): number => nodes.reduce((n, node) => n + 1 + countNodes(node.children), 0);
      return { items, count: countNodes(items) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:idOrSlug',
    summary: 'One category with its breadcrumb (ancestors) and its subcategories',
    tags,
    schema: { params: IdOrSlugParams, response: { 200: StoreCategoryDetail } },
    handler: async ({ params, cradle }) => {
      const { category, ancestors, children } = await cradle.categoryService.detail(params.idOrSlug);
      return {
        ...storeCategory(category),
        parentId: category.parentId ?? null,
        depth: category.depth,
        ancestors: ancestors.map(storeCategory),
        children: children.map(storeCategory),
      };
    },
  }),
];
