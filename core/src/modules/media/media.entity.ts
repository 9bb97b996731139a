import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { StoredRendition } from './media-storage.ts';

export const MEDIA_PURPOSES = ['product', 'avatar', 'complaint', 'return', 'brand', 'other'] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

/** An uploaded image: its sanitised original and its responsive renditions, held by one `MediaStorage`. */
export const Media = defineEntity({
  name: 'Media',
  tableName: 'cw_media',
  properties: {
    id: p.string().length(64).primary(),
    // who uploaded it: vendors see only their own; null for API keys and once the account is gone
    ownerId: p.string().length(64).nullable(),
    purpose: p.string().length(20).$type<MediaPurpose>(),
    mimeType: p.string().length(100),
    originalFilename: p.string().length(255),
    byteSize: p.integer(),
    width: p.integer(),
    height: p.integer(),
    storage: p.string().length(50),
    storageKey: p.text(),
    renditions: p.json<StoredRendition[]>().defaultRaw(`'[]'`),
    alt: p.string().length(300).default(''),
    createdAt: p.datetime(),
  },
});

export type MediaRecord = InferEntity<typeof Media>;
