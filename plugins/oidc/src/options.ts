import { Type, type Static } from '@cartwright/core';

const Url = Type.String({ format: 'uri', minLength: 1 });

export const ProviderOptions = Type.Object(
  {
    /** Fills in the provider's endpoints (and default scopes). */
    preset: Type.Optional(Type.Union([Type.Literal('google'), Type.Literal('facebook')])),
    /** OpenID Connect issuer; its discovery document (`/.well-known/openid-configuration`) is read on first use. */
    issuer: Type.Optional(Url),
    clientId: Type.String({ minLength: 1 }),
    clientSecret: Type.String({ minLength: 1 }),
    scopes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** Plain OAuth 2 (no issuer): the authorization endpoint. */
    authorizationUrl: Type.Optional(Url),
    /** Plain OAuth 2 (no issuer): the token endpoint. */
    tokenUrl: Type.Optional(Url),
    /** Plain OAuth 2 (no issuer): the profile endpoint, answering JSON with `sub` or `id`, `email`, `name`. */
    userinfoUrl: Type.Optional(Url),
  },
  { additionalProperties: false },
);

export const OidcOptions = Type.Object(
  {
    /** Sign-in providers by key; the key is the `:provider` of `/auth/oauth/:provider`. */
    providers: Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }), ProviderOptions, { additionalProperties: false }),
    /** The public URL of this API; callbacks are `<redirectBaseUrl>/auth/oauth/<provider>/callback`. */
    redirectBaseUrl: Url,
    /** The storefront page that receives the tokens, in the URL fragment. */
    successRedirect: Url,
    /** The storefront page that receives `?error=<code>` when a sign-in fails. */
    errorRedirect: Url,
  },
  { additionalProperties: false },
);

export type OidcOptions = Static<typeof OidcOptions>;
export type ProviderOptions = Static<typeof ProviderOptions>;

/** A provider's configuration with its preset applied and its shape checked. */
export type ResolvedProvider =
  | { key: string; kind: 'oidc'; issuer: URL; clientId: string; clientSecret: string; scopes: string[] }
  | {
      key: string;
      kind: 'oauth2';
      authorizationUrl: URL;
      tokenUrl: URL;
      userinfoUrl: URL;
      clientId: string;
      clientSecret: string;
      scopes: string[];
    };

const FACEBOOK_GRAPH = 'https://graph.facebook.com/v23.0';

const PRESETS = {
  google: { issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] },
  facebook: {
    authorizationUrl: 'https://www.facebook.com/v23.0/dialog/oauth',
    tokenUrl: `${FACEBOOK_GRAPH}/oauth/access_token`,
    userinfoUrl: `${FACEBOOK_GRAPH}/me?fields=id,name,email`,
    scopes: ['email', 'public_profile'],
  },
} as const;

/** Plain http is accepted only for a provider on this machine (a development or test identity provider). */
export function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function checkedUrl(key: string, field: string, value: string): URL {
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new Error(`providers.${key}.${field} must be an https URL (plain http is allowed only on localhost), got ${value}`);
  }
  return url;
}

/** Applies presets and checks what the schema cannot: one of issuer or the three OAuth 2 URLs, https. */
export function resolveProvider(key: string, options: ProviderOptions): ResolvedProvider {
  const preset = options.preset ? PRESETS[options.preset] : undefined;
  const merged: ProviderOptions = { ...preset, ...options } as ProviderOptions;
  const scopes = [...(options.scopes ?? preset?.scopes ?? ['openid', 'email', 'profile'])];
  const plain = [merged.authorizationUrl, merged.tokenUrl, merged.userinfoUrl];
  if (merged.issuer && options.preset !== 'facebook') {
    if (options.authorizationUrl || options.tokenUrl || options.userinfoUrl) {
      throw new Error(`providers.${key}: give either issuer (OpenID Connect discovery) or authorizationUrl/tokenUrl/userinfoUrl (plain OAuth 2), not both`);
    }
    if (!scopes.includes('openid')) scopes.unshift('openid');
    return { key, kind: 'oidc', issuer: checkedUrl(key, 'issuer', merged.issuer), clientId: options.clientId, clientSecret: options.clientSecret, scopes };
  }
  if (plain.some((u) => !u)) {
    throw new Error(`providers.${key} needs an issuer (OpenID Connect), or authorizationUrl, tokenUrl and userinfoUrl (plain OAuth 2), or a preset`);
  }
  return {
    key,
    kind: 'oauth2',
    authorizationUrl: checkedUrl(key, 'authorizationUrl', merged.authorizationUrl!),
    tokenUrl: checkedUrl(key, 'tokenUrl', merged.tokenUrl!),
    userinfoUrl: checkedUrl(key, 'userinfoUrl', merged.userinfoUrl!),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes,
  };
}
