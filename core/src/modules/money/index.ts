/** Money rules every module shares: minor units, currency exponents, exact conversion and rounding. */
export { currencyExponent, isCurrencyCode } from './currency.ts';
export { amountFromDatabase, convertAmount, decimalFraction, divideHalfUp, formatDecimal, isMinorUnitAmount, parseDecimalAmount, type Fraction, type Money } from './money.ts';
