import { defineRoute, reply } from '../../kernel/http/route.ts';
import { toCollectionView } from './collection.service.ts';
import { TAXONOMY_READ, TAXONOMY_WRITE } from './taxonomy-access.ts';
import {
  CollectionDetail,
  CollectionList,
  CollectionProducts,
  CollectionView,
  CreateCollectionBody,
  IdOrSlugParams,
  IdParams,
  NameSearchQuery,
  SetCollectionProductsBody,
  StoreCollection,
  UpdateCollectionBody,
} from './taxonomy.schemas.ts';

const tags = ['collections'];

/** `/admin/collections` */
export const adminCollectionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List collections, newest first',
    description: '`q` searches titles.',
    tags,
    access: TAXONOMY_READ,
    schema: { query: NameSearchQuery, response: { 200: CollectionList } },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.collectionService.list({ q: query.q, limit: query.limit ?? 20, offset: query.offset ?? 0 });
      return { items: items.map((c) => toCollectionView(c)), count };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create a collection (empty; set its products with PUT /:id/products)',
    tags,
    access: TAXONOMY_WRITE,
    schema: { body: CreateCollectionBody, response: { 201: CollectionView } },
    handler: async ({ body, cradle }) => reply(201, toCollectionView(await cradle.collectionService.create(body), 0)),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One collection with its product ids in order',
    tags,
    access: TAXONOMY_READ,
    schema: { params: IdParams, response: { 200: CollectionDetail } },
    handler: async ({ params, cradle }) => {
      const collection = await cradle.collectionService.get(params.id);
      const productIds = await cradle.collectionService.productIds(collection.id);
      return { ...toCollectionView(collection, productIds.length), productIds };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: "Change a collection's title, slug or description",
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, body: UpdateCollectionBody, response: { 200: CollectionView } },
    handler: async ({ params, body, cradle }) => toCollectionView(await cradle.collectionService.update(params.id, body)),
  }),
  defineRoute({
    method: 'PUT',
    path: '/:id/products',
    summary: "Replace a collection's products",
    description: 'The whole list, in display order. Every id must be an existing, not deleted product, or nothing changes.',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, body: SetCollectionProductsBody, response: { 200: CollectionProducts } },
    handler: async ({ params, body, cradle }) => ({ productIds: await cradle.collectionService.setProducts(params.id, body.productIds) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a collection (its products stay)',
    tags,
    access: TAXONOMY_WRITE,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.collectionService.remove(params.id);
    },
  }),
];

/** `/store/collections` */
export const storeCollectionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:idOrSlug',
    summary: 'One collection, by id or slug, with its published products in order',
    description: 'Fetch the products themselves with GET /store/products.',
    tags,
    schema: { params: IdOrSlugParams, response: { 200: StoreCollection } },
    handler: async ({ params, cradle }) => {
      const collection = await cradle.collectionService.get(params.idOrSlug);
      const productIds = await cradle.collectionService.productIds(collection.id, { publishedOnly: true });
      return { id: collection.id, title: collection.title, slug: collection.slug, description: collection.description ?? null, productIds };
    },
  }),
];
