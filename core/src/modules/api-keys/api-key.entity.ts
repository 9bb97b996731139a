import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A server-to-server credential. Only the SHA-256 of the key is stored, plus a short prefix to recognise it by. */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'cw_api_key',
  properties: {
    id: p.string().length(64).primary(),
    name: p.string().length(200),
    prefix: p.string().length(16),
    keyHash: p.string().length(64).columnType('char(64)').hidden(),
    permissions: p.json<string[]>(),
    createdBy: p.string().length(64).nullable(),
    createdAt: p.datetime(),
    expiresAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export type ApiKeyRecord = InferEntity<typeof ApiKey>;
