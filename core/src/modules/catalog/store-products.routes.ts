import { Type } from 'typebox';
import { sql } from 'kysely';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { CatalogErrors } from './catalog.errors.ts';
import { rows } from './catalog-sql.ts';
import { attributeFilters, listProducts } from './product-listing.ts';
import { loadProductViews } from './product-views.ts';
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
      const currency = cradle.catalogPricing.currencyFor(query.currency);
      const [found] = await rows<{ id: string; slug: string; requested_slug: string | null }>(
        cradle.em,
        sql`select p.id, p.slug, s.slug as requested_slug from cw_product p left join cw_product_slug s on s.product_id = p.id and s.slug = ${params.idOrSlug}
          where (p.id = ${params.idOrSlug} or s.slug is not null) and p.status = 'published' and p.deleted_at is null limit 1`,
      );
      if (!found) throw CatalogErrors.PRODUCT_NOT_FOUND(`No product ${params.idOrSlug}`);
      if (found.requested_slug && found.requested_slug !== found.slug) {
        const search = ctx.querystring ? `?${ctx.querystring}` : '';
        return reply(301, undefined, { Location: `${ctx.path.slice(0, -params.idOrSlug.length)}${encodeURIComponent(found.slug)}${search}` });
      }
      const views = await loadProductViews(cradle.em, cradle, cradle.catalogPricing, [found.id], currency);
      return views.get(found.id)!;
    },
  }),
];
