import { defineErrorCodes } from '../../kernel/errors.ts';

export const CartErrors = defineErrorCodes({
  CART_NOT_FOUND: { status: 404, title: 'No such cart, or it is not yours' },
  CART_NOT_ACTIVE: { status: 409, title: 'The cart was completed, merged or expired and can no longer change' },
  CART_VERSION_CONFLICT: { status: 409, title: 'The cart changed since the version the request was based on' },
  CART_LINE_NOT_FOUND: { status: 404, title: 'The cart has no line with this id' },
  CART_VARIANT_NOT_FOR_SALE: { status: 422, title: 'The variant cannot be bought: unknown, unpublished, or without a price in the cart currency' },
  CART_INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock for the requested quantity' },
  CART_SHIPPING_OPTION_INVALID: { status: 422, title: 'The shipping option is not offered for this cart' },
  CART_LIMIT_EXCEEDED: { status: 422, title: 'The cart would hold more lines or units than the store allows' },
});
