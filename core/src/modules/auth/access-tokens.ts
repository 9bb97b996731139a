import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signEdDsaJwt } from './eddsa-jwt.ts';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import type { Logger } from '../../kernel/logger.ts';

const KEY_TYPES = {
  RS256: { type: 'rsa', label: 'RSA' },
  ES256: { type: 'ec', label: 'P-256 EC' },
  EdDSA: { type: 'ed25519', label: 'Ed25519' },
} as const;

export interface AccessTokenClaims {
  sub: string;
  /** The session (refresh-token family); revoking it invalidates the access token at once. */
  sid: string;
  role: string;
}

export interface VerificationKeys {
  algorithm: 'HS256' | 'RS256' | 'ES256' | 'EdDSA';
  verifyKey: string | KeyObject;
  issuer: string;
  audience: string;
}

/**
 * Signs short-lived access tokens with one pinned algorithm. Verification (passport-jwt) accepts only
 * that algorithm, so `alg: none` and HS256-signed-with-the-public-key confusion are refused.
 */
export class AccessTokens {
  readonly keys: VerificationKeys;
  readonly ttlSeconds: number;
  /** No key was configured: a random one lives as long as this process (development only). */
  readonly ephemeral: boolean;
  readonly #signKey: string | KeyObject;

  constructor(config: RuntimeConfig['auth']) {
    const { algorithm, issuer, audience } = config.jwt;
    this.ttlSeconds = config.accessTokenTtl;
    this.ephemeral = algorithm === 'HS256' && !config.jwt.secret;
    if (algorithm === 'HS256') {
      const secret = config.jwt.secret ?? randomBytes(48).toString('base64url');
      this.#signKey = secret;
      this.keys = { algorithm, verifyKey: secret, issuer, audience };
    } else {
      if (!config.jwt.privateKey || !config.jwt.publicKey) {
        throw new Error(`auth.jwt.algorithm ${algorithm} needs auth.jwt.privateKey and auth.jwt.publicKey (JWT_PRIVATE_KEY, JWT_PUBLIC_KEY) as PEM`);
      }
      const privateKey = createPrivateKey(config.jwt.privateKey);
      const publicKey = createPublicKey(config.jwt.publicKey);
      const expected = KEY_TYPES[algorithm];
      const curveOk = algorithm !== 'ES256' || publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1';
      if (privateKey.asymmetricKeyType !== expected.type || publicKey.asymmetricKeyType !== expected.type || !curveOk) {
        const got = [...new Set([privateKey.asymmetricKeyType, publicKey.asymmetricKeyType])].join(' and ');
        throw new Error(`auth.jwt.algorithm ${algorithm} needs ${expected.label} keys (JWT_PRIVATE_KEY, JWT_PUBLIC_KEY); got ${got}`);
      }
      if (!publicKey.equals(createPublicKey(privateKey))) {
        throw new Error(`auth.jwt.publicKey is not the public half of auth.jwt.privateKey: tokens signed with one would fail against the other`);
      }
      this.#signKey = privateKey;
      this.keys = { algorithm, verifyKey: publicKey, issuer, audience };
    }
  }

  /** Refuses to serve in production without a configured key; warns in development. */
  checkForServing(logger: Logger, env: NodeJS.ProcessEnv = process.env): void {
    if (!this.ephemeral) return;
    if (env.NODE_ENV === 'production') {
      throw new Error('auth.jwt.secret is required in production: set JWT_SECRET to a random value of at least 32 characters');
    }
    logger.warn('no JWT_SECRET set: using a random key for this process, so sign-ins end when it restarts (development only)');
  }

  sign(claims: AccessTokenClaims): string {
    if (this.keys.algorithm === 'EdDSA') {
      return signEdDsaJwt({ sid: claims.sid, role: claims.role, typ: 'access', sub: claims.sub }, this.#signKey as KeyObject, {
        issuer: this.keys.issuer,
        audience: this.keys.audience,
        ttlSeconds: this.ttlSeconds,
      });
    }
    return jwt.sign({ sid: claims.sid, role: claims.role, typ: 'access' }, this.#signKey, {
      algorithm: this.keys.algorithm as jwt.Algorithm,
      subject: claims.sub,
      issuer: this.keys.issuer,
      audience: this.keys.audience,
      expiresIn: this.ttlSeconds,
    });
  }
}
