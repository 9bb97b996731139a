import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { auditEntries, createAdminTestStore, createAndLogin, type SignedIn } from './admin-helpers.ts';

describe('admin roles and permissions', () => {
  let store: TestStore;
  let admin: SignedIn;
  before(async () => {
    store = await createAdminTestStore();
    admin = await createAndLogin(store, 'root@example.com', 'admin');
  });
  after(() => store.stop());

  it('lists the built-in roles with their permissions', async () => {
    const { status, body } = await admin.as.get('/admin/roles');
    expect(status).to.equal(200);
    const byName = Object.fromEntries(body.items.map((r: any) => [r.name, r]));
    expect(byName.admin).to.include({ builtIn: true, userCount: 1 });
    expect(byName.admin.permissions).to.deep.equal(['*']);
    expect(byName.staff.permissions).to.deep.equal([]);
    expect(byName.customer.permissions).to.deep.equal([]);
    expect(byName.vendor.permissions).to.deep.equal(['vendor:*']);
  });

  it('gives staff 403 without a permission, 200 once a custom role grants it, and 403 again as soon as the role loses it', async () => {
    const staff = await createAndLogin(store, 'clerk@example.com', 'staff');
    const refused = await staff.as.get('/admin/users');
    expect(refused.status).to.equal(403);
    expect(refused.body).to.include({ code: 'FORBIDDEN', permission: 'users:read' });

    const created = await admin.as.post('/admin/roles', { name: 'support', description: 'Customer support', permissions: ['users:read', 'orders:*'] });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ name: 'support', builtIn: false });
    expect((await admin.as.patch(`/admin/users/${staff.id}`, { role: 'support' })).status).to.equal(200);

    // the same access token: the role is read on every request, not baked into the token
    expect((await staff.as.get('/admin/users')).status).to.equal(200);

    const narrowed = await admin.as.patch('/admin/roles/support', { permissions: ['orders:*'] });
    expect(narrowed.status).to.equal(200);
    expect(narrowed.body.permissions).to.deep.equal(['orders:*']);
    expect((await staff.as.get('/admin/users')).status).to.equal(403);

    const trail = await auditEntries(admin, { targetId: 'support' });
    expect(trail.items.map((e) => e.action)).to.deep.equal(['role.updated', 'role.created']);
    expect(trail.items[0]).to.deep.include({ before: { name: 'support', description: 'Customer support', permissions: ['users:read', 'orders:*'] } });
    expect(trail.items[0]!.after.permissions).to.deep.equal(['orders:*']);
  });

  it('accepts only permissions from the catalogue, area wildcards of known areas, or *', async () => {
    const bad = await admin.as.post('/admin/roles', { name: 'weird', permissions: ['users:read', 'users:fly', 'nothing:*'] });
    expect(bad.status).to.equal(400);
    expect(bad.body.code).to.equal('PERMISSION_UNKNOWN');
    expect(bad.body.errors.map((e: any) => e.pointer)).to.deep.equal(['/permissions/1', '/permissions/2']);
    expect((await admin.as.post('/admin/roles', { name: 'Bad Name', permissions: [] })).status).to.equal(400);
    expect((await admin.as.post('/admin/roles', { name: 'everything', permissions: ['*'] })).status).to.equal(201);
  });

  it('refuses a duplicate name, changes to built-in roles, and deleting a role still held', async () => {
    expect((await admin.as.post('/admin/roles', { name: 'admin', permissions: [] })).body.code).to.equal('ROLE_EXISTS');
    const builtIn = await admin.as.patch('/admin/roles/staff', { permissions: ['users:read'] });
    expect(builtIn.status).to.equal(409);
    expect(builtIn.body.code).to.equal('ROLE_BUILT_IN');
    expect((await admin.as.delete('/admin/roles/vendor')).body.code).to.equal('ROLE_BUILT_IN');

    await admin.as.post('/admin/roles', { name: 'packer', permissions: ['orders:write'] });
    const packer = await createAndLogin(store, 'packer@example.com', 'staff');
    await admin.as.patch(`/admin/users/${packer.id}`, { role: 'packer' });
    const inUse = await admin.as.delete('/admin/roles/packer');
    expect(inUse.status).to.equal(409);
    expect(inUse.body).to.include({ code: 'ROLE_IN_USE', userCount: 1 });

    await admin.as.patch(`/admin/users/${packer.id}`, { role: 'staff' });
    const deleted = await admin.as.delete('/admin/roles/packer');
    expect(deleted.status).to.equal(204);
    expect(deleted.headers.get('x-request-id')).to.be.a('string');
    const [entry] = (await auditEntries(admin, { action: 'role.deleted', targetId: 'packer' })).items;
    expect(entry).to.deep.include({ after: null, requestId: deleted.headers.get('x-request-id') });
    expect((await admin.as.delete('/admin/roles/packer')).status).to.equal(404);
    expect((await admin.as.patch(`/admin/users/${packer.id}`, { role: 'packer' })).body.code).to.equal('ROLE_UNKNOWN');
  });

  it('does not let a role manager grant permissions they do not hold', async () => {
    await admin.as.post('/admin/roles', { name: 'role-manager', permissions: ['roles:write', 'users:read'] });
    const manager = await createAndLogin(store, 'manager@example.com', 'staff');
    await admin.as.patch(`/admin/users/${manager.id}`, { role: 'role-manager' });
    const escalate = await manager.as.post('/admin/roles', { name: 'god', permissions: ['*'] });
    expect(escalate.status).to.equal(403);
    expect(escalate.body.code).to.equal('PERMISSION_NOT_HELD');
    expect((await manager.as.post('/admin/roles', { name: 'reader', permissions: ['users:read'] })).status).to.equal(201);
    // it may not hand out roles either: that takes users:write
    expect((await manager.as.patch(`/admin/users/${manager.id}`, { role: 'admin' })).status).to.equal(403);
  });

  it('refuses every role route to customers and vendors', async () => {
    const customer = await createAndLogin(store, 'shopper@example.com', 'customer');
    const vendor = await createAndLogin(store, 'seller@example.com', 'vendor');
    for (const who of [customer, vendor]) {
      expect((await who.as.get('/admin/roles')).status).to.equal(403);
      expect((await who.as.post('/admin/roles', { name: 'mine', permissions: [] })).status).to.equal(403);
      expect((await who.as.patch('/admin/roles/support', { permissions: [] })).status).to.equal(403);
      expect((await who.as.delete('/admin/roles/support')).status).to.equal(403);
    }
  });
});
