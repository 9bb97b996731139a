import type { EntityManager } from '@mikro-orm/sql';
import type { TotalsAdjuster } from '../totals/index.ts';
import { quoteFits, type CarrierQuotes } from './carrier-quotes.ts';
import type { CarrierAddress } from './carriers/index.ts';
import type { FlatRateShipping } from './flat-rate-shipping.ts';
import { priceOption, rateCurrencies } from './shipping-rates.ts';
import { cartQuotes, chosenOption, destinationZone, findOption, zoneOptions, type QuoteRecord } from './shipping-zone-records.ts';
import type { OptionView } from './shipping.schemas.ts';
import type { Destination } from './zone-matching.ts';

/** A shipping option as a cart is offered it. */
export interface ShippingOffer {
  id: string;
  name: string;
  /** Minor units of the cart currency, after any free-shipping threshold. */
  amount: number;
  currencyCode: string;
  minDays: number | null;
  maxDays: number | null;
  /** Whether cash on delivery may be chosen with it. */
  codAllowed: boolean;
}

/** A cart, as shipping prices it. */
export interface CartShipping {
  cartId: string;
  currencyCode: string;
  /** Where the goods go; null before a shipping address is set. */
  destination: Destination | null;
  /** The goods after discounts, minor units. */
  goodsAmount: number;
  weightGrams: number;
}

export type Selectable = { ok: true } | { ok: false; reason: string };

const NOT_AN_OPTION = { ok: false, reason: 'is not a shipping option of this store' } as const;

/**
 * The shipping options a cart may choose and what each costs it: the options of the zone its
 * shipping address belongs to, and the config's flat rates for its country. Before an address is
 * set no zone is known, so only the flat rates are offered. The options list, the cart's totals
 * (through `cart.adjusters`), the cart's choice, checkout and cash on delivery all ask here, and
 * every price comes from `priceOption`.
 */
export class ShippingOffers {
  readonly #config: FlatRateShipping;

  constructor(config: FlatRateShipping) {
    this.#config = config;
  }

  /** Prices every option for the cart; carrier options are quoted by `quotes` (when the cart has a full address) and the quote kept for the cart. */
  async offers(em: EntityManager, cart: CartShipping & { address: CarrierAddress | null }, quotes: CarrierQuotes): Promise<ShippingOffer[]> {
    const fromConfig = this.#config.all().filter((option) => this.#config.serves(option, cart.destination?.countryCode ?? null));
    const zoneId = cart.destination ? await destinationZone(em, cart.destination) : null;
    const zoned = zoneId ? (await zoneOptions(em, zoneId)).filter((option) => option.active) : [];
    const stored = zoned.some((option) => option.rate.type === 'carrier') ? await cartQuotes(em, cart.cartId) : new Map<string, QuoteRecord>();
    const offers: ShippingOffer[] = [];
    for (const option of [...fromConfig, ...zoned]) {
      let quote: QuoteRecord | null = null;
      if (option.rate.type === 'carrier' && cart.destination && cart.address) {
        const kept = stored.get(option.id);
        quote = quoteFits(kept, { ...cart, destination: cart.destination })
          ? kept
          : await quotes.fetch(em, option.id, option.rate, { cartId: cart.cartId, currencyCode: cart.currencyCode, address: cart.address, weightGrams: cart.weightGrams });
      }
      const offer = offerOf(option, cart, quote);
      if (offer) offers.push(offer);
    }
    return offers;
  }

  /**
   * Whether a cart may choose this option now: it exists, is active, serves the address and has
   * prices in the cart's currency (a carrier option: a current quote for this cart, from listing
   * the options). What it costs is not checked here, as it moves with the goods: the totals charge
   * it while it applies, and checkout refuses a chosen option that is not charged.
   */
  async selectable(em: EntityManager, id: string, cart: { cartId: string; currencyCode: string; destination: Destination | null }): Promise<Selectable> {
    const configured = this.#config.find(id);
    if (configured && !this.#config.serves(configured, cart.destination?.countryCode ?? null)) return { ok: false, reason: `does not ship to ${cart.destination!.countryCode}` };
    if (!configured && !cart.destination) {
      return (await findOption(em, id))?.active ? { ok: false, reason: 'needs a shipping address first: it is offered in some places only' } : NOT_AN_OPTION;
    }
    const found = configured ? { option: configured, quote: null } : await chosenOption(em, { optionId: id, cartId: cart.cartId, destination: cart.destination! });
    if (!found || !found.option.active) return NOT_AN_OPTION;
    if ('destinationZoneId' in found && found.destinationZoneId !== found.option.zoneId) return { ok: false, reason: 'does not ship to this address' };
    const currencies = rateCurrencies(found.option.rate);
    if (currencies && !currencies.includes(cart.currencyCode)) return { ok: false, reason: `is not offered in ${cart.currencyCode}` };
    if (found.option.rate.type === 'carrier' && !(found.quote && found.quote.expiresAt > new Date() && found.quote.currencyCode === cart.currencyCode)) {
      return { ok: false, reason: 'has no current price from the carrier for this cart: list the shipping options again' };
    }
    return { ok: true };
  }

  /** Adds the chosen option's charge to a cart's totals, after its discounts; nothing when it does not apply to the cart. */
  async adjuster(em: EntityManager, cart: Omit<CartShipping, 'goodsAmount'> & { shippingOptionId: string | null }): Promise<TotalsAdjuster> {
    const chosen = await this.#chosen(em, cart);
    return {
      name: 'shipping',
      adjust: (state) => {
        if (!chosen || state.lines.length === 0) return {};
        const goodsAmount = state.lines.reduce((sum, line) => sum + line.subtotal - line.discount, 0);
        const offer = offerOf(chosen.option, { ...cart, goodsAmount }, chosen.quote);
        return offer ? { shipping: [{ id: offer.id, name: offer.name, amount: offer.amount }] } : {};
      },
    };
  }

  /**
   * Why a pay-on-delivery method (cash on delivery: `confirmsOrderBeforePayment`) may not pay for a
   * cart with this shipping option, or null when it may.
   */
  async paymentRefusal(em: EntityManager, optionId: string | null, method: { confirmsOrderBeforePayment?: boolean | undefined }): Promise<string | null> {
    if (!optionId || !method.confirmsOrderBeforePayment) return null;
    const option = this.#config.find(optionId) ?? (await findOption(em, optionId));
    return option && !option.codAllowed ? `is not available with the shipping option ${option.name}` : null;
  }

  /** The chosen option with its quote while it applies to the cart's address, else null. */
  async #chosen(em: EntityManager, cart: Omit<CartShipping, 'goodsAmount'> & { shippingOptionId: string | null }): Promise<{ option: OptionView; quote: QuoteRecord | null } | null> {
    const id = cart.shippingOptionId;
    if (!id) return null;
    const configured = this.#config.find(id);
    if (configured) return this.#config.serves(configured, cart.destination?.countryCode ?? null) ? { option: configured, quote: null } : null;
    if (!cart.destination) return null;
    const found = await chosenOption(em, { optionId: id, cartId: cart.cartId, destination: cart.destination });
    if (!found || !found.option.active || found.destinationZoneId !== found.option.zoneId) return null;
    return { option: found.option, quote: quoteFits(found.quote, { ...cart, destination: cart.destination }) ? found.quote : null };
  }
}

function offerOf(option: OptionView, cart: Omit<CartShipping, 'cartId' | 'destination'>, quote: QuoteRecord | null): ShippingOffer | null {
  const price = priceOption(option, { ...cart, carrierQuote: quote?.amount ?? null });
  if (!price.ok) return null;
  return {
    id: option.id,
    name: option.name,
    amount: price.amount,
    currencyCode: cart.currencyCode,
    minDays: option.minDays ?? quote?.minDays ?? null,
    maxDays: option.maxDays ?? quote?.maxDays ?? null,
    codAllowed: option.codAllowed,
  };
}
