import { runPaymentProviderConformance } from '@cartwright/core/testing';
import { StripeProvider } from '@cartwright/plugin-stripe';
import { startStripeStandIn } from '@cartwright/plugin-stripe/testing';

for (const [currencyCode, amount] of [['EUR', 10_000], ['JPY', 10_000], ['KWD', 10_000]] as const) {
  runPaymentProviderConformance({
    name: `Stripe, manual capture in ${currencyCode} (@cartwright/plugin-stripe, against the stand-in)`,
    capabilities: { authorizeThenCapture: true, partialCapture: true, partialRefund: true, void: true, webhooks: true },
    context: { currencyCode, amount, countryCode: 'DE' },
    async create() {
      const standIn = await startStripeStandIn();
      const provider = new StripeProvider({
        secretKey: standIn.secretKey,
        webhookSecret: standIn.webhookSecret,
        captureMethod: 'manual',
        maxNetworkRetries: 0,
        apiHost: standIn.host,
        apiPort: standIn.port,
        apiProtocol: standIn.protocol,
      });
      return {
        provider,
        // what Stripe.js does in the buyer's browser
        completeAuthorization: async (result) => {
          standIn.confirm(result.reference!, 'tok_visa');
        },
        cleanup: () => standIn.stop(),
      };
    },
  });
}
