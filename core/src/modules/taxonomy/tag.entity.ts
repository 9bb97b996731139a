import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A free-form product label (`vegan`, `gift-idea`), flat, no hierarchy. */
export const Tag = defineEntity({
  name: 'Tag',
  tableName: 'cw_tag',
  properties: {
    id: p.string().length(64).primary(),
    name: p.string().length(100),
    slug: p.string().length(100),
    createdAt: p.datetime(),
  },
});

export type TagRecord = InferEntity<typeof Tag>;
