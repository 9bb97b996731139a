import { definePlugin } from '../../kernel/plugin.ts';
import { MAX_WISHLIST_ITEMS, WishlistService } from './wishlist.service.ts';
import { wishlistRoutes } from './wishlist.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** Signed-in customers' saved variants; `remove(em, …)` joins the caller's transaction (move to cart). */
    wishlistService: WishlistService;
  }
}

/** Signed-in customers' wishlists under `/store/wishlist`. */
export const wishlistModule = definePlugin({
  name: '@cartwright/core/wishlist',
  version: '0.1.0',
  register(api) {
    api.service('wishlistService', (cradle) => new WishlistService(cradle));
    api.routes('/store/wishlist', wishlistRoutes);
  },
});

export { WishlistService, MAX_WISHLIST_ITEMS };
export type { AddToWishlistOptions, WishlistPageRequest, WishlistPageResult } from './wishlist.service.ts';
export { WishlistErrors } from './wishlist.errors.ts';
export { WishlistItemView, WishlistPage } from './wishlist.schemas.ts';
