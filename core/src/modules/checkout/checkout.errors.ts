import { defineErrorCodes } from '../../kernel/errors.ts';

export const CheckoutErrors = defineErrorCodes({
  CHECKOUT_INCOMPLETE: { status: 422, title: 'The cart lacks what checkout needs (email, addresses, shipping option)' },
  CHECKOUT_CART_EMPTY: { status: 422, title: 'The cart has no lines' },
  CHECKOUT_LINES_UNAVAILABLE: { status: 409, title: 'Some lines of the cart cannot be bought as they are' },
  CHECKOUT_OUT_OF_STOCK: { status: 409, title: 'Stock ran out for a line while checking out' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used for a different request' },
});
