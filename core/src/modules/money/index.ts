/** Money rules every module shares: minor units, currency exponents, exact conversion and rounding. */
export { currencyExponent, isCurrencyCode } from './currency.ts';
export { amountFromDatabase, convertAmount, formatDecimal, isMinorUnitAmount, parseDecimalAmount, type Money } from './money.ts';
