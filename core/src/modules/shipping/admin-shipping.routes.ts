import { Type } from 'typebox';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { CarrierView, CreateOptionBody, CreateZoneBody, IdParams, OptionQuery, OptionView, UpdateOptionBody, UpdateZoneBody, ZoneView } from './shipping.schemas.ts';

const tags = ['shipping'];
/** Shipping is store configuration: `settings:write` changes it; staff who read orders may read it too. */
const write = { permission: 'settings:write' } as const;
const read = { permission: ['settings:write', 'orders:read'] } as const;

/** `/admin/shipping`: zones (the places the store ships to), the options offered in each, and the installed carriers. */
export const adminShippingRoutes = [
  defineRoute({
    method: 'GET',
    path: '/zones',
    summary: 'List shipping zones with their areas and options',
    tags,
    access: read,
    schema: { response: { 200: Type.Object({ items: Type.Array(ZoneView) }) } },
    handler: async ({ cradle }) => ({ items: await cradle.shippingZoneService.list() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/zones',
    summary: 'Create a shipping zone',
    description:
      'Areas are countries, optionally narrowed to a region and/or a postal-code pattern (`94103`, `SW1*`, `10000-19999`); no areas makes the ' +
      'rest-of-world zone. An address belongs to the zone of the most specific area containing it; an area already in another zone answers ' +
      '409 `SHIPPING_ZONE_AREA_TAKEN` naming it.',
    tags,
    access: write,
    schema: { body: CreateZoneBody, response: { 201: ZoneView } },
    handler: async ({ body, cradle }) => reply(201, await cradle.shippingZoneService.createZone(body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/zones/:id',
    summary: 'A shipping zone with its areas and options',
    tags,
    access: read,
    schema: { params: IdParams, response: { 200: ZoneView } },
    handler: async ({ params, cradle }) => cradle.shippingZoneService.zone(params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/zones/:id',
    summary: 'Rename a shipping zone or replace its areas',
    tags,
    access: write,
    schema: { params: IdParams, body: UpdateZoneBody, response: { 200: ZoneView } },
    handler: async ({ params, body, cradle }) => cradle.shippingZoneService.updateZone(params.id, body),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/zones/:id',
    summary: 'Delete a shipping zone and its options',
    tags,
    access: write,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.shippingZoneService.deleteZone(params.id);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/options',
    summary: 'List shipping options (of one zone with `zoneId`), then the read-only ones from config',
    tags,
    access: read,
    schema: { query: OptionQuery, response: { 200: Type.Object({ items: Type.Array(OptionView) }) } },
    handler: async ({ query, cradle }) => ({ items: await cradle.shippingZoneService.listOptions(query.zoneId) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/options',
    summary: 'Add a shipping option to a zone',
    description:
      'The rate is `flat` (an amount per currency), `weight` (brackets by parcel weight, inclusive upper bounds), `order_value` (brackets by goods ' +
      'value, per currency) or `carrier` (the live rate of an installed carrier’s service, plus a markup); `freeAbove` makes any of them free from ' +
      'a goods value. Bad rates answer 422 `SHIPPING_RATE_INVALID` naming the field.',
    tags,
    access: write,
    schema: { body: CreateOptionBody, response: { 201: OptionView } },
    handler: async ({ body, cradle }) => reply(201, await cradle.shippingZoneService.createOption(body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/options/:id',
    summary: 'A shipping option',
    tags,
    access: read,
    schema: { params: IdParams, response: { 200: OptionView } },
    handler: async ({ params, cradle }) => cradle.shippingZoneService.option(params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/options/:id',
    summary: 'Change a shipping option (a new rate replaces the old one whole)',
    description: 'Options from config `shipping.flatRates` answer 409 `SHIPPING_OPTION_READ_ONLY`.',
    tags,
    access: write,
    schema: { params: IdParams, body: UpdateOptionBody, response: { 200: OptionView } },
    handler: async ({ params, body, cradle }) => cradle.shippingZoneService.updateOption(params.id, body),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/options/:id',
    summary: 'Delete a shipping option',
    tags,
    access: write,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.shippingZoneService.deleteOption(params.id);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/carriers',
    summary: 'The installed shipping carriers and what each can do',
    tags,
    access: read,
    schema: { response: { 200: Type.Object({ items: Type.Array(CarrierView) }) } },
    handler: async ({ cradle }) => ({
      items: (await cradle.shippingCarriers.list()).map((carrier) => ({ id: carrier.id, name: carrier.name, capabilities: { ...carrier.capabilities } })),
    }),
  }),
];
