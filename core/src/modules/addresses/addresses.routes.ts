import { defineRoute, reply } from '../../kernel/http/route.ts';
import { signedInUser } from '../../kernel/http/access.ts';
import { AddressList, AddressListQuery, AddressParams, AddressView, CreateAddressBody, UpdateAddressBody } from './address.schema.ts';
import { toAddressView } from './address.service.ts';

/** The signed-in user of a route declared `access: 'authenticated'`: every address route is scoped to them. */
/** `/store/me/addresses`: the signed-in customer's own address book. */
export const addressRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The address book: default addresses first, then the most recently updated',
    tags: ['account'],
    access: 'authenticated',
    schema: { query: AddressListQuery, response: { 200: AddressList } },
    handler: async ({ actor, query, cradle }) => {
      const { items, count } = await cradle.addressService.list(signedInUser(actor).userId, { limit: query.limit ?? 20, offset: query.offset ?? 0 });
      return { items: items.map(toAddressView), count };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Add an address',
    description:
      'The postal code, region and country are checked together (see docs/storefront/addresses.md). The first address ' +
      'becomes the default shipping and billing address; `isDefaultShipping`/`isDefaultBilling` move a default here.',
    tags: ['account'],
    access: 'authenticated',
    schema: { body: CreateAddressBody, response: { 201: AddressView } },
    handler: async ({ actor, body, cradle }) => reply(201, toAddressView(await cradle.addressService.create(signedInUser(actor).userId, body))),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Change an address (only the fields sent; the result is checked as a whole)',
    tags: ['account'],
    access: 'authenticated',
    schema: { params: AddressParams, body: UpdateAddressBody, response: { 200: AddressView } },
    handler: async ({ actor, params, body, cradle }) => toAddressView(await cradle.addressService.update(signedInUser(actor).userId, params.id, body)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete an address; a default it held passes to the most recently updated address left',
    tags: ['account'],
    access: 'authenticated',
    schema: { params: AddressParams, response: { 204: null } },
    handler: async ({ actor, params, cradle }) => {
      await cradle.addressService.remove(signedInUser(actor).userId, params.id);
    },
  }),
];
