import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Provider from 'oidc-provider';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import oidc, { ATTEMPT_COOKIE, resolveProvider } from '@cartwright/plugin-oidc';

const SHOP = 'http://shop.test';
const SUCCESS = `${SHOP}/signed-in`;
const FAILURE = `${SHOP}/sign-in`;
const CLIENT_ID = 'cartwright-shop';
const CLIENT_SECRET = 'a-client-secret-only-the-store-and-the-provider-know';
const STRONG_PASSWORD = 'correct horse battery staple';

interface TestAccount {
  email: string;
  email_verified: boolean;
  name: string;
}

/** A real OpenID Connect provider (oidc-provider) on a random loopback port, with accounts the test controls. */
async function startIdentityProvider(redirectUris: string[]) {
  const accounts = new Map<string, TestAccount>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  // the provider announces its development-only parts (in-memory adapter, devInteractions) on console.warn
  const warn = console.warn;
  console.warn = (...args: unknown[]) => (String(args[0]).startsWith('oidc-provider') ? undefined : warn(...args));
  let provider: Provider;
  try {
    provider = createProvider(issuer, redirectUris, signingKey, accounts);
  } finally {
    console.warn = warn;
  }
  server.on('request', provider.callback());
  return {
    issuer,
    accounts,
    provider,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function createProvider(issuer: string, redirectUris: string[], signingKey: object, accounts: Map<string, TestAccount>): Provider {
  return new Provider(issuer, {
    jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] as never },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    // PKCE is required of every client: a token request without the right verifier is refused
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Facebook's scope names, for the plain OAuth 2 provider (no `openid`: no ID token, the profile comes from a Graph-like endpoint)
    scopes: ['openid', 'offline_access', 'email', 'public_profile'],
    cookies: { keys: ['a-cookie-signing-key-for-the-test-provider'] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
  });
}

async function freePort(): Promise<number> {
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A Facebook Graph-like profile endpoint (`/me?fields=id,name,email`): it accepts only access tokens the
 * authorization server really issued (looked up in its store) and answers Facebook's shape: `id`, no
 * `sub`, no `email_verified`.
 */
async function startGraphApi(op: Awaited<ReturnType<typeof startIdentityProvider>>) {
  const requests: Array<{ path: string; authorization: string | undefined }> = [];
  const server = createServer(async (req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = token ? await op.provider.AccessToken.find(token) : undefined;
    const account = issued?.accountId ? op.accounts.get(issued.accountId) : undefined;
    if (!issued || !account || !new URL(req.url ?? '/', 'http://x').pathname.endsWith('/me')) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: issued.accountId, name: account.name, email: account.email }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A browser: a cookie jar per host, redirects followed by hand so each hop can be inspected. */
class Browser {
  readonly cookies = new Map<string, Map<string, string>>();
  readonly setCookieHeaders: string[] = [];

  async request(url: URL, init: { method?: string; form?: Record<string, string>; cookieHeader?: string } = {}): Promise<Response> {
    const jar = this.cookies.get(url.host) ?? new Map<string, string>();
    const headers: Record<string, string> = {};
    const cookie = init.cookieHeader ?? [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method: init.method ?? 'GET', headers, redirect: 'manual', ...(body ? { body } : {}) });
    for (const line of res.headers.getSetCookie()) {
      this.setCookieHeaders.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(url.host, jar);
    return res;
  }

  cookieHeaderFor(host: string): string {
    return [...(this.cookies.get(host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

interface FlowOptions {
  /** Stop at the provider's redirect to the store's callback and return that URL, unvisited. */
  stopAtCallback?: boolean;
}

describe('@cartwright/plugin-oidc: social sign-in against a real OpenID provider', function () {
  this.timeout(30_000);
  let store: TestStore;
  let op: Awaited<ReturnType<typeof startIdentityProvider>>;
  let storeUrl: string;
  let graph: Awaited<ReturnType<typeof startGraphApi>>;

  before(async function () {
    // creating the store's database is the slow part on a busy machine
    this.timeout(120_000);
    const port = await freePort();
    storeUrl = `http://127.0.0.1:${port}`;
    op = await startIdentityProvider([`${storeUrl}/auth/oauth/testop/callback`, `${storeUrl}/auth/oauth/graph/callback`]);
    graph = await startGraphApi(op);
    store = await createTestStore({
      http: { port },
      auth: { jwt: { secret: 'a-test-secret-that-is-long-enough-for-hs256' } },
      plugins: [
        oidc({
          providers: {
            testop: { issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ['openid', 'email', 'profile'] },
            // plain OAuth 2 the way the Facebook preset does it, pointed at local servers
            graph: {
              authorizationUrl: `${op.issuer}/auth`,
              tokenUrl: `${op.issuer}/token`,
              userinfoUrl: `${graph.url}/v23.0/me?fields=id,name,email`,
              clientId: CLIENT_ID,
              clientSecret: CLIENT_SECRET,
              scopes: ['email', 'public_profile'],
            },
          },
          redirectBaseUrl: storeUrl,
          successRedirect: SUCCESS,
          errorRedirect: FAILURE,
        }),
      ],
    });
  });
  after(async () => {
    await store?.stop();
    await graph?.stop();
    await op?.stop();
  });

  /** Starts a sign-in at the store and walks the provider's login and consent forms as `accountId`. */
  async function signIn(browser: Browser, accountId: string, options: FlowOptions = {}, providerKey = 'testop'): Promise<{ final: URL; hops: URL[] }> {
    let url = new URL(`${storeUrl}/auth/oauth/${providerKey}`);
    const hops: URL[] = [];
    for (let step = 0; step < 25; step++) {
      hops.push(url);
      const res = await browser.request(url);
      if (res.status >= 300 && res.status < 400) {
        const next = new URL(res.headers.get('location')!, url);
        await res.arrayBuffer();
        if (next.origin === SHOP) return { final: next, hops };
        if (options.stopAtCallback && next.href.startsWith(`${storeUrl}/auth/oauth/${providerKey}/callback`)) return { final: next, hops };
        url = next;
        continue;
      }
      const html = await res.text();
      const form = /<form[^>]*action="([^"]+)"[^>]*method="post">\s*<input type="hidden" name="prompt" value="(\w+)"/.exec(html);
      if (res.status !== 200 || !form) throw new Error(`unexpected page ${url} (${res.status}): ${html.slice(0, 500)}`);
      const fields: Record<string, string> = { prompt: form[2]! };
      if (form[2] === 'login') Object.assign(fields, { login: accountId, password: 'anything' });
      const submitted = await browser.request(new URL(form[1]!.replace(/&amp;/g, '&'), url), { method: 'POST', form: fields });
      expect(submitted.status, await submitted.clone().text()).to.be.within(300, 399);
      await submitted.arrayBuffer();
      url = new URL(submitted.headers.get('location')!, url);
    }
    throw new Error('too many redirects');
  }

  function tokensOf(final: URL) {
    expect(final.origin + final.pathname).to.equal(SUCCESS);
    expect(final.search, 'no tokens in the query string').to.equal('');
    const fragment = new URLSearchParams(final.hash.slice(1));
    return { accessToken: fragment.get('accessToken')!, refreshToken: fragment.get('refreshToken')!, tokenType: fragment.get('tokenType') };
  }

  function errorOf(final: URL): string | null {
    expect(final.origin + final.pathname).to.equal(FAILURE);
    expect(final.hash).to.equal('');
    return final.searchParams.get('error');
  }

  const me = (accessToken: string) => store.client.get('/store/me', { headers: { authorization: `Bearer ${accessToken}` } });

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return store.commerce.withScope((scope) => scope.cradle.em.execute<T[]>(sql, params));
  }
  const usersWithEmail = async (email: string) => Number((await query<{ n: number | string }>('select count(*) as n from cw_user where lower(email) = ?', [email]))[0]!.n);
  const identitiesOf = async (subject: string, provider = 'testop') =>
    query<{ user_id: string }>('select user_id from oidc_identity where provider = ? and subject = ?', [provider, subject]);

  async function registerVerified(email: string, verify: boolean) {
    const registered = await store.client.post('/auth/register', { email, password: STRONG_PASSWORD, name: 'Existing Shopper' });
    expect(registered.status, registered.text).to.equal(201);
    if (verify) {
      const rows = await query<{ payload: string | { data: { token: string } } }>(
        `select payload from cw_outbox_event where name = 'notification.requested' and payload->'recipient'->>'email' = ? order by occurred_at desc`,
        [email],
      );
      const payload = typeof rows[0]!.payload === 'string' ? JSON.parse(rows[0]!.payload) : rows[0]!.payload;
      expect((await store.client.post('/auth/verify-email', { token: payload.data.token })).status).to.equal(200);
    }
    return registered.body.user as { id: string; emailVerified: boolean };
  }

  it('signs a new customer in: PKCE, state and nonce on the way out, tokens in the fragment, a working access token', async () => {
    op.accounts.set('alice-sub', { email: 'Alice@Example.com', email_verified: true, name: 'Alice Liddell' });
    const browser = new Browser();
    const { final, hops } = await signIn(browser, 'alice-sub');

    const authorization = hops.find((h) => h.origin === op.issuer && h.pathname === '/auth')!;
    expect(authorization.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(authorization.searchParams.get('code_challenge')).to.match(/^[\w-]{43}$/);
    expect(authorization.searchParams.get('state')).to.have.length.greaterThan(20);
    expect(authorization.searchParams.get('nonce')).to.have.length.greaterThan(20);
    expect(authorization.searchParams.get('redirect_uri')).to.equal(`${storeUrl}/auth/oauth/testop/callback`);

    const attemptCookie = browser.setCookieHeaders.find((c) => c.startsWith(`${ATTEMPT_COOKIE}=`))!;
    expect(attemptCookie).to.match(/httponly/i).and.to.match(/samesite=lax/i).and.to.match(/path=\/auth\/oauth/i);
    expect(attemptCookie, 'not Secure on a plain-http API').not.to.match(/;\s*secure/i);

    const tokens = tokensOf(final);
    expect(tokens.tokenType).to.equal('Bearer');
    const profile = await me(tokens.accessToken);
    expect(profile.status).to.equal(200);
    expect(profile.body).to.include({ email: 'alice@example.com', name: 'Alice Liddell', role: 'customer', emailVerified: true });
    expect((await store.client.post('/auth/refresh', { refreshToken: tokens.refreshToken })).status).to.equal(200);
    expect(await identitiesOf('alice-sub')).to.deep.equal([{ user_id: profile.body.id }]);
    expect((await query('select * from oidc_login_attempt')).length, 'the attempt was used up').to.equal(0);
  });

  it('signs the same person into the same account the next time', async () => {
    op.accounts.set('bella-sub', { email: 'bella@example.com', email_verified: true, name: 'Bella' });
    const first = tokensOf((await signIn(new Browser(), 'bella-sub')).final);
    const second = tokensOf((await signIn(new Browser(), 'bella-sub')).final);
    expect(second.accessToken).not.to.equal(first.accessToken);
    expect((await me(second.accessToken)).body.id).to.equal((await me(first.accessToken)).body.id);
    expect(await usersWithEmail('bella@example.com')).to.equal(1);
  });

  it('refuses a callback whose state is missing or altered, or that arrives without the attempt cookie, creating nothing', async () => {
    op.accounts.set('mallory-sub', { email: 'mallory@example.com', email_verified: true, name: 'Mallory' });
    const tamperings: Array<(callback: URL) => URL> = [
      (c) => {
        c.searchParams.delete('state');
        return c;
      },
      (c) => {
        c.searchParams.set('state', `${c.searchParams.get('state')}x`);
        return c;
      },
    ];
    for (const tamper of tamperings) {
      const browser = new Browser();
      const { final: callback } = await signIn(browser, 'mallory-sub', { stopAtCallback: true });
      const res = await browser.request(tamper(new URL(callback)));
      expect(res.status).to.equal(302);
      expect(errorOf(new URL(res.headers.get('location')!))).to.equal('invalid_state');
    }
    // a genuine callback delivered to another browser (login CSRF): that browser has no attempt cookie
    const { final: callback } = await signIn(new Browser(), 'mallory-sub', { stopAtCallback: true });
    const res = await new Browser().request(callback);
    expect(errorOf(new URL(res.headers.get('location')!))).to.equal('invalid_state');
    expect(await usersWithEmail('mallory@example.com')).to.equal(0);
    expect(await identitiesOf('mallory-sub')).to.deep.equal([]);
  });

  it('honours a callback once: replaying it, even with the original cookie, fails', async () => {
    op.accounts.set('carol-sub', { email: 'carol@example.com', email_verified: true, name: 'Carol' });
    const browser = new Browser();
    const { final: callback } = await signIn(browser, 'carol-sub', { stopAtCallback: true });
    const cookieHeader = browser.cookieHeaderFor(new URL(storeUrl).host);
    expect(cookieHeader).to.include(`${ATTEMPT_COOKIE}=`);
    const first = await browser.request(callback, { cookieHeader });
    tokensOf(new URL(first.headers.get('location')!));
    const replay = await browser.request(callback, { cookieHeader });
    expect(replay.status).to.equal(302);
    expect(errorOf(new URL(replay.headers.get('location')!))).to.equal('invalid_state');
    expect(await usersWithEmail('carol@example.com')).to.equal(1);
  });

  it('refuses the sign-in when the ID token nonce or the PKCE verifier is not the attempt\'s', async () => {
    op.accounts.set('ivan-sub', { email: 'ivan@example.com', email_verified: true, name: 'Ivan' });
    for (const column of ['nonce', 'code_verifier']) {
      const browser = new Browser();
      const { final: callback } = await signIn(browser, 'ivan-sub', { stopAtCallback: true });
      // as if the ID token (or the code) had been minted for another attempt
      await query(`update oidc_login_attempt set ${column} = ?`, ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']);
      const res = await browser.request(callback);
      expect(errorOf(new URL(res.headers.get('location')!)), column).to.equal('provider_error');
    }
    expect(await usersWithEmail('ivan@example.com')).to.equal(0);
  });

  it('refuses an attempt older than 10 minutes', async () => {
    op.accounts.set('dora-sub', { email: 'dora@example.com', email_verified: true, name: 'Dora' });
    const browser = new Browser();
    const { final: callback } = await signIn(browser, 'dora-sub', { stopAtCallback: true });
    await query(`update oidc_login_attempt set created_at = created_at - interval '11 minutes'`);
    const res = await browser.request(callback);
    expect(errorOf(new URL(res.headers.get('location')!))).to.equal('login_expired');
    expect(await usersWithEmail('dora@example.com')).to.equal(0);
  });

  it('links to an existing account only when the provider verified the email, leaving it untouched otherwise', async () => {
    const existing = await registerVerified('erin@example.com', true);
    const before = (await query<Record<string, unknown>>('select * from cw_user where id = ?', [existing.id]))[0];

    op.accounts.set('erin-sub', { email: 'erin@example.com', email_verified: false, name: 'Someone Else' });
    expect(errorOf((await signIn(new Browser(), 'erin-sub')).final)).to.equal('email_not_verified');
    expect(await identitiesOf('erin-sub')).to.deep.equal([]);
    expect(await usersWithEmail('erin@example.com')).to.equal(1);
    expect((await query<Record<string, unknown>>('select * from cw_user where id = ?', [existing.id]))[0]).to.deep.equal(before);

    op.accounts.set('erin-sub', { email: 'erin@example.com', email_verified: true, name: 'Erin' });
    const tokens = tokensOf((await signIn(new Browser(), 'erin-sub')).final);
    expect((await me(tokens.accessToken)).body.id).to.equal(existing.id);
    expect(await identitiesOf('erin-sub')).to.deep.equal([{ user_id: existing.id }]);
    expect((await store.client.post('/auth/login', { email: 'erin@example.com', password: STRONG_PASSWORD })).status, 'the password still works').to.equal(200);
  });

  it('does not link to an account whose own address was never verified (pre-registered by someone else)', async () => {
    const squatted = await registerVerified('frank@example.com', false);
    op.accounts.set('frank-sub', { email: 'frank@example.com', email_verified: true, name: 'Frank' });
    expect(errorOf((await signIn(new Browser(), 'frank-sub')).final)).to.equal('account_not_verified');
    expect(await identitiesOf('frank-sub')).to.deep.equal([]);
    expect((await query<{ email_verified_at: unknown }>('select email_verified_at from cw_user where id = ?', [squatted.id]))[0]!.email_verified_at).to.equal(null);
  });

  it('creates an unverified customer when the provider did not verify a new address', async () => {
    op.accounts.set('gina-sub', { email: 'gina@example.com', email_verified: false, name: 'Gina' });
    const tokens = tokensOf((await signIn(new Browser(), 'gina-sub')).final);
    expect((await me(tokens.accessToken)).body).to.include({ email: 'gina@example.com', emailVerified: false });
  });

  it('sends the shopper to the error page when they cancel at the provider or the provider is unknown', async () => {
    op.accounts.set('hank-sub', { email: 'hank@example.com', email_verified: true, name: 'Hank' });
    const browser = new Browser();
    let url = new URL(`${storeUrl}/auth/oauth/testop`);
    // follow to the provider's login page, then press its "cancel" link
    for (;;) {
      const res = await browser.request(url);
      await res.arrayBuffer();
      if (res.status === 200) break;
      url = new URL(res.headers.get('location')!, url);
    }
    const uid = url.pathname.split('/').pop()!;
    let res = await browser.request(new URL(`/interaction/${uid}/abort`, op.issuer));
    while (res.status >= 300 && res.status < 400 && !res.headers.get('location')!.startsWith(SHOP)) {
      const next = new URL(res.headers.get('location')!, url);
      res = await browser.request(next);
    }
    expect(errorOf(new URL(res.headers.get('location')!))).to.equal('access_denied');
    expect(await usersWithEmail('hank@example.com')).to.equal(0);

    const unknown = await new Browser().request(new URL(`${storeUrl}/auth/oauth/nope`));
    expect(unknown.status).to.equal(302);
    expect(errorOf(new URL(unknown.headers.get('location')!))).to.equal('unknown_provider');
  });

  it('signs a customer in through a plain OAuth 2 provider (Facebook-style): code exchange with PKCE, then the profile over HTTP', async () => {
    op.accounts.set('4711', { email: 'Olga@Example.com', email_verified: true, name: 'Olga Graph' });
    graph.requests.length = 0;
    const { final, hops } = await signIn(new Browser(), '4711', {}, 'graph');
    const authorization = hops.find((h) => h.origin === op.issuer && h.pathname === '/auth')!;
    expect(authorization.searchParams.get('scope')).to.equal('email public_profile');
    expect(authorization.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(authorization.searchParams.get('state')).to.have.length.greaterThan(20);
    expect(authorization.searchParams.has('nonce'), 'no nonce without an ID token').to.equal(false);

    const tokens = tokensOf(final);
    // the profile was fetched with the access token the token endpoint issued
    expect(graph.requests).to.have.length(1);
    expect(graph.requests[0]!.path).to.equal('/v23.0/me?fields=id,name,email');
    expect(graph.requests[0]!.authorization).to.match(/^Bearer \S+/);
    const profile = await me(tokens.accessToken);
    expect(profile.status).to.equal(200);
    // Facebook never says the address is verified, so neither does the account
    expect(profile.body).to.include({ email: 'olga@example.com', name: 'Olga Graph', role: 'customer', emailVerified: false });
    expect(await identitiesOf('4711', 'graph')).to.deep.equal([{ user_id: profile.body.id }]);
    // the same provider identity signs into the same account again
    const again = tokensOf((await signIn(new Browser(), '4711', {}, 'graph')).final);
    expect((await me(again.accessToken)).body.id).to.equal(profile.body.id);
  });

  it('refuses a plain OAuth 2 callback whose state is altered, exchanging no code and creating nothing', async () => {
    op.accounts.set('4712', { email: 'pavel@example.com', email_verified: true, name: 'Pavel' });
    graph.requests.length = 0;
    const browser = new Browser();
    const { final: callback } = await signIn(browser, '4712', { stopAtCallback: true }, 'graph');
    const altered = new URL(callback);
    altered.searchParams.set('state', `${altered.searchParams.get('state')}x`);
    const res = await browser.request(altered);
    expect(res.status).to.equal(302);
    expect(errorOf(new URL(res.headers.get('location')!))).to.equal('invalid_state');
    expect(graph.requests).to.deep.equal([]);
    expect(await usersWithEmail('pavel@example.com')).to.equal(0);
    expect(await identitiesOf('4712', 'graph')).to.deep.equal([]);
  });
});

describe('@cartwright/plugin-oidc: provider presets', () => {
  const credentials = { clientId: 'id', clientSecret: 'secret' };

  it('resolves the Google preset to OpenID Connect discovery at accounts.google.com', () => {
    const google = resolveProvider('google', { preset: 'google', ...credentials });
    expect(google).to.deep.include({ key: 'google', kind: 'oidc', clientId: 'id', clientSecret: 'secret', scopes: ['openid', 'email', 'profile'] });
    expect(google.kind === 'oidc' && google.issuer.href).to.equal('https://accounts.google.com/');
    // custom scopes are kept, and openid is added because OpenID Connect needs it
    expect(resolveProvider('google', { preset: 'google', ...credentials, scopes: ['email'] }).scopes).to.deep.equal(['openid', 'email']);
  });

  it('resolves the Facebook preset to plain OAuth 2 against the Graph API', () => {
    const facebook = resolveProvider('facebook', { preset: 'facebook', ...credentials });
    if (facebook.kind !== 'oauth2') throw new Error(`expected oauth2, got ${facebook.kind}`);
    expect(facebook.authorizationUrl.href).to.equal('https://www.facebook.com/v23.0/dialog/oauth');
    expect(facebook.tokenUrl.href).to.equal('https://graph.facebook.com/v23.0/oauth/access_token');
    expect(facebook.userinfoUrl.href).to.equal('https://graph.facebook.com/v23.0/me?fields=id,name,email');
    expect(facebook.scopes).to.deep.equal(['email', 'public_profile']);
    expect(facebook.scopes, 'no openid: Facebook login is not OpenID Connect').not.to.include('openid');
    // an endpoint given beside the preset wins over the preset's
    const pinned = resolveProvider('facebook', { preset: 'facebook', ...credentials, userinfoUrl: 'https://graph.facebook.com/v24.0/me?fields=id,email' });
    expect(pinned.kind === 'oauth2' && pinned.userinfoUrl.href).to.equal('https://graph.facebook.com/v24.0/me?fields=id,email');
  });

  it('refuses a provider that mixes discovery with OAuth 2 endpoints, names neither, or uses plain http off this machine', () => {
    expect(() => resolveProvider('mixed', { preset: 'google', ...credentials, tokenUrl: 'https://example.com/token' })).to.throw(/providers\.mixed: give either issuer/);
    expect(() => resolveProvider('bare', { ...credentials })).to.throw(/providers\.bare needs an issuer/);
    expect(() => resolveProvider('partial', { ...credentials, authorizationUrl: 'https://example.com/auth', tokenUrl: 'https://example.com/token' })).to.throw(/providers\.partial needs/);
    expect(() => resolveProvider('plain', { ...credentials, issuer: 'http://idp.example.com' })).to.throw(/providers\.plain\.issuer must be an https URL/);
    expect(resolveProvider('local', { ...credentials, issuer: 'http://127.0.0.1:4000' }).kind).to.equal('oidc');
  });
});
