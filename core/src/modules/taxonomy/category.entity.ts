import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A node of the category tree. `path` is the chain of ancestor ids and the category's own,
 * `/cat_a/cat_b/`, so a subtree is one prefix scan; `depth` is 0 for a root; `position` orders
 * siblings, contiguous from 0. The category service keeps all three consistent.
 */
export const Category = defineEntity({
  name: 'Category',
  tableName: 'cw_category',
  properties: {
    id: p.string().length(64).primary(),
    parentId: p.string().length(64).nullable(),
    name: p.string().length(200),
    slug: p.string().length(200),
    description: p.text().nullable(),
    path: p.text(),
    depth: p.integer(),
    position: p.integer().default(0),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type CategoryRecord = InferEntity<typeof Category>;
