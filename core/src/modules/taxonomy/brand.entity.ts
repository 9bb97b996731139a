import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A product brand: what shoppers filter by and what a brand page shows. */
export const Brand = defineEntity({
  name: 'Brand',
  tableName: 'cw_brand',
  properties: {
    id: p.string().length(64).primary(),
    name: p.string().length(200),
    slug: p.string().length(200),
    description: p.text().nullable(),
    // a media id; the logo's file lives with the media module, and deleting it clears this (on delete set null)
    logoMediaId: p.string().length(64).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type BrandRecord = InferEntity<typeof Brand>;
