import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import type IRequestClient from 'twilio/lib/base/RequestClient.js';
import type * as TwilioHttpResponse from 'twilio/lib/http/response.js';

/** The header the channel puts the message's idempotency key in (see the README on what Twilio does with it). */
export const IDEMPOTENCY_HEADER = 'I-Twilio-Idempotency-Token';


/**
 * The SDK's own HTTP client (axios, Basic auth, form encoding, `RestException`s all stay the SDK's)
 * with two additions the SDK has no per-call option for:
 *
 * - `apiBaseUrl`: the origin every request goes to instead of `https://api.twilio.com`, keeping
 *   Twilio's paths, so a test runs the real SDK against a local stand-in over HTTP (the SDK's
 *   `edge`/`region` options only rename the host under twilio.com);
 * - the idempotency key of the message being sent (`messages.create` takes no headers), carried
 *   from `send()` to the request through an `AsyncLocalStorage`, so concurrent sends keep theirs.
 */
export class TwilioHttpClient extends twilio.RequestClient {
  readonly #apiBaseUrl: string | null;
  readonly #idempotencyKeys = new AsyncLocalStorage<string>();

  constructor(options: { apiBaseUrl: string | null; timeoutMs: number }) {
    // no SDK-side retries: core retries with backoff, and counts each attempt in the delivery log
    super({ timeout: options.timeoutMs, autoRetry: false });
    this.#apiBaseUrl = options.apiBaseUrl;
  }

  /** Runs `call` so that the requests it makes carry `idempotencyKey`. */
  withIdempotencyKey<T>(idempotencyKey: string, call: () => Promise<T>): Promise<T> {
    return this.#idempotencyKeys.run(idempotencyKey, call);
  }

  override request<TData>(options: IRequestClient.RequestOptions<TData>): Promise<TwilioHttpResponse.default<TData>> {
    const idempotencyKey = this.#idempotencyKeys.getStore();
    const headers = { ...options.headers, ...(idempotencyKey && options.method.toLowerCase() === 'post' ? { [IDEMPOTENCY_HEADER]: idempotencyKey } : {}) };
    return super.request<TData>({ ...options, uri: this.#rebased(options.uri), headers });
  }

  #rebased(uri: string): string {
    if (!this.#apiBaseUrl) return uri;
    const original = new URL(uri);
    return `${this.#apiBaseUrl}${original.pathname}${original.search}`;
  }
}
