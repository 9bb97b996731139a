import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header EasyPost signs webhooks in, as `hmac-sha256-hex=<hex digest>`. */
export const SIGNATURE_HEADER = 'x-hmac-signature';
const PREFIX = 'hmac-sha256-hex=';

/**
 * EasyPost's webhook signature (the scheme of its official client libraries' `validateWebhook`):
 * HMAC-SHA256 of the raw body, keyed with the webhook secret normalised to Unicode NFKD and encoded
 * as UTF-8, in hex, prefixed `hmac-sha256-hex=`. The body is signed as received: parsing and
 * re-serialising it would change its bytes.
 */
export function signatureOf(rawBody: Buffer | string, webhookSecret: string): string {
  const key = Buffer.from(webhookSecret.normalize('NFKD'), 'utf8');
  return PREFIX + createHmac('sha256', key).update(rawBody).digest('hex');
}

/** Whether `header` is the signature of `rawBody` under `webhookSecret`, compared in constant time. */
export function verifySignature(rawBody: Buffer, header: string, webhookSecret: string): boolean {
  const expected = Buffer.from(signatureOf(rawBody, webhookSecret), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
