import type { OutgoingMessage } from '@cartwright/core';

/** What the service worker's `push` event reads with `event.data.json()`. */
export interface PushPayload {
  title: string;
  body: string;
  link: string | null;
  category: string;
  /** Core's message id: a service worker can use it as the notification's `tag`. */
  id: string;
}

/**
 * The most plaintext one push may carry. Push services must take a 4096-byte body (RFC 8030 §7.2);
 * the aes128gcm encoding (RFC 8188) spends 86 bytes on its header (salt, record size, the sender's
 * key) and 17 on the padding delimiter and the authentication tag, which leaves 3993.
 */
export const MAX_PAYLOAD_BYTES = 4096 - 86 - 17;

const ELLIPSIS = '…';
const bytesOf = (payload: PushPayload) => Buffer.byteLength(JSON.stringify(payload), 'utf8');

/** Cuts `text` to at most `keep` code points (never inside a surrogate pair) and marks the cut. */
function cut(text: string, keep: number): string {
  const points = Array.from(text);
  return points.length <= keep ? text : points.slice(0, Math.max(0, keep)).join('') + ELLIPSIS;
}

/** The longest cut of `field` that keeps the payload within `limit` bytes, found by halving (JSON escaping makes bytes per character vary). */
function fitField(payload: PushPayload, field: 'body' | 'title', limit = MAX_PAYLOAD_BYTES): PushPayload {
  if (bytesOf(payload) <= limit) return payload;
  const full = payload[field];
  let low = 0;
  let high = Array.from(full).length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (bytesOf({ ...payload, [field]: cut(full, middle) }) <= limit) low = middle;
    else high = middle - 1;
  }
  return { ...payload, [field]: cut(full, low) };
}

/**
 * The JSON pushed for a message, within MAX_PAYLOAD_BYTES. A body too long is cut and ends in "…"
 * (the link leads to the whole message). So that the body keeps room, a title is first cut to a
 * quarter of the limit (browsers show a line or two of it anyway) and a link longer than half the
 * limit is dropped (the notification then opens the store).
 */
export function pushPayload(message: OutgoingMessage): PushPayload {
  let payload: PushPayload = { title: message.subject ?? '', body: message.text, link: message.link ?? null, category: message.category, id: message.id };
  if (bytesOf({ ...payload, title: '', body: '' }) > MAX_PAYLOAD_BYTES / 2) payload = { ...payload, link: null };
  payload = { ...payload, title: fitField({ ...payload, body: '' }, 'title', bytesOf({ ...payload, title: '', body: '' }) + MAX_PAYLOAD_BYTES / 4).title };
  return fitField(payload, 'body');
}
