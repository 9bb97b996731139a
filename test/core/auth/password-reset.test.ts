import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { notificationsTo, registerAndLogin, STRONG_PASSWORD } from './auth-helpers.ts';

describe('password reset', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore();
  });
  after(() => store.stop());

  const resetLinks = async (email: string) => (await notificationsTo(store, email)).filter((m) => m.template === 'auth.password_reset');

  it('answers 202 whether or not the address has an account, and mails only real accounts', async () => {
    await registerAndLogin(store, 'forgetful@example.com');
    const known = await store.client.post('/auth/password/forgot', { email: 'Forgetful@Example.com' });
    const unknown = await store.client.post('/auth/password/forgot', { email: 'stranger@example.com' });
    expect([known.status, unknown.status]).to.deep.equal([202, 202]);
    expect(known.text).to.equal(unknown.text);
    expect(await resetLinks('forgetful@example.com')).to.have.length(1);
    expect(await resetLinks('stranger@example.com')).to.have.length(0);
  });

  it('sets the new password with a single-use token and ends every session', async () => {
    const { tokens } = await registerAndLogin(store, 'reset@example.com');
    await store.client.post('/auth/password/forgot', { email: 'reset@example.com' });
    const [link] = await resetLinks('reset@example.com');
    expect(link!.data.url).to.match(/^http:\/\/localhost:3000\/reset-password\?token=pr_/);

    const weak = await store.client.post('/auth/password/reset', { token: link!.data.token, password: 'short' });
    expect(weak.status).to.equal(400);
    expect(weak.body.errors[0]).to.include({ pointer: '/password', rule: 'minLength' });

    // the refused attempt did not spend the token
    const done = await store.client.post('/auth/password/reset', { token: link!.data.token, password: 'a fresh start passphrase' });
    expect(done.status).to.equal(204);
    expect((await store.client.get('/store/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status).to.equal(401);
    expect((await store.client.post('/auth/refresh', { refreshToken: tokens.refreshToken })).status).to.equal(401);
    expect((await store.client.post('/auth/login', { email: 'reset@example.com', password: STRONG_PASSWORD })).status).to.equal(401);
    expect((await store.client.post('/auth/login', { email: 'reset@example.com', password: 'a fresh start passphrase' })).status).to.equal(200);

    const again = await store.client.post('/auth/password/reset', { token: link!.data.token, password: 'yet another passphrase' });
    expect(again.status).to.equal(400);
    expect(again.body.code).to.equal('AUTH_EMAIL_TOKEN_INVALID');
  });

  it('refuses a reset token after 30 minutes', async () => {
    await registerAndLogin(store, 'slow@example.com');
    await store.client.post('/auth/password/forgot', { email: 'slow@example.com' });
    const [link] = await resetLinks('slow@example.com');
    const [row] = await store.commerce.withScope((s) =>
      s.cradle.em.execute<Array<{ minutes: number }>>(`select extract(epoch from expires_at - created_at) / 60 as minutes from cw_email_token where email = ? and purpose = 'reset'`, ['slow@example.com']),
    );
    expect(Number(row!.minutes)).to.equal(30);
    await store.commerce.withScope((s) => s.cradle.em.execute(`update cw_email_token set expires_at = now() - interval '1 second' where email = ?`, ['slow@example.com']));
    const res = await store.client.post('/auth/password/reset', { token: link!.data.token, password: 'a fresh start passphrase' });
    expect(res.body.code).to.equal('AUTH_EMAIL_TOKEN_INVALID');
  });
});

describe('brute-force protection', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore({
      auth: {
        rateLimits: {
          loginPerAccount: { points: 3, duration: 900, blockDuration: 900 },
          loginPerIp: { points: 8, duration: 900, blockDuration: 0 },
          passwordResetPerAccount: { points: 2, duration: 3600, blockDuration: 0 },
        },
      },
    });
  });
  after(() => store.stop());

  const clearLimits = () => store.commerce.withScope((s) => s.cradle.em.execute('delete from cw_rate_limit'));

  it('locks an account after repeated failures with 429 and Retry-After, even for the right password, then recovers', async () => {
    await registerAndLogin(store, 'target@example.com');
    await clearLimits();
    for (let i = 0; i < 3; i++) {
      expect((await store.client.post('/auth/login', { email: 'target@example.com', password: 'guess number ' + i })).status).to.equal(401);
    }
    const locked = await store.client.post('/auth/login', { email: 'TARGET@example.com', password: STRONG_PASSWORD });
    expect(locked.status).to.equal(429);
    expect(locked.body.code).to.equal('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).to.be.within(1, 900);

    // the window passing is simulated by expiring the stored counters
    await store.commerce.withScope((s) => s.cradle.em.execute('update cw_rate_limit set expire = ?', [Date.now() - 1]));
    expect((await store.client.post('/auth/login', { email: 'target@example.com', password: STRONG_PASSWORD })).status).to.equal(200);
  });

  it('limits attempts per client IP across accounts', async () => {
    await clearLimits();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await store.client.post('/auth/login', { email: `spray${i}@example.com`, password: 'password spraying' })).status);
    expect(statuses.slice(0, 8)).to.deep.equal(Array(8).fill(401));
    expect(statuses[8]).to.equal(429);
  });

  it('limits reset requests per account', async () => {
    await clearLimits();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await store.client.post('/auth/password/forgot', { email: 'target@example.com' })).status);
    expect(statuses).to.deep.equal([202, 202, 429]);
  });
});

describe('brute-force protection backed by Redis', () => {
  it('locks an account through counters kept in Redis', async function () {
    const store = await createTestStore({
      auth: { rateLimits: { store: 'redis', redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', loginPerAccount: { points: 2, duration: 60, blockDuration: 60 } } },
    });
    try {
      const email = `redis-${Date.now()}@example.com`;
      await registerAndLogin(store, email);
      for (let i = 0; i < 2; i++) await store.client.post('/auth/login', { email, password: 'wrong password ' + i });
      expect((await store.client.post('/auth/login', { email, password: STRONG_PASSWORD })).status).to.equal(429);
    } finally {
      await store.stop();
    }
  });
});

describe('password reset limits', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore({
      auth: {
        rateLimits: {
          passwordResetPerIp: { points: 4, duration: 3600, blockDuration: 0 },
          passwordResetPerAccount: { points: 100, duration: 3600, blockDuration: 0 },
          passwordResetConfirmPerAccount: { points: 2, duration: 3600, blockDuration: 0 },
        },
      },
    });
  });
  after(() => store.stop());

  const clearLimits = () => store.commerce.withScope((s) => s.cradle.em.execute('delete from cw_rate_limit'));
  // the window passing is simulated by expiring the stored counters
  const windowPasses = () => store.commerce.withScope((s) => s.cradle.em.execute('update cw_rate_limit set expire = ?', [Date.now() - 1]));
  const resetLink = async (email: string) => {
    expect((await store.client.post('/auth/password/forgot', { email })).status).to.equal(202);
    const links = (await notificationsTo(store, email)).filter((m) => m.template === 'auth.password_reset');
    return links.at(-1)!.data.token;
  };
  const expectLimited = (res: { status: number; body: any; headers: Headers }) => {
    expect(res.status).to.equal(429);
    expect(res.body.code).to.equal('RATE_LIMITED');
    expect(Number(res.headers.get('retry-after'))).to.be.within(1, 3600);
  };

  it('limits reset emails per client IP across addresses with 429 and Retry-After, then recovers', async () => {
    await clearLimits();
    for (let i = 0; i < 4; i++) expect((await store.client.post('/auth/password/forgot', { email: `flood${i}@example.com` })).status).to.equal(202);
    expectLimited(await store.client.post('/auth/password/forgot', { email: 'flood-next@example.com' }));
    await windowPasses();
    expect((await store.client.post('/auth/password/forgot', { email: 'flood-next@example.com' })).status).to.equal(202);
  });

  it('limits reset attempts per client IP, counting unknown tokens, then recovers', async () => {
    await clearLimits();
    const guess = (i: number) => store.client.post('/auth/password/reset', { token: `pr_guessed-token-number-${i}`, password: 'a fresh start passphrase' });
    for (let i = 0; i < 4; i++) expect((await guess(i)).body.code).to.equal('AUTH_EMAIL_TOKEN_INVALID');
    expectLimited(await guess(4));
    await windowPasses();
    expect((await guess(5)).body.code).to.equal('AUTH_EMAIL_TOKEN_INVALID');
  });

  it('limits resets per account once the link names it, keeps the link usable, leaves other accounts alone, then recovers', async () => {
    await registerAndLogin(store, 'limited-reset@example.com');
    await registerAndLogin(store, 'bystander@example.com');
    const token = await resetLink('limited-reset@example.com');
    const bystanderToken = await resetLink('bystander@example.com');
    await clearLimits();

    for (let i = 0; i < 2; i++) {
      const weak = await store.client.post('/auth/password/reset', { token, password: 'short' });
      expect(weak.body.errors[0]).to.include({ pointer: '/password', rule: 'minLength' });
    }
    expectLimited(await store.client.post('/auth/password/reset', { token, password: 'a fresh start passphrase' }));
    // the per-IP allowance (4) is not used up: another account's link still works from here
    expect((await store.client.post('/auth/password/reset', { token: bystanderToken, password: 'an unrelated passphrase' })).status).to.equal(204);

    await windowPasses();
    // the refusals did not spend the link
    expect((await store.client.post('/auth/password/reset', { token, password: 'a fresh start passphrase' })).status).to.equal(204);
    expect((await store.client.post('/auth/login', { email: 'limited-reset@example.com', password: 'a fresh start passphrase' })).status).to.equal(200);
  });
});
