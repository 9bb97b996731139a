import type { CoreConfig } from '../../../kernel/config/config.schema.ts';
import type { CarrierAddress } from './shipping-carrier.ts';

/** A customer's postal address as carts and orders keep it. */
export interface PostalAddressFields {
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  company?: string | null | undefined;
  line1?: string | null | undefined;
  line2?: string | null | undefined;
  city?: string | null | undefined;
  region?: string | null | undefined;
  postalCode?: string | null | undefined;
  countryCode?: string | null | undefined;
  phone?: string | null | undefined;
}

/** A cart's or an order's address as carriers need it: one name line, the company when there is no name. */
export function carrierAddressOf(address: PostalAddressFields, email: string | null = null): CarrierAddress {
  return {
    name: [address.firstName, address.lastName].filter(Boolean).join(' ').trim() || (address.company ?? ''),
    company: address.company ?? null,
    line1: address.line1 ?? '',
    line2: address.line2 ?? null,
    city: address.city ?? '',
    region: address.region ?? null,
    postalCode: address.postalCode ?? '',
    countryCode: address.countryCode ?? '',
    phone: address.phone ?? null,
    email,
  };
}

/** Where parcels leave from and returns go back to (config `shipping.origin`), or undefined when the store has not said. */
export function originAddress(config: Pick<CoreConfig['shipping'], 'origin'>): CarrierAddress | undefined {
  const origin = config.origin;
  if (!origin) return undefined;
  return {
    name: origin.name,
    company: origin.company ?? null,
    line1: origin.line1,
    line2: origin.line2 ?? null,
    city: origin.city,
    region: origin.region ?? null,
    postalCode: origin.postalCode,
    countryCode: origin.countryCode,
    phone: origin.phone ?? null,
    email: origin.email ?? null,
  };
}
