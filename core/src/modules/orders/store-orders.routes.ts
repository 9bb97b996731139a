import type { EntityManager } from '@mikro-orm/sql';
import { signedInUser } from '../../kernel/http/access.ts';
import { defineRoute } from '../../kernel/http/route.ts';
import { orderCallerOf, requireOrderAccess } from './order-access.ts';
import { CancelBody, CancelResult, MyOrdersQuery, OrderParams, StoreOrderPage, StoreOrderQuery, StoreOrderView } from './order.schemas.ts';
import { listOrders, loadOrderDetail } from './order-views.ts';
import { OrderErrors } from './orders.errors.ts';

const describeAccess =
  'A customer’s order answers only to that customer’s access token; a guest order to its order token, sent as `X-Order-Token` ' +
  'or `?token=` (the link in the order email). Anything else is 404, so order ids cannot be probed.';

async function customerView(em: EntityManager, orderId: string): Promise<StoreOrderView> {
  const view = await loadOrderDetail(em, orderId, { scope: { kind: 'all' }, audience: 'customer' });
  if (!view) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
  return view;
}

/** `/store/orders`: one order's page, and cancelling it, for its customer or the holder of its guest token. */
export const storeOrderRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'An order with its lines, totals, addresses, statuses, shipments and timeline',
    description: describeAccess,
    tags: ['orders'],
    schema: { params: OrderParams, query: StoreOrderQuery, response: { 200: StoreOrderView } },
    handler: async ({ actor, headers, params, query, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      return customerView(cradle.em, params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/cancel',
    summary: 'Cancel the order before anything of it is packed',
    description:
      `${describeAccess} Allowed while the fulfillment status is \`not_fulfilled\` (else 409 \`ORDER_NOT_CANCELLABLE\`); ` +
      'a cancelled or completed order answers 409 `ORDER_TRANSITION_INVALID`. Held stock is released, authorized money voided and ' +
      'captured money refunded (`payments` says how much).',
    tags: ['orders'],
    schema: { params: OrderParams, query: StoreOrderQuery, body: CancelBody, response: { 200: CancelResult } },
    handler: async ({ actor, headers, params, query, body, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      const payments = await cradle.orderService.cancel(params.id, { by: 'customer', reason: body.reason });
      return { order: await customerView(cradle.em, params.id), payments };
    },
  }),
];

/** `/store/me/orders`: the signed-in customer's order history. */
export const myOrderRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The signed-in customer’s orders, newest first',
    description: 'Pages with `limit` (≤ 100) and `cursor` (from `nextCursor`) or `offset`; `count` is every order of the customer.',
    tags: ['orders'],
    access: 'authenticated',
    schema: { query: MyOrdersQuery, response: { 200: StoreOrderPage } },
    handler: async ({ actor, query, cradle }) => {
      const { userId } = signedInUser(actor);
      return listOrders(cradle.em, { scope: { kind: 'all' }, customerId: userId }, { limit: query.limit ?? 20, offset: query.offset, cursor: query.cursor, sort: 'newest' });
    },
  }),
];
