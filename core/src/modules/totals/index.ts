/** Cart totals: subtotal, discounts, shipping and tax in integer minor units, through a pipeline of adjusters and a `TaxCalculator`. */
export {
  computeTotals,
  type AppliedDiscount,
  type LineDiscount,
  type LineTotals,
  type OrderDiscount,
  type RunningLine,
  type ShippingCharge,
  type ShippingTotals,
  type Totals,
  type TotalsAdjuster,
  type TotalsAdjustment,
  type TotalsInput,
  type TotalsLineInput,
  type TotalsPipeline,
  type TotalsState,
} from './totals.ts';
export {
  RuleBasedTaxCalculator,
  type TaxAddress,
  type TaxAmount,
  type TaxCalculator,
  type TaxRequest,
  type TaxableItem,
  type TaxedItem,
} from './tax-calculator.ts';
export { allocateLargestRemainder, exclusiveTax, inclusiveTax, inclusiveTaxes, percentFraction, type Fraction } from './rounding.ts';
