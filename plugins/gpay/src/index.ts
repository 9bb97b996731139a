import { definePlugin, type Cradle, type PaymentProvider } from '@cartwright/core';
import { merchantPrivateKey } from './ecv2-decrypt.ts';
import { GooglePayProvider } from './gpay.provider.ts';
import { CreateGpayTables } from './migrations.ts';
import { GpayOptions, resolveOptions, RootKeySource } from './options.ts';
import { googlePayStoreRoutes } from './payment-data-request.routes.ts';

export { GooglePayProvider, GPAY_PROVIDER_ID, type GooglePayDependencies } from './gpay.provider.ts';
export { GpayOptions, resolveOptions, RootKeySource, type ResolvedGpayOptions, DEFAULT_AUTH_METHODS, DEFAULT_CARD_NETWORKS } from './options.ts';
export { GpayErrors } from './errors.ts';
export { buildPaymentDataRequest, formatTotalPrice, type PaymentDataRequest } from './payment-data-request.ts';
export { lengthPrefixed, parsePaymentMethodToken, verifyPaymentMethodToken, TokenVerificationError, type PaymentMethodToken, type RootSigningKey } from './ecv2-verify.ts';
export { decryptSignedMessage, deriveMessageKeys, merchantPrivateKey, merchantPublicKeyPoint, type DecryptedMessage } from './ecv2-decrypt.ts';

export const PLUGIN_NAME = '@cartwright/plugin-gpay';

/**
 * Google Pay: adds the payment method `gpay` (`Google Pay`) and
 * `GET /store/google-pay/orders/:id/payment-data-request`. In `gateway` mode (default) Google Pay
 * tokenizes the card for the gateway (Stripe) and the `stripe` provider charges it; in `direct`
 * mode the store verifies and decrypts Google's ECv2 token itself and charges the card through
 * the `processor` provider.
 *
 * @example
 * ```ts
 * gpay({ merchantName: 'Acme', merchantId: 'BCR2DN…', environment: 'PRODUCTION', stripe: { publishableKey: 'pk_live_…' } })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: GpayOptions,
  register(api, options) {
    const resolved = resolveOptions(options);
    if (resolved.mode === 'direct') {
      // a bad key or an unreadable root keys file stops start-up, not the first payment
      merchantPrivateKey(resolved.privateKey!);
      new RootKeySource(resolved);
    }
    api.migrations({ name: `${PLUGIN_NAME}/0001-gpay-messages`, class: CreateGpayTables });
    api.routes('/store/google-pay', googlePayStoreRoutes);
    api.filter(
      'payments.providers',
      (providers, context) => {
        const { cradle } = context as { cradle: Cradle };
        const list = (providers as PaymentProvider[] | undefined) ?? [];
        const settledThrough = resolved.mode === 'gateway' ? resolved.gateway : resolved.processor;
        const provider = new GooglePayProvider(
          resolved,
          { database: cradle.database, findProvider: (id) => cradle.paymentProviders.get(id) },
          list.find((p) => p.id === settledThrough),
        );
        return [...list, provider];
      },
      // after the gateways' plugins, whatever the config's order, so the gateway is in the list already
      { priority: 1000 },
    );
  },
});
