// Creates or drops a throwaway PostgreSQL database for a CI run (and the per-test databases whose
// names start with it), using the pg client the project already depends on: no psql needed.
import pg from 'pg';

const [action, name] = process.argv.slice(2);
if (!['create', 'drop'].includes(action) || !/^[a-z0-9_]+$/.test(name ?? '')) {
  console.error('usage: postgres-database.mjs create|drop <name>');
  process.exit(2);
}
const client = new pg.Client({ connectionString: process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
await client.connect();
try {
  if (action === 'create') {
    await client.query(`create database ${name}`);
  } else {
    const { rows } = await client.query(`select datname from pg_database where datname = $1 or datname like $2`, [name, `${name}\\_%`]);
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
  }
} finally {
  await client.end();
}
