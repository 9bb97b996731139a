import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { createPostgreSqlTypeParsers } from '@mikro-orm/sql';
import postgresArray from 'postgres-array';
import { PGliteDialect, type DatabaseConnection, type Dialect, type Driver, type TransactionSettings } from 'kysely';
import { AsyncLock } from './async-lock.ts';

/** The embedded PostgreSQL (PGlite) of a store running with no database server. */
export interface EmbeddedDatabase {
  pglite: PGlite;
  lock: AsyncLock;
  /** A kysely dialect for MikroORM whose connections take turns through `lock`. */
  dialect: Dialect;
  /** A node-postgres `Pool` look-alike for libraries that want one (the job queue). */
  pool: PgPoolLike;
  /**
   * For an in-memory database opened with a `template` key: call once its migrations have run, so
   * the next in-memory database with the same key starts from a copy of this one. Absent otherwise,
   * and when this database was itself copied from the template.
   */
  rememberAsTemplate?(): void;
  close(): Promise<void>;
}

/**
 * Migrated in-memory clusters, by the migrations they hold. Test stores are in-memory and each one
 * used to run every migration again (seconds each); loading a copy of a migrated cluster takes about
 * a second. Keyed by the migrations' names and code, so a store with other migrations migrates itself.
 */
const migratedClusters = new Map<string, Promise<Blob>>();

/** The contrib extensions core's migrations create (search: trigram similarity and accent folding); PGlite must load them before `create extension`. */
const EXTENSIONS = { pg_trgm, unaccent };

export async function openEmbeddedDatabase(dataDir: string, options: { template?: string } = {}): Promise<EmbeddedDatabase> {
  const inMemory = dataDir === 'memory://' || dataDir.startsWith('memory:');
  let unlock = () => {};
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  const parsers = createPostgreSqlTypeParsers((s) => postgresArray.parse(s));
  let pglite: PGlite;
  const template = inMemory && options.template ? migratedClusters.get(options.template) : undefined;
  try {
    if (template) pglite = await PGlite.create({ parsers, extensions: EXTENSIONS, loadDataDir: await template });
    else pglite = inMemory ? await createInMemory(parsers) : await PGlite.create({ dataDir, parsers, extensions: EXTENSIONS });
  } catch (error) {
    unlock();
    throw error;
  }
  const key = inMemory && !template ? options.template : undefined;
  const lock = new AsyncLock();
  const inner = new PGliteDialect({ pglite });
  const dialect: Dialect = {
    createAdapter: () => inner.createAdapter(),
    createDriver: () => new LockedDriver(inner.createDriver(), lock),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
  };
  return {
    pglite,
    lock,
    dialect,
    pool: createPoolAdapter(pglite, lock),
    ...(key
      ? {
          rememberAsTemplate: () => {
            if (migratedClusters.has(key)) return;
            const dump = pglite.dumpDataDir('none');
            migratedClusters.set(key, dump);
            // a cluster that could not be copied is no template: the next store migrates itself
            dump.catch(() => migratedClusters.delete(key));
          },
        }
      : {}),
    close: async () => {
      if (!pglite.closed) await pglite.close();
      unlock();
    },
  };
}

export class DataDirectoryInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. Stop that process first ` +
        '(the embedded database allows one process at a time), or set DATABASE_URL to use PostgreSQL.',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Two processes writing one PGlite directory corrupt it, so a process holds `cartwright.lock`
 * (its pid) while it has the directory open. A lock left by a process that died is taken over.
 */
const lockedHere = new Set<string>();

function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'cartwright.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      lockedHere.add(path);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        lockedHere.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8').trim());
      // our own pid counts only if this process holds the lock: a container restarted with the same pid left the old one
      const held = pid === process.pid ? lockedHere.has(path) : Number.isInteger(pid) && pid > 0 && processIsAlive(pid);
      if (held) throw new DataDirectoryInUseError(dataDir, pid);
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database in ${dataDir}`);
}

let pristineCluster: Promise<Blob> | undefined;

/**
 * In-memory databases (tests, throwaway stores) start from a copy of a freshly initialised cluster:
 * loading a copy takes about a second where running initdb again takes four.
 */
async function createInMemory(parsers: PGliteOptions['parsers']): Promise<PGlite> {
  if (pristineCluster) return PGlite.create({ parsers, extensions: EXTENSIONS, loadDataDir: await pristineCluster });
  let settle!: (blob: Promise<Blob>) => void;
  pristineCluster = new Promise<Blob>((resolve) => (settle = (blob) => resolve(blob)));
  try {
    const pglite = await PGlite.create({ parsers, extensions: EXTENSIONS });
    const dump = pglite.dumpDataDir('none');
    settle(dump);
    await dump;
    return pglite;
  } catch (error) {
    pristineCluster = undefined;
    throw error;
  }
}

/**
 * kysely's PGlite driver hands every caller the same connection object, so without this a query
 * from one request would run inside another request's open transaction.
 */
class LockedDriver implements Driver {
  readonly #inner: Driver;
  readonly #lock: AsyncLock;

  constructor(inner: Driver, lock: AsyncLock) {
    this.#inner = inner;
    this.#lock = lock;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.acquire();
    try {
      return await this.#inner.acquireConnection();
    } catch (error) {
      this.#lock.release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.#inner.releaseConnection(connection);
    } finally {
      this.#lock.release();
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }
  savepoint: Driver['savepoint'] = (connection, name, compile) => this.#inner.savepoint!(connection, name, compile);
  rollbackToSavepoint: Driver['rollbackToSavepoint'] = (connection, name, compile) =>
    this.#inner.rollbackToSavepoint!(connection, name, compile);
  releaseSavepoint: Driver['releaseSavepoint'] = (connection, name, compile) =>
    this.#inner.releaseSavepoint!(connection, name, compile);

  destroy(): Promise<void> {
    // The PGlite instance outlives the ORM (the job queue still uses it); EmbeddedDatabase.close ends it.
    return Promise.resolve();
  }
}

export interface PgQueryResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

/** node-postgres accepts a query as text plus values, or as a config object `{ text, values, name }`. */
export type PgQuery = string | { text: string; values?: unknown[]; name?: string };

export interface PgClientLike {
  query(query: PgQuery, params?: unknown[]): Promise<PgQueryResult>;
  release(): void;
}

export interface PgPoolLike {
  query(query: PgQuery, params?: unknown[]): Promise<PgQueryResult>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): PgPoolLike;
}

// The ORM wants timestamps as text (it parses them itself); node-postgres users expect Date objects.
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const PG_PARSERS = {
  [TIMESTAMPTZ]: (value: string) => new Date(value),
  [TIMESTAMP]: (value: string) => new Date(value),
};

/** node-postgres counts returned rows for SELECT and affected rows for writes; PGlite reports 0 affected for a SELECT. */
function pgRowCount(affected: number | undefined, returned: number | undefined): number {
  return Math.max(affected ?? 0, returned ?? 0);
}

async function runQuery(pglite: PGlite, query: PgQuery, values?: unknown[]): Promise<PgQueryResult> {
  const text = typeof query === 'string' ? query : query.text;
  const params = typeof query === 'string' ? values : (query.values ?? values);
  const options = { parsers: PG_PARSERS };
  if (!params || params.length === 0) {
    // node-postgres runs parameterless text through the simple protocol, which allows several
    // statements (schema set-up scripts rely on it); PGlite's exec is the equivalent.
    const results = await pglite.exec(text, options);
    const last = results.at(-1);
    return { rows: (last?.rows ?? []) as Record<string, unknown>[], rowCount: pgRowCount(last?.affectedRows, last?.rows.length) };
  }
  const result = await pglite.query<Record<string, unknown>>(text, params, options);
  return { rows: result.rows, rowCount: pgRowCount(result.affectedRows, result.rows.length) };
}

function createPoolAdapter(pglite: PGlite, lock: AsyncLock): PgPoolLike {
  const pool: PgPoolLike = {
    query: (text, params) => lock.run(() => runQuery(pglite, text, params)),
    connect: async () => {
      await lock.acquire();
      let released = false;
      return {
        query: (text, params) => runQuery(pglite, text, params),
        release: () => {
          if (released) return;
          released = true;
          lock.release();
        },
      };
    },
    end: async () => {},
    on: () => pool,
  };
  return pool;
}
