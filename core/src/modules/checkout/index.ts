import type { EntityManager } from '@mikro-orm/sql';
import { definePlugin } from '../../kernel/plugin.ts';
import type { OrderSnapshot } from '../orders/index.ts';
import { CheckoutService } from './checkout.service.ts';
import { checkoutRoutes } from './checkout.routes.ts';
import { purgeIdempotencyKeys } from './idempotency.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    checkoutService: CheckoutService;
  }
}

declare module '../../kernel/events/hooks.ts' {
  interface HookMap {
    /**
     * Runs inside the checkout transaction, after the stock is held and before the order is
     * written, with the order as it will be kept. `veto(…)` refuses the checkout (a fraud check, a
     * per-customer limit); nothing is written then.
     */
    'checkout.validate': { value: OrderSnapshot; context: { em: EntityManager; cartId: string } };
  }
}

const KEEP_KEYS_MS = 48 * 3_600_000;

/** `POST /store/carts/:id/checkout`: a cart becomes an order, once per Idempotency-Key. */
export const checkoutModule = definePlugin({
  name: '@cartwright/core/checkout',
  version: '0.1.0',
  register(api) {
    api.service('checkoutService', (cradle) => new CheckoutService(cradle));
    api.routes('/store/carts', checkoutRoutes);
    api.job('checkout.purge-idempotency-keys', async (_data, { em }) => {
      await purgeIdempotencyKeys(em, new Date(Date.now() - KEEP_KEYS_MS));
    }, { every: '1 hour' });
  },
});

export { CheckoutService };
export { CheckoutErrors } from './checkout.errors.ts';
