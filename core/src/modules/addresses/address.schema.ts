import { Type, type Static } from 'typebox';

/**
 * The request and response schemas of postal addresses. The schemas check types and lengths; what
 * depends on the country (postal code format, required region) is checked by `checkAddress` in
 * `address-rules.ts`, which every user of these schemas calls next.
 */

const text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
/** An optional field may be left out or sent as null; a blank one is stored as null. */
const optionalText = (maxLength: number, description?: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength, ...(description ? { description } : {}) }), Type.Null()]));

export const E164_PHONE_PATTERN = '^\\+[1-9][0-9]{6,14}$';

/** The fields of a postal address (API.md's address shape), to spread into the schemas that embed one. */
export const PostalAddressFields = {
  firstName: text(100),
  lastName: text(100),
  company: optionalText(200),
  line1: text(200),
  line2: optionalText(200),
  city: text(100),
  region: optionalText(100, 'State, province or county. Required for US (USPS code, e.g. CA) and IN (state or union territory).'),
  postalCode: text(20, 'Checked against the country: e.g. 560001 (IN), 94103 or 94103-1234 (US), SW1A 1AA (GB), 10115 (DE)'),
  countryCode: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. IN, US, GB; stored in upper case' }),
  phone: Type.Optional(Type.Union([Type.String({ pattern: E164_PHONE_PATTERN, description: 'E.164, e.g. +14155550123' }), Type.Null()])),
};

/** A postal address as carts and orders take it: `{ firstName, lastName, line1, line2?, city, region?, postalCode, countryCode, phone? }`. */
export const PostalAddressInput = Type.Object(PostalAddressFields);
export type PostalAddressInput = Static<typeof PostalAddressInput>;

/** The same address as responses show it: every field present, absent optional ones as null. */
export const PostalAddressViewFields = {
  firstName: Type.String(),
  lastName: Type.String(),
  company: Type.Union([Type.String(), Type.Null()]),
  line1: Type.String(),
  line2: Type.Union([Type.String(), Type.Null()]),
  city: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  postalCode: Type.String(),
  countryCode: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
};
export const PostalAddressView = Type.Object(PostalAddressViewFields);

const bookFields = {
  label: optionalText(50, 'A name for the address, e.g. Home or Office'),
  ...PostalAddressFields,
  isDefaultShipping: Type.Optional(Type.Boolean({ description: 'Make this the default shipping address (the previous default stops being it)' })),
  isDefaultBilling: Type.Optional(Type.Boolean({ description: 'Make this the default billing address (the previous default stops being it)' })),
};

/** A new address-book entry. */
export const CreateAddressBody = Type.Object(bookFields);
export type CreateAddressBody = Static<typeof CreateAddressBody>;

/** A partial update: the fields sent replace the stored ones, and the merged address is checked as a whole. */
export const UpdateAddressBody = Type.Partial(Type.Object(bookFields), { minProperties: 1 });
export type UpdateAddressBody = Static<typeof UpdateAddressBody>;

export const AddressView = Type.Object({
  id: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  ...PostalAddressViewFields,
  isDefaultShipping: Type.Boolean(),
  isDefaultBilling: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type AddressView = Static<typeof AddressView>;

export const AddressList = Type.Object({ items: Type.Array(AddressView), count: Type.Integer({ description: 'How many addresses the book holds' }) });

export const AddressParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const AddressListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
