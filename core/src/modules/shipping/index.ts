import { definePlugin } from '../../kernel/plugin.ts';
import { FlatRateShipping } from './flat-rate-shipping.ts';
import { shippingRoutes } from './shipping.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    flatRateShipping: FlatRateShipping;
  }
}

/** Shipping options for carts: flat rates from config `shipping.flatRates`, priced into the cart totals. */
export const shippingModule = definePlugin({
  name: '@cartwright/core/shipping',
  version: '0.1.0',
  register(api) {
    const shipping = new FlatRateShipping(api.config.shipping);
    api.value('flatRateShipping', shipping);
    api.routes('/store/carts', shippingRoutes);
    // late, so free-shipping thresholds see the goods after every discount
    api.filter('cart.adjusters', (adjusters, { cart }) => [...adjusters, shipping.adjuster(cart)], { priority: 900 });
  },
});

export { FlatRateShipping };
export type { ShippingOffer, ShippingQuestion } from './flat-rate-shipping.ts';
