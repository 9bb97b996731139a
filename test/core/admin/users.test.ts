import { expect } from 'chai';
import type { TestStore } from '@cartwright/core/testing';
import { registerAndLogin } from '../auth/auth-helpers.ts';
import { auditEntries, createAdminTestStore, createAndLogin, login, STRONG_PASSWORD, type SignedIn } from './admin-helpers.ts';

describe('admin users', () => {
  let store: TestStore;
  let admin: SignedIn;
  before(async () => {
    store = await createAdminTestStore();
    admin = await createAndLogin(store, 'root@example.com', 'admin', 'Root Admin');
    await store.commerce.withScope(async (s) => {
      for (let i = 1; i <= 25; i++) {
        await s.cradle.userService.create({ email: `shopper${String(i).padStart(2, '0')}@example.com`, role: 'customer', password: STRONG_PASSWORD, name: `Shopper ${i}` });
      }
      await s.cradle.userService.create({ email: 'ada@Lovelace.example', role: 'staff', password: STRONG_PASSWORD, name: 'Ada Lovelace' });
      await s.cradle.userService.create({ email: 'pending@vendor.example', role: 'vendor', password: STRONG_PASSWORD, name: 'Pending Vendor' });
    });
  });
  after(() => store.stop());

  describe('listing', () => {
    it('pages through accounts, newest first, 20 by default', async () => {
      const first = await admin.as.get('/admin/users');
      expect(first.status).to.equal(200);
      expect(first.body.count).to.equal(28);
      expect(first.body.items).to.have.length(20);
      expect(first.body.items[0]).to.include({ email: 'pending@vendor.example', role: 'vendor', status: 'pending' });
      expect(first.body.items[0]).not.to.have.property('passwordHash');
      const rest = await admin.as.get('/admin/users', { query: { limit: 20, offset: 20 } });
      expect(rest.body.items).to.have.length(8);
      const ids = new Set([...first.body.items, ...rest.body.items].map((u: any) => u.id));
      expect(ids.size).to.equal(28);
      expect((await admin.as.get('/admin/users', { query: { limit: 101 } })).status).to.equal(400);
      expect((await admin.as.get('/admin/users', { query: { limit: 100 } })).body.items).to.have.length(28);
    });

    it('filters by role and status and searches email and name case-insensitively', async () => {
      const staff = await admin.as.get('/admin/users', { query: { role: 'staff' } });
      expect(staff.body.items.map((u: any) => u.email)).to.deep.equal(['ada@lovelace.example']);
      const pending = await admin.as.get('/admin/users', { query: { status: 'pending' } });
      expect(pending.body).to.deep.include({ count: 1 });
      const byName = await admin.as.get('/admin/users', { query: { q: 'LOVELACE' } });
      expect(byName.body.items.map((u: any) => u.name)).to.deep.equal(['Ada Lovelace']);
      const byEmail = await admin.as.get('/admin/users', { query: { q: 'Shopper1', limit: 5 } });
      expect(byEmail.body.count).to.equal(10); // shopper10 … shopper19
      expect(byEmail.body.items).to.have.length(5);
      // wildcards in the search are literal characters
      expect((await admin.as.get('/admin/users', { query: { q: '%' } })).body.count).to.equal(0);
      const customers = await admin.as.get('/admin/users', { query: { role: 'customer', status: 'active', q: 'shopper2' } });
      expect(customers.body.count).to.equal(6); // shopper2, shopper20 … shopper25
    });

    it('shows one account, and 404 for an unknown id', async () => {
      const one = await admin.as.get(`/admin/users/${admin.id}`);
      expect(one.body).to.include({ email: 'root@example.com', role: 'admin', status: 'active' });
      const missing = await admin.as.get('/admin/users/usr_nope');
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal('ADMIN_USER_NOT_FOUND');
    });
  });

  describe('access', () => {
    it('refuses customers on every admin route of this module', async () => {
      const { as: customer } = await registerAndLogin(store, 'nosy@example.com');
      const calls = [
        customer.get('/admin/users'),
        customer.get(`/admin/users/${admin.id}`),
        customer.patch(`/admin/users/${admin.id}`, { status: 'disabled' }),
        customer.post(`/admin/users/${admin.id}/approve`),
        customer.get('/admin/roles'),
        customer.post('/admin/roles', { name: 'x1', permissions: [] }),
        customer.patch('/admin/roles/staff', { description: 'x' }),
        customer.delete('/admin/roles/staff'),
        customer.get('/admin/audit-log'),
        customer.get('/admin/api-keys'),
        customer.post('/admin/api-keys', { name: 'x', permissions: ['users:read'] }),
        customer.delete('/admin/api-keys/key_x'),
      ];
      for (const response of await Promise.all(calls)) expect(response.status, response.text).to.equal(403);
    });

    it('refuses approved vendors on /admin/users: a vendor cannot see another vendor’s account, or any other', async () => {
      const vendor = await createAndLogin(store, 'seller@vendor.example', 'vendor');
      const rival = await createAndLogin(store, 'rival@vendor.example', 'vendor');
      for (const { id } of [vendor, rival]) expect((await admin.as.post(`/admin/users/${id}/approve`)).status).to.equal(200);
      // approved, the vendor holds vendor:portal: the vendor portal answers it…
      expect((await vendor.as.get('/admin/products')).status).to.equal(200);
      // …and the users module still does not
      const list = await vendor.as.get('/admin/users');
      expect(list.status).to.equal(403);
      expect(list.body).to.include({ code: 'FORBIDDEN', permission: 'users:read' });
      const other = await vendor.as.get(`/admin/users/${rival.id}`);
      expect(other.status).to.equal(403);
      expect(other.body).to.include({ code: 'FORBIDDEN', permission: 'users:read' });
      expect((await vendor.as.get('/admin/users', { query: { role: 'vendor' } })).status).to.equal(403);
      expect((await vendor.as.get(`/admin/users/${admin.id}`)).status).to.equal(403);
      expect((await vendor.as.patch(`/admin/users/${rival.id}`, { status: 'disabled' })).status).to.equal(403);
    });
  });

  describe('changes', () => {
    it('changes a role and records who did it, before/after and the request id', async () => {
      const target = await createAndLogin(store, 'promote@example.com', 'staff');
      const changed = await admin.as.patch(`/admin/users/${target.id}`, { role: 'admin' });
      expect(changed.status).to.equal(200);
      expect(changed.body).to.include({ role: 'admin' });
      expect((await target.as.get('/admin/users')).status).to.equal(200);
      const [entry] = (await auditEntries(admin, { targetId: target.id })).items;
      expect(entry).to.deep.include({
        action: 'user.role_changed',
        actor: { kind: 'user', id: admin.id },
        target: { type: 'user', id: target.id },
        before: { role: 'staff' },
        after: { role: 'admin' },
        requestId: changed.headers.get('x-request-id'),
      });
      expect(entry!.ip).to.be.a('string');
      // demoted back, by the same admin
      expect((await admin.as.patch(`/admin/users/${target.id}`, { role: 'staff' })).status).to.equal(200);
    });

    it('keeps the last active admin, and does not let an admin demote or disable themselves', async () => {
      const self = await admin.as.patch(`/admin/users/${admin.id}`, { role: 'staff' });
      expect(self.status).to.equal(409);
      expect(self.body.code).to.equal('ADMIN_SELF_CHANGE');
      expect((await admin.as.patch(`/admin/users/${admin.id}`, { status: 'disabled' })).body.code).to.equal('ADMIN_SELF_CHANGE');

      // a second admin may not remove the first when the first is the only other one… until there are two
      const deputy = await createAndLogin(store, 'deputy@example.com', 'admin');
      const demoted = await deputy.as.patch(`/admin/users/${admin.id}`, { role: 'staff' });
      expect(demoted.status).to.equal(200);
      const last = await deputy.as.patch(`/admin/users/${deputy.id}`, { role: 'staff' });
      expect(last.status).to.equal(409);
      expect(last.body.code).to.equal('ADMIN_SELF_CHANGE');
      // the deputy is now the only active admin: not even the system (a CLI command) may take that away
      await store.commerce.withScope(async (s) => {
        const service = s.cradle.adminUserService;
        const error = await service.update(deputy.id, { status: 'disabled' }).then(
          () => undefined,
          (e: any) => e,
        );
        expect(error?.code).to.equal('ADMIN_LAST_ADMIN');
      });
      expect((await deputy.as.patch(`/admin/users/${admin.id}`, { role: 'admin' })).status).to.equal(200);
      expect((await admin.as.patch(`/admin/users/${deputy.id}`, { role: 'staff' })).status).to.equal(200);
      const entries = await auditEntries(admin, { action: 'user.role_changed', targetId: admin.id });
      expect(entries.items.map((e) => [e.before.role, e.after.role])).to.deep.equal([
        ['staff', 'admin'],
        ['admin', 'staff'],
      ]);
    });

    it('lets only one of two admins demoting each other at the same time succeed', async () => {
      const twin = await createAndLogin(store, 'twin@example.com', 'admin');
      const admins = await admin.as.get('/admin/users', { query: { role: 'admin', status: 'active' } });
      expect(admins.body.items.map((u: any) => u.id).sort()).to.deep.equal([admin.id, twin.id].sort());
      const outcomes = await Promise.all([
        admin.as.patch(`/admin/users/${twin.id}`, { role: 'staff' }),
        twin.as.patch(`/admin/users/${admin.id}`, { role: 'staff' }),
      ]);
      // the loser is either refused on arrival (already demoted: 403) or while checking (last admin: 409)
      expect(outcomes.filter((r) => r.status === 200)).to.have.length(1);
      const loser = outcomes.find((r) => r.status !== 200)!;
      expect(`${loser.status} ${loser.body.code}`).to.be.oneOf(['403 FORBIDDEN', '409 ADMIN_LAST_ADMIN']);
      expect((await store.client.get('/admin/users', { headers: { authorization: `Bearer ${outcomes[0]!.status === 200 ? admin.token : twin.token}` }, query: { role: 'admin' } })).body.count).to.equal(1);
      // back to one admin, the original
      if (outcomes[0]!.status !== 200) {
        await twin.as.patch(`/admin/users/${admin.id}`, { role: 'admin' }).then(() => admin.as.patch(`/admin/users/${twin.id}`, { role: 'staff' }));
      }
    });

    it('disables an account: its token stops on the next request, sign-in is refused; re-enabling lets it sign in again', async () => {
      const victim = await createAndLogin(store, 'leaving@example.com', 'customer');
      expect((await victim.as.get('/store/me')).status).to.equal(200);
      const disabled = await admin.as.patch(`/admin/users/${victim.id}`, { status: 'disabled' });
      expect(disabled.status).to.equal(200);
      expect(disabled.body.status).to.equal('disabled');

      const next = await victim.as.get('/store/me');
      expect(next.status).to.equal(401);
      expect(next.body.code).to.equal('AUTH_SESSION_REVOKED');
      const refused = await store.client.post('/auth/login', { email: victim.email, password: STRONG_PASSWORD });
      expect(refused.status).to.equal(403);
      expect(refused.body.code).to.equal('AUTH_ACCOUNT_DISABLED');

      const enabled = await admin.as.patch(`/admin/users/${victim.id}`, { status: 'active' });
      expect(enabled.body.status).to.equal('active');
      // the old session stays ended
      expect((await victim.as.get('/store/me')).status).to.equal(401);
      const again = await login(store, victim.email);
      expect((await again.as.get('/store/me')).status).to.equal(200);

      const trail = await auditEntries(admin, { targetId: victim.id });
      expect(trail.items.map((e) => [e.action, e.before, e.after])).to.deep.equal([
        ['user.enabled', { status: 'disabled' }, { status: 'active' }],
        ['user.disabled', { status: 'active' }, { status: 'disabled' }],
      ]);
      expect(trail.items[1]!.requestId).to.equal(disabled.headers.get('x-request-id'));
      expect(trail.items[0]!.requestId).to.equal(enabled.headers.get('x-request-id'));
    });

    it('approves a pending vendor, once', async () => {
      const registered = await store.client.post('/auth/register', { email: 'newshop@vendor.example', password: STRONG_PASSWORD, name: 'New Shop', role: 'vendor' });
      expect(registered.body.user.status).to.equal('pending');
      const id = registered.body.user.id;
      const approved = await admin.as.post(`/admin/users/${id}/approve`);
      expect(approved.status).to.equal(200);
      expect(approved.body).to.include({ status: 'active', role: 'vendor' });
      const twice = await admin.as.post(`/admin/users/${id}/approve`);
      expect(twice.status).to.equal(409);
      expect(twice.body.code).to.equal('ADMIN_USER_NOT_PENDING');
      const [entry] = (await auditEntries(admin, { action: 'user.approved', targetId: id })).items;
      expect(entry).to.deep.include({ before: { status: 'pending' }, after: { status: 'active', role: 'vendor' }, requestId: approved.headers.get('x-request-id') });
    });

    it('refuses an unknown role and leaves the account unchanged', async () => {
      const target = await createAndLogin(store, 'unchanged@example.com', 'customer');
      const response = await admin.as.patch(`/admin/users/${target.id}`, { role: 'wizard', status: 'disabled' });
      expect(response.status).to.equal(400);
      expect(response.body.code).to.equal('ROLE_UNKNOWN');
      expect((await admin.as.get(`/admin/users/${target.id}`)).body).to.include({ role: 'customer', status: 'active' });
      expect((await target.as.get('/store/me')).status).to.equal(200);
      expect((await auditEntries(admin, { targetId: target.id })).count).to.equal(0);
    });
  });
});
