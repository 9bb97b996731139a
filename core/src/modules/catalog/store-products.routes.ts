import { Type } from 'typebox';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { CatalogErrors } from './catalog.errors.ts';
import { attributeFilters, listProducts } from './product-listing.ts';
import { findStoreProduct } from './product-views.ts';
import { PageOf, ProductDetailQuery, ProductListItem, StoreProductListQuery, StoreProductView } from './product.schemas.ts';

/** `/store/products`: what shoppers see — published products only, prices in the currency they ask for. */
export const storeProductRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List products with filters, sorts and paging',
    description:
      'Filters combine (all must hold; comma-separated values of one filter are alternatives). `category` includes its ' +
      'descendants. `priceMin`/`priceMax` apply to the lowest variant price in `currency` (minor units). Filterable ' +
      'attributes are `attr.<code>=value[,value]`, and for numbers `attr.<code>.min`/`.max`. Page with `cursor` ' +
      '(from `nextCursor`) or `offset`; `count` is the total matching.',
    tags: ['catalog'],
    schema: { query: StoreProductListQuery, response: { 200: PageOf(ProductListItem) } },
    handler: async ({ query, cradle }) => {
      const pricing = cradle.catalogPricing;
      return listProducts(cradle.em, cradle, pricing, {
        ...query,
        currency: pricing.currencyFor(query.currency),
        attributes: attributeFilters(query),
        sort: query.sort ?? 'newest',
        limit: query.limit ?? 20,
        visibility: { kind: 'store' },
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:idOrSlug',
    summary: 'One published product with its variants, prices, availability and images',
    description: 'By id or slug. A slug the product had before answers 301 with the current URL in `Location`.',
    tags: ['catalog'],
    schema: {
      params: Type.Object({ idOrSlug: Type.String({ minLength: 1, maxLength: 200 }) }),
      query: ProductDetailQuery,
      response: { 200: StoreProductView, 301: null },
    },
    handler: async ({ params, query, cradle, ctx }) => {
      const found = await findStoreProduct(cradle.em, cradle, cradle.catalogPricing, params.idOrSlug, cradle.catalogPricing.currencyFor(query.currency));
      if (!found) throw CatalogErrors.PRODUCT_NOT_FOUND(`No product ${params.idOrSlug}`);
      if ('movedTo' in found) {
        const search = ctx.querystring ? `?${ctx.querystring}` : '';
        return reply(301, undefined, { Location: `${ctx.path.slice(0, -params.idOrSlug.length)}${encodeURIComponent(found.movedTo)}${search}` });
      }
      return found.view;
    },
  }),
];
