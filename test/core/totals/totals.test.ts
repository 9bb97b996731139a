import { expect } from 'chai';
import fc from 'fast-check';
import {
  allocateLargestRemainder,
  computeTotals,
  RuleBasedTaxCalculator,
  type TaxCalculator,
  type Totals,
  type TotalsAdjuster,
  type TotalsInput,
} from '../../../core/src/modules/totals/index.ts';

const CA_TAX = new RuleBasedTaxCalculator({
  pricesIncludeTax: false,
  defaultTaxClass: 'standard',
  rates: [
    { id: 'us-ca', name: 'CA sales tax', countryCode: 'US', region: 'CA', taxClass: 'standard', rate: '7.25' },
    { id: 'us-ca-food', name: 'CA food', countryCode: 'US', region: 'CA', taxClass: 'food', rate: '0' },
  ],
});
const DE_TAX = new RuleBasedTaxCalculator({
  pricesIncludeTax: true,
  defaultTaxClass: 'standard',
  rates: [
    { id: 'de-vat', name: 'MwSt. 19 %', countryCode: 'DE', taxClass: 'standard', rate: '19' },
    { id: 'de-vat-reduced', name: 'MwSt. 7 %', countryCode: 'DE', taxClass: 'reduced', rate: '7' },
  ],
});

function input(currencyCode: string, countryCode: string, region: string | undefined, amounts: Array<[number, number, string?]>): TotalsInput {
  return {
    currencyCode,
    shippingAddress: { countryCode, region },
    lines: amounts.map(([quantity, unitPrice, taxClass], index) => ({ id: `line_${index + 1}`, variantId: `var_${index + 1}`, quantity, unitPrice, taxClass })),
  };
}

const orderDiscount = (amount: number, label = 'ORDER'): TotalsAdjuster => ({ name: 'coupon', adjust: () => ({ orderDiscounts: [{ amount, label }] }) });
const shippingOf = (amount: number): TotalsAdjuster => ({ name: 'shipping', adjust: () => ({ shipping: [{ id: 'ship_1', name: 'Standard', amount }] }) });

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Every invariant the engine promises, checked on one result. */
function expectConsistent(totals: Totals): void {
  expect(totals.subtotal).to.equal(sum(totals.lines.map((l) => l.subtotal)));
  expect(totals.discountTotal).to.equal(sum(totals.lines.map((l) => l.discount)));
  expect(totals.discountTotal).to.equal(sum(totals.discounts.map((d) => d.amount)));
  expect(totals.shippingTotal).to.equal(sum(totals.shipping.map((s) => s.amount)));
  expect(totals.taxTotal).to.equal(sum([...totals.lines.map((l) => l.taxTotal), ...totals.shipping.map((s) => s.taxTotal)]));
  expect(totals.taxTotal).to.equal(sum(totals.taxes.map((t) => t.amount)));
  expect(totals.total).to.equal(sum([...totals.lines.map((l) => l.total), ...totals.shipping.map((s) => s.total)]));
  const beforeTax = totals.subtotal - totals.discountTotal + totals.shippingTotal;
  expect(totals.total).to.equal(totals.pricesIncludeTax ? beforeTax : beforeTax + totals.taxTotal);
  for (const line of totals.lines) {
    expect(line.subtotal).to.equal(line.quantity * line.unitPrice);
    expect(line.discount).to.equal(sum(line.discounts.map((d) => d.amount)));
    expect(line.taxableAmount).to.equal(line.subtotal - line.discount);
    expect(line.taxableAmount).to.be.at.least(0);
    if (totals.pricesIncludeTax) expect(line.taxTotal).to.be.at.most(line.taxableAmount);
  }
  for (const amount of [totals.subtotal, totals.discountTotal, totals.shippingTotal, totals.taxTotal, totals.total]) {
    expect(Number.isSafeInteger(amount) && amount >= 0).to.equal(true);
  }
}

describe('totals', () => {
  it('adds up a cart with no adjusters and no tax rules', () => {
    const totals = computeTotals(input('USD', 'US', 'OR', [[2, 1250], [1, 99]]), { adjusters: [], tax: CA_TAX });
    expect(totals).to.include({ subtotal: 2599, discountTotal: 0, shippingTotal: 0, taxTotal: 0, total: 2599, pricesIncludeTax: false });
    expectConsistent(totals);
  });

  it('spreads an order discount over lines by largest remainder, never losing a cent, then taxes what is left', () => {
    const totals = computeTotals(input('USD', 'US', 'CA', [[1, 1000], [1, 2000]]), { adjusters: [orderDiscount(100)], tax: CA_TAX });
    // 100 × 1000/3000 = 33.33…, 100 × 2000/3000 = 66.66…: floors 33 + 66, the leftover cent goes to the larger remainder
    expect(totals.lines.map((l) => l.discount)).to.deep.equal([33, 67]);
    // 9.67 × 7.25 % = 0.701075 → 0.70; 19.33 × 7.25 % = 1.401425 → 1.40
    expect(totals.lines.map((l) => l.taxTotal)).to.deep.equal([70, 140]);
    expect(totals).to.include({ subtotal: 3000, discountTotal: 100, taxTotal: 210, total: 3110 });
    expect(totals.discounts).to.deep.equal([{ source: 'coupon', label: 'ORDER', amount: 100 }]);
    expectConsistent(totals);
  });

  it('gives equal remainders to earlier lines first, and caps a discount at what is left', () => {
    const three = computeTotals(input('USD', 'US', 'OR', [[1, 1], [1, 1], [1, 1]]), { adjusters: [orderDiscount(2)], tax: CA_TAX });
    expect(three.lines.map((l) => l.discount)).to.deep.equal([1, 1, 0]);
    const capped = computeTotals(input('USD', 'US', 'CA', [[3, 33]]), { adjusters: [orderDiscount(500)], tax: CA_TAX });
    expect(capped).to.include({ discountTotal: 99, taxTotal: 0, total: 0 });
    expectConsistent(capped);
  });

  it('applies line discounts before later adjusters, which see the running state', () => {
    const seen: number[][] = [];
    const lineDiscount: TotalsAdjuster = { name: 'sale', adjust: () => ({ lineDiscounts: [{ lineId: 'line_1', amount: 5000, label: 'SALE' }] }) };
    const tenPercent: TotalsAdjuster = {
      name: 'ten-percent',
      adjust: (state) => {
        seen.push(state.lines.map((l) => l.subtotal - l.discount));
        const left = sum(state.lines.map((l) => l.subtotal - l.discount));
        return { orderDiscounts: [{ amount: Math.floor(left / 10), label: '10 %' }] };
      },
    };
    const totals = computeTotals(input('EUR', 'DE', undefined, [[1, 1999], [3, 333, 'reduced']]), { adjusters: [lineDiscount, tenPercent, shippingOf(495)], tax: DE_TAX });
    expect(seen).to.deep.equal([[0, 999]]); // the line discount was capped at the line's 19.99
    expect(totals.lines[0]).to.include({ discount: 1999, taxableAmount: 0, taxTotal: 0, total: 0 });
    expect(totals.lines[1]).to.include({ discount: 99, taxableAmount: 900 }); // 10 % of 9.99 → 0.99
    // 9.00 € × 7/107 = 0.5887… → 0.59; shipping 4.95 € × 19/119 = 0.7903… → 0.79
    // rates are listed in the order they first apply (line 1, fully discounted, still matched 19 %)
    expect(totals.taxes).to.deep.equal([
      { rateId: 'de-vat', name: 'MwSt. 19 %', rate: '19', amount: 79 },
      { rateId: 'de-vat-reduced', name: 'MwSt. 7 %', rate: '7', amount: 59 },
    ]);
    expect(totals).to.include({ subtotal: 2998, discountTotal: 2098, shippingTotal: 495, taxTotal: 138, total: 1395 });
    expectConsistent(totals);
  });

  it('taxes shipping at the destination’s standard rate, or at the class its charge names', () => {
    const foodShipping: TotalsAdjuster = { name: 'shipping', adjust: () => ({ shipping: [{ id: 'ship_1', name: 'Groceries', amount: 1000, taxClass: 'food' }] }) };
    const standard = computeTotals(input('USD', 'US', 'CA', [[1, 1000, 'food']]), { adjusters: [shippingOf(1000)], tax: CA_TAX });
    expect(standard.shipping[0]).to.include({ taxTotal: 73, total: 1073 }); // 10.00 × 7.25 % = 0.725 → 0.73
    expect(standard.lines[0]!.taxes).to.deep.equal([{ rateId: 'us-ca-food', name: 'CA food', rate: '0', amount: 0 }]);
    expect(standard).to.include({ shippingTotal: 1000, taxTotal: 73, total: 2073 });
    const food = computeTotals(input('USD', 'US', 'CA', [[1, 1000, 'food']]), { adjusters: [foodShipping], tax: CA_TAX });
    expect(food).to.include({ taxTotal: 0, total: 2000 });
  });

  it('refuses broken input and a tax calculator that breaks its contract', () => {
    expect(() => computeTotals(input('USD', 'US', 'CA', [[0, 100]]), { adjusters: [], tax: CA_TAX })).to.throw(/quantity/);
    expect(() => computeTotals(input('USD', 'US', 'CA', [[1, 1.5]]), { adjusters: [], tax: CA_TAX })).to.throw(/minor units/);
    expect(() => computeTotals(input('usd', 'US', 'CA', [[1, 1]]), { adjusters: [], tax: CA_TAX })).to.throw(/currency/);
    expect(() => computeTotals(input('USD', 'US', 'CA', [[1, 1]]), { adjusters: [orderDiscount(-1)], tax: CA_TAX })).to.throw(/non-negative/);
    const silent: TaxCalculator = { pricesIncludeTax: false, calculate: () => [] };
    expect(() => computeTotals(input('USD', 'US', 'CA', [[1, 1]]), { adjusters: [], tax: silent })).to.throw(/did not answer/);
    const greedy: TaxCalculator = { pricesIncludeTax: true, calculate: ({ items }) => items.map((i) => ({ id: i.id, taxes: [{ rateId: 'x', name: 'x', rate: '200', amount: i.amount + 1 }] })) };
    expect(() => computeTotals(input('USD', 'US', 'CA', [[1, 1]]), { adjusters: [], tax: greedy })).to.throw(/exceeds/);
    const fractional: TaxCalculator = { pricesIncludeTax: false, calculate: ({ items }) => items.map((i) => ({ id: i.id, taxes: [{ rateId: 'x', name: 'x', rate: '1', amount: 0.5 }] })) };
    expect(() => computeTotals(input('USD', 'US', 'CA', [[1, 1]]), { adjusters: [], tax: fractional })).to.throw(/minor units/);
  });

  describe('largest-remainder allocation', () => {
    it('splits exactly, each part within one unit of its exact share, zero weights getting nothing', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 }), (amount, weights) => {
          const total = sum(weights);
          fc.pre(total > 0);
          const parts = allocateLargestRemainder(amount, weights);
          expect(sum(parts)).to.equal(amount);
          parts.forEach((part, i) => {
            const exact = BigInt(amount) * BigInt(weights[i]!);
            const floor = exact / BigInt(total);
            expect(BigInt(part) === floor || BigInt(part) === floor + 1n).to.equal(true);
            if (weights[i] === 0) expect(part).to.equal(0);
          });
        }),
      );
    });
  });

  describe('invariants (properties)', () => {
    const currencies = fc.constantFrom('USD', 'EUR', 'JPY', 'KWD');
    const line = fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 2_000_000 }), fc.constantFrom(undefined, 'standard', 'reduced', 'food'));
    const address = fc.constantFrom(['DE', undefined], ['US', 'CA'], ['US', 'OR'], ['IN', 'KA']) as fc.Arbitrary<[string, string | undefined]>;
    const rates = fc.constantFrom('0', '5', '7', '7.25', '18', '19', '8.875', '33.333');

    it('total = subtotal − discounts + shipping (+ tax when exclusive), and every order amount is the sum of its parts', () => {
      fc.assert(
        fc.property(
          currencies,
          address,
          fc.array(line, { minLength: 1, maxLength: 8 }),
          fc.boolean(),
          fc.tuple(rates, rates, rates),
          fc.array(fc.integer({ min: 0, max: 500_000 }), { maxLength: 3 }),
          fc.array(fc.tuple(fc.nat({ max: 7 }), fc.integer({ min: 0, max: 500_000 })), { maxLength: 3 }),
          fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 2 }),
          (currency, [country, region], lines, pricesIncludeTax, [standard, reduced, regional], orderDiscounts, lineDiscounts, shipping) => {
            const tax = new RuleBasedTaxCalculator({
              pricesIncludeTax,
              defaultTaxClass: 'standard',
              rates: [
                { id: 'std', name: 'Standard', countryCode: country, taxClass: 'standard', rate: standard },
                { id: 'red', name: 'Reduced', countryCode: country, taxClass: 'reduced', rate: reduced },
                { id: 'reg', name: 'Regional', countryCode: 'US', region: 'CA', taxClass: 'standard', rate: regional },
              ],
            });
            const adjusters: TotalsAdjuster[] = [
              { name: 'lines', adjust: (s) => ({ lineDiscounts: lineDiscounts.filter(([i]) => i < s.lines.length).map(([i, amount]) => ({ lineId: s.lines[i]!.id, amount, label: 'L' })) }) },
              { name: 'order', adjust: () => ({ orderDiscounts: orderDiscounts.map((amount) => ({ amount, label: 'O' })) }) },
              { name: 'ship', adjust: () => ({ shipping: shipping.map((amount, i) => ({ id: `ship_${i}`, name: 'S', amount })) }) },
            ];
            const totals = computeTotals(input(currency, country, region, lines), { adjusters, tax });
            expectConsistent(totals);
            const requested = sum(orderDiscounts) + sum(lineDiscounts.filter(([i]) => i < lines.length).map(([, a]) => a));
            // discounts are capped at what is left of a line or of the order, never more, never lost otherwise
            expect(totals.discountTotal).to.be.at.most(Math.min(requested, totals.subtotal));
            if (lineDiscounts.length === 0) expect(totals.discountTotal).to.equal(Math.min(requested, totals.subtotal));
          },
        ),
      );
    });
  });
});
