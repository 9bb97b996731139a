import { createHmac, generateKeyPairSync, sign as signBytes, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import bcrypt from 'bcryptjs';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { registerAndLogin, STRONG_PASSWORD } from './auth-helpers.ts';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

describe('sign-in, tokens and sessions', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore({ auth: { jwt: { secret: SECRET } } });
  });
  after(() => store.stop());

  const me = (token: string) => store.client.get('/store/me', { headers: { authorization: `Bearer ${token}` } });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    await registerAndLogin(store, 'same401@example.com');
    const wrong = await store.client.post('/auth/login', { email: 'same401@example.com', password: 'not the password at all' });
    const unknown = await store.client.post('/auth/login', { email: 'nobody@example.com', password: 'not the password at all' });
    for (const res of [wrong, unknown]) expect(res.status).to.equal(401);
    const strip = ({ requestId: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(wrong.body)).to.deep.equal(strip(unknown.body));
    expect(wrong.body.code).to.equal('AUTH_INVALID_CREDENTIALS');
  });

  it('issues a short-lived access token that opens /store/me, and refuses anonymous calls', async () => {
    const { tokens, user } = await registerAndLogin(store, 'token@example.com');
    const claims = jwt.decode(tokens.accessToken, { complete: true })!;
    expect(claims.header.alg).to.equal('HS256');
    expect(claims.payload).to.include({ sub: user.id, iss: 'cartwright', aud: 'cartwright', role: 'customer' });
    const payload = claims.payload as { exp: number; iat: number };
    expect(payload.exp - payload.iat).to.equal(900);
    expect((await me(tokens.accessToken)).body).to.include({ id: user.id, email: 'token@example.com' });
    const anonymous = await store.client.get('/store/me');
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers.get('www-authenticate')).to.equal('Bearer');
  });

  it('refuses tampered, expired, alg:none and wrongly keyed tokens with 401', async () => {
    const { tokens, user } = await registerAndLogin(store, 'forged@example.com');
    const [h, p, s] = tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${s}`;
    const { iat: _iat, ...rest } = claims;
    const expired = jwt.sign({ ...rest, exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, { algorithm: 'HS256' });
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const wrongKey = jwt.sign({ sid: claims.sid, role: 'admin', typ: 'access' }, 'another-secret-another-secret-another-secret', {
      algorithm: 'HS256', subject: user.id, issuer: 'cartwright', audience: 'cartwright', expiresIn: 600,
    });
    const wrongAudience = jwt.sign({ sid: claims.sid, role: 'customer', typ: 'access' }, SECRET, {
      algorithm: 'HS256', subject: user.id, issuer: 'cartwright', audience: 'someone-else', expiresIn: 600,
    });
    for (const token of [tampered, expired, none, wrongKey, wrongAudience, 'not-a-jwt']) {
      const res = await me(token);
      expect(res.status, token).to.equal(401);
      expect(res.body.code).to.equal('AUTH_TOKEN_INVALID');
    }
  });

  it('rotates refresh tokens, and a reused one ends the whole session', async () => {
    const { tokens } = await registerAndLogin(store, 'rotate@example.com');
    const first = await store.client.post('/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(first.status).to.equal(200);
    expect(first.body.refreshToken).not.to.equal(tokens.refreshToken);
    const second = await store.client.post('/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(second.status).to.equal(200);

    // the first token again: someone else has a copy, so the session (all its tokens) ends
    const reuse = await store.client.post('/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(reuse.status).to.equal(401);
    expect(reuse.body.code).to.equal('AUTH_REFRESH_TOKEN_REUSED');
    expect((await store.client.post('/auth/refresh', { refreshToken: second.body.refreshToken })).status).to.equal(401);
    expect((await me(second.body.accessToken)).body.code).to.equal('AUTH_SESSION_REVOKED');
  });

  it('ends one session on logout and every session with { all: true }, effective on the next request', async () => {
    const email = 'logout@example.com';
    const { tokens: a } = await registerAndLogin(store, email);
    const b = (await store.client.post('/auth/login', { email, password: STRONG_PASSWORD })).body;
    const c = (await store.client.post('/auth/login', { email, password: STRONG_PASSWORD })).body;

    expect((await store.client.post('/auth/logout', {}, { headers: { authorization: `Bearer ${a.accessToken}` } })).status).to.equal(204);
    expect((await me(a.accessToken)).status).to.equal(401);
    expect((await store.client.post('/auth/refresh', { refreshToken: a.refreshToken })).status).to.equal(401);
    expect((await me(b.accessToken)).status).to.equal(200);

    expect((await store.client.post('/auth/logout', { all: true }, { headers: { authorization: `Bearer ${b.accessToken}` } })).status).to.equal(204);
    expect((await me(b.accessToken)).status).to.equal(401);
    expect((await me(c.accessToken)).status).to.equal(401);
  });

  it('changes the password only with the current one, ending the other sessions', async () => {
    const email = 'change@example.com';
    const { as, tokens } = await registerAndLogin(store, email);
    const other = (await store.client.post('/auth/login', { email, password: STRONG_PASSWORD })).body;
    const wrong = await as.post('/store/me/password', { currentPassword: 'not my password', newPassword: 'a brand new passphrase' });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.errors[0]).to.include({ pointer: '/currentPassword' });
    const weak = await as.post('/store/me/password', { currentPassword: STRONG_PASSWORD, newPassword: 'short' });
    expect(weak.body.errors[0]).to.include({ pointer: '/newPassword', rule: 'minLength' });

    expect((await as.post('/store/me/password', { currentPassword: STRONG_PASSWORD, newPassword: 'a brand new passphrase' })).status).to.equal(204);
    expect((await me(tokens.accessToken)).status).to.equal(200);
    expect((await me(other.accessToken)).status).to.equal(401);
    expect((await store.client.post('/auth/login', { email, password: STRONG_PASSWORD })).status).to.equal(401);
    expect((await store.client.post('/auth/login', { email, password: 'a brand new passphrase' })).status).to.equal(200);
  });

  it('updates the profile of the signed-in account only', async () => {
    const { as } = await registerAndLogin(store, 'profile@example.com');
    const res = await as.patch('/store/me', { name: 'Grace', phone: '+14155550123', preferences: { newsletter: true } });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ name: 'Grace', phone: '+14155550123' });
    expect(res.body.preferences).to.deep.equal({ newsletter: true });
    const bad = await as.patch('/store/me', { phone: '555-0123', role: 'admin' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).to.include.members(['/phone', '/role']);
  });

  it('accepts a bcrypt hash imported from another platform and upgrades it to argon2id on login', async () => {
    const { user } = await registerAndLogin(store, 'imported@example.com');
    const legacy = await bcrypt.hash('an imported password', 10);
    await store.commerce.withScope((s) => s.cradle.em.execute('update cw_user set password_hash = ? where id = ?', [legacy, user.id]));
    const login = await store.client.post('/auth/login', { email: 'imported@example.com', password: 'an imported password' });
    expect(login.status).to.equal(200);
    const [row] = await store.commerce.withScope((s) => s.cradle.em.execute<Array<{ password_hash: string }>>('select password_hash from cw_user where id = ?', [user.id]));
    expect(row!.password_hash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await store.client.post('/auth/login', { email: 'imported@example.com', password: 'an imported password' })).status).to.equal(200);
  });

  it('refuses sign-in and refresh for a disabled account', async () => {
    const { user, tokens } = await registerAndLogin(store, 'disabled@example.com');
    await store.commerce.withScope((s) => s.cradle.em.execute(`update cw_user set status = 'disabled' where id = ?`, [user.id]));
    const login = await store.client.post('/auth/login', { email: 'disabled@example.com', password: STRONG_PASSWORD });
    expect(login.status).to.equal(403);
    expect(login.body.code).to.equal('AUTH_ACCOUNT_DISABLED');
    expect((await store.client.post('/auth/refresh', { refreshToken: tokens.refreshToken })).body.code).to.equal('AUTH_ACCOUNT_DISABLED');
  });

  it('refuses the access token of an account disabled behind the admin service’s back with 401', async () => {
    const { user, tokens } = await registerAndLogin(store, 'quietly-disabled@example.com');
    expect((await me(tokens.accessToken)).status).to.equal(200);
    // straight in the database: no session is revoked, so only the per-request status check can stop the token
    await store.commerce.withScope((s) => s.cradle.em.execute(`update cw_user set status = 'disabled' where id = ?`, [user.id]));
    const refused = await me(tokens.accessToken);
    expect(refused.status).to.equal(401);
    expect(refused.body.code).to.equal('AUTH_TOKEN_INVALID');
    await store.commerce.withScope((s) => s.cradle.em.execute(`update cw_user set status = 'active' where id = ?`, [user.id]));
    expect((await me(tokens.accessToken)).status).to.equal(200);
  });
});

const pemPair = (pair: { privateKey: KeyObject; publicKey: KeyObject }) => ({
  privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
});
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('asymmetric access tokens', () => {
  it('sign with RS256 and refuse an HS256 token forged with the public key (algorithm confusion)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    const store = await createTestStore({ auth: { jwt: { algorithm: 'RS256', ...pem } } });
    try {
      const { tokens, user } = await registerAndLogin(store, 'rsa@example.com');
      expect(jwt.decode(tokens.accessToken, { complete: true })!.header.alg).to.equal('RS256');
      expect((await store.client.get('/store/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status).to.equal(200);
      const claims = jwt.decode(tokens.accessToken) as Record<string, unknown>;
      // hand-rolled HS256 with the public key as the secret (jsonwebtoken itself refuses to sign this)
      const { createHmac } = await import('node:crypto');
      const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ ...claims, role: 'admin', sub: user.id })).toString('base64url');
      const signature = createHmac('sha256', pem.publicKey).update(`${head}.${body}`).digest('base64url');
      const forged = await store.client.get('/store/me', { headers: { authorization: `Bearer ${head}.${body}.${signature}` } });
      expect(forged.status).to.equal(401);
    } finally {
      await store.stop();
    }
  });
  it('round-trips an ES256 token, refusing one signed by another P-256 key', async () => {
    const pem = pemPair(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const store = await createTestStore({ auth: { jwt: { algorithm: 'ES256', ...pem } } });
    try {
      const { tokens, user } = await registerAndLogin(store, 'ec@example.com');
      expect(jwt.decode(tokens.accessToken, { complete: true })!.header.alg).to.equal('ES256');
      expect((await store.client.get('/store/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status).to.equal(200);
      const claims = jwt.decode(tokens.accessToken) as Record<string, unknown>;
      const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const forged = jwt.sign({ ...claims, role: 'admin', sub: user.id }, stranger, { algorithm: 'ES256' });
      expect((await store.client.get('/store/me', { headers: { authorization: `Bearer ${forged}` } })).status).to.equal(401);
    } finally {
      await store.stop();
    }
  });

  it('signs EdDSA (Ed25519) tokens and refuses tampered, alg:none, HS256-with-the-public-key, wrongly keyed and expired ones with 401', async () => {
    const keys = generateKeyPairSync('ed25519');
    const pem = pemPair(keys);
    const store = await createTestStore({ auth: { jwt: { algorithm: 'EdDSA', ...pem } } });
    const me = (token: string) => store.client.get('/store/me', { headers: { authorization: `Bearer ${token}` } });
    try {
      const { tokens, user } = await registerAndLogin(store, 'edwards@example.com');
      const [h, p, s] = tokens.accessToken.split('.') as [string, string, string];
      expect(JSON.parse(Buffer.from(h, 'base64url').toString())).to.deep.equal({ alg: 'EdDSA', typ: 'JWT' });
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      expect(claims).to.include({ sub: user.id, typ: 'access', iss: 'cartwright', aud: 'cartwright' });
      expect(claims.exp - claims.iat).to.equal(900);
      const ok = await me(tokens.accessToken);
      expect(ok.status, ok.text).to.equal(200);
      // refresh hands out EdDSA tokens too
      const refreshed = await store.client.post('/auth/refresh', { refreshToken: tokens.refreshToken });
      expect((await me(refreshed.body.accessToken)).status).to.equal(200);

      const signWith = (key: KeyObject, header: object, payload: object) => {
        const input = `${part(header)}.${part(payload)}`;
        return `${input}.${signBytes(null, Buffer.from(input), key).toString('base64url')}`;
      };
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'EdDSA', typ: 'JWT' };
      const tampered = `${h}.${part({ ...claims, role: 'admin' })}.${s}`;
      const none = `${part({ alg: 'none', typ: 'JWT' })}.${p}.`;
      const confusedInput = `${part({ alg: 'HS256', typ: 'JWT' })}.${p}`;
      const confused = `${confusedInput}.${createHmac('sha256', pem.publicKey).update(confusedInput).digest('base64url')}`;
      const wrongKey = signWith(generateKeyPairSync('ed25519').privateKey, header, claims);
      const expired = signWith(keys.privateKey, header, { ...claims, iat: now - 1000, exp: now - 60 });
      const notYet = signWith(keys.privateKey, header, { ...claims, nbf: now + 600 });
      const otherAudience = signWith(keys.privateKey, header, { ...claims, aud: 'someone-else' });
      const notAccess = signWith(keys.privateKey, header, { ...claims, typ: 'refresh' });
      const noTyp = signWith(keys.privateKey, { alg: 'EdDSA' }, claims);
      // the genuine signature under a header that names another algorithm
      const relabelled = `${part({ alg: 'RS256', typ: 'JWT' })}.${p}.${s}`;
      for (const [name, token] of Object.entries({ tampered, none, confused, wrongKey, expired, notYet, otherAudience, notAccess, noTyp, relabelled })) {
        const res = await me(token);
        expect(res.status, name).to.equal(401);
        expect(res.body.code, name).to.equal('AUTH_TOKEN_INVALID');
      }
      // the control: the same hand-made signing with the right key and header is accepted
      expect((await me(signWith(keys.privateKey, header, claims))).status).to.equal(200);
    } finally {
      await store.stop();
    }
  });

  it('refuses to start with EdDSA and a key that is not Ed25519, saying which key it needs', async () => {
    const rsa = pemPair(generateKeyPairSync('rsa', { modulusLength: 2048 }));
    let failure: unknown;
    try {
      const store = await createTestStore({ auth: { jwt: { algorithm: 'EdDSA', ...rsa } } });
      await store.stop();
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.match(/auth\.jwt\.algorithm EdDSA needs Ed25519 keys.*got rsa/);
  });
});
