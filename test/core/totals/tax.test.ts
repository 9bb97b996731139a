import { expect } from 'chai';
import fc from 'fast-check';
import { runTaxCalculatorConformance } from '@cartwright/core/testing';
import type { CoreConfig } from '../../../core/src/kernel/config/config.schema.ts';
import { ConfigError, validateConfig } from '../../../core/src/kernel/config/validate-config.ts';
import { computeTotals, exclusiveTax, inclusiveTax, inclusiveTaxes, percentFraction, RuleBasedTaxCalculator, type TotalsInput } from '../../../core/src/modules/totals/index.ts';

type TaxConfig = CoreConfig['tax'];
type Rate = TaxConfig['rates'][number];

function calculator(rates: Array<Omit<Rate, 'taxClass'> & { taxClass?: string }>, pricesIncludeTax: boolean): RuleBasedTaxCalculator {
  return new RuleBasedTaxCalculator({ pricesIncludeTax, defaultTaxClass: 'standard', rates: rates.map((r) => ({ taxClass: 'standard', ...r })) });
}

function cart(currencyCode: string, countryCode: string, region: string | undefined, lines: Array<[quantity: number, unitPrice: number, taxClass?: string]>, shipping?: number): TotalsInput & { shipping?: number } {
  return {
    currencyCode,
    shippingAddress: { countryCode, region },
    lines: lines.map(([quantity, unitPrice, taxClass], index) => ({ id: `line_${index + 1}`, variantId: `var_${index + 1}`, quantity, unitPrice, taxClass })),
    ...(shipping === undefined ? {} : { shipping }),
  };
}

function totalsOf(input: ReturnType<typeof cart>, tax: RuleBasedTaxCalculator) {
  const shipping = input.shipping;
  return computeTotals(input, {
    tax,
    adjusters: shipping === undefined ? [] : [{ name: 'flat-shipping', adjust: () => ({ shipping: [{ id: 'ship_1', name: 'Standard', amount: shipping }] }) }],
  });
}

const DE = [{ id: 'de-vat', name: 'MwSt. 19 %', countryCode: 'DE', rate: '19' }, { id: 'de-vat-reduced', name: 'MwSt. 7 %', countryCode: 'DE', taxClass: 'reduced', rate: '7' }];
const IN = [{ id: 'in-gst-18', name: 'GST 18%', countryCode: 'IN', rate: '18' }, { id: 'in-gst-5', name: 'GST 5%', countryCode: 'IN', taxClass: 'reduced', rate: '5' }];
const US = [{ id: 'us-ca', name: 'CA sales tax', countryCode: 'US', region: 'CA', rate: '7.25' }];
/** A store in Maharashtra: CGST + SGST within the state, IGST to other states. */
const IN_STACKED = [
  { id: 'in-cgst-9', name: 'CGST 9%', countryCode: 'IN', region: 'MH', rate: '9', stack: true },
  { id: 'in-sgst-9', name: 'SGST 9%', countryCode: 'IN', region: 'MH', rate: '9', stack: true },
  { id: 'in-igst-18', name: 'IGST 18%', countryCode: 'IN', rate: '18' },
];
/** Canada, British Columbia: federal GST and provincial PST on top of each other. */
const CA_BC = [
  { id: 'ca-bc-gst', name: 'GST 5%', countryCode: 'CA', region: 'BC', rate: '5', stack: true },
  { id: 'ca-bc-pst', name: 'PST 7%', countryCode: 'CA', region: 'BC', rate: '7', stack: true },
];

describe('tax', () => {
  describe('rule-based calculator, tax-inclusive store', () => {
    it('takes German VAT out of gross prices per line, half up, and taxes shipping at the standard rate', () => {
      const totals = totalsOf(cart('EUR', 'DE', undefined, [[3, 1999], [1, 1]], 495), calculator(DE, true));
      // 59.97 € × 19/119 = 9.57504… → 9.58 (per line: three times 3.19 per unit would be 9.57)
      expect(totals.lines.map((l) => l.taxTotal)).to.deep.equal([958, 0]); // 0.01 € × 19/119 = 0.0016 → 0
      expect(totals.shipping[0]!.taxTotal).to.equal(79); // 4.95 € × 19/119 = 0.7903… → 0.79
      expect(totals.lines.map((l) => l.total)).to.deep.equal([5997, 1]);
      expect(totals).to.include({ subtotal: 5998, shippingTotal: 495, taxTotal: 1037, total: 6493, discountTotal: 0 });
      expect(totals.taxes).to.deep.equal([{ rateId: 'de-vat', name: 'MwSt. 19 %', rate: '19', amount: 1037 }]);
    });

    it('applies Indian GST at 18 % and a reduced 5 % class in one cart, with per-rate totals', () => {
      const totals = totalsOf(cart('INR', 'IN', 'MH', [[2, 49900], [1, 10500, 'reduced']], 4900), calculator(IN, true));
      expect(totals.lines.map((l) => l.taxes)).to.deep.equal([
        [{ rateId: 'in-gst-18', name: 'GST 18%', rate: '18', amount: 15224 }], // ₹998 × 18/118 = ₹152.237…
        [{ rateId: 'in-gst-5', name: 'GST 5%', rate: '5', amount: 500 }], // ₹105 × 5/105 = ₹5 exactly
      ]);
      expect(totals.shipping[0]!.taxTotal).to.equal(747); // ₹49 × 18/118 = ₹7.4576…
      expect(totals.taxes).to.deep.equal([
        { rateId: 'in-gst-18', name: 'GST 18%', rate: '18', amount: 15971 },
        { rateId: 'in-gst-5', name: 'GST 5%', rate: '5', amount: 500 },
      ]);
      expect(totals).to.include({ subtotal: 110300, taxTotal: 16471, total: 115200 });
    });

    it('rounds a yen cart (no decimals) to whole yen, with a reduced class', () => {
      const jp = [{ id: 'jp-10', name: '消費税 10%', countryCode: 'JP', rate: '10' }, { id: 'jp-8', name: '軽減税率 8%', countryCode: 'JP', taxClass: 'food', rate: '8' }];
      const totals = totalsOf(cart('JPY', 'JP', undefined, [[1, 1980], [3, 333], [1, 1234, 'food']]), calculator(jp, true));
      // 1980 × 10/110 = 180; 999 × 10/110 = 90.81… → 91; 1234 × 8/108 = 91.40… → 91
      expect(totals.lines.map((l) => l.taxTotal)).to.deep.equal([180, 91, 91]);
      expect(totals).to.include({ taxTotal: 362, total: 4213 });
    });
  });

  describe('rule-based calculator, tax-exclusive store', () => {
    it('adds a US state rate on top, per line and half up, on awkward amounts', () => {
      const totals = totalsOf(cart('USD', 'US', 'CA', [[3, 33], [1, 1], [1, 2000], [1, 200]]), calculator(US, false));
      // 0.99 × 7.25 % = 0.071775 → 0.07; 0.01 → 0.000725 → 0; 20.00 → 1.45; 2.00 → 0.145 → 0.15 (the half goes up)
      expect(totals.lines.map((l) => l.taxTotal)).to.deep.equal([7, 0, 145, 15]);
      expect(totals.lines.map((l) => l.total)).to.deep.equal([106, 1, 2145, 215]);
      expect(totals).to.include({ subtotal: 2300, taxTotal: 167, total: 2467 });
      expect(totals.taxes).to.deep.equal([{ rateId: 'us-ca', name: 'CA sales tax', rate: '7.25', amount: 167 }]);
    });

    it('charges no tax where no rule matches (a state without sales tax, another country)', () => {
      for (const [country, region] of [['US', 'OR'], ['US', undefined], ['CA', 'ON']] as const) {
        const totals = totalsOf(cart('USD', country, region, [[3, 33], [1, 2000]], 500), calculator(US, false));
        expect(totals).to.include({ taxTotal: 0, total: 2599 });
        expect(totals.taxes).to.deep.equal([]);
        expect(totals.lines.every((l) => l.taxes.length === 0)).to.equal(true);
      }
    });

    it('prefers the region rule over the country rule, per tax class', () => {
      const tax = calculator(
        [
          { id: 'us-base', name: 'Base', countryCode: 'US', rate: '5' },
          { id: 'us-ca', name: 'CA', countryCode: 'US', region: 'CA', rate: '7.25' },
          { id: 'us-ca-food', name: 'CA food', countryCode: 'US', region: 'CA', taxClass: 'food', rate: '0' },
        ],
        false,
      );
      expect(tax.ruleFor({ countryCode: 'US', region: 'CA' }, 'standard')?.id).to.equal('us-ca');
      expect(tax.ruleFor({ countryCode: 'US', region: 'ca' }, 'standard')?.id).to.equal('us-ca');
      expect(tax.ruleFor({ countryCode: 'US', region: 'NY' }, 'standard')?.id).to.equal('us-base');
      expect(tax.ruleFor({ countryCode: 'US', region: 'CA' }, 'food')?.id).to.equal('us-ca-food');
      expect(tax.ruleFor({ countryCode: 'US', region: 'NY' }, 'food')).to.equal(undefined);
    });

    it('rounds a three-decimal currency (KWD) to the fils, and a store with no rates taxes nothing', () => {
      // Kuwait has no VAT today: a hypothetical 5 % rule shows the thousandths rounding
      const kw = [{ id: 'kw-5', name: 'VAT 5%', countryCode: 'KW', rate: '5' }];
      const totals = totalsOf(cart('KWD', 'KW', undefined, [[1, 1250], [3, 333]], 750), calculator(kw, false));
      // 1.250 × 5 % = 0.0625 → 0.063; 0.999 × 5 % = 0.04995 → 0.050; shipping 0.750 → 0.0375 → 0.038
      expect(totals.lines.map((l) => l.taxTotal)).to.deep.equal([63, 50]);
      expect(totals.shipping[0]!.taxTotal).to.equal(38);
      expect(totals).to.include({ taxTotal: 151, subtotal: 2249, shippingTotal: 750, total: 3150 });
      const none = totalsOf(cart('KWD', 'KW', undefined, [[1, 1250]]), new RuleBasedTaxCalculator({ pricesIncludeTax: false, defaultTaxClass: 'standard', rates: [] }));
      expect(none).to.include({ taxTotal: 0, total: 1250 });
    });
  });

  describe('rule-based calculator, stacked rates', () => {
    it('applies CGST and SGST together within the state, each rounded half up on its own, and IGST to another state', () => {
      const tax = calculator(IN_STACKED, true);
      expect(tax.rulesFor({ countryCode: 'IN', region: 'mh' }, 'standard').map((r) => r.id)).to.deep.equal(['in-cgst-9', 'in-sgst-9']);
      const within = totalsOf(cart('INR', 'IN', 'MH', [[2, 49900]], 4900), tax);
      // ₹998 × 9/118 = ₹76.1186… → 76.12 per rate; shipping ₹49 × 9/118 = ₹3.7372… → 3.74 per rate
      expect(within.lines[0]!.taxes).to.deep.equal([
        { rateId: 'in-cgst-9', name: 'CGST 9%', rate: '9', amount: 7612 },
        { rateId: 'in-sgst-9', name: 'SGST 9%', rate: '9', amount: 7612 },
      ]);
      expect(within.shipping[0]!.taxes.map((t) => t.amount)).to.deep.equal([374, 374]); // a single 18 % would round to 747, not 748
      expect(within.taxes).to.deep.equal([
        { rateId: 'in-cgst-9', name: 'CGST 9%', rate: '9', amount: 7986 },
        { rateId: 'in-sgst-9', name: 'SGST 9%', rate: '9', amount: 7986 },
      ]);
      expect(within).to.include({ taxTotal: 15972, total: 104700 });
      const elsewhere = totalsOf(cart('INR', 'IN', 'KA', [[2, 49900]], 4900), tax);
      expect(elsewhere.taxes).to.deep.equal([{ rateId: 'in-igst-18', name: 'IGST 18%', rate: '18', amount: 15971 }]);
    });

    it('adds GST and PST on top of a tax-exclusive price, per rate and half up', () => {
      const totals = totalsOf(cart('CAD', 'CA', 'BC', [[1, 210], [1, 2000]]), calculator(CA_BC, false));
      // $2.10: GST 0.105 → 0.11 and PST 0.147 → 0.15 (a combined 12 % would be 0.252 → 0.25); $20.00: 1.00 and 1.40
      expect(totals.lines.map((l) => l.taxes.map((t) => t.amount))).to.deep.equal([[11, 15], [100, 140]]);
      expect(totals.lines.map((l) => l.total)).to.deep.equal([236, 2240]);
      expect(totals.taxes.map((t) => [t.rateId, t.amount])).to.deep.equal([['ca-bc-gst', 111], ['ca-bc-pst', 155]]);
      expect(totals).to.include({ taxTotal: 266, total: 2476 });
    });

    it('splits tax out of an inclusive amount over stacked rates in proportion, each part within half a unit of exact', () => {
      const percents = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 99 })).map(([whole, hundredths]) => `${whole}.${String(hundredths).padStart(2, '0')}`);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.array(percents, { minLength: 1, maxLength: 3 }), (amount, rates) => {
          const parts = inclusiveTaxes(amount, rates.map(percentFraction));
          const r = rates.map((rate) => BigInt(rate.replace('.', '')));
          const gross = 10_000n + r.reduce((a, b) => a + b, 0n);
          parts.forEach((part, i) => {
            const exact = BigInt(amount) * r[i]!;
            expect(2n * BigInt(part) * gross - gross <= 2n * exact).to.equal(true);
            expect(2n * exact < 2n * BigInt(part) * gross + gross).to.equal(true);
          });
          if (rates.length === 1) expect(parts[0]).to.equal(inclusiveTax(amount, percentFraction(rates[0]!)));
        }),
      );
    });
  });

  describe('configuration', () => {
    it('defaults to no rates, prices without tax, and the standard class, which rates without a class follow', () => {
      const config = validateConfig({}, []);
      expect(config.tax).to.deep.equal({ pricesIncludeTax: false, defaultTaxClass: 'standard', rates: [] });
      const withRate = validateConfig({ tax: { defaultTaxClass: 'general', rates: [{ id: 'de-vat', name: 'MwSt.', countryCode: 'DE', rate: '19' }] } }, []);
      expect(withRate.tax.rates[0]!.taxClass).to.equal(undefined);
      // a rate without a class belongs to whatever the default class is
      expect(new RuleBasedTaxCalculator(withRate.tax).ruleFor({ countryCode: 'DE' }, 'general')?.id).to.equal('de-vat');
    });

    it('refuses rates written as numbers or with a malformed country', () => {
      expect(() => validateConfig({ tax: { rates: [{ id: 'x', name: 'X', countryCode: 'de', rate: 19 as unknown as string }] } }, [])).to.throw(ConfigError);
      expect(() => validateConfig({ tax: { rates: [{ id: 'x', name: 'X', countryCode: 'DE', rate: '19.5.1' }] } }, [])).to.throw(ConfigError);
    });

    it('refuses two rules for the same place and class unless both stack, and duplicate ids', () => {
      expect(() => calculator([US[0]!, { ...US[0]!, id: 'us-ca-2' }], false)).to.throw(/both apply/);
      expect(() => calculator([{ ...US[0]!, stack: true }, { ...US[0]!, id: 'us-ca-2' }], false)).to.throw(/both apply.*stack: true/);
      expect(() => calculator([{ ...US[0]!, stack: true }, { ...US[0]!, id: 'us-ca-2', stack: true }], false)).to.not.throw();
      expect(validateConfig({ tax: { rates: IN_STACKED } }, []).tax.rates.filter((r) => r.stack).map((r) => r.id)).to.deep.equal(['in-cgst-9', 'in-sgst-9']);
      expect(() => calculator([US[0]!, { ...US[0]!, region: 'NY' }], false)).to.throw(/used twice/);
    });
  });

  describe('rounding (properties)', () => {
    const percents = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 })).map(([whole, hundredths]) => `${whole}.${String(hundredths).padStart(2, '0')}`);

    it('exclusive tax is the exact amount × rate rounded half up', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), percents, (amount, percent) => {
          const tax = BigInt(exclusiveTax(amount, percentFraction(percent)));
          const exact = { n: BigInt(amount) * BigInt(percent.replace('.', '')), d: 10_000n };
          // tax − ½ ≤ exact < tax + ½
          expect(2n * tax * exact.d - exact.d <= 2n * exact.n).to.equal(true);
          expect(2n * exact.n < 2n * tax * exact.d + exact.d).to.equal(true);
        }),
      );
    });

    it('inclusive tax is the exact amount × r/(1+r) rounded half up, never more than the amount', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), percents, (amount, percent) => {
          const tax = inclusiveTax(amount, percentFraction(percent));
          const r = BigInt(percent.replace('.', ''));
          const exact = { n: BigInt(amount) * r, d: 10_000n + r };
          expect(2n * BigInt(tax) * exact.d - exact.d <= 2n * exact.n).to.equal(true);
          expect(2n * exact.n < 2n * BigInt(tax) * exact.d + exact.d).to.equal(true);
          expect(tax <= amount).to.equal(true);
        }),
      );
    });
  });
});

runTaxCalculatorConformance({
  name: 'RuleBasedTaxCalculator, prices include tax (DE VAT with a reduced class)',
  create: async () => ({
    calculator: calculator(DE, true),
    address: { countryCode: 'DE' },
    taxClasses: [null, 'reduced', 'no-rate-class'],
    claims: { taxesAtAddress: true, itemIndependent: true, monotonic: true },
    knownAnswers: [
      {
        request: { currencyCode: 'EUR', address: { countryCode: 'DE' }, items: [{ id: 'line_1', kind: 'line', taxClass: null, amount: 5997 }, { id: 'ship', kind: 'shipping', taxClass: null, amount: 495 }] },
        taxes: { line_1: [{ rateId: 'de-vat', name: 'MwSt. 19 %', rate: '19', amount: 958 }], ship: [{ rateId: 'de-vat', name: 'MwSt. 19 %', rate: '19', amount: 79 }] },
      },
    ],
  }),
});

runTaxCalculatorConformance({
  name: 'RuleBasedTaxCalculator, tax on top (US, California)',
  create: async () => ({
    calculator: calculator(US, false),
    address: { countryCode: 'US', region: 'CA' },
    claims: { taxesAtAddress: true, itemIndependent: true, monotonic: true },
    knownAnswers: [
      {
        request: { currencyCode: 'USD', address: { countryCode: 'US', region: 'CA' }, items: [{ id: 'half', kind: 'line', taxClass: null, amount: 200 }] },
        taxes: { half: [{ rateId: 'us-ca', name: 'CA sales tax', rate: '7.25', amount: 15 }] },
      },
    ],
  }),
});

runTaxCalculatorConformance({
  name: 'RuleBasedTaxCalculator, stacked rates included in prices (IN CGST + SGST)',
  create: async () => ({
    calculator: calculator(IN_STACKED, true),
    address: { countryCode: 'IN', region: 'MH' },
    claims: { taxesAtAddress: true, itemIndependent: true, monotonic: true },
  }),
});

runTaxCalculatorConformance({
  name: 'RuleBasedTaxCalculator, stacked rates on top (CA-BC GST + PST), at an address with no rates',
  create: async () => ({
    calculator: calculator(CA_BC, false),
    address: { countryCode: 'CA', region: 'ON' },
    claims: { itemIndependent: true, monotonic: true },
  }),
});
