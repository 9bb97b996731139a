import { defineRoute, reply } from '../../kernel/http/route.ts';
import { ORDER_READ_ACCESS, ORDER_WRITE_ACCESS, orderCallerOf, orderScope, requireOrderAccess, type OrderScope } from '../orders/index.ts';
import type { Cradle } from '../../kernel/container.ts';
import { ReturnErrors } from './returns.errors.ts';
import {
  AdminReturnPage,
  AdminReturnsQuery,
  AdminReturnView,
  ApproveBody,
  LabelRequest,
  OrderReturnParams,
  OrderReturnsParams,
  ReceiveBody,
  RejectBody,
  RequestReturnBody,
  ReturnParams,
  StoreReturnList,
  StoreReturnsQuery,
  StoreReturnView,
} from './returns.schemas.ts';

const describeAccess =
  'For the order’s customer, or whoever holds a guest order’s token (`X-Order-Token` or `?token=`); anything else is 404 `ORDER_NOT_FOUND`.';

async function oneReturn(cradle: Cradle, returnId: string, scope: OrderScope, orderId?: string): Promise<AdminReturnView> {
  const [found] = (await cradle.returnService.views({ scope, ids: [returnId], ...(orderId ? { orderId } : {}) })).items;
  if (!found) throw ReturnErrors.RETURN_NOT_FOUND(`No return ${returnId}`);
  return found;
}

/** `/store/orders/:id/returns`: a customer's returns and exchanges of one order. */
export const storeReturnRoutes = [
  defineRoute({
    method: 'POST',
    path: '/:id/returns',
    summary: 'Request a return or an exchange of delivered items (reason, items, images)',
    description:
      `${describeAccess} Only delivered units, within \`returns.windowDays\` of their delivery (422 \`RETURN_WINDOW_CLOSED\` naming the item), ` +
      'at most the units delivered and not in another return (422 `RETURN_QUANTITY_EXCEEDED` naming `/items/<i>/quantity`). ' +
      '`kind: exchange` names a replacement `variantId` per item (any variant on sale from the same seller) and needs a customer account. ' +
      '`imageIds` are images uploaded with `POST /store/orders/:id/attachments`.',
    tags: ['returns'],
    schema: { params: OrderReturnsParams, query: StoreReturnsQuery, body: RequestReturnBody, response: { 201: StoreReturnView } },
    handler: async ({ actor, headers, params, query, body, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      const id = await cradle.returnService.request(params.id, body);
      return reply(201, await oneReturn(cradle, id, { kind: 'all' }));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id/returns',
    summary: 'The returns and exchanges of an order, newest first',
    description: describeAccess,
    tags: ['returns'],
    schema: { params: OrderReturnsParams, query: StoreReturnsQuery, response: { 200: StoreReturnList } },
    handler: async ({ actor, headers, params, query, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      return { items: (await cradle.returnService.views({ scope: { kind: 'all' }, orderId: params.id })).items };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id/returns/:returnId',
    summary: 'One return: status, items, amounts, label and images',
    description: describeAccess,
    tags: ['returns'],
    schema: { params: OrderReturnParams, query: StoreReturnsQuery, response: { 200: StoreReturnView } },
    handler: async ({ actor, headers, params, query, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      return oneReturn(cradle, params.returnId, { kind: 'all' }, params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/returns/:returnId/cancel',
    summary: 'Withdraw a return request before it is approved or rejected',
    description: `${describeAccess} 409 \`RETURN_TRANSITION_INVALID\` once it was decided.`,
    tags: ['returns'],
    schema: { params: OrderReturnParams, query: StoreReturnsQuery, response: { 200: StoreReturnView } },
    handler: async ({ actor, headers, params, query, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      await cradle.returnService.cancel(params.id, params.returnId);
      return oneReturn(cradle, params.returnId, { kind: 'all' }, params.id);
    },
  }),
];

const describeVendor =
  'Staff with `orders:read`/`orders:write` see and act on every return; a vendor (`vendor:portal`) only on returns whose every line is its own ' +
  '(a return mixing sellers is handled by the store’s staff); others answer 404.';

/** `/admin/returns`: the returns list, decisions, labels, receipts and refunds. */
export const adminReturnRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List returns, newest first',
    description: `Filters: \`status\`, \`orderId\`, \`vendorId\` (returns holding a line of that vendor). ${describeVendor}`,
    tags: ['returns'],
    access: ORDER_READ_ACCESS,
    schema: { query: AdminReturnsQuery, response: { 200: AdminReturnPage } },
    handler: async ({ actor, query, cradle }) => {
      const { limit, offset, ...filter } = query;
      return cradle.returnService.views({ ...filter, scope: orderScope(actor, 'read') }, { limit: limit ?? 20, offset: offset ?? 0 });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One return with its items, amounts, label, images and refund state',
    description: describeVendor,
    tags: ['returns'],
    access: ORDER_READ_ACCESS,
    schema: { params: ReturnParams, response: { 200: AdminReturnView } },
    handler: async ({ actor, params, cradle }) => oneReturn(cradle, params.id, orderScope(actor, 'read')),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/approve',
    summary: 'Approve a requested return, optionally buying a return label',
    description:
      `${describeVendor} \`label\` buys a return label from a carrier that claims return labels (the customer’s shipping address to ` +
      '`shipping.origin`); when the carrier fails the return stays approved and the answer is 502 `RETURN_LABEL_FAILED`: retry with `/label`.',
    tags: ['returns'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: ReturnParams, body: ApproveBody, response: { 200: AdminReturnView } },
    handler: async ({ actor, params, body, cradle }) => {
      const scope = orderScope(actor, 'write');
      await cradle.returnService.approve(params.id, scope, body);
      return oneReturn(cradle, params.id, scope);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/reject',
    summary: 'Reject a requested return, saying why',
    description: describeVendor,
    tags: ['returns'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: ReturnParams, body: RejectBody, response: { 200: AdminReturnView } },
    handler: async ({ actor, params, body, cradle }) => {
      const scope = orderScope(actor, 'write');
      await cradle.returnService.reject(params.id, scope, body.note);
      return oneReturn(cradle, params.id, scope);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/label',
    summary: 'Buy the return label of an approved return (once: a return with a label keeps it)',
    description: describeVendor,
    tags: ['returns'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: ReturnParams, body: LabelRequest, response: { 200: AdminReturnView } },
    handler: async ({ actor, params, body, cradle }) => {
      const scope = orderScope(actor, 'write');
      await cradle.returnService.label(params.id, scope, body);
      return oneReturn(cradle, params.id, scope);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/receive',
    summary: 'Record what came back, restock or write it off, and refund or place the exchange order',
    description:
      `${describeVendor} Every line of the return once, with the units that arrived and their condition: \`resellable\` units go back into ` +
      'stock (the line’s or the body’s `locationId`, else the default location), `damaged`/`unsellable` ones are written off. A refund that ' +
      'cannot be made now leaves the return `received` with `refundError`; retry with `/refund`.',
    tags: ['returns'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: ReturnParams, body: ReceiveBody, response: { 200: AdminReturnView } },
    handler: async ({ actor, params, body, cradle }) => {
      const scope = orderScope(actor, 'write');
      await cradle.returnService.receive(params.id, scope, body);
      return oneReturn(cradle, params.id, scope);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/refund',
    summary: 'Retry the refund of a received return',
    description: `${describeVendor} Never refunds twice: the refund carries the return’s idempotency key. Answers the payment module’s problem when it fails again.`,
    tags: ['returns'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: ReturnParams, response: { 200: AdminReturnView } },
    handler: async ({ actor, params, cradle }) => {
      const scope = orderScope(actor, 'write');
      await cradle.returnService.refund(params.id, scope);
      return oneReturn(cradle, params.id, scope);
    },
  }),
];
