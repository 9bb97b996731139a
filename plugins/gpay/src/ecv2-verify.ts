import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** A Google root signing key, as in https://payments.developers.google.com/paymentmethodtoken/keys.json. */
export interface RootSigningKey {
  /** Base64 of the DER SubjectPublicKeyInfo of an ECDSA P-256 key. */
  keyValue: string;
  protocolVersion: string;
  /** Milliseconds since the epoch, as a decimal string; absent: does not expire. */
  keyExpiration?: string | undefined;
}

/** Google Pay's ECv2 `PaymentMethodToken` (`paymentMethodData.tokenizationData.token`, parsed). */
export interface PaymentMethodToken {
  protocolVersion: string;
  signature: string;
  intermediateSigningKey: { signedKey: string; signatures: string[] };
  signedMessage: string;
}

/** A token that fails one of the checks; `check` names it (shown to the storefront, logged for staff). */
export class TokenVerificationError extends Error {
  override name = 'TokenVerificationError';
  readonly check: string;
  constructor(check: string, message: string) {
    super(message);
    this.check = check;
  }
}

export const SENDER_ID = 'Google';
export const PROTOCOL_VERSION = 'ECv2';

/** Google's signed-string encoding: each part as its UTF-8 byte length (4 bytes, little-endian) then its bytes. */
export function lengthPrefixed(...parts: string[]): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const bytes = Buffer.from(part, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

/** A `keyValue` (base64 DER SPKI) as a key; null when it is not one. */
export function publicKeyOf(keyValue: string): KeyObject | null {
  try {
    const key = createPublicKey({ key: Buffer.from(keyValue, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' ? key : null;
  } catch {
    return null;
  }
}

function verifies(key: KeyObject, data: Buffer, signature: string): boolean {
  try {
    // Google signs with ECDSA P-256 SHA-256, DER-encoded signatures (node's default for EC keys)
    return verify('sha256', data, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The token from `tokenizationData.token` (a JSON string, or already parsed); throws naming what is missing. */
export function parsePaymentMethodToken(raw: unknown): PaymentMethodToken {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new TokenVerificationError('format', 'The payment method token is not JSON');
    }
  }
  const token = value as Partial<PaymentMethodToken> | null;
  const key = token?.intermediateSigningKey;
  if (
    !token ||
    typeof token !== 'object' ||
    !isString(token.protocolVersion) ||
    !isString(token.signature) ||
    !isString(token.signedMessage) ||
    !key ||
    !isString(key.signedKey) ||
    !Array.isArray(key.signatures) ||
    !key.signatures.every(isString)
  ) {
    throw new TokenVerificationError('format', 'The payment method token lacks protocolVersion, signature, signedMessage or intermediateSigningKey');
  }
  return token as PaymentMethodToken;
}

const expired = (expiration: string | undefined, now: number) => expiration !== undefined && !(Number(expiration) > now);

/**
 * Checks an ECv2 token's chain of signatures, as Google's "Payment data cryptography" guide lays out:
 * the intermediate signing key is signed by one of the root keys still valid, has not expired, and
 * signed the message for `recipientId` (`merchant:<merchantId>`, or `gateway:<id>`). Answers the
 * signed message (still encrypted); throws `TokenVerificationError` naming the check that failed.
 */
export function verifyPaymentMethodToken(token: PaymentMethodToken, options: { rootSigningKeys: readonly RootSigningKey[]; recipientId: string; now?: number }): string {
  const now = options.now ?? Date.now();
  if (token.protocolVersion !== PROTOCOL_VERSION) {
    throw new TokenVerificationError('protocolVersion', `The token's protocolVersion is ${token.protocolVersion}; only ${PROTOCOL_VERSION} is accepted`);
  }
  const roots = options.rootSigningKeys
    .filter((root) => root.protocolVersion === PROTOCOL_VERSION && !expired(root.keyExpiration, now))
    .map((root) => publicKeyOf(root.keyValue))
    .filter((key): key is KeyObject => key !== null);
  if (roots.length === 0) throw new TokenVerificationError('rootSigningKeys', 'No Google root signing key for ECv2 is valid now: refresh the root keys');

  const { signedKey, signatures } = token.intermediateSigningKey;
  const signedKeyBytes = lengthPrefixed(SENDER_ID, PROTOCOL_VERSION, signedKey);
  if (!signatures.some((signature) => roots.some((root) => verifies(root, signedKeyBytes, signature)))) {
    throw new TokenVerificationError('intermediateSigningKey.signatures', 'The intermediate signing key is not signed by any valid Google root signing key');
  }
  let intermediate: { keyValue?: unknown; keyExpiration?: unknown };
  try {
    intermediate = JSON.parse(signedKey) as typeof intermediate;
  } catch {
    throw new TokenVerificationError('intermediateSigningKey.signedKey', 'The intermediate signing key is not JSON');
  }
  if (!isString(intermediate.keyValue) || !isString(intermediate.keyExpiration)) {
    throw new TokenVerificationError('intermediateSigningKey.signedKey', 'The intermediate signing key lacks keyValue or keyExpiration');
  }
  if (expired(intermediate.keyExpiration, now)) {
    throw new TokenVerificationError('intermediateSigningKey.keyExpiration', `The intermediate signing key expired at ${new Date(Number(intermediate.keyExpiration)).toISOString()}`);
  }
  const intermediateKey = publicKeyOf(intermediate.keyValue);
  if (!intermediateKey) throw new TokenVerificationError('intermediateSigningKey.signedKey', 'The intermediate signing key is not an EC public key');
  if (!verifies(intermediateKey, lengthPrefixed(SENDER_ID, options.recipientId, PROTOCOL_VERSION, token.signedMessage), token.signature)) {
    throw new TokenVerificationError('signature', `The message signature does not verify for recipient ${options.recipientId}`);
  }
  return token.signedMessage;
}
