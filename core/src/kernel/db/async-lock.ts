/**
 * A first-in first-out lock. The embedded database is a single PostgreSQL session, so every
 * caller (the ORM, the job queue, health checks) takes turns through one lock; a transaction
 * holds it from BEGIN to COMMIT so no other statement can slip into it.
 */
export class AsyncLock {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  async acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
