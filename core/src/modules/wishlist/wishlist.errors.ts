import { defineErrorCodes } from '../../kernel/errors.ts';

export const WishlistErrors = defineErrorCodes({
  WISHLIST_VARIANT_UNAVAILABLE: { status: 422, title: 'The variant is not on sale' },
  WISHLIST_FULL: { status: 422, title: 'The wishlist is full' },
  WISHLIST_ITEM_NOT_FOUND: { status: 404, title: 'This variant is not in your wishlist' },
  WISHLIST_CURSOR_INVALID: { status: 400, title: 'The cursor is not one this wishlist gave out' },
});
