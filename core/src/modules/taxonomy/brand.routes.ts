import { defineRoute, reply } from '../../kernel/http/route.ts';
import type { BrandRecord } from './brand.entity.ts';
import { toBrandView } from './brand.service.ts';
import { TAXONOMY_READ, TAXONOMY_WRITE } from './taxonomy-access.ts';
import { BrandList, BrandView, CreateBrandBody, IdOrSlugParams, IdParams, NameSearchQuery, StoreBrand, StoreBrandList, UpdateBrandBody } from './taxonomy.schemas.ts';

const tags = ['brands'];

/** `/admin/brands` */
export const adminBrandRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List brands by name',
    tags,
    access: TAXONOMY_READ,
    schema: { query: NameSearchQuery, response: { 200: BrandList } },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.brandService.list({ q: query.q, limit: query.limit ?? 20, offset: query.offset ?? 0 });
      return { items: items.map(toBrandView), count };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create a brand',
    description: 'The slug is generated from the name unless given; `logoMediaId` must be an uploaded media file.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { body: CreateBrandBody, response: { 201: BrandView } },
    handler: async ({ body, cradle }) => reply(201, toBrandView(await cradle.brandService.create(body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One brand',
    tags,
    access: TAXONOMY_READ,
    schema: { params: IdParams, response: { 200: BrandView } },
    handler: async ({ params, cradle }) => toBrandView(await cradle.brandService.get(params.id)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Change a brand',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, body: UpdateBrandBody, response: { 200: BrandView } },
    handler: async ({ params, body, cradle }) => toBrandView(await cradle.brandService.update(params.id, body)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a brand; its products stay, without a brand',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.brandService.remove(params.id);
    },
  }),
];

const storeBrand = (brand: BrandRecord) => ({
  id: brand.id,
  name: brand.name,
  slug: brand.slug,
  description: brand.description ?? null,
  logoMediaId: brand.logoMediaId ?? null,
});

/** `/store/brands` */
export const storeBrandRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'Brands by name',
    tags,
    schema: { query: NameSearchQuery, response: { 200: StoreBrandList } },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.brandService.list({ q: query.q, limit: query.limit ?? 20, offset: query.offset ?? 0 });
      return { items: items.map(storeBrand), count };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:idOrSlug',
    summary: 'One brand, by id or slug',
    tags,
    schema: { params: IdOrSlugParams, response: { 200: StoreBrand } },
    handler: async ({ params, cradle }) => storeBrand(await cradle.brandService.get(params.idOrSlug)),
  }),
];
