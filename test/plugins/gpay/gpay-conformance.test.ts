import type { Database, PaymentProvider } from '@cartwright/core';
import { runPaymentProviderConformance } from '@cartwright/core/testing';
import { GooglePayProvider, resolveOptions } from '@cartwright/plugin-gpay';
import { StripeProvider } from '@cartwright/plugin-stripe';
import { startStripeStandIn } from '@cartwright/plugin-stripe/testing';
import { stripeGooglePayData } from './gpay-support.ts';

for (const currencyCode of ['EUR', 'JPY'] as const) {
  runPaymentProviderConformance({
    name: `Google Pay in gateway mode, manual capture in ${currencyCode} (@cartwright/plugin-gpay, through Stripe against the stand-in)`,
    capabilities: { authorizeThenCapture: true, partialCapture: true, partialRefund: true, void: true, webhooks: false },
    context: { currencyCode, amount: 10_000, countryCode: 'DE' },
    async create() {
      const standIn = await startStripeStandIn();
      const stripe = new StripeProvider({
        secretKey: standIn.secretKey,
        captureMethod: 'manual',
        maxNetworkRetries: 0,
        apiHost: standIn.host,
        apiPort: standIn.port,
        apiProtocol: standIn.protocol,
      });
      const googlePay = new GooglePayProvider(resolveOptions({ merchantName: 'Conformance', stripe: { publishableKey: standIn.publishableKey } }), {
        // gateway mode keeps nothing in the store's database
        database: undefined as unknown as Database,
        findProvider: async () => stripe,
      });
      // the kit starts each payment with `data: {}`; the storefront pays a Google Pay attempt with what loadPaymentData gave it
      const provider: PaymentProvider = {
        id: googlePay.id,
        name: googlePay.name,
        settledThrough: googlePay.settledThrough,
        availability: (context) => googlePay.availability(context),
        initiate: (request) => googlePay.initiate({ ...request, data: { paymentData: stripeGooglePayData('tok_visa') } }),
        authorize: (request) => googlePay.authorize(request),
        capture: (request) => googlePay.capture(request),
        refund: (request) => googlePay.refund(request),
        void: (request) => googlePay.void(request),
        status: (request) => googlePay.status(request),
      };
      return { provider, cleanup: () => standIn.stop() };
    },
  });
}
