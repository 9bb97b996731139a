import { createECDH } from 'node:crypto';
import { Type, type Static } from '@cartwright/core';

export const WebpushUrgency = Type.Union([Type.Literal('very-low'), Type.Literal('low'), Type.Literal('normal'), Type.Literal('high')]);
export type WebpushUrgency = Static<typeof WebpushUrgency>;

export const WebpushOptions = Type.Object(
  {
    /** The channel's id (in rules, config and the delivery log). Default `webpush`. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,49}$' })),
    /** What staff see. Default `Web push`. */
    name: Type.Optional(Type.String({ minLength: 1 })),
    /**
     * Who push services contact about your pushes, in every VAPID token: `mailto:ops@shop.example` or
     * an `https://` page. Required.
     */
    subject: Type.String({ pattern: '^(mailto:[^\\s@]+@[^\\s@]+|https://\\S+)$' }),
    /** The VAPID public key (base64url, 65 bytes decoded). Default: the environment variable `WEBPUSH_VAPID_PUBLIC_KEY`. */
    publicKey: Type.Optional(Type.String({ minLength: 1 })),
    /** The VAPID private key (base64url, 32 bytes decoded). Default: the environment variable `WEBPUSH_VAPID_PRIVATE_KEY`. */
    privateKey: Type.Optional(Type.String({ minLength: 1 })),
    /** How long a push service keeps a push for a browser that is offline, in seconds. Default 86400 (a day). */
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_419_200 })),
    /** The `Urgency` header: how hard a phone may be woken for it. Default `normal`. */
    urgency: Type.Optional(WebpushUrgency),
    /** How long to wait for a push service's answer, in ms. Default 10000. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
    /**
     * FOR TESTS ONLY: also accept `http://127.0.0.1:<port>/…` and `http://localhost:<port>/…` endpoints, so
     * a local stand-in of a push service can receive pushes. Browsers only ever give https endpoints.
     */
    allowLocalHttpEndpoints: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type WebpushOptions = Static<typeof WebpushOptions>;

/** The options with every default applied and the VAPID keys read. */
export interface ResolvedWebpushOptions {
  id: string;
  name: string;
  vapid: { subject: string; publicKey: string; privateKey: string };
  ttlSeconds: number;
  urgency: WebpushUrgency;
  timeoutMs: number;
  allowLocalHttpEndpoints: boolean;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The bytes of a base64url string without padding, or null when it is not one. */
export function base64urlBytes(value: string): Buffer | null {
  return BASE64URL.test(value) ? Buffer.from(value, 'base64url') : null;
}

/** Applies defaults and reads `WEBPUSH_VAPID_PUBLIC_KEY` and `WEBPUSH_VAPID_PRIVATE_KEY`; throws naming what is missing or wrong. */
export function resolveOptions(options: WebpushOptions, env: Record<string, string | undefined> = process.env): ResolvedWebpushOptions {
  const publicKey = options.publicKey ?? env.WEBPUSH_VAPID_PUBLIC_KEY;
  const privateKey = options.privateKey ?? env.WEBPUSH_VAPID_PRIVATE_KEY;
  const generate = 'generate a pair with `npx web-push generate-vapid-keys`';
  if (!publicKey) throw new Error(`Web push needs a VAPID public key: set WEBPUSH_VAPID_PUBLIC_KEY (or the plugin option publicKey); ${generate}`);
  if (!privateKey) throw new Error(`Web push needs a VAPID private key: set WEBPUSH_VAPID_PRIVATE_KEY (or the plugin option privateKey); ${generate}`);
  const publicBytes = base64urlBytes(publicKey);
  if (publicBytes?.length !== 65 || publicBytes[0] !== 0x04) {
    throw new Error('WEBPUSH_VAPID_PUBLIC_KEY is not a VAPID public key (base64url without "=", an uncompressed P-256 point of 65 bytes)');
  }
  const privateBytes = base64urlBytes(privateKey);
  if (privateBytes?.length !== 32) throw new Error('WEBPUSH_VAPID_PRIVATE_KEY is not a VAPID private key (base64url without "=", 32 bytes)');
  // a public key from another pair would be accepted here and refused by every push service (403)
  const ecdh = createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(privateBytes);
  } catch {
    throw new Error('WEBPUSH_VAPID_PRIVATE_KEY is not a valid P-256 private key');
  }
  if (!ecdh.getPublicKey().equals(publicBytes)) {
    throw new Error('WEBPUSH_VAPID_PUBLIC_KEY is not the public key of WEBPUSH_VAPID_PRIVATE_KEY: set the two keys of one pair');
  }
  return {
    id: options.id ?? 'webpush',
    name: options.name ?? 'Web push',
    vapid: { subject: options.subject, publicKey, privateKey },
    ttlSeconds: options.ttlSeconds ?? 86_400,
    urgency: options.urgency ?? 'normal',
    timeoutMs: options.timeoutMs ?? 10_000,
    allowLocalHttpEndpoints: options.allowLocalHttpEndpoints ?? false,
  };
}
