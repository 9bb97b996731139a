import type { KeyObject } from 'node:crypto';
import type { Strategy } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { createEdDsaJwtStrategy } from './eddsa-jwt.ts';
import type { Actor } from '../../kernel/container.ts';
import type { Authenticator, Credentials } from '../../kernel/http/access.ts';
import type { AccessTokens } from './access-tokens.ts';
import { AuthErrors } from './auth.errors.ts';
import { runStrategy } from './passport-adapter.ts';
import { loadUserAccess } from './permissions.ts';
import type { Cradle } from '../../kernel/container.ts';

interface AccessPayload {
  sub: string;
  sid: string;
  role: string;
  typ: string;
}

const isAccessPayload = (payload: Partial<AccessPayload>) => payload.typ === 'access' && typeof payload.sid === 'string' && typeof payload.sub === 'string';

/**
 * passport-jwt with the algorithm, issuer and audience pinned; one strategy per store. EdDSA, which
 * jsonwebtoken cannot verify, gets the node:crypto strategy with the same pins (eddsa-jwt.ts).
 */
export function createJwtStrategy(accessTokens: AccessTokens): Strategy {
  const { algorithm, verifyKey, issuer, audience } = accessTokens.keys;
  if (algorithm === 'EdDSA') return createEdDsaJwtStrategy(verifyKey as KeyObject, { issuer, audience, clockTolerance: 5 }, isAccessPayload);
  return new JwtStrategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: verifyKey as string,
      algorithms: [algorithm],
      issuer,
      audience,
      jsonWebTokenOptions: { clockTolerance: 5 },
    },
    (payload: AccessPayload, done: (error: unknown, user?: AccessPayload | false) => void) =>
      done(null, isAccessPayload(payload) ? payload : false),
  );
}

const INVALID_TOKEN = { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } };
const API_KEY = /^Bearer\s+(ck_[A-Za-z0-9_-]{20,100})$/i;

/**
 * Bearer credentials → an actor. Access tokens (JWTs) become a user: the token's session is looked
 * up on every request, so a logout or revocation takes effect on the very next request, and the
 * user's role and its permissions are read from `cw_role` on every request too (one indexed join),
 * so a role change applies immediately. `ck_…` API keys become an `apiKey` actor.
 */
export class TokenAuthenticator implements Authenticator {
  // the cradle is kept rather than destructured so services are resolved only when a request needs them
  readonly #cradle: Cradle;

  constructor(cradle: Cradle) {
    this.#cradle = cradle;
  }

  async authenticate(credentials: Credentials): Promise<Actor> {
    if (!credentials.authorization) return { kind: 'anonymous' };
    const apiKey = API_KEY.exec(credentials.authorization.trim());
    if (apiKey) {
      const key = await this.#cradle.apiKeyService.authenticate(apiKey[1]!);
      if (!key) throw AuthErrors.AUTH_TOKEN_INVALID('The API key is unknown, revoked or expired', INVALID_TOKEN);
      return { kind: 'apiKey', keyId: key.id, permissions: key.permissions };
    }
    const outcome = await runStrategy<AccessPayload>(this.#cradle.jwtStrategy, { headers: { authorization: credentials.authorization } });
    if (!outcome.ok) throw AuthErrors.AUTH_TOKEN_INVALID(undefined, INVALID_TOKEN);
    const { sub, sid } = outcome.user;
    if (!(await this.#cradle.sessionService.isActive(sid, sub))) throw AuthErrors.AUTH_SESSION_REVOKED(undefined, INVALID_TOKEN);
    const access = await loadUserAccess(this.#cradle.em, sub);
    if (!access) throw AuthErrors.AUTH_TOKEN_INVALID(undefined, INVALID_TOKEN);
    return { kind: 'user', userId: sub, role: access.role, sessionId: sid, permissions: access.permissions };
  }
}
