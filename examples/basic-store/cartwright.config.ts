import { defineConfig } from '@cartwright/core';

// The smallest useful store: everything defaults, data in ./.cartwright/data (embedded PostgreSQL).
// Set DATABASE_URL to run the same store on a PostgreSQL server instead.
export default defineConfig({
  store: { name: 'Basic Store' },
  http: {
    port: 9000,
    cors: { origins: ['http://localhost:3000'] },
  },
  logging: { level: 'info' },
  plugins: [],
});
