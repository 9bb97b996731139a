import { expect } from 'chai';
import { priceOption, rateIssues, type PricedOption } from '../../../core/src/modules/shipping/shipping-rates.ts';

const question = (over: Partial<Parameters<typeof priceOption>[1]> = {}) => ({ currencyCode: 'USD', goodsAmount: 5_000, weightGrams: 1_000, ...over });

describe('shipping rates', () => {
  it('prices a flat rate per currency and leaves out a currency it has no price in', () => {
    const option: PricedOption = { rate: { type: 'flat', amounts: { USD: 495, EUR: 450 } }, freeAbove: null };
    expect(priceOption(option, question())).to.deep.equal({ ok: true, amount: 495 });
    expect(priceOption(option, question({ currencyCode: 'EUR' }))).to.deep.equal({ ok: true, amount: 450 });
    expect(priceOption(option, question({ currencyCode: 'GBP' }))).to.deep.include({ ok: false });
  });

  describe('a weight table', () => {
    const option: PricedOption = {
      rate: {
        type: 'weight',
        brackets: [
          { upToGrams: 500, amounts: { USD: 400 } },
          { upToGrams: 2_000, amounts: { USD: 700 } },
          { upToGrams: 10_000, amounts: { USD: 1_500 } },
        ],
      },
      freeAbove: null,
    };
    const at = (weightGrams: number) => priceOption(option, question({ weightGrams }));

    it('includes each upper bound in its bracket and moves one gram over to the next', () => {
      expect(at(0)).to.deep.equal({ ok: true, amount: 400 });
      expect(at(500)).to.deep.equal({ ok: true, amount: 400 });
      expect(at(501)).to.deep.equal({ ok: true, amount: 700 });
      expect(at(2_000)).to.deep.equal({ ok: true, amount: 700 });
      expect(at(2_001)).to.deep.equal({ ok: true, amount: 1_500 });
      expect(at(10_000)).to.deep.equal({ ok: true, amount: 1_500 });
    });

    it('does not offer a parcel heavier than the last bracket', () => {
      const answer = at(10_001);
      expect(answer.ok).to.equal(false);
      expect(answer.ok === false && answer.reason).to.match(/10000 g/);
    });
  });

  describe('an order-value table', () => {
    const option: PricedOption = {
      rate: { type: 'order_value', brackets: { USD: [{ from: 2_000, amount: 900 }, { from: 5_000, amount: 500 }, { from: 10_000, amount: 0 }] } },
      freeAbove: null,
    };
    const at = (goodsAmount: number) => priceOption(option, question({ goodsAmount }));

    it('prices the goods by the last bracket they reach, and not at all below the first (a minimum order)', () => {
      expect(at(1_999).ok).to.equal(false);
      expect(at(2_000)).to.deep.equal({ ok: true, amount: 900 });
      expect(at(4_999)).to.deep.equal({ ok: true, amount: 900 });
      expect(at(5_000)).to.deep.equal({ ok: true, amount: 500 });
      expect(at(10_000)).to.deep.equal({ ok: true, amount: 0 });
      expect(priceOption(option, question({ currencyCode: 'EUR' })).ok).to.equal(false);
    });
  });

  it('makes any rate free from its threshold: exactly at it is free, one minor unit below is not', () => {
    const threshold = { USD: 10_000 };
    const rates: PricedOption['rate'][] = [
      { type: 'flat', amounts: { USD: 495 } },
      { type: 'weight', brackets: [{ upToGrams: 5_000, amounts: { USD: 800 } }] },
      { type: 'order_value', brackets: { USD: [{ from: 0, amount: 650 }] } },
      { type: 'carrier', carrierId: 'test', service: 'ground' },
    ];
    for (const rate of rates) {
      const option = { rate, freeAbove: threshold };
      const below = priceOption(option, question({ goodsAmount: 9_999, carrierQuote: 1_234 }));
      expect(below.ok && below.amount, rate.type).to.be.greaterThan(0);
      expect(priceOption(option, question({ goodsAmount: 10_000, carrierQuote: 1_234 })), rate.type).to.deep.equal({ ok: true, amount: 0 });
      // in a currency without a threshold the rate is charged as usual
      expect(priceOption({ rate, freeAbove: { EUR: 1 } }, question({ goodsAmount: 10_000, carrierQuote: 1_234 })), rate.type).to.deep.equal(below);
    }
  });

  it('adds a carrier rate’s markup to the quote (percent half up, then a fixed amount) and offers nothing without a quote', () => {
    const option: PricedOption = { rate: { type: 'carrier', carrierId: 'test', service: 'ground', markup: { percent: 10, amounts: { USD: 100 } } }, freeAbove: null };
    expect(priceOption(option, question({ carrierQuote: 1_005 }))).to.deep.equal({ ok: true, amount: 1_005 + 101 + 100 });
    expect(priceOption(option, question({ carrierQuote: 1_004 }))).to.deep.equal({ ok: true, amount: 1_004 + 100 + 100 });
    expect(priceOption(option, question({ carrierQuote: null })).ok).to.equal(false);
  });

  describe('checks', () => {
    const currencies = ['USD', 'EUR'];

    it('names currencies the store does not sell in and thresholds in currencies the rate has no price in', () => {
      const issues = rateIssues({ rate: { type: 'flat', amounts: { USD: 1, XYZ: 2 } }, freeAbove: { EUR: 5 } }, currencies);
      expect(issues.map((i) => [i.pointer, i.rule])).to.deep.equal([
        ['/rate/amounts/XYZ', 'currency'],
        ['/freeAbove/EUR', 'currency'],
      ]);
    });

    it('names weight brackets out of order or pricing other currencies than the first', () => {
      const issues = rateIssues(
        {
          rate: {
            type: 'weight',
            brackets: [
              { upToGrams: 1_000, amounts: { USD: 1 } },
              { upToGrams: 1_000, amounts: { USD: 2 } },
              { upToGrams: 3_000, amounts: { USD: 3, EUR: 3 } },
            ],
          },
          freeAbove: null,
        },
        currencies,
      );
      expect(issues.map((i) => [i.pointer, i.rule])).to.deep.equal([
        ['/rate/brackets/1/upToGrams', 'order'],
        ['/rate/brackets/2/amounts', 'currencies'],
      ]);
    });

    it('names order-value brackets out of order', () => {
      const issues = rateIssues({ rate: { type: 'order_value', brackets: { USD: [{ from: 500, amount: 1 }, { from: 100, amount: 0 }] } }, freeAbove: null }, currencies);
      expect(issues.map((i) => [i.pointer, i.rule])).to.deep.equal([['/rate/brackets/USD/1/from', 'order']]);
    });
  });
});
