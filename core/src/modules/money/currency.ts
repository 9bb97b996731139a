/**
 * ISO 4217 minor-unit exponents that differ from the usual 2. Every other three-letter code has two
 * decimals. Kept as data so a reader can check it against the standard's table at a glance.
 */
const EXPONENT_EXCEPTIONS: Readonly<Record<string, number>> = {
  // no minor unit
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // thousandths
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // ten-thousandths
  CLF: 4, UYW: 4,
};

export function isCurrencyCode(value: string): boolean {
  return /^[A-Z]{3}$/.test(value);
}

/** Decimals of a currency's minor unit: 2 for USD (cents), 0 for JPY, 3 for KWD. */
export function currencyExponent(currencyCode: string): number {
  return EXPONENT_EXCEPTIONS[currencyCode] ?? 2;
}
