import { defineRoute, reply } from '../../kernel/http/route.ts';
import { toTagView } from './tag.service.ts';
import { TAXONOMY_READ, TAXONOMY_WRITE } from './taxonomy-access.ts';
import { CreateTagBody, IdParams, NameSearchQuery, StoreTagList, TagList, TagView, UpdateTagBody } from './taxonomy.schemas.ts';

const tags = ['tags'];

/** `/admin/tags` */
export const adminTagRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List tags by name',
    tags,
    access: TAXONOMY_READ,
    schema: { query: NameSearchQuery, response: { 200: TagList } },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.tagService.list({ q: query.q, limit: query.limit ?? 20, offset: query.offset ?? 0 });
      return { items: items.map(toTagView), count };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create a tag',
    description: 'The slug is generated from the name unless given.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { body: CreateTagBody, response: { 201: TagView } },
    handler: async ({ body, cradle }) => reply(201, toTagView(await cradle.tagService.create(body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One tag',
    tags,
    access: TAXONOMY_READ,
    schema: { params: IdParams, response: { 200: TagView } },
    handler: async ({ params, cradle }) => toTagView(await cradle.tagService.get(params.id)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Rename a tag or change its slug',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, body: UpdateTagBody, response: { 200: TagView } },
    handler: async ({ params, body, cradle }) => toTagView(await cradle.tagService.update(params.id, body)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a tag; products that carried it lose it',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.tagService.remove(params.id);
    },
  }),
];

/** `/store/tags` */
export const storeTagRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'Tags by name',
    tags,
    schema: { query: NameSearchQuery, response: { 200: StoreTagList } },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.tagService.list({ q: query.q, limit: query.limit ?? 20, offset: query.offset ?? 0 });
      return { items: items.map((t) => ({ id: t.id, name: t.name, slug: t.slug })), count };
    },
  }),
];
