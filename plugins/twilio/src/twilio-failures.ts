import type { TwilioFailureCode } from './errors.ts';

/** What the SDK throws: a `RestException` (Twilio answered with an error) or axios' error (it did not answer). */
export interface TwilioSendError {
  /** The HTTP status of a `RestException`. */
  status?: number;
  /** Twilio's error code (a number) on a `RestException`; Node's or axios' code (a string) on a network error. */
  code?: number | string;
  message?: string;
  moreInfo?: string;
}

export interface TwilioFailure {
  code: TwilioFailureCode;
  retryable: boolean;
  reason: string;
}

/** Errors about the `To` number that no retry will change. */
const REFUSED_RECIPIENT_CODES = new Set([
  21211, // invalid 'To' phone number
  21408, // the account may not send to this region
  21612, // the 'To' number cannot be reached (by this sender)
  21614, // 'To' is not a mobile number
]);
const UNSUBSCRIBED_CODE = 21610; // the recipient replied STOP
const AUTH_CODES = new Set([20003, 20005]); // authentication failed, account not active
const RATE_LIMITED_CODE = 20429;
/** Node's and axios' codes for a server that could not be reached, or a request that ran out of time. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ERR_NETWORK', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/**
 * Turns what the SDK threw into what the delivery pipeline needs to know: retry later, or never.
 *
 * | Twilio said / what happened                        | code                            | retryable |
 * |----------------------------------------------------|---------------------------------|-----------|
 * | 21211, 21408, 21612, 21614 (the `To` number)       | `TWILIO_RECIPIENT_REFUSED`      | no        |
 * | 21610 (the recipient replied STOP)                 | `TWILIO_RECIPIENT_UNSUBSCRIBED` | no        |
 * | HTTP 401, or 20003 / 20005                         | `TWILIO_AUTH_FAILED`            | yes (fix the credentials, then the retry goes) |
 * | HTTP 429, or 20429                                 | `TWILIO_RATE_LIMITED`           | yes       |
 * | HTTP 5xx                                           | `TWILIO_UNAVAILABLE`            | yes       |
 * | any other 4xx (body, sender, parameters)           | `TWILIO_MESSAGE_REFUSED`        | no        |
 * | connection refused, reset, DNS, timeout            | `TWILIO_UNAVAILABLE`            | yes       |
 * | anything else                                      | `TWILIO_FAILED`                 | yes       |
 *
 * A retryable failure is retried by core with backoff until its attempts run out (then the message
 * is dead-lettered), so wrong credentials cost a few attempts, not the message.
 */
export function failureOf(error: TwilioSendError): TwilioFailure {
  const status = typeof error.status === 'number' ? error.status : null;
  const twilioCode = typeof error.code === 'number' ? error.code : null;
  const said = [twilioCode !== null ? `Twilio error ${twilioCode}` : null, status !== null ? `HTTP ${status}` : null, error.message?.trim() || String(error)].filter(Boolean).join(', ');
  const failure = (code: TwilioFailureCode, retryable: boolean): TwilioFailure => ({ code, retryable, reason: `${code}: ${said}` });

  if (status !== null) {
    if (twilioCode !== null && REFUSED_RECIPIENT_CODES.has(twilioCode)) return failure('TWILIO_RECIPIENT_REFUSED', false);
    if (twilioCode === UNSUBSCRIBED_CODE) return failure('TWILIO_RECIPIENT_UNSUBSCRIBED', false);
    if (status === 401 || (twilioCode !== null && AUTH_CODES.has(twilioCode))) return failure('TWILIO_AUTH_FAILED', true);
    if (status === 429 || twilioCode === RATE_LIMITED_CODE) return failure('TWILIO_RATE_LIMITED', true);
    if (status >= 500) return failure('TWILIO_UNAVAILABLE', true);
    if (status >= 400) return failure('TWILIO_MESSAGE_REFUSED', false);
  }
  if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return failure('TWILIO_UNAVAILABLE', true);
  return failure('TWILIO_FAILED', true);
}
