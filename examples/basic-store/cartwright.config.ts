import { defineConfig } from '@cartwright/core';
import cod from '@cartwright/plugin-cod';

// The smallest useful store: everything defaults, data in ./.cartwright/data (embedded PostgreSQL).
// Set DATABASE_URL to run the same store on a PostgreSQL server instead. `npm start` loads the demo
// catalog first (`cartwright seed demo`, which does nothing once the store has products).
export default defineConfig({
  store: { name: 'Basic Store' },
  http: {
    port: 9000,
    cors: { origins: ['http://localhost:3000'] },
  },
  // the demo catalog prices every variant in both currencies
  catalog: { defaultCurrency: 'USD', currencies: ['USD', 'EUR'] },
  // one flat-rate option, free from 100 USD / 90 EUR; checkout needs at least one
  shipping: {
    flatRates: [{ id: 'standard', name: 'Standard shipping', amounts: { USD: 495, EUR: 450 }, freeAbove: { USD: 10_000, EUR: 9_000 }, minDays: 2, maxDays: 5 }],
  },
  logging: { level: 'info' },
  // cash on delivery in the US and Germany, with a small fee
  plugins: [cod({ countries: ['US', 'DE'], fee: { USD: 200, EUR: 200 } })],
});
