import { createTestStore, runPaymentProviderConformance } from '@cartwright/core/testing';
import cod from '@cartwright/plugin-cod';
import { codProviderOf } from './cod-support.ts';

runPaymentProviderConformance({
  name: 'Cash on delivery (@cartwright/plugin-cod, on a test store)',
  capabilities: { authorizeThenCapture: false, partialCapture: true, partialRefund: true, void: true, webhooks: false, initiatesInTransaction: true },
  context: { currencyCode: 'EUR', amount: 10_000, countryCode: 'DE' },
  async create() {
    const store = await createTestStore({ plugins: [cod({ countries: ['DE', 'AT'], fee: { EUR: 300 }, maxOrderAmount: { EUR: 100_000 } })] });
    return {
      provider: await codProviderOf(store),
      transaction: (work) => store.commerce.withScope((scope) => scope.cradle.em.transactional(work)),
      cleanup: () => store.stop(),
    };
  },
});
