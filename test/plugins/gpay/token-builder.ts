import { createCipheriv, createECDH, createHmac, createPublicKey, generateKeyPairSync, hkdfSync, randomUUID, sign, type KeyObject } from 'node:crypto';

/**
 * The sender's side of Google Pay's ECv2 tokens, written from Google's "Payment data cryptography"
 * guide independently of the plugin's code (an encoding mistake in one would not hide in both):
 * a root key signs an intermediate signing key, which signs the message, encrypted with ECIES-KEM
 * for the merchant's public key. Tests build valid tokens and each kind of broken one with it.
 */

export interface EcKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

export const newEcKey = (): EcKeyPair => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const spkiBase64 = (key: KeyObject) => key.export({ format: 'der', type: 'spki' }).toString('base64');
export const pkcs8Base64 = (key: KeyObject) => key.export({ format: 'der', type: 'pkcs8' }).toString('base64');

const DAY = 24 * 60 * 60 * 1000;

function signedString(...parts: string[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length, 0);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

const ecdsa = (key: KeyObject, data: Buffer) => sign('sha256', data, key).toString('base64');

function uncompressedPoint(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

/** Flips one bit in the middle of a base64 value. */
function flipBit(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  return bytes.toString('base64');
}

export interface CardDetails {
  pan: string;
  expirationMonth: number;
  expirationYear: number;
  authMethod: 'PAN_ONLY' | 'CRYPTOGRAM_3DS';
  cryptogram?: string;
  eciIndicator?: string;
}

export interface TokenOptions {
  messageId?: string;
  /** Milliseconds since the epoch; default an hour from now. */
  messageExpiration?: number;
  /** The intermediate key's expiration; default a day from now. */
  keyExpiration?: number;
  recipientId?: string;
  /** The root key that signs the intermediate key; default the builder's. */
  rootKey?: EcKeyPair;
  details?: CardDetails;
  tamper?: 'signature' | 'ciphertext' | 'intermediateSignature';
}

export const CRYPTOGRAM_CARD: CardDetails = {
  pan: '4111111111111111',
  expirationMonth: 12,
  expirationYear: 2031,
  authMethod: 'CRYPTOGRAM_3DS',
  cryptogram: 'AAAAAA7zAnAAAAAAAAAAAAAAAAA=',
  eciIndicator: '05',
};

export const PAN_ONLY_CARD: CardDetails = { pan: '5555555555554444', expirationMonth: 3, expirationYear: 2030, authMethod: 'PAN_ONLY' };

export class TokenBuilder {
  readonly root = newEcKey();
  readonly intermediate = newEcKey();
  readonly merchant = newEcKey();
  readonly merchantId = '12345678901234567890';

  /** What the store is configured with: this builder's root key, as in Google's keys.json. */
  rootSigningKeys() {
    return [{ keyValue: spkiBase64(this.root.publicKey), protocolVersion: 'ECv2', keyExpiration: String(Date.now() + 365 * DAY) }];
  }

  merchantPrivateKey(): string {
    return pkcs8Base64(this.merchant.privateKey);
  }

  /** A `PaymentMethodToken` as Google Pay puts it in `tokenizationData.token` (a JSON string). */
  token(options: TokenOptions = {}): string {
    const message = {
      messageExpiration: String(options.messageExpiration ?? Date.now() + 60 * 60 * 1000),
      messageId: options.messageId ?? `AH2Ejt${randomUUID()}`,
      paymentMethod: 'CARD',
      paymentMethodDetails: options.details ?? CRYPTOGRAM_CARD,
    };
    const sealed = this.#encrypt(JSON.stringify(message), options.tamper === 'ciphertext');
    const signedMessage = JSON.stringify(sealed);
    const signedKey = JSON.stringify({ keyValue: spkiBase64(this.intermediate.publicKey), keyExpiration: String(options.keyExpiration ?? Date.now() + DAY) });
    const rootKey = options.rootKey ?? this.root;
    let keySignature = ecdsa(rootKey.privateKey, signedString('Google', 'ECv2', signedKey));
    if (options.tamper === 'intermediateSignature') keySignature = flipBit(keySignature);
    let signature = ecdsa(this.intermediate.privateKey, signedString('Google', options.recipientId ?? `merchant:${this.merchantId}`, 'ECv2', signedMessage));
    if (options.tamper === 'signature') signature = flipBit(signature);
    return JSON.stringify({ signature, intermediateSigningKey: { signedKey, signatures: [keySignature] }, protocolVersion: 'ECv2', signedMessage });
  }

  /** What `loadPaymentData` resolves with, around a DIRECT token. */
  paymentData(token: string = this.token()) {
    return {
      apiVersion: 2,
      apiVersionMinor: 0,
      paymentMethodData: { type: 'CARD', description: 'Visa •••• 1111', info: { cardNetwork: 'VISA', cardDetails: '1111' }, tokenizationData: { type: 'DIRECT', token } },
    };
  }

  /** ECIES-KEM: ECDH of a fresh ephemeral key with the merchant's, HKDF-SHA256 (zero salt, info "Google") to 64 bytes: AES-256-CTR key, then HMAC-SHA256 key. */
  #encrypt(plaintext: string, tamper: boolean) {
    const ephemeral = createECDH('prime256v1');
    ephemeral.generateKeys();
    const ephemeralPublicKey = ephemeral.getPublicKey(); // uncompressed point
    const shared = ephemeral.computeSecret(uncompressedPoint(createPublicKey(this.merchant.privateKey)));
    const keys = Buffer.from(hkdfSync('sha256', Buffer.concat([ephemeralPublicKey, shared]), Buffer.alloc(32), Buffer.from('Google'), 64));
    const cipher = createCipheriv('aes-256-ctr', keys.subarray(0, 32), Buffer.alloc(16));
    const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = createHmac('sha256', keys.subarray(32)).update(encrypted).digest('base64');
    const encryptedMessage = encrypted.toString('base64');
    return { encryptedMessage: tamper ? flipBit(encryptedMessage) : encryptedMessage, ephemeralPublicKey: ephemeralPublicKey.toString('base64'), tag };
  }
}
