import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';

/**
 * The browser's side of web push, for tests: the key pair and auth secret a browser makes when it
 * subscribes, the decryption of an aes128gcm push (RFC 8291 over RFC 8188) and the check of a VAPID
 * `Authorization` header (RFC 8292) — what a push service and a browser do with what the channel sends.
 */
export interface BrowserKeys {
  /** The subscription's `keys`, as `PushSubscription.toJSON()` gives them. */
  keys: { p256dh: string; auth: string };
  /** The private key (raw, 32 bytes) that decrypts pushes to this subscription. */
  privateKey: Buffer;
}

export function generateBrowserKeys(): BrowserKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') }, privateKey: ecdh.getPrivateKey() };
}

const HEADER_BYTES = 16 + 4 + 1;
const TAG_BYTES = 16;

/** Decrypts an `aes128gcm` push body with the subscription's keys; throws when it is not one or does not authenticate. */
export function decryptPush(body: Buffer, browser: BrowserKeys): Buffer {
  if (body.length < HEADER_BYTES + TAG_BYTES) throw new Error('the body is too short for an aes128gcm header and tag');
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const keyIdLength = body[20]!;
  const senderPublic = body.subarray(HEADER_BYTES, HEADER_BYTES + keyIdLength);
  const records = body.subarray(HEADER_BYTES + keyIdLength);
  if (keyIdLength !== 65) throw new Error(`the key id must be the sender's 65-byte public key (RFC 8291 §4), not ${keyIdLength} bytes`);
  // a push is one record (RFC 8291 §4): it ends in the last-record delimiter 0x02
  if (records.length > recordSize) throw new Error(`a push must fit in one record of ${recordSize} bytes; it has ${records.length}`);

  const receiver = createECDH('prime256v1');
  receiver.setPrivateKey(browser.privateKey);
  const receiverPublic = receiver.getPublicKey();
  const sharedSecret = receiver.computeSecret(senderPublic);
  const authSecret = Buffer.from(browser.keys.auth, 'base64url');
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublic, senderPublic]);
  const inputKey = Buffer.from(hkdfSync('sha256', sharedSecret, authSecret, keyInfo, 32));
  const contentKey = Buffer.from(hkdfSync('sha256', inputKey, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', inputKey, salt, Buffer.from('Content-Encoding: nonce\0'), 12));

  const decipher = createDecipheriv('aes-128-gcm', contentKey, nonce);
  decipher.setAuthTag(records.subarray(records.length - TAG_BYTES));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - TAG_BYTES)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 0x02) throw new Error('the record does not end in the last-record delimiter 0x02');
  return padded.subarray(0, end);
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/**
 * Checks `Authorization: vapid t=<JWT>, k=<public key>`: the JWT is ES256-signed by `k`, its `aud` is
 * the endpoint's origin, it has not expired and expires within 24 hours, and `sub` is a mailto: or
 * https: contact. Answers the claims and the key; throws saying what is wrong.
 */
export function verifyVapid(authorization: string | undefined, endpoint: string, now = Date.now()): { claims: VapidClaims; publicKey: string } {
  const match = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) throw new Error(`the Authorization header is not "vapid t=<JWT>, k=<key>": ${String(authorization)}`);
  const [, token, key] = match as unknown as [string, string, string];
  const [header, claims, signature] = token.split('.') as [string, string, string];
  const point = Buffer.from(key, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) throw new Error('k is not an uncompressed P-256 public key');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string; typ?: string };
  if (parsedHeader.alg !== 'ES256') throw new Error(`the JWT must be ES256, not ${String(parsedHeader.alg)}`);
  const signed = verify('sha256', Buffer.from(`${header}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!signed) throw new Error('the JWT signature does not verify with k');
  const parsed = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as VapidClaims;
  const origin = new URL(endpoint).origin;
  if (parsed.aud !== origin) throw new Error(`the JWT's aud is ${parsed.aud}, not the endpoint's origin ${origin}`);
  const seconds = Math.floor(now / 1000);
  if (!(parsed.exp > seconds)) throw new Error(`the JWT expired (exp ${parsed.exp})`);
  if (parsed.exp > seconds + 24 * 3600) throw new Error(`the JWT's exp is more than 24 hours ahead (RFC 8292 §2)`);
  if (!/^(mailto:|https:)/.test(parsed.sub)) throw new Error(`the JWT's sub must be a mailto: or https: contact, not ${String(parsed.sub)}`);
  return { claims: parsed, publicKey: key };
}
