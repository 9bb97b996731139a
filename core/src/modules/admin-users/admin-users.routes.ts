import { Type } from 'typebox';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { Pagination } from '../audit/index.ts';
import { toUserView, UserView } from '../auth/auth.schemas.ts';
import type { RoleRecord } from './role.entity.ts';

const UserId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const RoleName = Type.String({ pattern: '^[a-z][a-z0-9-]{1,63}$', description: 'Lower case letters, digits and dashes; 2–64 characters' });
const Permissions = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, description: 'Names from the permission catalogue, `<area>:*` or `*`' });

export const adminUserRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List accounts',
    description: '`q` searches email and name (case-insensitive); newest first.',
    tags: ['admin'],
    access: { permission: 'users:read' },
    schema: {
      query: Type.Object({
        role: Type.Optional(RoleName),
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('pending'), Type.Literal('disabled')])),
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        ...Pagination,
      }),
      response: { 200: Type.Object({ items: Type.Array(UserView), count: Type.Integer() }) },
    },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.adminUserService.list({
        ...(query.role ? { role: query.role } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.q ? { q: query.q } : {}),
        limit: query.limit ?? 20,
        offset: query.offset ?? 0,
      });
      return { items: items.map(toUserView), count };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One account',
    tags: ['admin'],
    access: { permission: 'users:read' },
    schema: { params: UserId, response: { 200: UserView } },
    handler: async ({ params, cradle }) => toUserView(await cradle.adminUserService.get(params.id)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: "Change an account's role or status",
    description:
      'Disabling ends every session of the account at once; enabling lets it sign in again. Admins cannot demote or disable themselves, and the last active admin stays.',
    tags: ['admin'],
    access: { permission: 'users:write' },
    schema: {
      params: UserId,
      body: Type.Object({
        role: Type.Optional(RoleName),
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
      }),
      response: { 200: UserView },
    },
    handler: async ({ params, body, cradle }) => toUserView(await cradle.adminUserService.update(params.id, body)),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/approve',
    summary: 'Approve a pending (vendor) account',
    tags: ['admin'],
    access: { permission: 'users:write' },
    schema: { params: UserId, response: { 200: UserView } },
    handler: async ({ params, cradle }) => toUserView(await cradle.adminUserService.approve(params.id)),
  }),
];

const RoleView = Type.Object({
  name: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
  builtIn: Type.Boolean(),
  userCount: Type.Optional(Type.Integer()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

function toRoleView(role: RoleRecord & { userCount?: number }) {
  return {
    name: role.name,
    description: role.description,
    permissions: [...role.permissions],
    builtIn: role.builtIn,
    ...(role.userCount !== undefined ? { userCount: role.userCount } : {}),
    createdAt: new Date(role.createdAt).toISOString(),
    updatedAt: new Date(role.updatedAt).toISOString(),
  };
}

const RoleParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });

export const roleRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List roles with their permissions and how many accounts hold each',
    tags: ['admin'],
    access: { permission: 'users:read' },
    schema: { response: { 200: Type.Object({ items: Type.Array(RoleView), count: Type.Integer() }) } },
    handler: async ({ cradle }) => {
      const roles = await cradle.roleService.list();
      return { items: roles.map(toRoleView), count: roles.length };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create a custom role',
    description: 'Permissions come from the catalogue (or `<area>:*`, `*`), and only ones the caller holds.',
    tags: ['admin'],
    access: { permission: 'roles:write' },
    schema: {
      body: Type.Object({ name: RoleName, description: Type.Optional(Type.String({ maxLength: 500 })), permissions: Permissions }),
      response: { 201: RoleView },
    },
    handler: async ({ body, cradle }) => reply(201, toRoleView(await cradle.roleService.create(body))),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:name',
    summary: "Change a custom role's permissions or description",
    description: 'Accounts holding the role get the new permissions on their next request.',
    tags: ['admin'],
    access: { permission: 'roles:write' },
    schema: {
      params: RoleParams,
      body: Type.Object({ description: Type.Optional(Type.String({ maxLength: 500 })), permissions: Type.Optional(Permissions) }),
      response: { 200: RoleView },
    },
    handler: async ({ params, body, cradle }) => toRoleView(await cradle.roleService.update(params.name, body)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:name',
    summary: 'Delete a custom role no account holds',
    tags: ['admin'],
    access: { permission: 'roles:write' },
    schema: { params: RoleParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.roleService.delete(params.name);
    },
  }),
];
