import { Type, type Static } from '@cartwright/core';

/** Minor units per ISO 4217 currency code: `{ EUR: 2000, PLN: 10000 }`. */
const PerCurrency = Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.Integer({ minimum: 0 }), { additionalProperties: false });

export const CodOptions = Type.Object(
  {
    /** ISO 3166-1 alpha-2 codes of the shipping countries where couriers collect cash (`['PL', 'CZ']`). */
    countries: Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { minItems: 1, uniqueItems: true }),
    /** The smallest order total (before the COD fee) per currency; a currency not listed has no minimum. */
    minOrderAmount: Type.Optional(PerCurrency),
    /** The largest order total (before the COD fee) per currency; a currency not listed has no maximum. */
    maxOrderAmount: Type.Optional(PerCurrency),
    /** What the buyer pays for COD per currency; a currency not listed pays none. */
    fee: Type.Optional(PerCurrency),
  },
  { additionalProperties: false },
);
export type CodOptions = Static<typeof CodOptions>;

/** Rules the schema cannot express; throws naming the option (the store then does not start). */
export function checkLimits(options: CodOptions): void {
  for (const [currency, min] of Object.entries(options.minOrderAmount ?? {})) {
    const max = options.maxOrderAmount?.[currency];
    if (max !== undefined && max < min) {
      throw new Error(`minOrderAmount.${currency} (${min}) is above maxOrderAmount.${currency} (${max}): no order could use cash on delivery in ${currency}`);
    }
  }
}
