import type { Actor } from '../../kernel/container.ts';
import { KernelErrors } from '../../kernel/errors.ts';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import type { CartCaller, WriteOptions } from './cart.service.ts';
import { AddItemBody, CartLineParams, CartParams, CartView, ChangeItemBody, CreateCartBody, UpdateCartBody } from './cart.schemas.ts';

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The caller of a cart route: the signed-in user and the `X-Cart-Token` they send. */
export function cartCallerOf(actor: Actor, headers: Headers): CartCaller {
  return { userId: actor.kind === 'user' ? actor.userId : null, cartToken: header(headers, 'x-cart-token')?.trim() || null };
}

/** `If-Match: "7"` (or `W/"7"`, or `7`): the cart version the change was based on. */
function writeOptions(headers: Headers): WriteOptions {
  const raw = header(headers, 'if-match');
  if (raw === undefined) return {};
  const match = /^\s*(?:W\/)?"?([1-9][0-9]{0,9})"?\s*$/.exec(raw);
  if (!match) {
    throw KernelErrors.VALIDATION_FAILED('If-Match must be the cart version, e.g. "3"', {
      errors: [{ in: 'headers', pointer: '/if-match', rule: 'pattern', message: 'must be the cart version as a quoted number, e.g. "3"' }],
    });
  }
  return { expectedVersion: Number(match[1]) };
}

const describeAccess =
  'A guest sends the cart token from `POST /store/carts` as `X-Cart-Token`; a customer’s cart answers only to its owner’s access token.';
const describeVersion = 'Send `If-Match: "<version>"` to refuse the change (409 `CART_VERSION_CONFLICT`) when the cart changed since you read it.';

/** `/store/carts`: guest and customer carts, priced from the catalog on every read. */
export const cartRoutes = [
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Start a cart, or get the signed-in customer’s cart',
    description:
      'A guest gets a new cart and its token (shown once). A signed-in customer gets their one cart (201 when it is new, 200 when ' +
      'they had one); when they also send a guest cart’s `X-Cart-Token`, that cart is merged into theirs first.',
    tags: ['cart'],
    schema: { body: CreateCartBody, response: { 201: CartView, 200: CartView } },
    handler: async ({ actor, headers, body, cradle }) => {
      const { cart, created } = await cradle.cartService.create(cartCallerOf(actor, headers), body);
      return created ? reply(201, cart) : reply(200, cart);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'A cart with each line’s current price and availability, and its totals',
    description: describeAccess,
    tags: ['cart'],
    schema: { params: CartParams, response: { 200: CartView } },
    handler: async ({ actor, headers, params, cradle }) => cradle.cartService.view(cartCallerOf(actor, headers), params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Set the cart’s email, addresses or currency',
    description: `${describeAccess} ${describeVersion}`,
    tags: ['cart'],
    schema: { params: CartParams, body: UpdateCartBody, response: { 200: CartView } },
    handler: async ({ actor, headers, params, body, cradle }) =>
      cradle.cartService.update(cartCallerOf(actor, headers), params.id, body, writeOptions(headers)),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/items',
    summary: 'Add units of a variant',
    description:
      `The price always comes from the catalog. 409 \`CART_INSUFFICIENT_STOCK\` (with \`available\`) when too few are left. ` +
      `\`fromWishlist: true\` also takes the variant off the signed-in customer’s wishlist. ${describeVersion}`,
    tags: ['cart'],
    schema: { params: CartParams, body: AddItemBody, response: { 200: CartView } },
    handler: async ({ actor, headers, params, body, cradle }) =>
      cradle.cartService.addItem(cartCallerOf(actor, headers), params.id, body, writeOptions(headers)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id/items/:itemId',
    summary: 'Change a line’s quantity',
    description: `Raising it checks stock (409 with \`available\`); lowering it is always accepted. ${describeVersion}`,
    tags: ['cart'],
    schema: { params: CartLineParams, body: ChangeItemBody, response: { 200: CartView } },
    handler: async ({ actor, headers, params, body, cradle }) =>
      cradle.cartService.changeQuantity(cartCallerOf(actor, headers), params.id, params.itemId, body.quantity, writeOptions(headers)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id/items/:itemId',
    summary: 'Remove a line',
    description: describeVersion,
    tags: ['cart'],
    schema: { params: CartLineParams, response: { 200: CartView } },
    handler: async ({ actor, headers, params, cradle }) =>
      cradle.cartService.removeItem(cartCallerOf(actor, headers), params.id, params.itemId, writeOptions(headers)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id/items',
    summary: 'Empty the cart',
    description: describeVersion,
    tags: ['cart'],
    schema: { params: CartParams, response: { 200: CartView } },
    handler: async ({ actor, headers, params, cradle }) => cradle.cartService.clear(cartCallerOf(actor, headers), params.id, writeOptions(headers)),
  }),
];
