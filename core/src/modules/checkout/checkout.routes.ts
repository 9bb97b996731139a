import { Type } from 'typebox';
import { KernelErrors } from '../../kernel/errors.ts';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { cartCallerOf } from '../carts/index.ts';
import { CheckoutBody, CheckoutResponse } from './checkout.schemas.ts';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** `POST /store/carts/:id/checkout`. */
export const checkoutRoutes = [
  defineRoute({
    method: 'POST',
    path: '/:id/checkout',
    summary: 'Place the order: re-prices the cart, holds the stock, writes the order and starts the payment',
    description:
      'Send an `Idempotency-Key` header (any printable string up to 255 characters, e.g. a UUID per checkout attempt): the same key ' +
      'and body answer with the same order, the same key with another body is a 422. Keys are kept at least 24 hours.',
    tags: ['checkout'],
    schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }), body: CheckoutBody, response: { 201: CheckoutResponse } },
    handler: async ({ actor, headers, params, body, cradle }) => {
      const raw = headers['idempotency-key'];
      const key = Array.isArray(raw) ? raw[0] : raw;
      if (key !== undefined && !KEY.test(key)) {
        throw KernelErrors.VALIDATION_FAILED('Idempotency-Key must be 1 to 255 printable characters', {
          errors: [{ in: 'headers', pointer: '/idempotency-key', rule: 'pattern', message: 'must be 1 to 255 printable ASCII characters' }],
        });
      }
      const result = await cradle.checkoutService.checkout(cartCallerOf(actor, headers), params.id, body, key);
      return reply(201, result.body);
    },
  }),
];
