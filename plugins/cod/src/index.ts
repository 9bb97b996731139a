import { definePlugin, type Cradle, type PaymentProvider } from '@cartwright/core';
import { CodProvider } from './cod.provider.ts';
import { CreateCodTables } from './migrations.ts';
import { CodOptions, checkLimits } from './options.ts';

export { CodProvider, CodPaymentError, formatMinor, type CodOperation } from './cod.provider.ts';
export { CodOptions, checkLimits } from './options.ts';

export const PLUGIN_NAME = '@cartwright/plugin-cod';

/**
 * Cash on delivery: adds the payment method `cod` (`Cash on delivery`) for the listed shipping
 * countries, within optional order-amount limits, with an optional fee. The courier collects the
 * cash when the order is delivered; the provider keeps its own record of every collection and
 * manual refund (tables `cod_payment`, `cod_payment_operation`).
 *
 * @example
 * ```ts
 * cod({ countries: ['PL', 'CZ'], maxOrderAmount: { PLN: 200000 }, fee: { PLN: 500, CZK: 3900 } })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: CodOptions,
  register(api, options) {
    checkLimits(options);
    api.migrations({ name: `${PLUGIN_NAME}/0001-cod-payments`, class: CreateCodTables });
    // core collects the payment methods through this filter; the provider's state lives in the store's database
    api.filter('payments.providers', (providers, context) => {
      const { cradle } = context as { cradle: Cradle };
      return [...((providers as PaymentProvider[] | undefined) ?? []), new CodProvider(cradle.database, options)];
    });
  },
});
