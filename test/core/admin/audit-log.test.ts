import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { auditEntries, createAdminTestStore, createAndLogin, type SignedIn } from './admin-helpers.ts';

describe('audit log', () => {
  let store: TestStore;
  let admin: SignedIn;
  before(async () => {
    store = await createAdminTestStore();
    admin = await createAndLogin(store, 'root@example.com', 'admin');
  });
  after(() => store.stop());

  it('filters by action, actor, target and time, newest first, paginated', async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    const names = ['r1', 'r2', 'r3'];
    for (const name of names) expect((await admin.as.post('/admin/roles', { name, permissions: [] })).status).to.equal(201);
    await admin.as.patch('/admin/roles/r2', { description: 'second' });

    const all = await auditEntries(admin);
    expect(all.count).to.equal(4);
    expect(all.items.map((e) => [e.action, e.target.id])).to.deep.equal([
      ['role.updated', 'r2'],
      ['role.created', 'r3'],
      ['role.created', 'r2'],
      ['role.created', 'r1'],
    ]);
    const page = await auditEntries(admin, { action: 'role.created', limit: 2, offset: 1 });
    expect(page.count).to.equal(3);
    expect(page.items.map((e) => e.target.id)).to.deep.equal(['r2', 'r1']);
    expect((await auditEntries(admin, { actorId: admin.id })).count).to.equal(4);
    expect((await auditEntries(admin, { actorId: 'usr_someone_else' })).count).to.equal(0);
    expect((await auditEntries(admin, { targetId: 'r2' })).count).to.equal(2);
    expect((await auditEntries(admin, { from: start })).count).to.equal(4);
    expect((await auditEntries(admin, { to: start })).count).to.equal(0);
    expect((await admin.as.get('/admin/audit-log', { query: { from: 'yesterday' } })).status).to.equal(400);
  });

  it('needs audit:read', async () => {
    const staff = await createAndLogin(store, 'staff@example.com', 'staff');
    expect((await staff.as.get('/admin/audit-log')).status).to.equal(403);
  });
});
