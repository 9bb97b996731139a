import * as client from 'openid-client';
import { isLoopback, type ResolvedProvider } from './options.ts';

/** What the plugin needs to know about the person who signed in at the provider. */
export interface ProviderProfile {
  subject: string;
  email: string | undefined;
  /** Only `true` when the provider asserted it (`email_verified: true`); anything else is unverified. */
  emailVerified: boolean;
  name: string | undefined;
}

/** The secrets of one pending sign-in, kept server-side until its callback. */
export interface PendingLogin {
  state: string;
  nonce: string | null;
  codeVerifier: string;
}

/**
 * One provider: its openid-client configuration (discovered once, on first use, and retried after a
 * failure), the authorization URL with PKCE, state and nonce, and the code exchange.
 */
export class ProviderClient {
  readonly provider: ResolvedProvider;
  readonly redirectUri: string;
  #configuration: Promise<client.Configuration> | undefined;

  constructor(provider: ResolvedProvider, redirectUri: string) {
    this.provider = provider;
    this.redirectUri = redirectUri;
  }

  #config(): Promise<client.Configuration> {
    this.#configuration ??= this.#createConfig().catch((error: unknown) => {
      this.#configuration = undefined; // a provider that was down is asked again next time
      throw error;
    });
    return this.#configuration;
  }

  async #createConfig(): Promise<client.Configuration> {
    const p = this.provider;
    if (p.kind === 'oidc') {
      const insecure = p.issuer.protocol === 'http:' && isLoopback(p.issuer);
      return client.discovery(p.issuer, p.clientId, p.clientSecret, undefined, {
        timeout: 10,
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      });
    }
    const config = new client.Configuration(
      {
        issuer: p.authorizationUrl.origin,
        authorization_endpoint: p.authorizationUrl.href,
        token_endpoint: p.tokenUrl.href,
        userinfo_endpoint: p.userinfoUrl.href,
      },
      p.clientId,
      p.clientSecret,
    );
    config.timeout = 10;
    if ([p.authorizationUrl, p.tokenUrl, p.userinfoUrl].some((u) => u.protocol === 'http:')) client.allowInsecureRequests(config);
    return config;
  }

  /** Where to send the browser, and the secrets its callback must match. */
  async begin(): Promise<{ url: URL; pending: PendingLogin }> {
    const config = await this.#config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = this.provider.kind === 'oidc' ? client.randomNonce() : null;
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: this.provider.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      ...(nonce ? { nonce } : {}),
    });
    return { url, pending: { state, nonce, codeVerifier } };
  }

  /**
   * Exchanges the code of the callback URL. openid-client checks the state, sends the PKCE verifier
   * and, for OpenID Connect, validates the ID token (signature, issuer, audience, expiry, nonce).
   */
  async finish(callbackUrl: URL, pending: PendingLogin): Promise<ProviderProfile> {
    const config = await this.#config();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: pending.state,
      pkceCodeVerifier: pending.codeVerifier,
      ...(pending.nonce ? { expectedNonce: pending.nonce, idTokenExpected: true } : {}),
    });
    if (this.provider.kind === 'oidc') {
      const claims = tokens.claims();
      if (!claims) throw new Error('the provider returned no ID token');
      let profile: Record<string, unknown> = { ...claims };
      // some providers put email and name only in the userinfo response, not in the ID token
      if (typeof claims.email !== 'string' && config.serverMetadata().userinfo_endpoint) {
        profile = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...profile, sub: claims.sub };
      }
      return toProfile(profile, claims.sub);
    }
    const response = await client.fetchProtectedResource(config, tokens.access_token, this.provider.userinfoUrl, 'GET');
    if (!response.ok) throw new Error(`the provider's profile endpoint answered ${response.status}`);
    const body = (await response.json()) as Record<string, unknown>;
    const subject = typeof body.sub === 'string' ? body.sub : typeof body.id === 'string' || typeof body.id === 'number' ? String(body.id) : undefined;
    if (!subject) throw new Error('the provider\'s profile has no subject (sub or id)');
    return toProfile(body, subject);
  }
}

function toProfile(claims: Record<string, unknown>, subject: string): ProviderProfile {
  return {
    subject,
    email: typeof claims.email === 'string' && claims.email.length > 0 ? claims.email : undefined,
    emailVerified: claims.email_verified === true,
    name: typeof claims.name === 'string' ? claims.name : undefined,
  };
}
