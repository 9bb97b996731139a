import type { SmtpFailureCode } from './errors.ts';

/** What nodemailer puts on a failed send: its own `code` and, when the server answered, the SMTP reply. */
export interface SmtpSendError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

export interface SmtpFailure {
  code: SmtpFailureCode;
  retryable: boolean;
  reason: string;
}

/** nodemailer's codes (and Node's socket codes) for a server that could not be reached or was lost mid-way. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EREQUIRETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
const AUTH_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);
/** 530 auth required, 534 mechanism too weak, 535 credentials invalid, 538 encryption required for auth. */
const AUTH_REPLIES = new Set([530, 534, 535, 538]);
/** 550 mailbox unavailable, 551 user not local, 553 mailbox name not allowed: about an address. */
const ADDRESS_REPLIES = new Set([550, 551, 553]);

/**
 * Turns a failed send into what the delivery pipeline needs to know: retry later, or never.
 *
 * | the server said / what happened                  | code                     | retryable |
 * |--------------------------------------------------|--------------------------|-----------|
 * | 421, 450, 451, 452, any other 4xx                | `SMTP_DEFERRED`          | yes       |
 * | 503 (bad sequence: the session, not the message) | `SMTP_DEFERRED`          | yes       |
 * | 530, 534, 535, 538, or nodemailer `EAUTH`        | `SMTP_AUTH_FAILED`       | yes (fix the credentials, then the retry goes) |
 * | 550, 551, 553 to an address (`EENVELOPE`)        | `SMTP_RECIPIENT_REFUSED` | no        |
 * | 550, 551, 553 to the message, 552, 554, other 5xx| `SMTP_MESSAGE_REFUSED`   | no        |
 * | an address nodemailer cannot send to             | `SMTP_RECIPIENT_REFUSED` | no        |
 * | connection refused, timeout, DNS, TLS, dropped   | `SMTP_UNREACHABLE`       | yes       |
 * | anything else                                    | `SMTP_FAILED`            | yes       |
 *
 * A 421 also closes the connection; on a pooled connection nodemailer reports the closed
 * connection rather than the reply, so it arrives as `SMTP_UNREACHABLE` (retryable all the same).
 */
export function failureOf(error: SmtpSendError): SmtpFailure {
  const reply = typeof error.responseCode === 'number' ? error.responseCode : null;
  const said = (error.response ?? error.message ?? String(error)).trim();
  const failure = (code: SmtpFailureCode, retryable: boolean): SmtpFailure => ({ code, retryable, reason: `${code}: ${said}` });

  if ((error.code && AUTH_CODES.has(error.code)) || (reply !== null && AUTH_REPLIES.has(reply))) return failure('SMTP_AUTH_FAILED', true);
  if (reply !== null && reply >= 400 && reply < 500) return failure('SMTP_DEFERRED', true);
  if (reply === 503) return failure('SMTP_DEFERRED', true);
  if (reply !== null && reply >= 500 && reply < 600) {
    return failure(ADDRESS_REPLIES.has(reply) && error.code === 'EENVELOPE' ? 'SMTP_RECIPIENT_REFUSED' : 'SMTP_MESSAGE_REFUSED', false);
  }
  if (error.code && CONNECTION_CODES.has(error.code)) return failure('SMTP_UNREACHABLE', true);
  if (error.code === 'EENVELOPE') return failure('SMTP_RECIPIENT_REFUSED', false);
  return failure('SMTP_FAILED', true);
}
