import { Type } from 'typebox';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import {
  CreatePurchaseOrderBody,
  CreateSupplierBody,
  IdParams,
  PurchaseOrder,
  PurchaseOrderQuery,
  ReceiveBody,
  ReplaceLinesBody,
  Supplier,
  SupplierQuery,
  UpdateSupplierBody,
} from './purchasing.schemas.ts';

const tags = ['purchasing'];
/** Suppliers and purchase orders are the store's: staff with `inventory:write` only. */
const PURCHASING_ACCESS = { permission: 'inventory:write' } as const;

/** `/admin/inventory/suppliers` */
export const supplierRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List suppliers by name',
    tags,
    access: PURCHASING_ACCESS,
    schema: { query: SupplierQuery, response: { 200: Type.Object({ items: Type.Array(Supplier), count: Type.Integer() }) } },
    handler: async ({ query, cradle }) => cradle.purchasingService.listSuppliers({ limit: query.limit ?? 50, offset: query.offset ?? 0 }),
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create a supplier',
    tags,
    access: PURCHASING_ACCESS,
    schema: { body: CreateSupplierBody, response: { 201: Supplier } },
    handler: async ({ body, cradle }) => reply(201, await cradle.purchasingService.createSupplier(body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'A supplier',
    tags,
    access: PURCHASING_ACCESS,
    schema: { params: IdParams, response: { 200: Supplier } },
    handler: async ({ params, cradle }) => cradle.purchasingService.getSupplier(params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: "Change a supplier's name or contact details",
    tags,
    access: PURCHASING_ACCESS,
    schema: { params: IdParams, body: UpdateSupplierBody, response: { 200: Supplier } },
    handler: async ({ params, body, cradle }) => cradle.purchasingService.updateSupplier(params.id, body),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a supplier that has no purchase orders',
    description: 'Refused with 409 (`SUPPLIER_IN_USE`) when the supplier has purchase orders.',
    tags,
    access: PURCHASING_ACCESS,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.purchasingService.removeSupplier(params.id);
    },
  }),
];

/** `/admin/inventory/purchase-orders` */
export const purchaseOrderRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List purchase orders, newest first (filter by `status`, `supplierId`)',
    tags,
    access: PURCHASING_ACCESS,
    schema: { query: PurchaseOrderQuery, response: { 200: Type.Object({ items: Type.Array(PurchaseOrder), count: Type.Integer() }) } },
    handler: async ({ query, cradle }) =>
      cradle.purchasingService.listPurchaseOrders({ status: query.status, supplierId: query.supplierId, limit: query.limit ?? 50, offset: query.offset ?? 0 }),
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Draft a purchase order (numbered PO-00001, PO-00002, …) into a stock location (the default when none is named)',
    tags,
    access: PURCHASING_ACCESS,
    schema: { body: CreatePurchaseOrderBody, response: { 201: PurchaseOrder } },
    handler: async ({ body, cradle }) => reply(201, await cradle.purchasingService.createPurchaseOrder(body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'A purchase order with its lines and its receipts (oldest first)',
    tags,
    access: PURCHASING_ACCESS,
    schema: { params: IdParams, response: { 200: PurchaseOrder } },
    handler: async ({ params, cradle }) => cradle.purchasingService.getPurchaseOrder(params.id),
  }),
  defineRoute({
    method: 'PUT',
    path: '/:id/lines',
    summary: "Replace a draft purchase order's lines",
    description: 'Refused with 409 (`PURCHASE_ORDER_NOT_EDITABLE`) once the purchase order is no longer a draft.',
    tags,
    access: PURCHASING_ACCESS,
    schema: { params: IdParams, body: ReplaceLinesBody, response: { 200: PurchaseOrder } },
    handler: async ({ params, body, cradle }) => cradle.purchasingService.replaceLines(params.id, body.lines),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/order',
    summary: 'Mark a draft purchase order as ordered from its supplier',
    tags,
    access: PURCHASING_ACCESS,
    schema: { params: IdParams, response: { 200: PurchaseOrder } },
    handler: async ({ params, cradle }) => cradle.purchasingService.order(params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/receive',
    summary: 'Receive a delivery: adds stock at the purchase order’s location and records what arrived',
    description:
      'All lines or none: more than is outstanding on a line is refused with 422 (`PURCHASE_ORDER_OVER_RECEIPT`, naming `/lines/<i>/quantity`). ' +
      'The delivery is recorded as a receipt (who, when, the optional `note`, its lines), listed in the purchase order’s `receipts`, and ' +
      'each received line is written to the stock ledger as a `receipt` referencing the PO number, in one transaction.',
    tags,
    access: PURCHASING_ACCESS,
    schema: { params: IdParams, body: ReceiveBody, response: { 200: PurchaseOrder } },
    handler: async ({ params, body, cradle }) => cradle.purchasingService.receive(params.id, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/cancel',
    summary: 'Cancel a draft or ordered purchase order',
    tags,
    access: PURCHASING_ACCESS,
    schema: { params: IdParams, response: { 200: PurchaseOrder } },
    handler: async ({ params, cradle }) => cradle.purchasingService.cancel(params.id),
  }),
];
