import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { Redis } from 'ioredis';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import type { Database } from '../../kernel/db/database.ts';
import { KernelErrors } from '../../kernel/errors.ts';

type LimitName = 'loginPerIp' | 'loginPerAccount' | 'passwordResetPerIp' | 'passwordResetPerAccount' | 'passwordResetConfirmPerAccount';

/**
 * Counters that slow down password guessing and reset-mail flooding, kept in the store's database
 * (one more table) or in Redis. Exceeding one answers 429 with Retry-After.
 */
export class AuthRateLimits {
  readonly #limiters: Record<LimitName, RateLimiterAbstract>;
  readonly #close: () => Promise<void>;

  constructor({ config, database }: { config: RuntimeConfig; database: Database }) {
    const settings = config.auth.rateLimits;
    let make: (name: LimitName) => RateLimiterAbstract;
    if (settings.store === 'redis') {
      if (!settings.redisUrl) throw new Error('auth.rateLimits.redisUrl is required when auth.rateLimits.store is "redis"');
      const redis = new Redis(settings.redisUrl, { enableOfflineQueue: false, lazyConnect: false, maxRetriesPerRequest: 1 });
      make = (name) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `cw:${name}`, ...settings[name] });
      this.#close = async () => void redis.disconnect();
    } else {
      const pool = database.createPool(2);
      make = (name) =>
        new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: 'cw_rate_limit', tableCreated: true, keyPrefix: name, ...settings[name] });
      this.#close = () => pool.end();
    }
    this.#limiters = {
      loginPerIp: make('loginPerIp'),
      loginPerAccount: make('loginPerAccount'),
      passwordResetPerIp: make('passwordResetPerIp'),
      passwordResetPerAccount: make('passwordResetPerAccount'),
      passwordResetConfirmPerAccount: make('passwordResetConfirmPerAccount'),
    };
  }

  /** Counts one attempt against each named limit; throws 429 when any is exhausted. */
  async consume(limits: Array<[LimitName, string]>): Promise<void> {
    for (const [name, key] of limits) {
      try {
        await this.#limiters[name].consume(key.toLowerCase());
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) throw tooMany(outcome);
        throw outcome;
      }
    }
  }

  /** Refuses now, without counting, when a limit is already exhausted (an account locked out by failures). */
  async ensureNotBlocked(name: LimitName, key: string): Promise<void> {
    const limiter = this.#limiters[name];
    const state = await limiter.get(key.toLowerCase());
    if (state && state.consumedPoints >= limiter.points) throw tooMany(state);
  }

  async reset(name: LimitName, key: string): Promise<void> {
    await this.#limiters[name].delete(key.toLowerCase());
  }

  close(): Promise<void> {
    return this.#close();
  }
}

function tooMany(state: RateLimiterRes) {
  const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return KernelErrors.RATE_LIMITED(`Too many attempts; try again in ${seconds} seconds`, {
    headers: { 'Retry-After': String(seconds) },
    extensions: { retryAfter: seconds },
  });
}
