import { expect } from 'chai';
import { createCommerce, definePlugin, defineRoute, Type } from '@cartwright/core';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { rejectionOf } from '../../support/rejection.ts';
import { registerAndLogin, STRONG_PASSWORD } from './auth-helpers.ts';

const moderation = definePlugin({
  name: '@fixtures/plugin-moderation',
  version: '1.0.0',
  register(api) {
    api.routes('/admin/moderation', [
      defineRoute({
        method: 'GET',
        path: '/queue',
        summary: 'The moderation queue',
        access: { permission: 'reviews:moderate' },
        schema: { response: { 200: Type.Object({ actor: Type.String() }) } },
        handler: ({ actor }) => ({ actor: actor.kind === 'user' ? actor.role : actor.kind }),
      }),
    ]);
  },
});

describe('access control', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore({ plugins: [moderation()] });
  });
  after(() => store.stop());

  it('declares a permission on every /admin route (walking the mounted routes)', () => {
    const admin = store.commerce.routes.filter((r) => r.fullPath.startsWith('/admin'));
    expect(admin).not.to.be.empty;
    for (const route of admin) {
      expect(route.access, `${route.route.method} ${route.fullPath}`).to.be.an('object').with.property('permission');
      // one permission, or a list of which any one will do (staff or a vendor scoped by the handler)
      const named = (route.access as { permission: string | readonly string[] }).permission;
      for (const permission of typeof named === 'string' ? [named] : named) expect(permission).to.match(/^[a-z-]+:[a-z-*]+$/);
    }
  });

  it('refuses to start with an /admin route that declares no permission', async () => {
    const careless = definePlugin({
      name: '@fixtures/plugin-careless',
      version: '1.0.0',
      register: (api) =>
        api.routes('/admin/careless', [defineRoute({ method: 'GET', path: '/', summary: 'Open', schema: { response: { 204: null } }, handler: () => undefined })]),
    })();
    const error = await rejectionOf(createCommerce({ database: { dataDir: 'memory://' }, logging: { level: 'silent' }, plugins: [careless] }));
    expect(error.message).to.equal(
      "Plugin \"@fixtures/plugin-careless\" failed to register: route GET /admin/careless must declare the permission it needs (access: { permission: '…' })",
    );
  });

  it('answers 401 without a token, 403 to a customer, and lets an admin through', async () => {
    expect((await store.client.get('/admin/moderation/queue')).status).to.equal(401);
    const { as: customer } = await registerAndLogin(store, 'curious@example.com');
    const refused = await customer.get('/admin/moderation/queue');
    expect(refused.status).to.equal(403);
    expect(refused.body).to.include({ code: 'FORBIDDEN', permission: 'reviews:moderate' });

    await store.commerce.withScope((s) => s.cradle.userService.create({ email: 'boss@example.com', role: 'admin', password: STRONG_PASSWORD }));
    const login = await store.client.post('/auth/login', { email: 'boss@example.com', password: STRONG_PASSWORD });
    const allowed = await store.client.get('/admin/moderation/queue', { headers: { authorization: `Bearer ${login.body.accessToken}` } });
    expect(allowed.status).to.equal(200);
    expect(allowed.body).to.deep.equal({ actor: 'admin' });
  });

  it('marks protected operations in the OpenAPI document with the bearer scheme and their permission', async () => {
    const { body: doc } = await store.client.get('/openapi.json');
    expect(doc.components.securitySchemes.bearerAuth).to.include({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/admin/moderation/queue'].get).to.include({ 'x-permission': 'reviews:moderate' });
    expect(doc.paths['/store/me'].get.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(doc.paths['/auth/login'].post).not.to.have.property('security');
  });
});

describe('admin routes against non-staff callers', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore();
  });
  after(() => store.stop());

  /** Every mounted /admin route with its path parameters filled in with plausible values. */
  const adminRequests = () =>
    store.commerce.routes
      .filter((r) => r.fullPath.startsWith('/admin'))
      .map((r) => ({ method: r.route.method, path: r.fullPath.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => `${name}_01abc`) }));

  it('answers 401 to anonymous callers on every /admin route', async () => {
    const requests = adminRequests();
    expect(requests.length).to.be.greaterThan(5);
    for (const { method, path } of requests) {
      const res = await store.client.request(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
      expect(res.status, `${method} ${path}`).to.equal(401);
    }
  });

  it('answers 403 to a customer on every /admin route, before looking at the input', async () => {
    const { as: customer } = await registerAndLogin(store, 'customer-walk@example.com');
    for (const { method, path } of adminRequests()) {
      const res = await customer.request(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
      expect(res.status, `${method} ${path}`).to.equal(403);
      expect(res.body.code).to.equal('FORBIDDEN');
    }
  });

  it('answers 403 to an approved vendor on every /admin route that does not accept vendor:portal', async () => {
    const vendorEmail = 'vendor-walk@example.com';
    const registered = await store.client.post('/auth/register', { email: vendorEmail, password: STRONG_PASSWORD, name: 'Vendor', role: 'vendor' });
    await store.commerce.withScope((s) => s.cradle.userService.create({ email: 'approver@example.com', role: 'admin', password: STRONG_PASSWORD }));
    const adminLogin = await store.client.post('/auth/login', { email: 'approver@example.com', password: STRONG_PASSWORD });
    const approved = await store.client.post(`/admin/users/${registered.body.user.id}/approve`, undefined, { headers: { authorization: `Bearer ${adminLogin.body.accessToken}` } });
    expect(approved.status, approved.text).to.equal(200);
    const vendorLogin = await store.client.post('/auth/login', { email: vendorEmail, password: STRONG_PASSWORD });
    const vendor = store.client.with({ authorization: `Bearer ${vendorLogin.body.accessToken}` });

    const acceptsVendors = (r: (typeof store.commerce.routes)[number]) => {
      const named = (r.access as { permission: string | readonly string[] }).permission;
      return (typeof named === 'string' ? [named] : named).includes('vendor:portal');
    };
    const admin = store.commerce.routes.filter((r) => r.fullPath.startsWith('/admin'));
    const portal = admin.filter(acceptsVendors);
    const closed = admin.filter((r) => !acceptsVendors(r));
    expect(portal, 'routes of the vendor portal').not.to.be.empty;
    expect(closed.map((r) => r.fullPath)).to.include.members(['/admin/users', '/admin/users/:id', '/admin/roles', '/admin/audit-log', '/admin/api-keys']);
    // the vendor holds vendor:portal: a portal route lets it through
    expect((await vendor.get('/admin/products')).status).to.equal(200);
    for (const r of closed) {
      const path = r.fullPath.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => `${name}_01abc`);
      const res = await vendor.request(r.route.method, path, r.route.method === 'GET' || r.route.method === 'DELETE' ? {} : { body: {} });
      expect(res.status, `${r.route.method} ${path}`).to.equal(403);
      expect(res.body.code).to.equal('FORBIDDEN');
    }
  });
});
