import { currencyExponent } from '@cartwright/core';

/**
 * Core keeps amounts in ISO 4217 minor units; Stripe has its own idea of a currency's smallest unit.
 * https://docs.stripe.com/currencies#zero-decimal and #three-decimal.
 */

/** Currencies Stripe takes in whole units (no decimals). */
export const STRIPE_ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

/** Currencies Stripe takes in thousandths, whose last digit must be 0 (it cannot settle below a hundredth). */
export const STRIPE_THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** A core amount Stripe cannot take as is (a three-decimal amount not ending in 0, a fraction of Stripe's unit). */
export class StripeAmountError extends Error {
  override name = 'StripeAmountError';
}

/** Decimals of the unit Stripe counts `currency` in. */
export function stripeExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (STRIPE_ZERO_DECIMAL.has(code)) return 0;
  if (STRIPE_THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** Core minor units → the integer Stripe wants for `amount`; throws when Stripe cannot represent it exactly. */
export function toStripeAmount(amount: number, currency: string): number {
  const code = currency.toUpperCase();
  if (!Number.isSafeInteger(amount) || amount < 0) throw new StripeAmountError(`amount must be a non-negative integer of ${code} minor units; got ${amount}`);
  const shift = stripeExponent(code) - currencyExponent(code);
  let converted = amount;
  if (shift > 0) converted = amount * 10 ** shift;
  if (shift < 0) {
    const unit = 10 ** -shift;
    if (amount % unit !== 0) throw new StripeAmountError(`Stripe charges ${code} in whole units: ${amount} minor units is not a multiple of ${unit}`);
    converted = amount / unit;
  }
  if (STRIPE_THREE_DECIMAL.has(code) && converted % 10 !== 0) {
    throw new StripeAmountError(`Stripe takes ${code} amounts in thousandths ending in 0 (it settles to the hundredth): ${amount} minor units cannot be charged; round the price to 0.01 ${code}`);
  }
  return converted;
}

/** Stripe's integer for `currency` → core minor units. */
export function fromStripeAmount(amount: number, currency: string): number {
  const code = currency.toUpperCase();
  const shift = stripeExponent(code) - currencyExponent(code);
  if (shift > 0) return Math.floor(amount / 10 ** shift);
  if (shift < 0) return amount * 10 ** -shift;
  return amount;
}
