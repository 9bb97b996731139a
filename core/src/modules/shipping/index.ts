import type { Cradle } from '../../kernel/container.ts';
import { definePlugin } from '../../kernel/plugin.ts';
import { registerCarriers, ShippingCarrierRegistry, type ShippingCarrier } from './carriers/index.ts';
import { adminShippingRoutes } from './admin-shipping.routes.ts';
import { FlatRateShipping } from './flat-rate-shipping.ts';
import { CarrierQuotes } from './carrier-quotes.ts';
import { ShippingOffers } from './shipping-offers.ts';
import { ShippingZoneService } from './shipping-zone.service.ts';
import { shippingRoutes } from './shipping.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    flatRateShipping: FlatRateShipping;
    /** The options a cart may choose and their prices: config flat rates and the options of the address's zone. */
    shippingOffers: ShippingOffers;
    shippingZoneService: ShippingZoneService;
    /** Live rates for carrier-calculated options, kept per cart. */
    carrierQuotes: CarrierQuotes;
    /** The installed shipping carriers (the manual one and every carrier plugin's). */
    shippingCarriers: ShippingCarrierRegistry;
  }
}

declare module '../../kernel/events/hooks.ts' {
  interface HookMap {
    /**
     * The shipping carriers of the store. A carrier plugin appends its own:
     *
     * ```ts
     * api.filter('shipping.carriers', (carriers, { cradle }) => [...carriers, new EasyPostCarrier(options, cradle.logger)]);
     * ```
     */
    'shipping.carriers': { value: ShippingCarrier[]; context: { cradle: Cradle } };
  }
}

/**
 * Shipping options for carts, priced into the cart totals: zones with their options (flat, weight,
 * order-value or carrier-calculated rates) managed under `/admin/shipping`, and the flat rates of
 * config `shipping.flatRates`.
 */
export const shippingModule = definePlugin({
  name: '@cartwright/core/shipping',
  version: '0.1.0',
  register(api) {
    const shipping = new FlatRateShipping(api.config.shipping);
    const offers = new ShippingOffers(shipping);
    api.value('flatRateShipping', shipping);
    api.value('shippingOffers', offers);
    api.service('shippingZoneService', (cradle) => new ShippingZoneService(cradle));
    api.service('carrierQuotes', (cradle) => new CarrierQuotes(cradle), { lifetime: 'singleton' });
    registerCarriers(api);
    api.routes('/store/carts', shippingRoutes);
    api.routes('/admin/shipping', adminShippingRoutes);
    // late, so free-shipping thresholds and price tiers see the goods after every discount
    api.filter(
      'cart.adjusters',
      async (adjusters, { em, cart }) => [
        ...adjusters,
        await offers.adjuster(em, { cartId: cart.id, currencyCode: cart.currencyCode, destination: cart.destination, weightGrams: cart.weightGrams, shippingOptionId: cart.shippingOptionId }),
      ],
      { priority: 900 },
    );
  },
});

export { FlatRateShipping, ShippingCarrierRegistry, ShippingOffers, ShippingZoneService };
export { ShippingErrors } from './shipping.errors.ts';
export type { ShippingOffer, CartShipping } from './shipping-offers.ts';
export type { Destination } from './zone-matching.ts';
export type { ShippingRate } from './shipping.schemas.ts';
export type * from './carriers/index.ts';
export { carrierAddressOf, originAddress } from './carriers/index.ts';
