import type { CoreConfig } from '../../kernel/config/config.schema.ts';
import type { TotalsAdjuster } from '../totals/index.ts';

type FlatRate = CoreConfig['shipping']['flatRates'][number];

/** A shipping option as a cart is offered it. */
export interface ShippingOffer {
  id: string;
  name: string;
  /** Minor units of the cart currency, after any free-shipping threshold. */
  amount: number;
  currencyCode: string;
  minDays: number | null;
  maxDays: number | null;
}

export interface ShippingQuestion {
  currencyCode: string;
  /** The shipping address's country; null before an address is set (every option that could apply is offered). */
  countryCode: string | null;
  /** What the goods cost after discounts: what a free-shipping threshold is compared with. */
  goodsAmount: number;
}

/**
 * Flat-rate shipping from config `shipping.flatRates`: which options a cart may choose and what
 * each costs it. The one place these rules live: the options list, the cart's totals (through the
 * `cart.adjusters` hook) and checkout's check all ask here.
 */
export class FlatRateShipping {
  readonly #rates: readonly FlatRate[];

  constructor(config: CoreConfig['shipping']) {
    const ids = new Set<string>();
    for (const rate of config.flatRates) {
      if (ids.has(rate.id)) throw new Error(`shipping.flatRates: the id ${rate.id} is used twice`);
      ids.add(rate.id);
    }
    this.#rates = config.flatRates;
  }

  offers(question: ShippingQuestion): ShippingOffer[] {
    return this.#rates.flatMap((rate) => {
      const offer = this.#offer(rate, question);
      return offer ? [offer] : [];
    });
  }

  /** The offer of one option for this cart, or why there is none. */
  offer(id: string, question: ShippingQuestion): { ok: true; offer: ShippingOffer } | { ok: false; reason: string } {
    const rate = this.#rates.find((r) => r.id === id);
    if (!rate) return { ok: false, reason: 'no such shipping option' };
    if (rate.amounts[question.currencyCode] === undefined) return { ok: false, reason: `not offered in ${question.currencyCode}` };
    if (question.countryCode && rate.countries && !rate.countries.includes(question.countryCode)) {
      return { ok: false, reason: `does not ship to ${question.countryCode}` };
    }
    return { ok: true, offer: this.#offer(rate, question)! };
  }

  /** Adds the chosen option's charge to a cart's totals, after its discounts. */
  adjuster(cart: { currencyCode: string; countryCode: string | null; shippingOptionId: string | null }): TotalsAdjuster {
    return {
      name: 'shipping',
      adjust: (state) => {
        if (!cart.shippingOptionId || state.lines.length === 0) return {};
        const goodsAmount = state.lines.reduce((sum, line) => sum + line.subtotal - line.discount, 0);
        const found = this.offer(cart.shippingOptionId, { currencyCode: cart.currencyCode, countryCode: cart.countryCode, goodsAmount });
        return found.ok ? { shipping: [{ id: found.offer.id, name: found.offer.name, amount: found.offer.amount }] } : {};
      },
    };
  }

  #offer(rate: FlatRate, question: ShippingQuestion): ShippingOffer | null {
    const amount = rate.amounts[question.currencyCode];
    if (amount === undefined) return null;
    if (question.countryCode && rate.countries && !rate.countries.includes(question.countryCode)) return null;
    const threshold = rate.freeAbove?.[question.currencyCode];
    return {
      id: rate.id,
      name: rate.name,
      amount: threshold !== undefined && question.goodsAmount >= threshold ? 0 : amount,
      currencyCode: question.currencyCode,
      minDays: rate.minDays ?? null,
      maxDays: rate.maxDays ?? null,
    };
  }
}
