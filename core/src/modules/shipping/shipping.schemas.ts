import { Type, type Static } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$' });
const Amount = Type.Integer({ minimum: 0, maximum: 100_000_000 });
/** Minor units per currency (`{ USD: 495, EUR: 450 }`). */
const Amounts = Type.Record(CurrencyCode, Amount, { minProperties: 1 });
const Days = Type.Integer({ minimum: 0, maximum: 365 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const ZoneArea = Type.Object(
  {
    /** ISO 3166-1 alpha-2. */
    countryCode: Type.String({ pattern: '^[A-Z]{2}$' }),
    /** Narrows the area to one region of the country (the address's `region`, `CA`); absent: the whole country. */
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /**
     * Narrows the area to some postal codes: one code (`94103`), a prefix (`SW1*`) or a numeric range
     * of equal-length bounds (`10000-19999`). Spaces, and dashes outside a range, are ignored.
     */
    postalCodePattern: Type.Optional(Type.String({ minLength: 1, maxLength: 41 })),
  },
  { additionalProperties: false },
);

const strict = { additionalProperties: false } as const;

const flatRate = { type: Type.Literal('flat'), amounts: Amounts };

const weightRate = {
  type: Type.Literal('weight'),
  /** Ascending by `upToGrams` (inclusive): the first bracket the parcel fits prices it; heavier than the last: not offered. */
  brackets: Type.Array(Type.Object({ upToGrams: Type.Integer({ minimum: 1, maximum: 10_000_000 }), amounts: Amounts }, strict), { minItems: 1, maxItems: 50 }),
};

const orderValueRate = {
  type: Type.Literal('order_value'),
  /** Per currency, ascending by `from` (goods after discounts, minor units): the last bracket the goods reach prices it; below the first: not offered. */
  brackets: Type.Record(CurrencyCode, Type.Array(Type.Object({ from: Amount, amount: Amount }, strict), { minItems: 1, maxItems: 50 }), { minProperties: 1 }),
};

const carrierRate = {
  type: Type.Literal('carrier'),
  /** An installed carrier that claims `rates` (`GET /admin/shipping/carriers`). */
  carrierId: Type.String({ minLength: 1, maxLength: 64 }),
  /** The carrier's service code (`UPS:Ground`), as its rates name it. */
  service: Type.String({ minLength: 1, maxLength: 200 }),
  /** Added to what the carrier quotes: a percentage (rounded half up to the minor unit), then a fixed amount per currency. */
  markup: Type.Optional(Type.Object({ percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })), amounts: Type.Optional(Type.Record(CurrencyCode, Amount)) }, strict)),
};

export const ShippingRate = Type.Union([Type.Object(flatRate, strict), Type.Object(weightRate, strict), Type.Object(orderValueRate, strict), Type.Object(carrierRate, strict)]);
/**
 * The same rates in responses, left open: responses are shaped by removing undeclared properties,
 * which inside `anyOf` would strip a rate down to the first type's fields. A rate holds only what
 * its input schema let through, so nothing else can leak.
 */
const open = { additionalProperties: true } as const;
const ShippingRateView = Type.Union([Type.Object(flatRate, open), Type.Object(weightRate, open), Type.Object(orderValueRate, open), Type.Object(carrierRate, open)]);
export type ShippingRate = Static<typeof ShippingRate>;

export const CreateZoneBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    /** Empty: the "rest of world" zone, for addresses no other zone covers (one per store). */
    areas: Type.Array(ZoneArea, { maxItems: 500 }),
  },
  { additionalProperties: false },
);
export const UpdateZoneBody = Type.Partial(CreateZoneBody, { additionalProperties: false, minProperties: 1 });

const OptionFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  rate: ShippingRate,
  /** Free when the goods after discounts reach this, per currency (any rate type). */
  freeAbove: Type.Optional(Nullable(Type.Record(CurrencyCode, Amount))),
  /** Whether cash on delivery (any pay-on-delivery method) may be chosen with this option. Default true. */
  codAllowed: Type.Optional(Type.Boolean()),
  minDays: Type.Optional(Nullable(Days)),
  maxDays: Type.Optional(Nullable(Days)),
  /** Inactive options stay in the admin but are not offered to carts. Default true. */
  active: Type.Optional(Type.Boolean()),
  /** Options are listed by position, then by creation. Default 0. */
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
};

export const CreateOptionBody = Type.Object({ zoneId: Id, ...OptionFields }, { additionalProperties: false });
export const UpdateOptionBody = Type.Partial(Type.Object(OptionFields), { additionalProperties: false, minProperties: 1 });
export const OptionQuery = Type.Object({ zoneId: Type.Optional(Id) }, { additionalProperties: false });

export const IdParams = Type.Object({ id: Id });

export const ZoneAreaView = Type.Object({
  countryCode: Type.String(),
  region: Nullable(Type.String()),
  postalCodePattern: Nullable(Type.String()),
});

export const OptionView = Type.Object({
  id: Type.String(),
  /** null for an option from config `shipping.flatRates` (read-only here). */
  zoneId: Nullable(Type.String()),
  source: Type.Union([Type.Literal('admin'), Type.Literal('config')]),
  name: Type.String(),
  rate: ShippingRateView,
  freeAbove: Nullable(Type.Record(Type.String(), Type.Integer())),
  codAllowed: Type.Boolean(),
  minDays: Nullable(Type.Integer()),
  maxDays: Nullable(Type.Integer()),
  active: Type.Boolean(),
  position: Type.Integer(),
  createdAt: Nullable(Type.String()),
  updatedAt: Nullable(Type.String()),
});

export const ZoneView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  restOfWorld: Type.Boolean(),
  areas: Type.Array(ZoneAreaView),
  options: Type.Array(OptionView),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const CarrierView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  capabilities: Type.Object({ rates: Type.Boolean(), labels: Type.Boolean(), returns: Type.Boolean(), tracking: Type.Boolean(), webhooks: Type.Boolean() }),
});

export type ZoneAreaInput = Static<typeof ZoneArea>;
export type CreateZoneInput = Static<typeof CreateZoneBody>;
export type UpdateZoneInput = Static<typeof UpdateZoneBody>;
export type CreateOptionInput = Static<typeof CreateOptionBody>;
export type UpdateOptionInput = Static<typeof UpdateOptionBody>;
export type OptionView = Static<typeof OptionView>;
export type ZoneView = Static<typeof ZoneView>;
