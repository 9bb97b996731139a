import { currencyExponent } from './currency.ts';

/** An amount of money: an integer count of the currency's minor unit (cents for USD, yen for JPY). */
export interface Money {
  amount: number;
  currencyCode: string;
}

/** Whether `amount` can be a minor-unit amount: an integer JavaScript holds exactly. */
export function isMinorUnitAmount(amount: number): boolean {
  return Number.isSafeInteger(amount);
}

/** A bigint column's value (node-postgres returns strings) as a number, refusing anything inexact. */
export function amountFromDatabase(value: string | number | bigint): number {
  const amount = Number(value);
  if (!Number.isSafeInteger(amount)) throw new Error(`amount ${String(value)} is not a safe integer`);
  return amount;
}

/** A non-negative exact fraction. */
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

/**
 * A decimal string (`'0.9215'`) as an exact fraction, so rates never pass through a float.
 */
export function decimalFraction(value: string): Fraction {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) throw new Error(`not a decimal number: ${value}`);
  const fraction = match[2] ?? '';
  return { numerator: BigInt(match[1]! + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/** `numerator / denominator` rounded half up: the one rounding rule money follows (amounts are never negative). */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/**
 * Converts an amount at `rate` (units of the target currency per unit of the source, as a decimal
 * string) into the target's minor units. Exact rational arithmetic, one rounding at the end, half up:
 * 1999 USD cents at '0.9215' to EUR is 18.420785 € → 1842 cents; to JPY at '151.37' it is
 * 3025.8863 ¥ → 3026. The exponents of both currencies are taken into account.
 */
export function convertAmount(amount: number, fromCurrency: string, toCurrency: string, rate: string): number {
  const { numerator, denominator } = decimalFraction(rate);
  const shift = currencyExponent(toCurrency) - currencyExponent(fromCurrency);
  let top = BigInt(amount) * numerator;
  let bottom = denominator;
  if (shift >= 0) top *= 10n ** BigInt(shift);
  else bottom *= 10n ** BigInt(-shift);
  const converted = Number(divideHalfUp(top, bottom));
  if (!Number.isSafeInteger(converted)) throw new Error(`converted amount out of range: ${amount} ${fromCurrency} → ${toCurrency}`);
  return converted;
}

/** `12.5` style decimal text of a minor-unit amount, for CSV files and people (never for arithmetic). */
export function formatDecimal(amount: number, currencyCode: string): string {
  const exponent = currencyExponent(currencyCode);
  if (exponent === 0) return String(amount);
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Minor units from decimal text (`'12.50'` USD → 1250): exact, and refusing more decimals than the
 * currency has rather than rounding them away. `undefined` when the text is not such an amount.
 */
export function parseDecimalAmount(text: string, currencyCode: string): number | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const exponent = currencyExponent(currencyCode);
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return undefined;
  const amount = Number(match[1]! + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(amount) ? amount : undefined;
}
