import type { Cradle } from '../../kernel/container.ts';
import { definePlugin } from '../../kernel/plugin.ts';
import { registerCarriers, ShippingCarrierRegistry, type ShippingCarrier } from './carriers/index.ts';
import { FlatRateShipping } from './flat-rate-shipping.ts';
import { shippingRoutes } from './shipping.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    flatRateShipping: FlatRateShipping;
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

/** Shipping options for carts: flat rates from config `shipping.flatRates`, priced into the cart totals. */
export const shippingModule = definePlugin({
  name: '@cartwright/core/shipping',
  version: '0.1.0',
  register(api) {
    const shipping = new FlatRateShipping(api.config.shipping);
    api.value('flatRateShipping', shipping);
    registerCarriers(api);
    api.routes('/store/carts', shippingRoutes);
    // late, so free-shipping thresholds see the goods after every discount
    api.filter('cart.adjusters', (adjusters, { cart }) => [...adjusters, shipping.adjuster(cart)], { priority: 900 });
  },
});

export { FlatRateShipping, ShippingCarrierRegistry };
export type { ShippingOffer, ShippingQuestion } from './flat-rate-shipping.ts';
export type * from './carriers/index.ts';
