import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** An entry of a customer's address book. At most one per user is the default shipping (and billing) address. */
export const Address = defineEntity({
  name: 'Address',
  tableName: 'cw_address',
  properties: {
    id: p.string().length(64).primary(),
    userId: p.string().length(64),
    label: p.string().length(50).nullable(),
    firstName: p.string().length(100),
    lastName: p.string().length(100),
    company: p.string().length(200).nullable(),
    line1: p.string().length(200),
    line2: p.string().length(200).nullable(),
    city: p.string().length(100),
    region: p.string().length(100).nullable(),
    postalCode: p.string().length(20),
    countryCode: p.string().length(2),
    phone: p.string().length(16).nullable(),
    isDefaultShipping: p.boolean().default(false),
    isDefaultBilling: p.boolean().default(false),
    createdAt: p.datetime(),
    // set by the service when the customer changes the address, not when another address takes over a default
    updatedAt: p.datetime(),
  },
});

export type AddressRecord = InferEntity<typeof Address>;
