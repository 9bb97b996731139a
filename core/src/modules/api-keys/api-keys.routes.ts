import { Type } from 'typebox';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import type { ApiKeyRecord } from './api-key.entity.ts';

const ApiKeyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it by' }),
  permissions: Type.Array(Type.String()),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function toView(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    permissions: [...key.permissions],
    createdBy: key.createdBy ?? null,
    createdAt: iso(key.createdAt)!,
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}

export const apiKeyRoutes = [
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create an API key; the answer is the only time the key is shown',
    description: 'Send it as `Authorization: Bearer ck_…`. Permissions come from the catalogue, and only ones the caller holds.',
    tags: ['admin'],
    access: { permission: 'api-keys:write' },
    schema: {
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 200 }),
        permissions: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
        expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
      }),
      response: { 201: Type.Object({ ...ApiKeyView.properties, key: Type.String({ description: 'The secret; store it now, it is not shown again' }) }) },
    },
    handler: async ({ body, cradle }) => {
      const { key, secret } = await cradle.apiKeyService.create({
        name: body.name,
        permissions: body.permissions,
        ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt) } : {}),
      });
      return reply(201, { ...toView(key), key: secret });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List API keys (never their secrets)',
    tags: ['admin'],
    access: { permission: 'api-keys:write' },
    schema: { response: { 200: Type.Object({ items: Type.Array(ApiKeyView), count: Type.Integer() }) } },
    handler: async ({ cradle }) => {
      const keys = await cradle.apiKeyService.list();
      return { items: keys.map(toView), count: keys.length };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Revoke an API key (it stops working on the next request)',
    tags: ['admin'],
    access: { permission: 'api-keys:write' },
    schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.apiKeyService.revoke(params.id);
    },
  }),
];
