import { expect } from 'chai';
import fc from 'fast-check';
import type { CoreConfig } from '../../../core/src/kernel/config/config.schema.ts';
import { ConfigError, validateConfig } from '../../../core/src/kernel/config/validate-config.ts';
import { computeTotals, exclusiveTax, inclusiveTax, percentFraction, RuleBasedTaxCalculator, type TotalsInput } from '../../../core/src/modules/totals/index.ts';

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

    it('refuses two rules for the same place and class, and duplicate ids', () => {
      expect(() => calculator([US[0]!, { ...US[0]!, id: 'us-ca-2' }], false)).to.throw(/both apply/);
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
