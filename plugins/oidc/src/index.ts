import { AppError, defineRoute, definePlugin, reply, Type } from '@cartwright/core';
import { CreateOidcTables } from './migrations.ts';
import { OidcOptions, resolveProvider } from './options.ts';
import { ProviderClient } from './provider-client.ts';
import { accountServices, LOGIN_ATTEMPT_TTL_MS, SocialLoginFailure, SocialLoginService, type SocialLoginError } from './social-login.service.ts';

declare module '@cartwright/core' {
  interface Cradle {
    socialLoginService: SocialLoginService;
  }
}

export { OidcOptions, resolveProvider, type ProviderOptions, type ResolvedProvider } from './options.ts';
export { SocialLoginService, SocialLoginFailure, LOGIN_ATTEMPT_TTL_MS, type SocialLoginError } from './social-login.service.ts';
export type { ProviderProfile } from './provider-client.ts';

export const PLUGIN_NAME = '@cartwright/plugin-oidc';
/** The cookie that ties a browser to its pending sign-in. */
export const ATTEMPT_COOKIE = 'cw_oidc_attempt';
const COOKIE_PATH = '/auth/oauth';

const ProviderParams = Type.Object({ provider: Type.String({ minLength: 1, maxLength: 64 }) });
const Redirect = { 302: null } as const;

/**
 * Social sign-in with any OpenID Connect or OAuth 2 provider (Google and Facebook presets).
 *
 * `GET /auth/oauth/:provider` sends the browser to the provider (PKCE S256, state and nonce);
 * `GET /auth/oauth/:provider/callback` exchanges the code, signs the person in (creating or linking
 * the account) and sends the browser to `successRedirect` with the token pair in the URL fragment.
 *
 * @example
 * ```ts
 * oidc({
 *   providers: { google: { preset: 'google', clientId: '…', clientSecret: process.env.GOOGLE_SECRET ?? '' } },
 *   redirectBaseUrl: 'https://api.shop.example',
 *   successRedirect: 'https://shop.example/signed-in',
 *   errorRedirect: 'https://shop.example/sign-in',
 * })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: OidcOptions,
  register(api, options) {
    const base = options.redirectBaseUrl.replace(/\/+$/, '');
    const secureCookie = new URL(base).protocol === 'https:';
    const clients = new Map<string, ProviderClient>();
    for (const [key, provider] of Object.entries(options.providers)) {
      clients.set(key, new ProviderClient(resolveProvider(key, provider), `${base}/auth/oauth/${key}/callback`));
    }

    api.migrations({ name: `${PLUGIN_NAME}/0001-identities`, class: CreateOidcTables });
    api.service('socialLoginService', (cradle) => new SocialLoginService(cradle));

    const failed = (code: SocialLoginError, provider: string, error: unknown) => {
      const level = code === 'provider_unavailable' || code === 'provider_error' ? 'warn' : 'info';
      api.logger[level]({ provider, error: code, reason: error instanceof Error ? error.message : String(error) }, 'social sign-in failed');
      const target = new URL(options.errorRedirect);
      target.searchParams.set('error', code);
      return reply(302, undefined, redirectHeaders(target));
    };

    api.routes('/auth/oauth', [
      defineRoute({
        method: 'GET',
        path: '/:provider',
        summary: 'Start signing in with a social or OpenID Connect provider',
        description: 'Redirects (302) to the provider. On return, the callback redirects to the storefront.',
        tags: ['auth'],
        schema: { params: ProviderParams, query: Type.Object({}, { additionalProperties: true }), response: Redirect },
        handler: async ({ params, cradle, ctx }) => {
          const client = clients.get(params.provider);
          if (!client) return failed('unknown_provider', params.provider, 'not configured');
          let begun;
          try {
            begun = await client.begin();
          } catch (error) {
            return failed('provider_unavailable', params.provider, error);
          }
          const cookieValue = await cradle.socialLoginService.saveAttempt(params.provider, begun.pending);
          if (secureCookie) ctx.cookies.secure = true; // the public URL is https even when TLS ends at a proxy
          ctx.cookies.set(ATTEMPT_COOKIE, cookieValue, {
            httpOnly: true,
            secure: secureCookie,
            sameSite: 'lax', // sent on the provider's top-level redirect back, not on cross-site subrequests
            path: COOKIE_PATH,
            maxAge: LOGIN_ATTEMPT_TTL_MS,
            signed: false,
            overwrite: true,
          });
          return reply(302, undefined, redirectHeaders(begun.url));
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/:provider/callback',
        summary: 'Finish signing in with a provider (the provider redirects here)',
        description:
          'Redirects (302) to `successRedirect` with `#accessToken=…&refreshToken=…&tokenType=Bearer&expiresIn=…` in the fragment, ' +
          'or to `errorRedirect` with `?error=<code>`.',
        tags: ['auth'],
        schema: {
          params: ProviderParams,
          // the provider's parameters (code, state, iss, error, session_state, …) are read by openid-client
          query: Type.Object({}, { additionalProperties: true }),
          response: Redirect,
        },
        handler: async ({ params, cradle, ctx }) => {
          const client = clients.get(params.provider);
          if (!client) return failed('unknown_provider', params.provider, 'not configured');
          const cookieValue = ctx.cookies.get(ATTEMPT_COOKIE, { signed: false });
          ctx.cookies.set(ATTEMPT_COOKIE, null, { path: COOKIE_PATH, signed: false, overwrite: true });
          try {
            const pending = await cradle.socialLoginService.consumeAttempt(params.provider, cookieValue);
            const providerError = ctx.query.error;
            if (providerError !== undefined) {
              if (ctx.query.state !== pending.state) throw new SocialLoginFailure('invalid_state', 'an error response with a state that is not the attempt\'s');
              throw new SocialLoginFailure(providerError === 'access_denied' ? 'access_denied' : 'provider_error', `the provider answered ${String(providerError)}`);
            }
            const callbackUrl = new URL(`${client.redirectUri}${ctx.querystring ? `?${ctx.querystring}` : ''}`);
            let profile;
            try {
              profile = await client.finish(callbackUrl, pending);
            } catch (error) {
              // a state that does not match the attempt's is a forged or crossed callback, not a provider fault
              const reason = describe(error);
              throw new SocialLoginFailure(/"state"/.test(reason) ? 'invalid_state' : 'provider_error', reason);
            }
            const user = await cradle.socialLoginService.resolveAccount(params.provider, profile);
            const tokens = await accountServices(cradle).sessionService.start({ id: user.id, role: user.role }, { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined });
            const target = new URL(options.successRedirect);
            // the fragment never reaches a server: no access logs, no Referer, no proxy caches
            target.hash = new URLSearchParams({
              accessToken: tokens.accessToken,
              refreshToken: tokens.refreshToken,
              tokenType: tokens.tokenType,
              expiresIn: String(tokens.expiresIn),
            }).toString();
            return reply(302, undefined, redirectHeaders(target));
          } catch (error) {
            if (error instanceof SocialLoginFailure) return failed(error.code, params.provider, error);
            if (error instanceof AppError && error.code === 'USER_EMAIL_INVALID') return failed('email_invalid', params.provider, error);
            // the shopper is mid-navigation: a JSON problem page would strand them, so they go to the error page too
            api.logger.error({ err: error, provider: params.provider }, 'social sign-in failed unexpectedly');
            return failed('server_error', params.provider, error);
          }
        },
      }),
    ]);
  },
});

function redirectHeaders(location: URL): Record<string, string> {
  return { location: location.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
}

/** An openid-client error with the messages of its causes (the specific check is in the cause). */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) parts.push(e.message);
  return parts.join(': ') || String(error);
}
