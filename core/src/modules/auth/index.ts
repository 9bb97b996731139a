import type { Strategy } from 'passport';
import type { Cradle } from '../../kernel/container.ts';
import { definePlugin } from '../../kernel/plugin.ts';
import { AccessTokens } from './access-tokens.ts';
import { EmailToken, RefreshToken, Session } from './auth.entities.ts';
import { authRoutes, meRoutes } from './auth.routes.ts';
import { AuthService } from './auth.service.ts';
import { createJwtStrategy, TokenAuthenticator } from './authenticator.ts';
import { SessionService } from './session.service.ts';
import { AuthRateLimits } from './rate-limits.ts';
import { ProfileAvatars } from './profile-avatar.ts';
import '../notifications/notification.events.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    accessTokens: AccessTokens;
    /** Bearer access tokens → their claims (passport-jwt, or the EdDSA strategy). */
    jwtStrategy: Strategy;
    sessionService: SessionService;
    authService: AuthService;
    authRateLimits: AuthRateLimits;
    profileAvatars: ProfileAvatars;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    'user.registered': { userId: string; email: string; role: string; status: string };
    'user.email_verified': { userId: string; email: string };
    'user.password_changed': { userId: string };
  }
}

declare module '../../kernel/events/hooks.ts' {
  interface HookMap {
    /**
     * A user signed in with a password (`POST /auth/login`); runs before the tokens are returned, so
     * what a filter does (merging the guest cart named by `X-Cart-Token`) is done when the client
     * gets them. `header` reads the sign-in request's headers (lower-case names).
     */
    'auth.signedIn': { value: { userId: string }; context: { cradle: Cradle; header(name: string): string | undefined } };
  }
}

/** Sign-in, sessions and tokens, email verification, password changes; sets each request's actor. */
export const authModule = definePlugin({
  name: '@cartwright/core/auth',
  version: '0.1.0',
  register(api) {
    api.entities(Session, RefreshToken, EmailToken);
    const accessTokens = new AccessTokens(api.config.auth);
    api.onStart(() => accessTokens.checkForServing(api.logger));
    api.value('accessTokens', accessTokens);
    api.value('jwtStrategy', createJwtStrategy(accessTokens));
    api.service('authRateLimits', (cradle) => new AuthRateLimits(cradle), { lifetime: 'singleton' });
    api.onStop((cradle) => cradle.authRateLimits.close());
    api.service('sessionService', (cradle) => new SessionService(cradle));
    api.service('authService', (cradle) => new AuthService(cradle));
    api.service('authenticator', (cradle) => new TokenAuthenticator(cradle));
    api.routes('/auth', authRoutes);
    api.service('profileAvatars', (cradle) => new ProfileAvatars(cradle));
    api.routes('/store/me', meRoutes(api.config.media));
  },
});

export { requireVerifiedEmail, type VerifiedEmailAction } from './verified-email.ts';
