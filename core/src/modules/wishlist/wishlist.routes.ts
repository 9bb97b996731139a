import { defineRoute, reply } from '../../kernel/http/route.ts';
import { signedInUser } from '../../kernel/http/access.ts';
import { AddToWishlistBody, WishlistCurrencyQuery, WishlistItemEnvelope, WishlistItemParams, WishlistListQuery, WishlistPage } from './wishlist.schemas.ts';
import { WishlistErrors } from './wishlist.errors.ts';

const ADD_DESCRIPTION =
  'The variant must exist and be on sale. Adding one already in the wishlist changes nothing and answers 200 ' +
  'instead of 201. A wishlist holds at most 500 items. `currency` picks the currency of the returned price.';

/** `/store/wishlist`: the signed-in customer's own wishlist. */
export const wishlistRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The wishlist, newest first, with today\'s prices and stock',
    description: 'Items whose product is no longer on sale stay listed with `onSale: false`, no price, and `availability: unavailable`.',
    tags: ['wishlist'],
    access: 'authenticated',
    schema: { query: WishlistListQuery, response: { 200: WishlistPage } },
    handler: async ({ actor, query, cradle }) =>
      cradle.wishlistService.list(signedInUser(actor).userId, {
        currency: cradle.catalogPricing.currencyFor(query.currency),
        limit: query.limit ?? 20,
        offset: query.offset,
        cursor: query.cursor,
      }),
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Save a variant to the wishlist',
    description: ADD_DESCRIPTION,
    tags: ['wishlist'],
    access: 'authenticated',
    schema: { query: WishlistCurrencyQuery, body: AddToWishlistBody, response: { 201: WishlistItemEnvelope, 200: WishlistItemEnvelope } },
    handler: async ({ actor, query, body, cradle }) => {
      const currency = cradle.catalogPricing.currencyFor(query.currency);
      const { item, added } = await cradle.wishlistService.add(signedInUser(actor).userId, body.variantId, { currency, in: 'body' });
      return added ? reply(201, { item }) : reply(200, { item });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:variantId',
    summary: 'Save the variant named in the path to the wishlist',
    description: ADD_DESCRIPTION,
    tags: ['wishlist'],
    access: 'authenticated',
    schema: { params: WishlistItemParams, query: WishlistCurrencyQuery, response: { 201: WishlistItemEnvelope, 200: WishlistItemEnvelope } },
    handler: async ({ actor, params, query, cradle }) => {
      const currency = cradle.catalogPricing.currencyFor(query.currency);
      const { item, added } = await cradle.wishlistService.add(signedInUser(actor).userId, params.variantId, { currency, in: 'params' });
      return added ? reply(201, { item }) : reply(200, { item });
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:variantId',
    summary: 'Take a variant out of the wishlist',
    tags: ['wishlist'],
    access: 'authenticated',
    schema: { params: WishlistItemParams, response: { 204: null } },
    handler: async ({ actor, params, cradle }) => {
      const removed = await cradle.wishlistService.remove(cradle.em, signedInUser(actor).userId, params.variantId);
      if (!removed) throw WishlistErrors.WISHLIST_ITEM_NOT_FOUND(`Variant ${params.variantId} is not in your wishlist`);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/',
    summary: 'Empty the wishlist',
    tags: ['wishlist'],
    access: 'authenticated',
    schema: { response: { 204: null } },
    handler: async ({ actor, cradle }) => {
      await cradle.wishlistService.clear(signedInUser(actor).userId);
    },
  }),
];
