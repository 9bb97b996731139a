import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own for one test store: in-memory PGlite, or a new PostgreSQL database. */
export interface TestDatabase {
  /** `database` config for the store. */
  config: { url?: string; dataDir: string; autoMigrate: boolean };
  /** Drops the PostgreSQL database (no-op for PGlite, which dies with its store). */
  drop(): Promise<void>;
}

function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

async function withAdminClient<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(baseUrl) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * With `DATABASE_URL` set, creates `cw_test_<random>` next to it (so suites never see each
 * other's rows, and nothing is left from a previous run); without it, an in-memory PGlite.
 */
export async function createTestDatabase(baseUrl: string | undefined = process.env.DATABASE_URL): Promise<TestDatabase> {
  if (!baseUrl) return { config: { dataDir: 'memory://', autoMigrate: true }, drop: async () => {} };
  // CI sets a prefix per run so it can drop whatever a crashed test left behind
  const prefix = process.env.CARTWRIGHT_TEST_DB_PREFIX ?? 'cw_test_';
  if (!/^[a-z0-9_]+$/.test(prefix)) throw new Error(`CARTWRIGHT_TEST_DB_PREFIX must be lower-case letters, digits and _ (got "${prefix}")`);
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  await withAdminClient(baseUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    config: { url: url.toString(), dataDir: 'memory://', autoMigrate: true },
    drop: () => withAdminClient(baseUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
