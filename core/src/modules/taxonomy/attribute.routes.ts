import { defineRoute, reply } from '../../kernel/http/route.ts';
import { toAttributeView } from './attribute.service.ts';
import { TAXONOMY_READ, TAXONOMY_WRITE } from './taxonomy-access.ts';
import { AttributeList, AttributeListQuery, AttributeView, CreateAttributeBody, IdParams, UpdateAttributeBody } from './taxonomy.schemas.ts';

const tags = ['attributes'];

/** `/admin/attributes`: the definitions of product attributes. */
export const adminAttributeRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List attribute definitions by code',
    description: '`q` searches codes and names.',
    tags,
    access: TAXONOMY_READ,
    schema: { query: AttributeListQuery, response: { 200: AttributeList } },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.attributeService.list({
        q: query.q,
        type: query.type,
        filterable: query.filterable,
        limit: query.limit ?? 20,
        offset: query.offset ?? 0,
      });
      return { items: items.map(toAttributeView), count };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Define an attribute',
    description: '`enumValues` is required (at least one, each once) for `enum` and not allowed for other types. The code cannot change later.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { body: CreateAttributeBody, response: { 201: AttributeView } },
    handler: async ({ body, cradle }) => reply(201, toAttributeView(await cradle.attributeService.create(body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One attribute definition',
    tags,
    access: TAXONOMY_READ,
    schema: { params: IdParams, response: { 200: AttributeView } },
    handler: async ({ params, cradle }) => toAttributeView(await cradle.attributeService.get(params.id)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Change an attribute definition',
    description: 'The type cannot change once products have values for the attribute, and an enum value that products use cannot be removed.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, body: UpdateAttributeBody, response: { 200: AttributeView } },
    handler: async ({ params, body, cradle }) => toAttributeView(await cradle.attributeService.update(params.id, body)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: "Delete an attribute definition and every product's value for it",
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.attributeService.remove(params.id);
    },
  }),
];
