// Child process for the checkout crash test: starts a checkout whose `checkout.validate` filter
// reports that the transaction is open (stock held, order not yet written) and then never returns,
// so the parent can kill the process in the middle of the transaction.
import cod from '@cartwright/plugin-cod';
import { createCommerce, definePlugin } from '@cartwright/core';

const stall = definePlugin({
  name: '@fixtures/plugin-stall-checkout',
  version: '1.0.0',
  register(api) {
    api.filter('checkout.validate', async () => {
      process.stdout.write('inside the checkout transaction\n');
      return new Promise(() => {});
    });
  },
});

const commerce = await createCommerce({
  logging: { level: 'silent' },
  database: process.env.CRASH_DATABASE_URL ? { url: process.env.CRASH_DATABASE_URL } : { dataDir: process.env.CRASH_DATA_DIR! },
  jobs: { enabled: false },
  shipping: JSON.parse(process.env.CRASH_SHIPPING!),
  plugins: [cod({ countries: ['US'] }), stall()],
});
await commerce.start({ http: false, jobs: false });
await commerce.withScope((scope) =>
  scope.cradle.checkoutService.checkout({ userId: null, cartToken: process.env.CRASH_CART_TOKEN! }, process.env.CRASH_CART_ID!, { paymentMethod: 'cod' }),
);
