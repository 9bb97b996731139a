import { sign, verify, type KeyObject } from 'node:crypto';
import { ExtractJwt } from 'passport-jwt';
import type { Strategy } from 'passport';

/**
 * EdDSA (Ed25519) JWTs with node:crypto: jsonwebtoken 9 cannot sign or verify them (decision 0009).
 * Used only when `auth.jwt.algorithm` is `EdDSA`; the other algorithms stay on jsonwebtoken. The
 * checks mirror what jsonwebtoken does for them, with the algorithm pinned: the header must say
 * `alg: EdDSA` and `typ: JWT`, so `none` and a token signed with another algorithm (an HS256 HMAC
 * keyed with the public key) are refused before any signature is looked at.
 */
export interface EdDsaClaims {
  [claim: string]: unknown;
  sub: string;
}

export interface EdDsaCheck {
  issuer: string;
  audience: string;
  /** Seconds of clock skew allowed on exp, nbf and iat. */
  clockTolerance: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })).toString('base64url');
const JWS_PART = /^[A-Za-z0-9_-]+$/;

export function signEdDsaJwt(claims: EdDsaClaims, privateKey: KeyObject, options: { issuer: string; audience: string; ttlSeconds: number }): string {
  const iat = Math.floor(Date.now() / 1000);
  const payload = { ...claims, iat, exp: iat + options.ttlSeconds, iss: options.issuer, aud: options.audience };
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

/** The payload of a valid token, or `undefined` (the reason does not matter to the caller: every refusal is a 401). */
export function verifyEdDsaJwt(token: string, publicKey: KeyObject, check: EdDsaCheck, nowSeconds = Date.now() / 1000): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => JWS_PART.test(part))) return undefined;
  const [head, body, signature] = parts as [string, string, string];
  const header = parseObject(head);
  if (!header || header.alg !== 'EdDSA' || header.typ !== 'JWT' || 'crit' in header) return undefined;
  const signatureBytes = Buffer.from(signature, 'base64url');
  if (signatureBytes.length !== 64) return undefined;
  if (!verify(null, Buffer.from(`${head}.${body}`), publicKey, signatureBytes)) return undefined;
  const payload = parseObject(body);
  if (!payload) return undefined;
  const { exp, nbf, iat, iss, aud } = payload;
  const tolerance = check.clockTolerance;
  if (typeof exp !== 'number' || nowSeconds >= exp + tolerance) return undefined;
  if (nbf !== undefined && (typeof nbf !== 'number' || nowSeconds < nbf - tolerance)) return undefined;
  if (iat !== undefined && (typeof iat !== 'number' || iat > nowSeconds + tolerance)) return undefined;
  if (iss !== check.issuer) return undefined;
  if (Array.isArray(aud) ? !aud.includes(check.audience) : aud !== check.audience) return undefined;
  return payload;
}

function parseObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A passport strategy for EdDSA bearer tokens, standing in for passport-jwt (whose verification is
 * jsonwebtoken's) so sign-in runs through the same `runStrategy` whatever the algorithm. A closure,
 * not private fields: passport runs a strategy through an object that inherits from it.
 */
export function createEdDsaJwtStrategy(publicKey: KeyObject, check: EdDsaCheck, accept: (payload: Record<string, unknown>) => boolean): Strategy {
  const extract = ExtractJwt.fromAuthHeaderAsBearerToken();
  return {
    name: 'jwt',
    authenticate(this: Strategy & { success(user: unknown): void; fail(info?: unknown): void }, request: unknown) {
      const token = extract(request as Parameters<typeof extract>[0]);
      if (!token) return this.fail(new Error('No auth token'));
      const payload = verifyEdDsaJwt(token, publicKey, check);
      if (!payload || !accept(payload)) return this.fail();
      this.success(payload);
    },
  };
}
