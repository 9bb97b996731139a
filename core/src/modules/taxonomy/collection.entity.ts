import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * An admin-curated, ordered list of products (`Summer sale`, `Staff picks`). Its products live in
 * `cw_collection_product` (collection_id, product_id, position), written only as a whole list by
 * the collection service with SQL, so that table has no entity.
 */
export const Collection = defineEntity({
  name: 'Collection',
  tableName: 'cw_collection',
  properties: {
    id: p.string().length(64).primary(),
    title: p.string().length(200),
    slug: p.string().length(200),
    description: p.text().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type CollectionRecord = InferEntity<typeof Collection>;
