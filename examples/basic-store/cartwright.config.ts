import { defineConfig } from '@cartwright/core';

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
  logging: { level: 'info' },
  plugins: [],
});
