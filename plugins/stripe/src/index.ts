import { definePlugin, type Cradle, type PaymentProvider } from '@cartwright/core';
import { StripeOptions } from './options.ts';
import { StripeProvider } from './stripe.provider.ts';

export { StripeProvider, isOutage, type StripeProviderSettings } from './stripe.provider.ts';
export { StripeOptions } from './options.ts';
export { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from './circuit-breaker.ts';
export { StripeAmountError, fromStripeAmount, stripeExponent, toStripeAmount, STRIPE_THREE_DECIMAL, STRIPE_ZERO_DECIMAL } from './stripe-amounts.ts';
export { resultOf, type PaymentIntentView } from './stripe-status.ts';
export { outcomeOf } from './webhook-events.ts';

export const PLUGIN_NAME = '@cartwright/plugin-stripe';

/**
 * Card payments through Stripe: a PaymentIntent per attempt, confirmed by the storefront (Stripe.js,
 * with the `clientSecret` it gets) or at once with a token; webhooks at `/webhooks/stripe`;
 * capture on shipment with `captureMethod: 'manual'`; refunds, voids; a reconciliation job for
 * webhooks that never came; and a circuit breaker for when Stripe is down.
 *
 * @example
 * ```ts
 * stripe({ secretKey: process.env.STRIPE_SECRET_KEY!, publishableKey: 'pk_live_…', webhookSecret: process.env.STRIPE_WEBHOOK_SECRET!, captureMethod: 'manual' })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: StripeOptions,
  register(api, options) {
    const id = options.id ?? 'stripe';
    // one provider per plugin instance, however often the filter runs: the breaker's count must be shared
    let provider: StripeProvider | undefined;
    api.filter('payments.providers', (providers, context) => {
      const { cradle } = context as { cradle: Cradle };
      provider ??= new StripeProvider(options, cradle.logger);
      return [...((providers as PaymentProvider[] | undefined) ?? []), provider];
    });
    const afterMinutes = options.reconcileAfterMinutes ?? 15;
    api.job(
      `${id}.reconcile`,
      async (_data, { cradle, logger }) => {
        const { checked, changed } = await cradle.paymentService.reconcile(id, new Date(Date.now() - afterMinutes * 60_000));
        if (checked) logger.info({ provider: id, checked, changed }, 'reconciled Stripe payments whose webhook did not come');
      },
      { every: `${options.reconcileEveryMinutes ?? 5} minutes` },
    );
  },
});
