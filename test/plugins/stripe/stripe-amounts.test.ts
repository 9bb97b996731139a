import { expect } from 'chai';
import fc from 'fast-check';
import { StripeAmountError, fromStripeAmount, stripeExponent, toStripeAmount } from '@cartwright/plugin-stripe';

describe('stripe amounts', () => {
  it('passes two-decimal currencies through as cents', () => {
    expect(toStripeAmount(1999, 'USD')).to.equal(1999);
    expect(toStripeAmount(1999, 'eur')).to.equal(1999);
    expect(fromStripeAmount(1999, 'usd')).to.equal(1999);
  });

  it('passes zero-decimal currencies through as whole units (JPY, KRW, VND)', () => {
    for (const currency of ['JPY', 'KRW', 'VND']) {
      expect(stripeExponent(currency)).to.equal(0);
      expect(toStripeAmount(1500, currency)).to.equal(1500);
      expect(fromStripeAmount(1500, currency.toLowerCase())).to.equal(1500);
    }
  });

  it('takes three-decimal currencies in thousandths ending in 0 (KWD, BHD, JOD, OMR, TND)', () => {
    for (const currency of ['KWD', 'BHD', 'JOD', 'OMR', 'TND']) {
      expect(stripeExponent(currency)).to.equal(3);
      expect(toStripeAmount(12_340, currency)).to.equal(12_340);
      expect(fromStripeAmount(12_340, currency)).to.equal(12_340);
    }
  });

  it('refuses a three-decimal amount whose last digit is not 0, naming the rule', () => {
    expect(() => toStripeAmount(12_345, 'KWD')).to.throw(StripeAmountError, /KWD amounts in thousandths ending in 0/);
  });

  it('converts where ISO and Stripe disagree: ISK (ISO whole krónur, Stripe hundredths) and MGA (ISO two decimals, Stripe whole)', () => {
    expect(toStripeAmount(500, 'ISK')).to.equal(50_000);
    expect(fromStripeAmount(50_000, 'isk')).to.equal(500);
    expect(toStripeAmount(12_300, 'MGA')).to.equal(123);
    expect(() => toStripeAmount(12_345, 'MGA')).to.throw(StripeAmountError, /whole units/);
  });

  it('refuses amounts that are not non-negative integers', () => {
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => toStripeAmount(bad, 'USD')).to.throw(StripeAmountError);
  });

  it('round-trips every amount Stripe accepts', () => {
    fc.assert(
      fc.property(fc.constantFrom('USD', 'JPY', 'KWD', 'ISK', 'MGA', 'BHD', 'VND'), fc.integer({ min: 0, max: 10_000_000 }), (currency, amount) => {
        let stripeAmount: number;
        try {
          stripeAmount = toStripeAmount(amount, currency);
        } catch (error) {
          expect(error).to.be.instanceOf(StripeAmountError);
          return;
        }
        expect(fromStripeAmount(stripeAmount, currency)).to.equal(amount);
      }),
    );
  });
});
