import { expect } from 'chai';
import { createCommerce, definePlugin, defineRoute, PluginError, Type } from '@cartwright/core';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createNotesPlugin, newControls, type NotesPluginControls } from '../../support/notes-plugin.ts';
import { rejectionOf } from '../../support/rejection.ts';
import { registerAndLogin } from '../auth/auth-helpers.ts';
import { coreMigrations } from '../../../core/migrations/index.ts';

describe('plugins', () => {
  let store: TestStore;
  let controls: NotesPluginControls;

  const recorder = (name: string, log: string[]) =>
    definePlugin({
      name,
      version: '0.0.1',
      register(api) {
        log.push(name);
        api.filter('notes.beforeCreate', (value) => ({ text: `${value.text} [${name}]` }));
      },
    });

  before(async () => {
    controls = newControls();
    store = await createTestStore({
      plugins: [recorder('@fixtures/first', controls.order)(), createNotesPlugin(controls)({ prefix: '/fixtures', maxLength: 200 }), recorder('@fixtures/last', controls.order)()],
    });
  });
  after(() => store.stop());

  it('load after the core modules, in config order', () => {
    expect(controls.order).to.deep.equal(['@fixtures/first', '@fixtures/plugin-notes', '@fixtures/last']);
    // every core module first (users and auth lead; more arrive with each domain), then plugins in config order
    const names = store.commerce.plugins.map((p) => p.name);
    const core = names.filter((name) => name.startsWith('@cartwright/core/'));
    expect(core.slice(0, 2)).to.deep.equal(['@cartwright/core/users', '@cartwright/core/auth']);
    expect(names).to.deep.equal([...core, '@fixtures/first', '@fixtures/plugin-notes', '@fixtures/last']);
  });

  it('register an entity whose migration ran, a scoped service and a route', async () => {
    const created = await store.client.post('/fixtures/notes', { text: '  hello  ' });
    expect(created.status).to.equal(201);
    const rows = await store.commerce.withScope((scope) => scope.cradle.em.execute('select text from fx_note where id = ?', [created.body.id]));
    expect(rows).to.have.length(1);
    const applied = await store.commerce.withScope((scope) => scope.cradle.em.execute<Array<{ name: string }>>('select name from cw_migrations order by id'));
    expect(applied.map((r) => r.name)).to.deep.equal([...coreMigrations.map((m) => m.name), 'fixtures-notes/0001-create']);
  });

  it('run filters in config order, each seeing the previous one\'s result', async () => {
    const created = await store.client.post('/fixtures/notes', { text: 'ordered' });
    // the notes plugin trims; the recorders append in load order
    expect(created.body.text).to.equal('ordered [@fixtures/first] [@fixtures/last]');
  });

  it('let a filter veto the operation with a 422 problem, writing nothing', async () => {
    const before = (await store.client.get('/fixtures/notes')).body.count;
    const res = await store.client.post('/fixtures/notes', { text: 'a forbidden note' });
    expect(res.status).to.equal(422);
    expect(res.body).to.include({ code: 'HOOK_VETOED', detail: 'Notes may not contain the word "forbidden"' });
    expect((await store.client.get('/fixtures/notes')).body.count).to.equal(before);
  });

  it('deliver events to their subscribers after commit', async () => {
    const created = await store.client.post('/fixtures/notes', { text: 'to deliver' });
    await store.deliverEvents();
    const delivered = controls.deliveries.find((e) => e.payload.noteId === created.body.id);
    expect(delivered).to.include({ name: 'note.created', attempt: 1 });
    expect(delivered!.dedupeKey).to.equal(`${delivered!.id}:@fixtures/plugin-notes/record`);
    // the subscriber resolved a scoped service from its own unit of work
    expect(controls.notesSeenBySubscriber.at(-1)).to.be.greaterThan(0);
  });

});

describe('the per-request scope', () => {
  let store: TestStore;

  // answers with what the request's own container scope holds
  const scopeProbe = definePlugin({
    name: '@fixtures/plugin-scope-probe',
    version: '0.0.1',
    register(api) {
      api.routes('/fixtures/scope', [
        defineRoute({
          method: 'GET',
          path: '/',
          summary: 'What the request scope holds',
          schema: {
            response: {
              200: Type.Object({
                kind: Type.String(),
                userId: Type.Union([Type.String(), Type.Null()]),
                role: Type.Union([Type.String(), Type.Null()]),
                sameAsHandlerActor: Type.Boolean(),
                requestId: Type.String(),
                entityManagerId: Type.Integer(),
              }),
            },
          },
          handler: ({ cradle, actor }) => {
            const current = cradle.actor;
            return {
              kind: current.kind,
              userId: current.kind === 'user' ? current.userId : null,
              role: current.kind === 'user' ? current.role : null,
              sameAsHandlerActor: current === actor,
              requestId: cradle.requestId,
              entityManagerId: cradle.em.id,
            };
          },
        }),
      ]);
    },
  });

  before(async () => {
    store = await createTestStore({ plugins: [scopeProbe()] });
  });
  after(() => store.stop());

  it('holds the authenticated user as the current actor of a request with a bearer token', async () => {
    const { user, as: customer } = await registerAndLogin(store, 'scope-probe@example.com');
    const res = await customer.get('/fixtures/scope');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ kind: 'user', userId: user.id, role: 'customer', sameAsHandlerActor: true });
    expect(res.body.requestId).to.equal(res.headers.get('x-request-id'));
  });

  it('holds an anonymous actor, its own request id and its own EntityManager for each request without a token', async () => {
    const [first, second] = await Promise.all([store.client.get('/fixtures/scope'), store.client.get('/fixtures/scope')]);
    for (const res of [first!, second!]) {
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ kind: 'anonymous', userId: null, role: null, sameAsHandlerActor: true });
      expect(res.body.requestId).to.equal(res.headers.get('x-request-id'));
    }
    expect(first!.body.requestId).to.not.equal(second!.body.requestId);
    expect(first!.body.entityManagerId).to.not.equal(second!.body.entityManagerId);
  });
});

describe('plugin failures', () => {
  const broken = (phase: 'register' | 'start') =>
    definePlugin({
      name: '@fixtures/plugin-broken',
      version: '0.0.1',
      register(api) {
        if (phase === 'register') throw new Error('missing API key');
        api.onStart(() => {
          throw new Error('cannot reach the carrier');
        });
      },
    })();

  it('name the plugin that failed to register', async () => {
    const caught = await rejectionOf(createCommerce({ database: { dataDir: 'memory://' }, logging: { level: 'silent' }, plugins: [broken('register')] }));
    expect(caught).to.be.instanceOf(PluginError);
    expect(caught.message).to.equal('Plugin "@fixtures/plugin-broken" failed to register: missing API key');
  });

  it('name the plugin that failed to start', async () => {
    const caught = await rejectionOf(createTestStore({ plugins: [broken('start')] }));
    expect(caught.message).to.equal('Plugin "@fixtures/plugin-broken" failed to start: cannot reach the carrier');
  });

  it('refuse two plugins mounting the same method and path', async () => {
    const mount = (name: string) =>
      definePlugin({
        name,
        version: '1.0.0',
        register: (api) =>
          api.routes('/store/hello', [
            defineRoute({ method: 'GET', path: '/', summary: 'Hello', schema: { response: { 204: null } }, handler: () => undefined }),
          ]),
      })();
    const caught = await rejectionOf(createCommerce({ database: { dataDir: 'memory://' }, logging: { level: 'silent' }, plugins: [mount('@fixtures/a'), mount('@fixtures/b')] }));
    expect(caught.message).to.equal('Plugin "@fixtures/b" failed to register: route GET /store/hello is already mounted by @fixtures/a');
  });

  it('refuse two plugins claiming the same container key', async () => {
    const claim = (name: string) =>
      definePlugin({ name, version: '1.0.0', register: (api) => api.value('noteService' as never, {} as never) })();
    const caught = await rejectionOf(createCommerce({ database: { dataDir: 'memory://' }, logging: { level: 'silent' }, plugins: [claim('@fixtures/a'), claim('@fixtures/b')] }));
    expect(caught.message).to.equal('Plugin "@fixtures/b" failed to register: container key "noteService" is already registered');
  });
});

describe('plugin life cycle and declarations', () => {
  it('collect admin extensions, run readiness checks, seeders, and stop hooks in reverse order', async () => {
    const stopped: string[] = [];
    let healthy = true;
    const seeded: string[] = [];
    const make = (name: string) =>
      definePlugin({
        name,
        version: '1.0.0',
        register(api) {
          api.adminExtension({ id: 'dashboard', kind: 'page', title: `${name} page`, path: `/plugins/${name}`, entry: `/admin-ext/${name}.js` });
          api.readinessCheck('upstream', async () => {
            if (!healthy) throw new Error('upstream answered 502 from 10.0.0.7');
          });
          api.demoSeed('catalogue', async ({ cradle }) => {
            seeded.push(`${name}:${typeof cradle.em.fork}`);
          });
          api.onStop(() => {
            stopped.push(name);
          });
        },
      })();
    const store = await createTestStore({ plugins: [make('@fixtures/one'), make('@fixtures/two')] });
    try {
      expect(store.commerce.adminExtensions.map((e) => [e.owner, e.id, e.path])).to.deep.equal([
        ['@fixtures/one', 'dashboard', '/plugins/@fixtures/one'],
        ['@fixtures/two', 'dashboard', '/plugins/@fixtures/two'],
      ]);
      expect((await store.client.get('/ready')).status).to.equal(200);
      healthy = false;
      const notReady = await store.client.get('/ready');
      expect(notReady.status).to.equal(503);
      expect(notReady.body.detail).to.equal('Not ready: @fixtures/one:upstream, @fixtures/two:upstream failing');
      // the reason is logged, never sent: it can name internal hosts
      expect(notReady.text).not.to.include('10.0.0.7');
      // core's own demo seeders run first, then the plugins' in config order
      expect(await store.commerce.seedDemo()).to.deep.equal(['@cartwright/core/catalog:catalog', '@fixtures/one:catalogue', '@fixtures/two:catalogue']);
      expect(seeded).to.deep.equal(['@fixtures/one:function', '@fixtures/two:function']);
      const unknown = await rejectionOf(store.commerce.seedData({ products: [] }));
      expect(unknown.message).to.equal('No module handles the seed key(s) products; known keys: users');
    } finally {
      await store.stop();
    }
    expect(stopped).to.deep.equal(['@fixtures/two', '@fixtures/one']);
  });

  it('finish stopping when an onStop hook never resolves: the hook is logged by name and left behind, later parts still run', async () => {
    const stopped: string[] = [];
    const hanging = definePlugin({ name: '@fixtures/hangs', version: '1.0.0', register: (api) => api.onStop(() => new Promise<void>(() => {})) })();
    const tidy = definePlugin({ name: '@fixtures/tidy', version: '1.0.0', register: (api) => api.onStop(() => void stopped.push('@fixtures/tidy')) })();
    // registered first, so stopped last: it runs although the hook before it hangs
    const store = await createTestStore({ plugins: [tidy, hanging], http: { shutdownTimeout: 200 } });
    const warnings: Array<Record<string, unknown>> = [];
    const warn = store.commerce.logger.warn.bind(store.commerce.logger);
    store.commerce.logger.warn = ((fields: Record<string, unknown>, message?: string) => {
      warnings.push({ ...fields, message });
      return warn(fields as never, message as never);
    }) as typeof store.commerce.logger.warn;
    await store.stop();
    expect(warnings).to.deep.equal([{ part: 'plugin onStop', plugin: '@fixtures/hangs', limitMs: 200, message: 'shutdown: plugin onStop did not finish in time; going on' }]);
    expect(stopped).to.deep.equal(['@fixtures/tidy']);
    // the database was closed after the hung hook: a query on it fails
    expect(await rejectionOf(store.commerce.database.ping())).to.be.instanceOf(Error);
  });
});

describe('plugin conflicts', () => {
  const options = { database: { dataDir: 'memory://' }, logging: { level: 'silent' as const } };

  it('refuse a plugin route that would shadow a built-in one', async () => {
    const shadow = definePlugin({
      name: '@fixtures/shadow',
      version: '1.0.0',
      register: (api) =>
        api.routes('/', [defineRoute({ method: 'GET', path: '/health', summary: 'Mine', schema: { response: { 204: null } }, handler: () => undefined })]),
    })();
    const caught = await rejectionOf(createCommerce({ ...options, plugins: [shadow] }));
    expect(caught.message).to.equal('Plugin "@fixtures/shadow" failed to register: route GET /health is already mounted by operations');
  });

  it('refuse two plugins defining the same job, naming the second', async () => {
    const job = (name: string) => definePlugin({ name, version: '1.0.0', register: (api) => api.job('shared.cleanup', () => undefined) })();
    const caught = await rejectionOf(createCommerce({ ...options, plugins: [job('@fixtures/a'), job('@fixtures/b')] }));
    expect(caught.message).to.equal('Plugin "@fixtures/b" failed to register: job "shared.cleanup" is already defined by @fixtures/a');
  });
});

describe('seed documents', () => {
  it('are applied all or nothing', async () => {
    const store = await createTestStore();
    try {
      const bad = await rejectionOf(
        store.commerce.seedData({
          users: [
            { email: 'first@example.com', role: 'staff', password: 'long enough password' },
            { email: 'second@example.com', role: 'staff' },
          ],
        }),
      );
      expect(bad.message).to.equal('users[1] (second@example.com) needs a password');
      const found = await store.commerce.withScope((scope) => scope.cradle.userService.findByEmail('first@example.com'));
      expect(found).to.equal(null);
      expect(await store.commerce.seedData({ users: [{ email: 'first@example.com', role: 'staff', password: 'long enough password' }] })).to.deep.equal(['users']);
      const created = await store.commerce.withScope((scope) => scope.cradle.userService.findByEmail('FIRST@example.com'));
      expect(created).to.include({ email: 'first@example.com', role: 'staff', status: 'active' });
    } finally {
      await store.stop();
    }
  });
});
