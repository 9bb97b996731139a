import { currencyExponent } from '@cartwright/core';

/**
 * Unit conversion between Cartwright (grams, centimetres, integer minor units) and EasyPost
 * (ounces and inches as decimals, money as decimal strings). Everything is done on integers, so a
 * conversion never depends on how a float happens to round.
 */

/** Grams in an avoirdupois ounce, exactly (28.349523125), as a fraction: 28_349_523_125 / 10^9. */
const GRAMS_PER_OUNCE_NANO = 28_349_523_125n;
const NANO = 1_000_000_000n;
/** Centimetres in an inch, exactly (2.54), as 254 / 100. */
const CM_PER_INCH_CENTI = 254n;

/**
 * A non-negative number as an exact fraction `numerator / 10^scale`, read from its shortest decimal
 * form (what was written: 28.349523125 is exactly that, not the binary float nearest to it).
 */
function exactDecimal(value: number, what: string): { numerator: bigint; denominator: bigint } {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what} must be a finite, non-negative number; got ${value}`);
  const [mantissa, exponentText] = String(value).toLowerCase().split('e') as [string, string | undefined];
  const [whole, fraction = ''] = mantissa.split('.') as [string, string | undefined];
  const scale = fraction.length - Number(exponentText ?? 0);
  const digits = BigInt(whole + fraction);
  return scale >= 0 ? { numerator: digits, denominator: 10n ** BigInt(scale) } : { numerator: digits * 10n ** BigInt(-scale), denominator: 1n };
}

const ceilDiv = (numerator: bigint, denominator: bigint): bigint => (numerator + denominator - 1n) / denominator;

/** Tenths as a decimal number (`125n` → 12.5): the one step where a float appears, and it is exact to one decimal. */
const fromTenths = (tenths: bigint): number => Number(tenths) / 10;

/**
 * Grams → ounces, rounded UP to the next tenth of an ounce (EasyPost takes one decimal): declaring
 * a parcel lighter than it is gets the label surcharged or refused by the carrier, heavier never does.
 * 500 g → 17.7 oz (17.636… rounded up); 0 g → 0.1 oz (carriers refuse a weightless parcel).
 */
export function gramsToOunces(grams: number): number {
  const weight = exactDecimal(grams, 'weightGrams');
  // ounces × 10 = grams × 10 / grams-per-ounce
  const tenths = ceilDiv(weight.numerator * 10n * NANO, weight.denominator * GRAMS_PER_OUNCE_NANO);
  return fromTenths(tenths > 0n ? tenths : 1n);
}

/** Centimetres → inches, rounded UP to the next tenth (a box declared smaller than it is gets surcharged). 30 cm → 11.9 in. */
export function centimetresToInches(cm: number): number {
  const length = exactDecimal(cm, 'length');
  // inches × 10 = cm × 10 × 100 / 254
  const tenths = ceilDiv(length.numerator * 10n * 100n, length.denominator * CM_PER_INCH_CENTI);
  return fromTenths(tenths > 0n ? tenths : 1n);
}

/** What `decimalToMinor` refuses: not a decimal amount. */
export class EasyPostAmountError extends Error {
  override name = 'EasyPostAmountError';
}

/**
 * A decimal money string as EasyPost sends it (`"7.58"`, `"12"`, `"0.125"`) → integer minor units of
 * `currencyCode` (758). Digits beyond the currency's exponent are rounded half up (EasyPost answers
 * cents for USD; a carrier quoting tenths of a cent is charged the next cent).
 */
export function decimalToMinor(decimal: string | number, currencyCode: string): number {
  const text = typeof decimal === 'number' ? String(decimal) : decimal.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new EasyPostAmountError(`"${text}" is not a decimal amount`);
  const exponent = currencyExponent(currencyCode);
  const fraction = match[2] ?? '';
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  let minor = BigInt(match[1]! + kept);
  if (fraction.length > exponent && Number(fraction[exponent]) >= 5) minor += 1n;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new EasyPostAmountError(`"${text}" ${currencyCode} is too large`);
  return Number(minor);
}
