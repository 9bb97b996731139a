import { createCommerce, type Commerce } from '../kernel/commerce.ts';
import type { CommerceConfigInput } from '../kernel/config/define-config.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { TestClient } from './http-client.ts';

export interface TestStore {
  commerce: Commerce;
  client: TestClient;
  url: string;
  database: TestDatabase;
  /** Delivers every due outbox event now (at `now`, to make retries due without waiting). */
  deliverEvents(now?: Date): ReturnType<Commerce['dispatcher']['drain']>;
  stop(): Promise<void>;
}

export interface TestStoreOptions {
  /** Start job processing and the background dispatcher (off by default: tests call `deliverEvents`). */
  backgroundWork?: boolean;
}

/**
 * A started store on a database of its own, listening on a random port, for tests of the store
 * itself and of plugins. Deep-merges `overrides` into a quiet test configuration.
 */
export async function createTestStore(overrides: CommerceConfigInput = {}, options: TestStoreOptions = {}): Promise<TestStore> {
  const database = await createTestDatabase();
  let commerce: Commerce | undefined;
  try {
    commerce = await createCommerce({
      ...overrides,
      logging: { level: (process.env.TEST_LOG_LEVEL as never) ?? 'silent', ...overrides.logging },
      database: { ...database.config, ...overrides.database },
      // The embedded database runs in this process and can hold the event loop for seconds; a
      // server closing an idle connection right then races the client reusing it (ECONNRESET).
      http: { host: '127.0.0.1', port: 0, keepAliveTimeout: 120_000, ...overrides.http },
      jobs: { enabled: options.backgroundWork ?? false, processEvery: 100, ...overrides.jobs },
      events: { pollInterval: 50, retryBaseDelay: 10, retryMaxDelay: 1_000, ...overrides.events },
      // every test request comes from 127.0.0.1: per-IP limits would trip across unrelated tests
      auth: {
        ...overrides.auth,
        rateLimits: {
          loginPerIp: { points: 10_000 },
          passwordResetPerIp: { points: 10_000 },
          ...overrides.auth?.rateLimits,
        },
      },
    });
    const started = await commerce.start();
    const store = commerce;
    return {
      commerce: store,
      client: new TestClient(started!.url),
      url: started!.url,
      database,
      deliverEvents: (now) => store.dispatcher.drain(now),
      stop: async () => {
        await store.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await commerce?.stop().catch(() => undefined);
    await database.drop();
    throw error;
  }
}
