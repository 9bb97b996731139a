import type { EntityManager } from '@mikro-orm/sql';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { ORDER_READ_ACCESS, ORDER_WRITE_ACCESS, orderScope } from './order-access.ts';
import {
  AdminCancelResult,
  AdminOrderPage,
  AdminOrdersQuery,
  AdminOrderView,
  CancelBody,
  EditBody,
  CreateFulfillmentBody,
  FulfillmentParams,
  LabelBody,
  NoteBody,
  OrderParams,
  ShipBody,
} from './order.schemas.ts';
import type { Cradle } from '../../kernel/container.ts';
import { createFulfillment, fulfillmentItems } from './order-fulfillment.ts';
import { listOrders, loadOrderDetail, vendorHasLines, type OrderScope } from './order-views.ts';
import { OrderErrors } from './orders.errors.ts';

async function adminView(em: EntityManager, orderId: string, scope: OrderScope): Promise<AdminOrderView> {
  const view = await loadOrderDetail(em, orderId, { scope, audience: 'staff' });
  if (!view) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
  return view;
}

/** A vendor may act only on orders holding its lines; others are not found. */
async function requireInScope(em: EntityManager, orderId: string, scope: OrderScope): Promise<void> {
  if (scope.kind === 'vendor' && !(await vendorHasLines(em, orderId, scope.vendorId))) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
}

const fulfillmentDeps = (cradle: Cradle) => ({ reservationService: cradle.reservationService, actor: cradle.actor, orderService: cradle.orderService });

const describeVendor = 'A vendor (`vendor:portal`) sees only orders holding its lines, and only those lines.';

/** `/admin/orders`: the order list and detail, notes, cancellation and fulfillment. */
export const adminOrderRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List orders with filters',
    description:
      'Filters: `status`, `paymentStatus`, `fulfillmentStatus`, `from`/`to` (placed date range, `to` exclusive), `customerId`, ' +
      '`vendorId` (orders with a line of that vendor), `min`/`max` (order total, minor units), `q` (order number exactly, or the ' +
      `start of the email). \`sort\`: \`newest\` (default), \`oldest\`, \`total\` (highest first). ${describeVendor}`,
    tags: ['orders'],
    access: ORDER_READ_ACCESS,
    schema: { query: AdminOrdersQuery, response: { 200: AdminOrderPage } },
    handler: async ({ actor, query, cradle }) => {
      const { limit, offset, cursor, sort, ...filter } = query;
      return listOrders(cradle.em, { ...filter, scope: orderScope(actor, 'read') }, { limit: limit ?? 20, offset, cursor, sort: sort ?? 'newest' });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'An order with its full timeline, staff notes included',
    description: describeVendor,
    tags: ['orders'],
    access: ORDER_READ_ACCESS,
    schema: { params: OrderParams, response: { 200: AdminOrderView } },
    handler: async ({ actor, params, cradle }) => adminView(cradle.em, params.id, orderScope(actor, 'read')),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/notes',
    summary: 'Add a note to the order’s timeline',
    description: 'Staff only unless `visibleToCustomer: true`. A vendor may note orders holding its lines.',
    tags: ['orders'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: OrderParams, body: NoteBody, response: { 201: AdminOrderView } },
    handler: async ({ actor, params, body, cradle }) => {
      const scope = orderScope(actor, 'write');
      await requireInScope(cradle.em, params.id, scope);
      if (!(await cradle.orderService.get(cradle.em, params.id))) throw OrderErrors.ORDER_NOT_FOUND(`No order ${params.id}`);
      await cradle.orderService.addNote(params.id, body);
      return reply(201, await adminView(cradle.em, params.id, scope));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/cancel',
    summary: 'Cancel the order before it is delivered',
    description:
      'Releases held stock, returns stock already sold to the order’s fulfillments (ledger `return`), cancels fulfillments not yet ' +
      'shipped, then voids authorized and refunds captured money through the payment provider. 409 `ORDER_NOT_CANCELLABLE` once ' +
      'delivered; 409 `ORDER_TRANSITION_INVALID` when already cancelled or completed.',
    tags: ['orders'],
    access: { permission: 'orders:write' },
    schema: { params: OrderParams, body: CancelBody, response: { 200: AdminCancelResult } },
    handler: async ({ params, body, cradle }) => {
      const payments = await cradle.orderService.cancel(params.id, { by: 'staff', reason: body.reason });
      return { order: await adminView(cradle.em, params.id, { kind: 'all' }), payments };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/edits',
    summary: 'Change quantities, remove lines or add variants before anything is paid or packed',
    description:
      'Kept lines keep the price they were sold at (and their discount, in proportion); added variants cost today’s price. Tax is worked ' +
      'out again; shipping and fees stay as charged. Stock follows: added units are held (409 `ORDER_EDIT_OUT_OF_STOCK` when there ' +
      'is not enough, and nothing changes), removed units are released. A cash-on-delivery payment follows the new total. 409 ' +
      '`ORDER_NOT_EDITABLE` once money is authorized or captured, or units are packed. Staff only.',
    tags: ['orders'],
    access: { permission: 'orders:write' },
    schema: { params: OrderParams, body: EditBody, response: { 200: AdminOrderView } },
    handler: async ({ params, body, cradle }) => {
      await cradle.orderService.edit(params.id, body);
      return adminView(cradle.em, params.id, { kind: 'all' });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/fulfillments',
    summary: 'Pack units of some lines for shipping from a stock location, optionally buying a label',
    description:
      'Each item’s quantity may not exceed what is left unfulfilled on its line (422 `ORDER_FULFILLMENT_INVALID` naming the item). ' +
      'The units are sold from stock (the order’s reservation is committed). Only a confirmed order can be fulfilled (409 ' +
      `\`ORDER_NOT_FULFILLABLE\`). The default stock location when \`locationId\` is absent. ${describeVendor} A vendor fulfils its own lines only. ` +
      'A `carrier` naming a manual carrier with a tracking-URL template gives a typed `trackingNumber` its `trackingUrl`. With `label`, a ' +
      'label is bought through an installed carrier claiming labels once the goods are packed (422 `CARRIER_…` naming the field, and ' +
      'nothing packed, when it cannot be asked for); when the carrier fails, the fulfillment stays packed with `label.status: failed` and ' +
      'its reason: retry with `POST …/fulfillments/:fulfillmentId/label`.',
    tags: ['orders'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: OrderParams, body: CreateFulfillmentBody, response: { 201: AdminOrderView } },
    handler: async ({ actor, params, body, cradle }) => {
      const scope = orderScope(actor, 'write');
      await requireInScope(cradle.em, params.id, scope);
      const { label, ...packing } = body;
      const trackingUrl = packing.trackingUrl ?? (await cradle.shippingCarriers.trackingUrl(packing.carrier, packing.trackingNumber)) ?? undefined;
      // packing and the label request commit together; the label itself is bought after, outside the transaction
      const shipmentId = await cradle.em.transactional(async (tx) => {
        const fulfillmentId = await createFulfillment(tx, fulfillmentDeps(cradle), params.id, { ...packing, ...(trackingUrl ? { trackingUrl } : {}) }, scope);
        return label ? cradle.carrierShipments.requestFor(tx, params.id, fulfillmentId, label, packing.items, '/label') : null;
      });
      if (shipmentId) await cradle.carrierShipments.purchase(shipmentId);
      return reply(201, await adminView(cradle.em, params.id, scope));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/fulfillments/:fulfillmentId/label',
    summary: 'Buy the label of a packed fulfillment, or retry buying it',
    description:
      'A label request that is pending or failed is bought again exactly as it was recorded, under the same idempotency key, so the ' +
      'carrier never sells two labels (the body is then ignored); without one, a request is made from the body as in `label` of ' +
      '`POST …/fulfillments`. 502 `CARRIER_LABEL_FAILED` with the carrier’s reason when it fails again (the request is kept); 409 ' +
      '`SHIPMENT_LABEL_EXISTS` once bought; 409 `SHIPMENT_LABEL_NOT_BUYABLE` once shipped or cancelled.',
    tags: ['orders'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: FulfillmentParams, body: LabelBody, response: { 200: AdminOrderView } },
    handler: async ({ actor, params, body, cradle }) => {
      const scope = orderScope(actor, 'write');
      await requireInScope(cradle.em, params.id, scope);
      const shipmentId = await cradle.em.transactional(async (tx) => {
        if (!(await cradle.orderService.get(tx, params.id, { lock: true }))) throw OrderErrors.ORDER_NOT_FOUND(`No order ${params.id}`);
        const items = await fulfillmentItems(tx, params.id, params.fulfillmentId, scope);
        return cradle.carrierShipments.requestFor(tx, params.id, params.fulfillmentId, body ?? {}, items, '');
      });
      await cradle.carrierShipments.purchaseOrFail(shipmentId);
      return adminView(cradle.em, params.id, scope);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/fulfillments/:fulfillmentId/ship',
    summary: 'Mark a fulfillment shipped, with its carrier and tracking',
    description:
      'The order becomes `shipped` when every unit is in a fulfillment and every fulfillment is shipped; the customer sees the tracking. ' +
      'A carrier that tracks parcels may ship it on its own (its first in-transit scan).',
    tags: ['orders'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: FulfillmentParams, body: ShipBody, response: { 200: AdminOrderView } },
    handler: async ({ actor, params, body, cradle }) => {
      const scope = orderScope(actor, 'write');
      await requireInScope(cradle.em, params.id, scope);
      const tracking = body ?? {};
      const trackingUrl = tracking.trackingUrl ?? (await cradle.shippingCarriers.trackingUrl(tracking.carrier, tracking.trackingNumber)) ?? undefined;
      await cradle.orderService.shipFulfillment(params.id, params.fulfillmentId, { ...tracking, ...(trackingUrl ? { trackingUrl } : {}) }, scope);
      return adminView(cradle.em, params.id, scope);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/fulfillments/:fulfillmentId/deliver',
    summary: 'Mark a shipped fulfillment delivered',
    description: 'The order becomes `delivered` when every fulfillment is delivered, and `completed` when it is also paid.',
    tags: ['orders'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: FulfillmentParams, response: { 200: AdminOrderView } },
    handler: async ({ actor, params, cradle }) => {
      const scope = orderScope(actor, 'write');
      await requireInScope(cradle.em, params.id, scope);
      await cradle.orderService.deliverFulfillment(params.id, params.fulfillmentId, scope);
      return adminView(cradle.em, params.id, scope);
    },
  }),
];
