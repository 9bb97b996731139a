import { setTimeout as sleep } from 'node:timers/promises';
import type { AppError, FieldIssue, Logger } from '@cartwright/core';
import { EasyPostErrors } from './errors.ts';
import type { ResolvedEasyPostOptions } from './options.ts';
import type { EasyPostErrorBody } from './wire.ts';

/** An error EasyPost answered (4xx/5xx with its `{ error }` body), before it becomes an AppError. */
export class EasyPostApiError extends Error {
  override name = 'EasyPostApiError';
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: Array<{ field: string | null; message: string }>;

  constructor(status: number, body: unknown) {
    const error = (body as Partial<EasyPostErrorBody> | null)?.error;
    super(error?.message ?? `EasyPost answered HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? `HTTP.${status}`;
    this.fieldErrors = (error?.errors ?? []).map((entry) =>
      typeof entry === 'string' ? { field: null, message: entry } : { field: entry.field ?? null, message: entry.message ?? '' },
    );
  }
}

const MAX_RETRY_AFTER_MS = 30_000;

/** Statuses worth another try: EasyPost rate-limited us or failed on its side. */
const retryable = (status: number) => status === 429 || status >= 500;

/**
 * EasyPost's REST API over `fetch`: HTTP Basic auth with the API key as the user name, JSON both
 * ways, a timeout per call, and retries with exponential backoff on network errors, timeouts, 429
 * and 5xx. Retrying every call is safe here: reads change nothing, a buy or refund is tied to one
 * shipment (EasyPost refuses a second label on it), and a repeated create leaves at most an unbought
 * shipment behind, which costs nothing.
 */
export class EasyPostClient {
  readonly #options: Pick<ResolvedEasyPostOptions, 'apiBase' | 'apiKey' | 'timeoutMs' | 'retries' | 'retryBackoffMs'>;
  readonly #authorization: string;
  readonly #logger: Logger | undefined;

  constructor(options: Pick<ResolvedEasyPostOptions, 'apiBase' | 'apiKey' | 'timeoutMs' | 'retries' | 'retryBackoffMs'>, logger?: Logger) {
    this.#options = options;
    this.#authorization = `Basic ${Buffer.from(`${options.apiKey}:`, 'utf8').toString('base64')}`;
    this.#logger = logger;
  }

  get<T>(path: string): Promise<T> {
    return this.#call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.#call<T>('POST', path, body);
  }

  /** Calls EasyPost; answers the parsed body, or throws `EasyPostApiError` (4xx, or 5xx/429 after the retries) or the last network error. */
  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${this.#options.apiBase}${path}`;
    let attempt = 0;
    for (;;) {
      let wait: number;
      try {
        const response = await fetch(url, {
          method,
          headers: {
            authorization: this.#authorization,
            accept: 'application/json',
            'user-agent': '@cartwright/plugin-easypost/0.1.0',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.#options.timeoutMs),
        });
        const text = await response.text();
        const parsed = parseJson(text);
        if (response.ok) {
          if (parsed === undefined) throw EasyPostErrors.EASYPOST_RESPONSE_INVALID(`EasyPost answered ${method} ${path} with a body that is not JSON`);
          return parsed as T;
        }
        const failure = new EasyPostApiError(response.status, parsed);
        if (!retryable(response.status) || attempt >= this.#options.retries) throw failure;
        wait = Math.max(this.#backoff(attempt), retryAfterMs(response.headers.get('retry-after')));
        this.#logger?.warn({ method, path, status: response.status, code: failure.code, attempt: attempt + 1 }, 'EasyPost call failed; retrying');
      } catch (error) {
        if (!isNetworkFailure(error) || attempt >= this.#options.retries) throw error;
        wait = this.#backoff(attempt);
        this.#logger?.warn({ method, path, err: error, attempt: attempt + 1 }, 'EasyPost did not answer; retrying');
      }
      attempt += 1;
      if (wait > 0) await sleep(wait);
    }
  }

  #backoff(attempt: number): number {
    return this.#options.retryBackoffMs * 2 ** attempt;
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` in seconds (or an HTTP date) → ms, capped so a bad header cannot stall a request for long. */
function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : 0;
}

/** fetch's own failures (connection refused or reset, DNS) and our timeout: EasyPost did not answer. */
export function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  return error instanceof TypeError && error.message === 'fetch failed';
}

/**
 * What EasyPost's refusal means for the store: its 4xx become errors staff can act on (the field
 * EasyPost named is in `errors`); 401/402/403 are the account's; 5xx, 429 and no answer are an outage.
 */
export function appErrorOf(error: unknown, what: string): AppError | unknown {
  if (error instanceof EasyPostApiError) {
    const extensions = { easypostCode: error.code, easypostStatus: error.status };
    if (error.status === 401 || error.status === 402 || error.status === 403) {
      return EasyPostErrors.EASYPOST_ACCOUNT_REFUSED(`EasyPost refused to ${what}: ${error.code} ${error.message}`, { extensions, cause: error });
    }
    if (error.status === 404) return EasyPostErrors.EASYPOST_SHIPMENT_NOT_FOUND(`EasyPost could not ${what}: ${error.message}`, { extensions, cause: error });
    if (retryable(error.status)) return EasyPostErrors.EASYPOST_UNAVAILABLE(`EasyPost could not ${what}: HTTP ${error.status} ${error.code}`, { extensions, cause: error });
    const errors: FieldIssue[] = error.fieldErrors.map((field) => ({
      in: 'body',
      pointer: field.field ? `/${field.field.replaceAll('~', '~0').replaceAll('/', '~1')}` : '',
      rule: error.code,
      message: field.message,
    }));
    return EasyPostErrors.EASYPOST_REQUEST_REJECTED(`EasyPost refused to ${what}: ${error.message} (${error.code})`, {
      extensions,
      cause: error,
      ...(errors.length ? { errors } : {}),
    });
  }
  if (isNetworkFailure(error)) return EasyPostErrors.EASYPOST_UNAVAILABLE(`EasyPost did not answer while trying to ${what}`, { cause: error });
  return error;
}
