import { createDecipheriv, createECDH, createHmac, createPrivateKey, createPublicKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SENDER_ID, TokenVerificationError } from './ecv2-verify.ts';

/** The decrypted content of an ECv2 token's signed message. */
export interface DecryptedMessage {
  /** Milliseconds since the epoch, as a decimal string. */
  messageExpiration: string;
  messageId: string;
  paymentMethod: string;
  paymentMethodDetails: {
    pan?: string;
    expirationMonth?: number;
    expirationYear?: number;
    authMethod?: 'PAN_ONLY' | 'CRYPTOGRAM_3DS' | string;
    cryptogram?: string;
    eciIndicator?: string;
  };
  gatewayMerchantId?: string;
}

/** ECv2: 256-bit AES-CTR key then 256-bit HMAC-SHA256 key, from one HKDF output. */
const SYMMETRIC_KEY_BYTES = 32;
const MAC_KEY_BYTES = 32;

/** The merchant's private key from base64 PKCS#8 DER (what `openssl pkcs8 -topk8 -nocrypt -outform DER | base64` prints). */
export function merchantPrivateKey(base64Pkcs8: string): KeyObject {
  const key = createPrivateKey({ key: Buffer.from(base64Pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('The Google Pay private key must be an EC P-256 (prime256v1) key in PKCS#8');
  }
  return key;
}

/** `tokenizationSpecification.parameters.publicKey` for DIRECT: base64 of the uncompressed point of the merchant's key. */
export function merchantPublicKeyPoint(privateKey: KeyObject): string {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]).toString('base64');
}

/** The ECIES-KEM keys both sides derive: HKDF-SHA256, zero salt, ephemeral point ‖ shared secret, info "Google". */
export function deriveMessageKeys(ephemeralPublicKey: Buffer, sharedSecret: Buffer): { symmetricKey: Buffer; macKey: Buffer } {
  const derived = Buffer.from(hkdfSync('sha256', Buffer.concat([ephemeralPublicKey, sharedSecret]), Buffer.alloc(32), SENDER_ID, SYMMETRIC_KEY_BYTES + MAC_KEY_BYTES));
  return { symmetricKey: derived.subarray(0, SYMMETRIC_KEY_BYTES), macKey: derived.subarray(SYMMETRIC_KEY_BYTES) };
}

/**
 * Decrypts a verified `signedMessage` with the merchant's private key: ECDH with the ephemeral key,
 * HKDF, the HMAC tag checked in constant time before anything is decrypted, then AES-256-CTR with a
 * zero IV. Throws `TokenVerificationError` naming the check that failed.
 */
export function decryptSignedMessage(signedMessage: string, privateKey: KeyObject): DecryptedMessage {
  let sealed: { encryptedMessage?: unknown; ephemeralPublicKey?: unknown; tag?: unknown };
  try {
    sealed = JSON.parse(signedMessage) as typeof sealed;
  } catch {
    throw new TokenVerificationError('signedMessage', 'The signed message is not JSON');
  }
  if (typeof sealed.encryptedMessage !== 'string' || typeof sealed.ephemeralPublicKey !== 'string' || typeof sealed.tag !== 'string') {
    throw new TokenVerificationError('signedMessage', 'The signed message lacks encryptedMessage, ephemeralPublicKey or tag');
  }
  const ephemeral = Buffer.from(sealed.ephemeralPublicKey, 'base64');
  let sharedSecret: Buffer;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));
    // computeSecret refuses a point that is not on the curve
    sharedSecret = ecdh.computeSecret(ephemeral);
  } catch {
    throw new TokenVerificationError('ephemeralPublicKey', 'The ephemeral public key is not a P-256 point');
  }
  const { symmetricKey, macKey } = deriveMessageKeys(ephemeral, sharedSecret);
  const encrypted = Buffer.from(sealed.encryptedMessage, 'base64');
  const expected = createHmac('sha256', macKey).update(encrypted).digest();
  const tag = Buffer.from(sealed.tag, 'base64');
  if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) {
    throw new TokenVerificationError('tag', 'The message tag (HMAC) does not match: the message was altered or is not for this merchant key');
  }
  const decipher = createDecipheriv('aes-256-ctr', symmetricKey, Buffer.alloc(16));
  const plaintext = Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8');
  let message: Partial<DecryptedMessage>;
  try {
    message = JSON.parse(plaintext) as Partial<DecryptedMessage>;
  } catch {
    throw new TokenVerificationError('encryptedMessage', 'The decrypted message is not JSON');
  }
  if (typeof message.messageExpiration !== 'string' || typeof message.messageId !== 'string' || !message.messageId || typeof message.paymentMethodDetails !== 'object' || message.paymentMethodDetails === null) {
    throw new TokenVerificationError('encryptedMessage', 'The decrypted message lacks messageExpiration, messageId or paymentMethodDetails');
  }
  return message as DecryptedMessage;
}

/** The message has not passed its `messageExpiration`. */
export function checkMessageExpiration(message: DecryptedMessage, now: number = Date.now()): void {
  if (!(Number(message.messageExpiration) > now)) {
    throw new TokenVerificationError('messageExpiration', `The payment message expired at ${new Date(Number(message.messageExpiration)).toISOString()}: ask the shopper to pay again`);
  }
}

/** The card to charge, read from the decrypted details; throws naming what is missing. */
export function cardOf(message: DecryptedMessage): { number: string; expMonth: number; expYear: number; cryptogram?: string; eci?: string } {
  const details = message.paymentMethodDetails;
  if (message.paymentMethod !== 'CARD') throw new TokenVerificationError('paymentMethod', `The payment method is ${String(message.paymentMethod)}, not CARD`);
  if (typeof details.pan !== 'string' || !/^\d{12,19}$/.test(details.pan) || !Number.isInteger(Number(details.expirationMonth)) || !Number.isInteger(Number(details.expirationYear))) {
    throw new TokenVerificationError('paymentMethodDetails', 'The payment method details lack a pan, expirationMonth or expirationYear');
  }
  const cryptogram = details.authMethod === 'CRYPTOGRAM_3DS';
  if (cryptogram && typeof details.cryptogram !== 'string') {
    throw new TokenVerificationError('paymentMethodDetails', 'A CRYPTOGRAM_3DS payment method has no cryptogram');
  }
  return {
    number: details.pan,
    expMonth: Number(details.expirationMonth),
    expYear: Number(details.expirationYear),
    ...(cryptogram ? { cryptogram: details.cryptogram! } : {}),
    ...(cryptogram && details.eciIndicator ? { eci: details.eciIndicator } : {}),
  };
}
