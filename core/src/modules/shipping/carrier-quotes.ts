import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { originAddress, type CarrierAddress } from './carriers/index.ts';
import { putQuote, type QuoteRecord } from './shipping-zone-records.ts';
import type { ShippingRate } from './shipping.schemas.ts';
import { normalisePostalCode, normaliseRegion, type Destination } from './zone-matching.ts';

type CarrierRate = Extract<ShippingRate, { type: 'carrier' }>;

/** How long a cart keeps a carrier's price: long enough to check out, short enough to follow the carrier's prices. */
export const QUOTE_TTL_MS = 30 * 60_000;

/** The part of an address a carrier's price depends on; a quote for another key is not used. */
export function destinationKey(destination: Destination): string {
  return [destination.countryCode, normaliseRegion(destination.region ?? ''), normalisePostalCode(destination.postalCode ?? '')].join('|');
}

/** Whether a stored quote still prices this cart. */
export function quoteFits(quote: QuoteRecord | null | undefined, cart: { destination: Destination; weightGrams: number; currencyCode: string }, now = new Date()): quote is QuoteRecord {
  return (
    !!quote &&
    quote.expiresAt > now &&
    quote.destinationKey === destinationKey(cart.destination) &&
    quote.weightGrams === cart.weightGrams &&
    quote.currencyCode === cart.currencyCode
  );
}

export interface QuoteRequest {
  cartId: string;
  currencyCode: string;
  address: CarrierAddress;
  weightGrams: number;
}

/**
 * Asks carriers for live rates (carrier-calculated options) and keeps each answer for the cart
 * (`cw_shipping_quote`), so the cart's totals and checkout charge what the options list showed
 * without calling the carrier on every read. A carrier that fails, or has no such service, leaves
 * the option unoffered: never an error for the shopper.
 */
export class CarrierQuotes {
  readonly #deps: Pick<Cradle, 'shippingCarriers' | 'logger'> & { origin: CarrierAddress | undefined };

  constructor(cradle: Cradle) {
    this.#deps = { shippingCarriers: cradle.shippingCarriers, logger: cradle.logger, origin: originAddress(cradle.config.shipping) };
  }

  /** A fresh quote for the option, stored for the cart; null when the carrier cannot price it. */
  async fetch(em: EntityManager, optionId: string, rate: CarrierRate, request: QuoteRequest): Promise<QuoteRecord | null> {
    const origin = this.#deps.origin;
    // a parcel with no weight cannot be priced by a carrier; variants need weights for carrier rates
    if (!origin || request.weightGrams <= 0) return null;
    const carrier = await this.#deps.shippingCarriers.find(rate.carrierId);
    if (!carrier?.capabilities.rates || !carrier.rates) return null;
    let answered;
    try {
      answered = await carrier.rates({ from: origin, to: request.address, parcel: { weightGrams: request.weightGrams }, currencyCode: request.currencyCode });
    } catch (error) {
      this.#deps.logger.warn({ err: error, carrier: carrier.id, optionId }, 'carrier rates failed; the option is not offered');
      return null;
    }
    const match = answered.find((r) => r.service === rate.service && r.currencyCode === request.currencyCode && Number.isSafeInteger(r.amount) && r.amount >= 0);
    if (!match) return null;
    const quote: QuoteRecord = {
      destinationKey: destinationKey(request.address),
      weightGrams: request.weightGrams,
      currencyCode: request.currencyCode,
      amount: match.amount,
      minDays: match.minDays,
      maxDays: match.maxDays,
      expiresAt: new Date(Date.now() + QUOTE_TTL_MS),
    };
    await putQuote(em, request.cartId, optionId, quote);
    return quote;
  }
}
