import { Type } from 'typebox';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { inventoryScope, LOCATION_ACCESS, STOCK_ACCESS } from './inventory-access.ts';
import {
  AdjustmentBody,
  CreateLocationBody,
  LocationParams,
  LowStockItem,
  LowStockQuery,
  Movement,
  MovementQuery,
  SetLevelBody,
  StockLevel,
  StockLocation,
  TransferBody,
  UpdateLocationBody,
  VariantQuery,
} from './inventory.schemas.ts';

const tags = ['inventory'];

/** `/admin/inventory`: staff with `inventory:write` manage all stock; vendors (`vendor:portal`) their own products' stock. */
export const inventoryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/locations',
    summary: 'List stock locations, the default first',
    tags,
    access: LOCATION_ACCESS,
    schema: { response: { 200: Type.Object({ items: Type.Array(StockLocation) }) } },
    handler: async ({ cradle }) => ({ items: await cradle.inventoryService.listLocations() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/locations',
    summary: 'Create a stock location (with `isDefault`, it becomes the default)',
    tags,
    access: LOCATION_ACCESS,
    schema: { body: CreateLocationBody, response: { 201: StockLocation } },
    handler: async ({ body, cradle }) => reply(201, await cradle.inventoryService.createLocation(body)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/locations/:id',
    summary: 'Rename a stock location or make it the default',
    tags,
    access: LOCATION_ACCESS,
    schema: { params: LocationParams, body: UpdateLocationBody, response: { 200: StockLocation } },
    handler: async ({ params, body, cradle }) => cradle.inventoryService.updateLocation(params.id, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/adjustments',
    summary: 'Add to or take from on-hand stock (the default location when none is named)',
    description:
      'Written to the ledger with `reason`: `adjustment` (the default: a count, a loss, a correction), `receipt` (stock that arrived) or `return`. ' +
      'Refused with 422 (`STOCK_INSUFFICIENT`, naming `/delta`) when on hand would go below zero or below what is reserved.',
    tags,
    access: STOCK_ACCESS,
    schema: { body: AdjustmentBody, response: { 201: StockLevel } },
    handler: async ({ body, cradle, actor }) => reply(201, await cradle.inventoryService.adjust(inventoryScope(actor), body)),
  }),
  defineRoute({
    method: 'PUT',
    path: '/levels',
    summary: 'Set on-hand stock after a count, and the low-stock threshold and backorders',
    description: 'The difference to the current on hand is written to the ledger with `reason` (`adjustment` when none is given; `receipt` or `return` for stock that arrived).',
    tags,
    access: STOCK_ACCESS,
    schema: { body: SetLevelBody, response: { 200: StockLevel } },
    handler: async ({ body, cradle, actor }) => cradle.inventoryService.setLevel(inventoryScope(actor), body),
  }),
  defineRoute({
    method: 'POST',
    path: '/transfers',
    summary: 'Move stock from one location to another',
    tags,
    access: STOCK_ACCESS,
    schema: { body: TransferBody, response: { 201: Type.Object({ from: StockLevel, to: StockLevel }) } },
    handler: async ({ body, cradle, actor }) => {
      const [from, to] = await cradle.inventoryService.transfer(inventoryScope(actor), body);
      return reply(201, { from: from!, to: to! });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/levels',
    summary: "A variant's stock per location: on hand, reserved, available",
    tags,
    access: STOCK_ACCESS,
    schema: { query: VariantQuery, response: { 200: Type.Object({ items: Type.Array(StockLevel) }) } },
    handler: async ({ query, cradle, actor }) => ({ items: await cradle.inventoryService.levels(inventoryScope(actor), query.variantId) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/low-stock',
    summary: 'Stock levels at or below their low-stock threshold',
    tags,
    access: STOCK_ACCESS,
    schema: { query: LowStockQuery, response: { 200: Type.Object({ items: Type.Array(LowStockItem), count: Type.Integer() }) } },
    handler: async ({ query, cradle, actor }) => cradle.inventoryService.lowStock(inventoryScope(actor), { limit: query.limit ?? 50, offset: query.offset ?? 0 }),
  }),
  defineRoute({
    method: 'GET',
    path: '/movements',
    summary: "A variant's stock ledger, newest first",
    tags,
    access: STOCK_ACCESS,
    schema: { query: MovementQuery, response: { 200: Type.Object({ items: Type.Array(Movement), count: Type.Integer() }) } },
    handler: async ({ query, cradle, actor }) =>
      cradle.inventoryService.movements(inventoryScope(actor), query.variantId, { limit: query.limit ?? 50, offset: query.offset ?? 0, locationId: query.locationId }),
  }),
];
