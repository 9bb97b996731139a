import type { FieldIssue } from '../../kernel/errors.ts';
import { divideHalfUp } from '../money/index.ts';
import type { ShippingRate } from './shipping.schemas.ts';

/** What an option is priced from. */
export interface RateQuestion {
  currencyCode: string;
  /** The goods after discounts, minor units: what order-value brackets and free-shipping thresholds are compared with. */
  goodsAmount: number;
  /** What the buyable lines weigh (variants without a weight count as nothing). */
  weightGrams: number;
  /** For a carrier-calculated rate: what the carrier quoted for this cart, in its currency; null when there is no quote. */
  carrierQuote?: number | null | undefined;
}

/** What prices an option: its rate and its free-shipping threshold. */
export interface PricedOption {
  rate: ShippingRate;
  freeAbove: Record<string, number> | null;
}

export type RateAnswer = { ok: true; amount: number } | { ok: false; reason: string };

/**
 * The price of an option for a cart, or why it does not apply: the one place the rate types' rules
 * live (the options list, the cart totals and checkout all come here). An option that applies is
 * free once the goods reach its `freeAbove` in the cart's currency.
 *
 * - `flat`: one amount per currency.
 * - `weight`: the first bracket whose `upToGrams` (inclusive) the parcel does not exceed; heavier than the last: not offered.
 * - `order_value`: the last bracket whose `from` the goods reach; below the first: not offered (a minimum order).
 * - `carrier`: the carrier's quote plus the markup; no quote: not offered.
 */
export function priceOption(option: PricedOption, question: RateQuestion): RateAnswer {
  const price = priceRate(option.rate, question);
  if (!price.ok) return price;
  const threshold = option.freeAbove?.[question.currencyCode];
  return threshold !== undefined && question.goodsAmount >= threshold ? { ok: true, amount: 0 } : price;
}

function priceRate(rate: ShippingRate, question: RateQuestion): RateAnswer {
  const currency = question.currencyCode;
  const notInCurrency = { ok: false, reason: `is not offered in ${currency}` } as const;
  switch (rate.type) {
    case 'flat': {
      const amount = rate.amounts[currency];
      return amount === undefined ? notInCurrency : { ok: true, amount };
    }
    case 'weight': {
      const bracket = rate.brackets.find((b) => question.weightGrams <= b.upToGrams);
      if (!bracket) return { ok: false, reason: `does not carry parcels over ${rate.brackets.at(-1)!.upToGrams} g` };
      const amount = bracket.amounts[currency];
      return amount === undefined ? notInCurrency : { ok: true, amount };
    }
    case 'order_value': {
      const brackets = rate.brackets[currency];
      if (!brackets) return notInCurrency;
      const bracket = brackets.findLast((b) => question.goodsAmount >= b.from);
      if (!bracket) return { ok: false, reason: `needs goods of at least ${brackets[0]!.from} (minor units of ${currency})` };
      return { ok: true, amount: bracket.amount };
    }
    case 'carrier': {
      if (question.carrierQuote == null) return { ok: false, reason: 'has no quote from the carrier for this cart' };
      const percent = rate.markup?.percent ?? 0;
      const fixed = rate.markup?.amounts?.[currency] ?? 0;
      return { ok: true, amount: question.carrierQuote + Number(divideHalfUp(BigInt(question.carrierQuote * percent), 100n)) + fixed };
    }
  }
}

/** The currencies an option can be priced in; null for a carrier rate (whatever the carrier quotes in). */
export function rateCurrencies(rate: ShippingRate): string[] | null {
  switch (rate.type) {
    case 'flat':
      return Object.keys(rate.amounts);
    case 'weight':
      return Object.keys(rate.brackets[0]!.amounts);
    case 'order_value':
      return Object.keys(rate.brackets);
    case 'carrier':
      return null;
  }
}

/**
 * What is wrong with an option's rate that its schema could not say: currencies the store does not
 * sell in, brackets out of order, a weight bracket missing a currency the others have, a threshold
 * in a currency the rate has no price in. Pointers are from the body's root.
 */
export function rateIssues(option: PricedOption, storeCurrencies: readonly string[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const issue = (pointer: string, rule: string, message: string) => issues.push({ in: 'body', pointer, rule, message });
  const sold = (pointer: string, currencies: Iterable<string>) => {
    for (const currency of currencies) {
      if (!storeCurrencies.includes(currency)) issue(`${pointer}/${currency}`, 'currency', `the store sells in ${storeCurrencies.join(', ')}, not ${currency}`);
    }
  };
  const { rate } = option;
  switch (rate.type) {
    case 'flat':
      sold('/rate/amounts', Object.keys(rate.amounts));
      break;
    case 'weight': {
      const currencies = Object.keys(rate.brackets[0]!.amounts).sort().join(', ');
      rate.brackets.forEach((bracket, i) => {
        sold(`/rate/brackets/${i}/amounts`, Object.keys(bracket.amounts));
        if (Object.keys(bracket.amounts).sort().join(', ') !== currencies) issue(`/rate/brackets/${i}/amounts`, 'currencies', `every bracket prices the same currencies (${currencies})`);
        const previous = rate.brackets[i - 1];
        if (previous && bracket.upToGrams <= previous.upToGrams) {
          issue(`/rate/brackets/${i}/upToGrams`, 'order', `brackets go up in weight: ${bracket.upToGrams} g is not above ${previous.upToGrams} g`);
        }
      });
      break;
    }
    case 'order_value':
      sold('/rate/brackets', Object.keys(rate.brackets));
      for (const [currency, brackets] of Object.entries(rate.brackets)) {
        brackets.forEach((bracket, i) => {
          const previous = brackets[i - 1];
          if (previous && bracket.from <= previous.from) issue(`/rate/brackets/${currency}/${i}/from`, 'order', `brackets go up: ${bracket.from} is not above ${previous.from}`);
        });
      }
      break;
    case 'carrier':
      sold('/rate/markup/amounts', Object.keys(rate.markup?.amounts ?? {}));
      break;
  }
  const priced = rateCurrencies(rate) ?? storeCurrencies;
  for (const currency of Object.keys(option.freeAbove ?? {})) {
    if (!priced.includes(currency)) issue(`/freeAbove/${currency}`, 'currency', `the rate has no price in ${currency}`);
  }
  return issues;
}
