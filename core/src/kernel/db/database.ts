import { MikroORM, type EntitySchema, type Options, type AnyEntity, type EntityClass } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { PgliteDriver } from '@mikro-orm/pglite';
import { Migrator, type Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/sql';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { openEmbeddedDatabase, type EmbeddedDatabase, type PgPoolLike } from './embedded-database.ts';

export type EntityDefinition = EntitySchema<any, any> | EntityClass<AnyEntity>;

/** A migration as plugins and modules contribute it: a unique name and a MikroORM `Migration` class. */
export interface MigrationDefinition {
  name: string;
  class: new (...args: any[]) => Migration;
}

export interface DatabaseOptions {
  url?: string | undefined;
  dataDir: string;
  poolSize: number;
  debug: boolean;
  entities: EntityDefinition[];
  migrations: MigrationDefinition[];
  logger: Logger;
}

/** The database of one running store, whichever engine is behind it. */
export interface Database {
  readonly kind: 'embedded' | 'postgresql';
  readonly orm: MikroORM;
  /** A fresh, isolated EntityManager (one per request, job or delivery). */
  fork(): EntityManager;
  /**
   * A node-postgres pool for libraries that bring their own SQL (the job queue): a real pool on
   * PostgreSQL, a look-alike sharing the embedded database's lock otherwise. The caller ends it.
   */
  createPool(max: number): PgPoolLike & { readonly embedded: boolean };
  migrate(): Promise<string[]>;
  pendingMigrations(): Promise<string[]>;
  /** Round-trips a trivial query; throws when the database cannot answer. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_TABLE = 'cw_migrations';

/** What an in-memory database's migrations are: their names and code (a test may reuse a name with other SQL). */
function templateKey(migrations: readonly MigrationDefinition[]): string {
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(m.name).update('\u0000').update(m.class.toString()).update('\u0000');
  return hash.digest('hex');
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  const common: Partial<Options> = {
    entities: options.entities,
    extensions: [Migrator],
    allowGlobalContext: false,
    colors: false,
    debug: options.debug,
    // database.debug shows every statement at the default log level; otherwise only at `debug`
    logger: (message) => (options.debug ? options.logger.info({ orm: true }, message) : options.logger.debug({ orm: true }, message)),
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList: options.migrations.map((m) => ({ name: m.name, class: m.class as any })),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
    discovery: { warnWhenNoEntities: false },
  };

  let orm: MikroORM;
  if (options.url) {
    orm = await MikroORM.init({
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: options.url,
      pool: { min: 0, max: options.poolSize },
    } as Options);
  } else {
    embedded = await openEmbeddedDatabase(options.dataDir, { template: templateKey(options.migrations) });
    orm = await MikroORM.init({
      ...common,
      driver: PgliteDriver,
      dbName: 'cartwright',
      driverOptions: embedded.dialect,
    } as Options);
  }

  const url = options.url;
  let closing: Promise<void> | undefined;
  const migrator = () => orm.migrator as Migrator;
  return {
    kind: embedded ? 'embedded' : 'postgresql',
    orm,
    fork: () => orm.em.fork() as EntityManager,
    createPool: (max) => {
      if (embedded) return Object.assign(embedded.pool, { embedded: true as const });
      const pool = new pg.Pool({ connectionString: url!, max });
      // an idle client whose server went away (restart, failover) must not crash the process
      pool.on('error', (error) => options.logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
      // pg's Pool.end() resolves before its connections have closed; callers that drop or stop the
      // database right after must not find a half-closed connection, so end() waits for every one
      let open = 0;
      let allClosed: (() => void) | undefined;
      pool.on('connect', () => open++);
      pool.on('remove', () => {
        open--;
        if (open === 0) allClosed?.();
      });
      const endPool = pool.end.bind(pool);
      const end = async () => {
        const closed = open === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allClosed = resolve));
        await endPool();
        // a connection whose socket already died may never report its end; do not hang shutdown on it
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000).unref()))]);
        clearTimeout(timer);
      };
      return Object.assign(pool as unknown as PgPoolLike, { embedded: false as const, end });
    },
    migrate: async () => {
      const applied = (await migrator().up()).map((m) => m.name);
      embedded?.rememberAsTemplate?.();
      return applied;
    },
    pendingMigrations: async () => (await migrator().getPending()).map((m) => m.name),
    ping: async (timeoutMs = 2_000) => {
      const check = orm.em.getConnection().execute('select 1');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => (closing ??= (async () => {
      await orm.close(true);
      await embedded?.close();
    })()),
  };
}
