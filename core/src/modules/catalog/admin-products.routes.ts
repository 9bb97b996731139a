import { Type } from 'typebox';
import type { Cradle } from '../../kernel/container.ts';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { CatalogErrors } from './catalog.errors.ts';
import { catalogScope, PRODUCT_READ_ACCESS, PRODUCT_WRITE_ACCESS, type CatalogScope } from './catalog-access.ts';
import { listProducts } from './product-listing.ts';
import { loadProductViews } from './product-views.ts';
import {
  AdminProductListItem,
  AdminProductView,
  CreateProductBody,
  PageOf,
  PriceInput,
  ProductSort,
  ProductStatus,
  SetImagesBody,
  UpdateProductBody,
  VariantInput,
  VariantPatch,
} from './product.schemas.ts';

const ProductParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const VariantParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), variantId: Type.String({ minLength: 1, maxLength: 64 }) });
const ViewQuery = Type.Object({ currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })) });

/** The product as the admin sees it after a change (or on a read), within the caller's scope. */
async function productView(cradle: Cradle, scope: CatalogScope, id: string, currency?: string) {
  const pricing = cradle.catalogPricing;
  const view = (await loadProductViews(cradle.em, cradle, pricing, [id], pricing.currencyFor(currency))).get(id);
  if (!view || (scope.kind === 'vendor' && view.vendorId !== scope.vendorId)) throw CatalogErrors.PRODUCT_NOT_FOUND(`No product ${id}`);
  return view;
}

/** `/admin/products`: staff manage every product; vendors (`vendor:portal`) manage their own. */
export const adminProductRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List products (drafts, archived and, with `deleted=true`, deleted ones too)',
    tags: ['catalog'],
    access: PRODUCT_READ_ACCESS,
    schema: {
      query: Type.Object({
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        status: Type.Optional(ProductStatus),
        vendorId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        deleted: Type.Optional(Type.Boolean()),
        category: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        brand: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
        tag: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
        currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
        sort: Type.Optional(ProductSort),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        offset: Type.Optional(Type.Integer({ minimum: 0 })),
        cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      }),
      response: { 200: PageOf(AdminProductListItem) },
    },
    handler: async ({ query, cradle, actor }) => {
      const scope = catalogScope(actor, 'read');
      const pricing = cradle.catalogPricing;
      return listProducts(cradle.em, cradle, pricing, {
        ...query,
        currency: pricing.currencyFor(query.currency),
        attributes: {},
        sort: query.sort ?? 'newest',
        limit: query.limit ?? 20,
        visibility: { kind: 'admin', status: query.status, deleted: query.deleted, vendorId: scope.kind === 'vendor' ? scope.vendorId : query.vendorId },
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create a product with its options and variants',
    description:
      'A product without `options` has exactly one variant. With options, each variant names one value of every option, ' +
      'and no two variants share a combination. Prices are integer minor units; a published product needs a price in the ' +
      'default currency for every variant. The slug is generated from the title when not given.',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: { body: CreateProductBody, response: { 201: AdminProductView } },
    handler: async ({ body, cradle, actor }) => {
      const scope = catalogScope(actor, 'write');
      const id = await cradle.productService.create(scope, body);
      return reply(201, await productView(cradle, scope, id));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One product, with every price of every variant',
    tags: ['catalog'],
    access: PRODUCT_READ_ACCESS,
    schema: { params: ProductParams, query: ViewQuery, response: { 200: AdminProductView } },
    handler: async ({ params, query, cradle, actor }) => productView(cradle, catalogScope(actor, 'read'), params.id, query.currency),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Change a product (only the fields sent)',
    description: 'A new `slug` keeps the old one as a redirect. `options` replaces the option list: values still used by a variant cannot be removed; a new option gives existing variants its first value.',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: { params: ProductParams, body: UpdateProductBody, response: { 200: AdminProductView } },
    handler: async ({ params, body, cradle, actor }) => {
      const scope = catalogScope(actor, 'write');
      await cradle.productService.update(scope, params.id, body);
      return productView(cradle, scope, params.id);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a product (soft: it can be restored)',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: { params: ProductParams, response: { 204: null } },
    handler: async ({ params, cradle, actor }) => {
      await cradle.productService.remove(catalogScope(actor, 'write'), params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/restore',
    summary: 'Restore a deleted product with the variants deleted with it',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: { params: ProductParams, response: { 200: AdminProductView } },
    handler: async ({ params, cradle, actor }) => {
      const scope = catalogScope(actor, 'write');
      await cradle.productService.restore(scope, params.id);
      return productView(cradle, scope, params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/variants',
    summary: 'Add a variant',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: { params: ProductParams, body: VariantInput, response: { 201: AdminProductView } },
    handler: async ({ params, body, cradle, actor }) => {
      const scope = catalogScope(actor, 'write');
      await cradle.productService.addVariant(scope, params.id, body);
      return reply(201, await productView(cradle, scope, params.id));
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id/variants/:variantId',
    summary: 'Change a variant; `prices` replaces its price list',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: { params: VariantParams, body: VariantPatch, response: { 200: AdminProductView } },
    handler: async ({ params, body, cradle, actor }) => {
      const scope = catalogScope(actor, 'write');
      await cradle.productService.updateVariant(scope, params.id, params.variantId, body);
      return productView(cradle, scope, params.id);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id/variants/:variantId',
    summary: 'Delete a variant (a product keeps at least one)',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: { params: VariantParams, response: { 204: null } },
    handler: async ({ params, cradle, actor }) => {
      await cradle.productService.removeVariant(catalogScope(actor, 'write'), params.id, params.variantId);
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/:id/images',
    summary: 'Set the gallery: uploaded media in order, with alt text and the variants each shows',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: { params: ProductParams, body: SetImagesBody, response: { 200: AdminProductView } },
    handler: async ({ params, body, cradle, actor }) => {
      const scope = catalogScope(actor, 'write');
      await cradle.productService.setImages(scope, params.id, body.images);
      return productView(cradle, scope, params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/bulk/status',
    summary: 'Publish, unpublish or archive many products at once (all or none)',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: {
      body: Type.Object({ productIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000, uniqueItems: true }), status: ProductStatus }),
      response: { 200: Type.Object({ updated: Type.Integer() }) },
    },
    handler: async ({ body, cradle, actor }) => ({ updated: await cradle.productService.bulkStatus(catalogScope(actor, 'write'), body.productIds, body.status) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/bulk/prices',
    summary: 'Set prices of many variants by SKU at once (all or none)',
    tags: ['catalog'],
    access: PRODUCT_WRITE_ACCESS,
    schema: {
      body: Type.Object({
        prices: Type.Array(Type.Object({ sku: Type.String({ minLength: 1, maxLength: 100 }), ...PriceInput.properties }), { minItems: 1, maxItems: 5000 }),
      }),
      response: { 200: Type.Object({ updated: Type.Integer() }) },
    },
    handler: async ({ body, cradle, actor }) => ({ updated: await cradle.productService.bulkPrices(catalogScope(actor, 'write'), body.prices) }),
  }),
];
