/** Refused without calling the gateway: the breaker is open. */
export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  readonly retryAfterSeconds: number;

  constructor(service: string, retryAfterSeconds: number) {
    super(`${service} is not answering: calls are paused for ${retryAfterSeconds} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface CircuitBreakerOptions {
  /** Consecutive outage failures that open the breaker. */
  failures: number;
  /** How long it stays open before one trial call is let through. */
  coolDownSeconds: number;
  /** Milliseconds since the epoch; injected so tests move time instead of sleeping. */
  now?: () => number;
}

/**
 * Stops hammering a gateway that is down: after `failures` outage failures in a row it opens and
 * refuses calls for `coolDownSeconds`; then one trial call goes through (half-open), which closes
 * it on success or opens it again on failure. Only outages count (the caller says which errors are
 * outages): a declined card is the gateway working.
 */
export class CircuitBreaker {
  readonly #failures: number;
  readonly #coolDownMs: number;
  readonly #now: () => number;
  #consecutive = 0;
  #openUntil: number | null = null;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions) {
    if (!Number.isInteger(options.failures) || options.failures < 1) throw new Error(`breaker.failures must be a positive integer; got ${options.failures}`);
    if (!(options.coolDownSeconds > 0)) throw new Error(`breaker.coolDownSeconds must be positive; got ${options.coolDownSeconds}`);
    this.#failures = options.failures;
    this.#coolDownMs = options.coolDownSeconds * 1000;
    this.#now = options.now ?? Date.now;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.#openUntil === null) return 'closed';
    return this.#now() < this.#openUntil ? 'open' : 'half-open';
  }

  /** Whole seconds until calls are let through again; null when they are now. */
  retryAfter(): number | null {
    if (this.#openUntil === null) return null;
    const left = this.#openUntil - this.#now();
    if (left > 0) return Math.ceil(left / 1000);
    // half-open with its one trial call still out: the others wait for its outcome
    return this.#trialInFlight ? 1 : null;
  }

  /** Runs `call` unless the breaker is open; `isOutage` says which of its errors count against the gateway. */
  async run<T>(service: string, call: () => Promise<T>, isOutage: (error: unknown) => boolean): Promise<T> {
    const wait = this.retryAfter();
    if (wait !== null) throw new CircuitOpenError(service, wait);
    const trial = this.#openUntil !== null;
    if (trial) this.#trialInFlight = true;
    try {
      const result = await call();
      this.#succeeded();
      return result;
    } catch (error) {
      if (isOutage(error)) this.#failed();
      else this.#succeeded();
      throw error;
    } finally {
      if (trial) this.#trialInFlight = false;
    }
  }

  #succeeded(): void {
    this.#consecutive = 0;
    this.#openUntil = null;
  }

  #failed(): void {
    this.#consecutive += 1;
    // a failed trial call reopens at once: the gateway is still down
    if (this.#openUntil !== null || this.#consecutive >= this.#failures) this.#openUntil = this.#now() + this.#coolDownMs;
  }
}
