import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { auditEntries, createAdminTestStore, createAndLogin, type SignedIn } from './admin-helpers.ts';

describe('API keys', () => {
  let store: TestStore;
  let admin: SignedIn;
  before(async () => {
    store = await createAdminTestStore();
    admin = await createAndLogin(store, 'root@example.com', 'admin');
  });
  after(() => store.stop());

  it('shows the key once, works within its permissions, 403 outside them, never on /store/me, and 401 once revoked', async () => {
    const created = await admin.as.post('/admin/api-keys', { name: 'ERP sync', permissions: ['users:read'] });
    expect(created.status).to.equal(201);
    const secret: string = created.body.key;
    expect(secret).to.match(/^ck_[A-Za-z0-9_-]{43}$/);
    expect(created.body).to.include({ name: 'ERP sync', prefix: secret.slice(0, 11), lastUsedAt: null, revokedAt: null, createdBy: admin.id });

    const listed = await admin.as.get('/admin/api-keys');
    expect(listed.body.count).to.equal(1);
    expect(listed.body.items[0]).to.include({ id: created.body.id, prefix: secret.slice(0, 11) });
    expect(listed.body.items[0]).not.to.have.property('key');
    expect(listed.body.items[0]).not.to.have.property('keyHash');
    expect(listed.text).not.to.include(secret.slice(11));
    const stored = await store.commerce.withScope((s) => s.cradle.em.execute<Array<{ key_hash: string }>>('select key_hash from cw_api_key'));
    expect(stored[0]!.key_hash).to.match(/^[0-9a-f]{64}$/);

    const key = store.client.with({ authorization: `Bearer ${secret}` });
    const users = await key.get('/admin/users');
    expect(users.status).to.equal(200);
    expect(users.body.count).to.equal(1);
    expect((await admin.as.get('/admin/api-keys')).body.items[0].lastUsedAt).to.be.a('string');

    const outside = await key.patch(`/admin/users/${admin.id}`, { status: 'disabled' });
    expect(outside.status).to.equal(403);
    expect(outside.body).to.include({ code: 'FORBIDDEN', permission: 'users:write' });
    expect((await key.get('/admin/api-keys')).status).to.equal(403);
    expect((await key.get('/store/me')).status).to.equal(403);

    const revoked = await admin.as.delete(`/admin/api-keys/${created.body.id}`);
    expect(revoked.status).to.equal(204);
    const after = await key.get('/admin/users');
    expect(after.status).to.equal(401);
    expect(after.body.code).to.equal('AUTH_TOKEN_INVALID');
    expect((await admin.as.get('/admin/api-keys')).body.items[0].revokedAt).to.be.a('string');

    const trail = await auditEntries(admin, { targetId: created.body.id });
    expect(trail.items.map((e) => e.action)).to.deep.equal(['api_key.revoked', 'api_key.created']);
    expect(trail.items[1]).to.deep.include({ requestId: created.headers.get('x-request-id'), before: null });
    expect(trail.items[1]!.after).to.include({ name: 'ERP sync' });
    expect(JSON.stringify(trail.items)).not.to.include(secret.slice(11));
    expect(trail.items[0]).to.deep.include({ requestId: revoked.headers.get('x-request-id') });
    expect(trail.items[0]!.after.revokedAt).to.be.a('string');
  });

  it('refuses an unknown, malformed or expired key with 401', async () => {
    const unknown = await store.client.get('/admin/users', { headers: { authorization: `Bearer ck_${'A'.repeat(43)}` } });
    expect(unknown.status).to.equal(401);
    expect(unknown.body.code).to.equal('AUTH_TOKEN_INVALID');
    const created = await admin.as.post('/admin/api-keys', { name: 'short-lived', permissions: ['users:read'], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect(created.status).to.equal(201);
    await store.commerce.withScope((s) => s.cradle.em.execute(`update cw_api_key set expires_at = now() - interval '1 second' where id = ?`, [created.body.id]));
    const expired = await store.client.get('/admin/users', { headers: { authorization: `Bearer ${created.body.key}` } });
    expect(expired.status).to.equal(401);
    expect(expired.body.code).to.equal('AUTH_TOKEN_INVALID');
    const past = await admin.as.post('/admin/api-keys', { name: 'past', permissions: ['users:read'], expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.status).to.equal(400);
    expect(past.body.code).to.equal('API_KEY_EXPIRY_INVALID');
  });

  it('takes permissions only from the catalogue, and only ones the creator holds', async () => {
    const unknown = await admin.as.post('/admin/api-keys', { name: 'bad', permissions: ['users:delete'] });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.code).to.equal('PERMISSION_UNKNOWN');
    expect((await admin.as.post('/admin/api-keys', { name: 'none', permissions: [] })).status).to.equal(400);

    await admin.as.post('/admin/roles', { name: 'integrator', permissions: ['api-keys:write', 'products:read'] });
    const integrator = await createAndLogin(store, 'integrator@example.com', 'staff');
    expect((await admin.as.patch(`/admin/users/${integrator.id}`, { role: 'integrator' })).status).to.equal(200);
    const escalate = await integrator.as.post('/admin/api-keys', { name: 'mine', permissions: ['users:read'] });
    expect(escalate.status).to.equal(403);
    expect(escalate.body.code).to.equal('PERMISSION_NOT_HELD');
    expect((await integrator.as.post('/admin/api-keys', { name: 'mine', permissions: ['products:read'] })).status).to.equal(201);
  });

  it('lets an API key holding audit:read read the log, recording nothing for reads', async () => {
    const created = await admin.as.post('/admin/api-keys', { name: 'SIEM export', permissions: ['audit:read'] });
    const key = store.client.with({ authorization: `Bearer ${created.body.key}` });
    const log = await key.get('/admin/audit-log', { query: { action: 'api_key.created', limit: 2 } });
    expect(log.status).to.equal(200);
    expect(log.body.items).to.have.length(2);
    expect(log.body.count).to.be.greaterThan(2);
    expect(log.body.items[0].target.id).to.equal(created.body.id);
  });
});
