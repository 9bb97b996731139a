import type { EntityManager } from '@mikro-orm/sql';
import { definePlugin } from '../../kernel/plugin.ts';
import { RuleBasedTaxCalculator, type TaxCalculator, type TotalsAdjuster } from '../totals/index.ts';
import type { CartForTotals } from './cart-pricing.ts';
import { CartService, mayUseCart } from './cart.service.ts';
import { cartRoutes } from './carts.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    cartService: CartService;
    /** Core's tax calculator: the rates in config `tax`. */
    ruleBasedTaxCalculator: RuleBasedTaxCalculator;
    /**
     * A tax plugin's calculator (`api.value('taxCalculator', …)`); absent unless a plugin provides
     * one, and core then uses `ruleBasedTaxCalculator`. Read it through `activeTaxCalculator(cradle)`.
     */
    taxCalculator?: TaxCalculator;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    /** An active cart was left untouched past `carts.guestTtlDays` / `carts.customerTtlDays`. */
    'cart.expired': { cartId: string; customerId: string | null; email: string | null };
  }
}

declare module '../../kernel/events/hooks.ts' {
  interface HookMap {
    /**
     * The steps that discount a cart and add its shipping, in order, before tax. A promotions or
     * shipping module appends its `TotalsAdjuster` here, having loaded what it needs for this cart.
     */
    'cart.adjusters': { value: TotalsAdjuster[]; context: { em: EntityManager; cart: CartForTotals } };
  }
}

/** Guest and customer carts (`/store/carts`), the tax calculator, and expiry of abandoned carts. */
export const cartsModule = definePlugin({
  name: '@cartwright/core/carts',
  version: '0.1.0',
  register(api) {
    api.service('ruleBasedTaxCalculator', (cradle) => new RuleBasedTaxCalculator(cradle.config.tax), { lifetime: 'singleton' });
    api.service('cartService', (cradle) => new CartService(cradle));
    api.routes('/store/carts', cartRoutes);
    // a shopper who signs in while holding a guest cart finds its lines in their own cart
    api.filter('auth.signedIn', async (signedIn, { cradle, header }) => {
      const token = header('x-cart-token')?.trim();
      if (token) await cradle.cartService.mergeGuestCart(signedIn.userId, token);
      return signedIn;
    });
    api.job('carts.expire-abandoned', async (_data, { cradle, logger }) => {
      const { expired } = await cradle.cartService.expireAbandoned();
      if (expired.length) logger.info({ count: expired.length }, 'expired abandoned carts');
    }, { every: '1 hour' });
  },
});

export { CartService, mayUseCart };
export { cartPricer, priceCart } from './cart-pricing.ts';
export { cartLines, findCart, touchCart, type CartRecord, type CartLineRecord } from './cart-records.ts';
export { cartCallerOf } from './carts.routes.ts';
export { activeTaxCalculator } from './cart-pricing.ts';
export type { CartCaller, WriteOptions } from './cart.service.ts';
export type { CartForTotals } from './cart-pricing.ts';
export { CartErrors } from './carts.errors.ts';
