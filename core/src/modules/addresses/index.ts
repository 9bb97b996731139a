import { definePlugin } from '../../kernel/plugin.ts';
import { Address } from './address.entity.ts';
import { AddressService, MAX_ADDRESSES_PER_USER } from './address.service.ts';
import { addressRoutes } from './addresses.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    addressService: AddressService;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    'address.created': { addressId: string; userId: string; countryCode: string; isDefaultShipping: boolean; isDefaultBilling: boolean };
    /** `fields` names what changed; a default moving to another address updates both addresses. */
    'address.updated': { addressId: string; userId: string; fields: string[] };
    'address.deleted': { addressId: string; userId: string };
  }
}

/** Customers' address books under `/store/me/addresses`, and the address rules carts and checkout reuse. */
export const addressesModule = definePlugin({
  name: '@cartwright/core/addresses',
  version: '0.1.0',
  register(api) {
    api.entities(Address);
    api.service('addressService', (cradle) => new AddressService(cradle));
    api.routes('/store/me/addresses', addressRoutes);
  },
});

export { Address, AddressService, MAX_ADDRESSES_PER_USER };
export type { AddressRecord } from './address.entity.ts';
export { AddressErrors } from './addresses.errors.ts';
export {
  checkAddress,
  requireValidAddress,
  isCountryCode,
  COUNTRY_CODES,
  POSTAL_CODE_RULES,
  REGION_RULES,
  US_STATE_CODES,
  IN_STATES,
  type PostalAddress,
  type NormalisedAddress,
  type AddressCheck,
  type AddressCheckOptions,
} from './address-rules.ts';
export { PostalAddressFields, PostalAddressInput, PostalAddressView, PostalAddressViewFields } from './address.schema.ts';
