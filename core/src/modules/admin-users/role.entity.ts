import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A named set of permissions. Built-ins are seeded by migration; custom roles come from /admin/roles. */
export const Role = defineEntity({
  name: 'Role',
  tableName: 'cw_role',
  properties: {
    name: p.string().length(64).primary(),
    description: p.string().length(500).default(''),
    permissions: p.json<string[]>(),
    builtIn: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type RoleRecord = InferEntity<typeof Role>;
