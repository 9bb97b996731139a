import { expect } from 'chai';
import fc from 'fast-check';
import { convertAmount, currencyExponent, formatDecimal, parseDecimalAmount } from '../../../core/src/modules/money/index.ts';

describe('money', () => {
  it('knows the minor units of currencies with none or three decimals', () => {
    expect([currencyExponent('USD'), currencyExponent('EUR'), currencyExponent('JPY'), currencyExponent('KRW'), currencyExponent('KWD'), currencyExponent('BHD')]).to.deep.equal([
      2, 2, 0, 0, 3, 3,
    ]);
  });

  it('converts at a decimal rate with one half-up rounding, across exponents', () => {
    expect(convertAmount(1999, 'USD', 'EUR', '0.9215')).to.equal(1842); // 18.420785 €
    expect(convertAmount(4500, 'USD', 'EUR', '0.9215')).to.equal(4147); // 41.4675 € rounds up
    expect(convertAmount(1500, 'USD', 'JPY', '151.37')).to.equal(2271); // 2270.55 ¥
    expect(convertAmount(1000, 'JPY', 'USD', '0.0066')).to.equal(660); // 6.60 $
    expect(convertAmount(1000, 'USD', 'KWD', '0.3075')).to.equal(3075); // 3.075 KWD
    expect(convertAmount(0, 'USD', 'EUR', '0.9215')).to.equal(0);
  });

  it('rounds exactly as the real-number result rounded half up (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 99_999 }),
        fc.integer({ min: 0, max: 9_999 }),
        fc.constantFrom(['USD', 'EUR'], ['USD', 'JPY'], ['JPY', 'USD'], ['USD', 'KWD'], ['KWD', 'JPY']),
        (amount, whole, fraction, [from, to]) => {
          const rate = `${whole}.${String(fraction).padStart(4, '0')}`;
          // exact: amount × rate × 10^(to − from), in units of 10^-4 from the rate's fraction
          const scaled = BigInt(amount) * BigInt(whole * 10_000 + fraction);
          const shift = currencyExponent(to!) - currencyExponent(from!);
          const numerator = shift >= 0 ? scaled * 10n ** BigInt(shift) : scaled;
          const denominator = 10_000n * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
          const floor = numerator / denominator;
          const expected = (numerator - floor * denominator) * 2n >= denominator ? floor + 1n : floor;
          fc.pre(expected <= BigInt(Number.MAX_SAFE_INTEGER));
          expect(convertAmount(amount, from!, to!, rate)).to.equal(Number(expected));
        },
      ),
    );
  });

  it('writes and reads decimal text exactly, refusing more decimals than the currency has', () => {
    expect(formatDecimal(1999, 'USD')).to.equal('19.99');
    expect(formatDecimal(5, 'USD')).to.equal('0.05');
    expect(formatDecimal(1500, 'JPY')).to.equal('1500');
    expect(formatDecimal(1, 'KWD')).to.equal('0.001');
    expect(parseDecimalAmount('19.99', 'USD')).to.equal(1999);
    expect(parseDecimalAmount('19.9', 'USD')).to.equal(1990);
    expect(parseDecimalAmount('19', 'USD')).to.equal(1900);
    expect(parseDecimalAmount('19.999', 'USD')).to.equal(undefined);
    expect(parseDecimalAmount('1500.5', 'JPY')).to.equal(undefined);
    expect(parseDecimalAmount('-1', 'USD')).to.equal(undefined);
    expect(parseDecimalAmount('1e3', 'USD')).to.equal(undefined);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('USD', 'JPY', 'KWD'), (amount, currency) => {
        expect(parseDecimalAmount(formatDecimal(amount, currency), currency)).to.equal(amount);
      }),
    );
  });
});
