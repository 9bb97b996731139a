import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { notificationsTo, STRONG_PASSWORD } from './auth-helpers.ts';

describe('registration and email verification', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore();
  });
  after(() => store.stop());

  const register = (body: Record<string, unknown>) => store.client.post('/auth/register', body);
  const ruleAt = async (body: Record<string, unknown>) => {
    const res = await register(body);
    expect(res.status, res.text).to.equal(400);
    return res.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer}:${e.rule}`);
  };

  it('creates an active customer account with a normalised email', async () => {
    const res = await register({ email: '  Ada@Example.COM ', password: STRONG_PASSWORD, name: 'Ada' });
    expect(res.status).to.equal(201);
    expect(res.body.user).to.include({ email: 'ada@example.com', role: 'customer', status: 'active', emailVerified: false, name: 'Ada' });
    expect(res.body.user).not.to.have.property('passwordHash');
    expect(res.text).not.to.include('argon2');
  });

  it('starts vendor accounts pending approval', async () => {
    const res = await register({ email: 'vendor@example.com', password: STRONG_PASSWORD, name: 'Vendor', role: 'vendor' });
    expect(res.body.user).to.include({ role: 'vendor', status: 'pending' });
  });

  it('refuses to register an admin or staff account', async () => {
    expect(await ruleAt({ email: 'x@example.com', password: STRONG_PASSWORD, name: 'X', role: 'admin' })).to.include('/role:anyOf');
  });

  it('names each broken rule with its field', async () => {
    expect(await ruleAt({ email: 'not-an-email', password: STRONG_PASSWORD, name: 'N' })).to.deep.equal(['/email:format']);
    expect(await ruleAt({ email: 'short@example.com', password: 'Sh0rt!', name: 'S' })).to.deep.equal(['/password:minLength']);
    expect(await ruleAt({ email: 'common@example.com', password: 'qwertyuiop', name: 'C' })).to.deep.equal(['/password:commonPassword']);
    expect(await ruleAt({ email: 'margaret@example.com', password: 'Margaret-2026-Spring', name: 'M' })).to.deep.equal(['/password:containsEmail']);
    expect(await ruleAt({ email: 'noname@example.com', password: STRONG_PASSWORD })).to.deep.equal(['/name:required']);
  });

  it('refuses a second account for the same email in any case with 409', async () => {
    await register({ email: 'twice@example.com', password: STRONG_PASSWORD, name: 'One' });
    const again = await register({ email: 'TWICE@Example.com', password: STRONG_PASSWORD, name: 'Two' });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('USER_EMAIL_TAKEN');
  });

  it('lets only one of two simultaneous registrations of an address through', async () => {
    const results = await Promise.all(
      ['race@example.com', 'RACE@example.com', 'Race@Example.com'].map((email) => register({ email, password: STRONG_PASSWORD, name: 'R' })),
    );
    expect(results.map((r) => r.status).sort()).to.deep.equal([201, 409, 409]);
  });

  it('queues a verification email whose single-use token verifies the address', async () => {
    const created = await register({ email: 'verify@example.com', password: STRONG_PASSWORD, name: 'Vera' });
    const [message] = await notificationsTo(store, 'verify@example.com');
    expect(message).to.include({ template: 'auth.verify_email' });
    expect(message!.data.url).to.equal(`http://localhost:3000/verify-email?token=${encodeURIComponent(message!.data.token)}`);
    // stored hashed: the token itself is nowhere in the token table
    const stored = await store.commerce.withScope((s) => s.cradle.em.execute(`select token_hash from cw_email_token where user_id = ?`, [created.body.user.id]));
    expect(JSON.stringify(stored)).not.to.include(message!.data.token);

    const verified = await store.client.post('/auth/verify-email', { token: message!.data.token });
    expect(verified.status).to.equal(200);
    expect(verified.body.user).to.include({ email: 'verify@example.com', emailVerified: true });
    const replay = await store.client.post('/auth/verify-email', { token: message!.data.token });
    expect(replay.status).to.equal(400);
    expect(replay.body.code).to.equal('AUTH_EMAIL_TOKEN_INVALID');
  });

  it('refuses an expired verification token', async () => {
    await register({ email: 'late@example.com', password: STRONG_PASSWORD, name: 'Late' });
    const [message] = await notificationsTo(store, 'late@example.com');
    await store.commerce.withScope((s) => s.cradle.em.execute(`update cw_email_token set expires_at = now() - interval '1 minute' where email = ?`, ['late@example.com']));
    const res = await store.client.post('/auth/verify-email', { token: message!.data.token });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('AUTH_EMAIL_TOKEN_INVALID');
  });
});
