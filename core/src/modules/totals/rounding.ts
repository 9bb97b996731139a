/**
 * The exact arithmetic of totals: rates are decimal strings turned into fractions, amounts are
 * multiplied as BigInt and rounded once, half up, as `convertAmount` in the money module does
 * (decision 0013). Amounts here are never negative.
 */

import { decimalFraction, divideHalfUp, type Fraction } from '../money/index.ts';

export type { Fraction };

/** A percent written as a decimal string (`'19'`, `'7.25'`) as the exact fraction it stands for (`725/10000`). */
export function percentFraction(percent: string): Fraction {
  const { numerator, denominator } = decimalFraction(percent);
  return { numerator, denominator: 100n * denominator };
}

function toSafeNumber(value: bigint): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new Error(`amount out of range: ${value}`);
  return result;
}

/** Tax on a tax-exclusive amount: `amount × r`, rounded half up to the minor unit. */
export function exclusiveTax(amount: number, rate: Fraction): number {
  return toSafeNumber(divideHalfUp(BigInt(amount) * rate.numerator, rate.denominator));
}

/** Tax contained in a tax-inclusive amount: `amount × r / (1 + r)`, rounded half up to the minor unit. */
export function inclusiveTax(amount: number, rate: Fraction): number {
  return toSafeNumber(divideHalfUp(BigInt(amount) * rate.numerator, rate.denominator + rate.numerator));
}

/**
 * The taxes contained in a tax-inclusive amount taxed at several stacked rates (CGST + SGST): each
 * `amount × rᵢ / (1 + Σr)`, rounded half up to the minor unit on its own. With one rate it is
 * `inclusiveTax`.
 */
export function inclusiveTaxes(amount: number, rates: readonly Fraction[]): number[] {
  const common = rates.reduce((product, rate) => product * rate.denominator, 1n);
  const scaled = rates.map((rate) => (rate.numerator * common) / rate.denominator);
  const gross = common + scaled.reduce((sum, part) => sum + part, 0n);
  return scaled.map((part) => toSafeNumber(divideHalfUp(BigInt(amount) * part, gross)));
}

/**
 * Splits `amount` over `weights` in proportion, in whole minor units, so the parts add up to
 * `amount` exactly (largest remainder): each part is first rounded down, then the units left over go
 * one each to the parts with the largest fractional remainders, earlier parts first on ties. With all
 * weights zero, the parts are all zero (nothing to split over) unless `amount` is zero too.
 */
export function allocateLargestRemainder(amount: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`cannot allocate ${amount}`);
  const total = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  if (total === 0n) {
    if (amount !== 0) throw new Error(`cannot allocate ${amount} over nothing`);
    return weights.map(() => 0);
  }
  const exact = weights.map((weight) => BigInt(amount) * BigInt(weight));
  const parts = exact.map((product) => product / total);
  let left = BigInt(amount) - parts.reduce((sum, part) => sum + part, 0n);
  const byRemainder = exact
    .map((product, index) => ({ index, remainder: product % total }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (left === 0n) break;
    parts[index]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}
