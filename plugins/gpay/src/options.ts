import { readFileSync, statSync } from 'node:fs';
import { Type, type Static } from '@cartwright/core';
import type { RootSigningKey } from './ecv2-verify.ts';

const CardNetwork = Type.Union([
  Type.Literal('AMEX'),
  Type.Literal('DISCOVER'),
  Type.Literal('ELECTRON'),
  Type.Literal('ELO'),
  Type.Literal('ELO_DEBIT'),
  Type.Literal('INTERAC'),
  Type.Literal('JCB'),
  Type.Literal('MAESTRO'),
  Type.Literal('MASTERCARD'),
  Type.Literal('VISA'),
]);
const AuthMethod = Type.Union([Type.Literal('PAN_ONLY'), Type.Literal('CRYPTOGRAM_3DS')]);
const RootKey = Type.Object(
  {
    keyValue: Type.String({ minLength: 1, description: 'Base64 DER SubjectPublicKeyInfo' }),
    protocolVersion: Type.String({ minLength: 1 }),
    keyExpiration: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'Milliseconds since the epoch' })),
  },
  { additionalProperties: false },
);

export const DEFAULT_CARD_NETWORKS = ['VISA', 'MASTERCARD', 'AMEX', 'DISCOVER'] as const;
export const DEFAULT_AUTH_METHODS = ['PAN_ONLY', 'CRYPTOGRAM_3DS'] as const;

export const GpayOptions = Type.Object(
  {
    /** What the Google Pay sheet shows as the seller. */
    merchantName: Type.String({ minLength: 1 }),
    /** The merchant id from the Google Pay & Wallet Console; required in PRODUCTION and in direct mode. */
    merchantId: Type.Optional(Type.String({ minLength: 1 })),
    environment: Type.Optional(Type.Union([Type.Literal('TEST'), Type.Literal('PRODUCTION')], { default: 'TEST' })),
    /** `gateway`: Google Pay hands the card to the gateway (Stripe), which charges it. `direct`: the store decrypts the card itself (PCI DSS). */
    mode: Type.Optional(Type.Union([Type.Literal('gateway'), Type.Literal('direct')], { default: 'gateway' })),
    /** Gateway mode: the payment provider that receives the gateway token (its id). */
    gateway: Type.Optional(Type.String({ minLength: 1, default: 'stripe' })),
    /** Direct mode: the payment provider that charges the decrypted card (its id). */
    processor: Type.Optional(Type.String({ minLength: 1, default: 'stripe' })),
    /** ISO 3166-1 alpha-2 code of the country where the merchant processes payments (`transactionInfo.countryCode`). */
    countryCode: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', default: 'US' })),
    allowedCardNetworks: Type.Optional(Type.Array(CardNetwork, { minItems: 1, uniqueItems: true })),
    allowedAuthMethods: Type.Optional(Type.Array(AuthMethod, { minItems: 1, uniqueItems: true })),
    /** Gateway mode with Stripe: the publishable key and Stripe API version Google Pay tokenizes for. */
    stripe: Type.Optional(
      Type.Object(
        { publishableKey: Type.String({ pattern: '^pk_(test|live)_' }), version: Type.Optional(Type.String({ minLength: 1, default: '2018-10-31' })) },
        { additionalProperties: false },
      ),
    ),
    /** Gateway mode with another gateway: its `gatewayMerchantId`. */
    gatewayMerchantId: Type.Optional(Type.String({ minLength: 1 })),
    /** Direct mode: Google's root signing keys (the `keys` of keys.json). */
    rootSigningKeys: Type.Optional(Type.Array(RootKey, { minItems: 1 })),
    /** Direct mode: a copy of Google's keys.json on disk, refreshed by a job of yours; read again when it changes. */
    rootSigningKeysFile: Type.Optional(Type.String({ minLength: 1 })),
    /** Direct mode: the merchant's EC P-256 private key, base64 PKCS#8 DER. */
    privateKey: Type.Optional(Type.String({ minLength: 1 })),
    /** Direct mode: the recipient the token is signed for; default `merchant:<merchantId>`. */
    recipientId: Type.Optional(Type.String({ pattern: '^(merchant|gateway):.+' })),
  },
  { additionalProperties: false },
);
export type GpayOptions = Static<typeof GpayOptions>;

/** The options with every default applied and the rules between options checked. */
export interface ResolvedGpayOptions {
  merchantName: string;
  merchantId: string | undefined;
  environment: 'TEST' | 'PRODUCTION';
  mode: 'gateway' | 'direct';
  gateway: string;
  processor: string;
  countryCode: string;
  allowedCardNetworks: NonNullable<GpayOptions['allowedCardNetworks']>;
  allowedAuthMethods: NonNullable<GpayOptions['allowedAuthMethods']>;
  stripe: { publishableKey: string; version: string } | undefined;
  gatewayMerchantId: string | undefined;
  rootSigningKeys: GpayOptions['rootSigningKeys'];
  rootSigningKeysFile: string | undefined;
  privateKey: string | undefined;
  recipientId: string | undefined;
}

/** Applies defaults and checks what the schema cannot; throws naming the option (the store then does not start). */
export function resolveOptions(options: GpayOptions): ResolvedGpayOptions {
  const resolved: ResolvedGpayOptions = {
    merchantName: options.merchantName,
    merchantId: options.merchantId,
    environment: options.environment ?? 'TEST',
    mode: options.mode ?? 'gateway',
    gateway: options.gateway ?? 'stripe',
    processor: options.processor ?? 'stripe',
    countryCode: options.countryCode ?? 'US',
    allowedCardNetworks: options.allowedCardNetworks ?? [...DEFAULT_CARD_NETWORKS],
    allowedAuthMethods: options.allowedAuthMethods ?? [...DEFAULT_AUTH_METHODS],
    stripe: options.stripe ? { publishableKey: options.stripe.publishableKey, version: options.stripe.version ?? '2018-10-31' } : undefined,
    gatewayMerchantId: options.gatewayMerchantId,
    rootSigningKeys: options.rootSigningKeys,
    rootSigningKeysFile: options.rootSigningKeysFile,
    privateKey: options.privateKey,
    recipientId: options.recipientId,
  };
  if (resolved.environment === 'PRODUCTION' && !resolved.merchantId) {
    throw new Error('Google Pay in PRODUCTION needs merchantId (from the Google Pay & Wallet Console)');
  }
  if (resolved.mode === 'gateway') {
    if (resolved.gateway === 'stripe' && !resolved.stripe) throw new Error('Google Pay through Stripe needs stripe.publishableKey');
    if (resolved.gateway !== 'stripe' && !resolved.gatewayMerchantId) throw new Error(`Google Pay through ${resolved.gateway} needs gatewayMerchantId`);
    if (resolved.environment === 'PRODUCTION' && resolved.stripe?.publishableKey.startsWith('pk_test_')) {
      throw new Error('Google Pay in PRODUCTION cannot use a Stripe test publishable key (pk_test_…)');
    }
  } else {
    if (!resolved.privateKey) throw new Error('Google Pay in direct mode needs privateKey (base64 PKCS#8 of the EC P-256 key whose public key is registered with Google)');
    if (!resolved.rootSigningKeys && !resolved.rootSigningKeysFile) throw new Error('Google Pay in direct mode needs rootSigningKeys or rootSigningKeysFile (Google\'s keys.json)');
    if (!resolved.recipientId && !resolved.merchantId) throw new Error('Google Pay in direct mode needs merchantId (the token is signed for merchant:<merchantId>)');
  }
  return resolved;
}

/**
 * Google's root signing keys: those in the options, plus those of the keys file, read again when
 * the file changes (Google rotates them; a job of the merchant's fetches keys.json).
 */
export class RootKeySource {
  readonly #inline: readonly RootSigningKey[];
  readonly #file: string | undefined;
  #cached: { mtimeMs: number; keys: RootSigningKey[] } | undefined;

  constructor(options: Pick<ResolvedGpayOptions, 'rootSigningKeys' | 'rootSigningKeysFile'>) {
    this.#inline = options.rootSigningKeys ?? [];
    this.#file = options.rootSigningKeysFile;
    if (this.#file) this.keys(); // an unreadable file stops start-up rather than the first payment
  }

  keys(): RootSigningKey[] {
    if (!this.#file) return [...this.#inline];
    const { mtimeMs } = statSync(this.#file);
    if (this.#cached?.mtimeMs !== mtimeMs) this.#cached = { mtimeMs, keys: parseKeysFile(readFileSync(this.#file, 'utf8'), this.#file) };
    return [...this.#inline, ...this.#cached.keys];
  }
}

function parseKeysFile(text: string, path: string): RootSigningKey[] {
  const parsed = JSON.parse(text) as { keys?: unknown } | unknown[];
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k?.keyValue === 'string' && typeof k?.protocolVersion === 'string')) {
    throw new Error(`${path} is not Google's root signing keys file ({ "keys": [{ "keyValue", "protocolVersion", "keyExpiration" }] })`);
  }
  return keys as RootSigningKey[];
}
