import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createCommerce, definePlugin, defineRoute, Type } from '@cartwright/core';
import { createTestDatabase, createTestStore, eventually } from '@cartwright/core/testing';
import { rejectionOf } from '../../support/rejection.ts';

describe('health and readiness', () => {
  it('answers /health and /ready while the database is up', async () => {
    const store = await createTestStore();
    try {
      expect((await store.client.get('/health')).body).to.deep.equal({ status: 'ok' });
      const ready = await store.client.get('/ready');
      expect(ready.status).to.equal(200);
      expect(ready.body.checks.map((c: { name: string }) => c.name)).to.include.members(['database', 'jobs']);
    } finally {
      await store.stop();
    }
  });

  it('fails /ready with a 503 problem when the database is down', async () => {
    const store = await createTestStore();
    try {
      if (store.database.config.url) {
        // PostgreSQL: the database itself goes away (connections are terminated, new ones refused)
        const admin = new pg.Client({ connectionString: store.database.config.url.replace(/\/[^/]+$/, '/postgres') });
        await admin.connect();
        const name = new URL(store.database.config.url).pathname.slice(1);
        await admin.query(`drop database ${name} with (force)`);
        await admin.end();
      } else {
        // embedded: the database is closed underneath the running store
        await store.commerce.database.close();
      }
      const res = await store.client.get('/ready');
      expect(res.status).to.equal(503);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(res.headers.get('retry-after')).to.equal('5');
      expect(res.body.code).to.equal('SERVICE_UNAVAILABLE');
      expect(res.body.checks.find((c: { name: string }) => c.name === 'database')).to.include({ ok: false });
      expect((await store.client.get('/health')).status).to.equal(200);
    } finally {
      await store.commerce.stop().catch(() => undefined);
      await store.database.drop();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, then refuses new connections', async () => {
    let release!: () => void;
    let started!: () => void;
    const requestStarted = new Promise<void>((resolve) => (started = resolve));
    const slow = definePlugin({
      name: '@fixtures/plugin-slow',
      version: '1.0.0',
      register(api) {
        api.routes('/fixtures', [
          defineRoute({
            method: 'GET',
            path: '/slow',
            summary: 'Answers when released',
            schema: { response: { 200: Type.Object({ finished: Type.Boolean() }) } },
            handler: async () => {
              started();
              await new Promise<void>((resolve) => (release = resolve));
              return { finished: true };
            },
          }),
        ]);
      },
    });
    const store = await createTestStore({ plugins: [slow()] });
    const inFlight = store.client.get('/fixtures/slow');
    await requestStarted;
    const stopped = store.commerce.stop();
    // the server stops accepting before the in-flight request is done
    await eventually(async () => {
      let refused = false;
      await fetch(`${store.url}/health`).catch(() => (refused = true));
      expect(refused).to.equal(true);
    });
    release();
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ finished: true });
    await stopped;
    await store.database.drop();
  });
});

describe('background jobs', () => {
  it('run a job a plugin defined, enqueued from a request', async () => {
    const runs: string[] = [];
    const jobsPlugin = definePlugin({
      name: '@fixtures/plugin-jobs',
      version: '1.0.0',
      register(api) {
        api.job<{ word: string }>('fixtures.say', async (data) => {
          runs.push(data.word);
        });
        api.routes('/fixtures', [
          defineRoute({
            method: 'POST',
            path: '/say',
            summary: 'Enqueues a job',
            schema: { body: Type.Object({ word: Type.String() }), response: { 202: Type.Object({ jobId: Type.String() }) } },
            handler: async ({ body, cradle }) => ({ jobId: await cradle.jobs.now('fixtures.say', { word: body.word }) }),
          }),
        ]);
      },
    });
    const store = await createTestStore({ plugins: [jobsPlugin()] }, { backgroundWork: true });
    try {
      const res = await store.client.post('/fixtures/say', { word: 'hello' });
      expect(res.status).to.equal(202);
      await eventually(() => expect(runs).to.deep.equal(['hello']));
    } finally {
      await store.stop();
    }
  });

  it('refuses to enqueue a job nobody defined', async () => {
    const store = await createTestStore();
    try {
      expect((await rejectionOf(store.commerce.jobs.now('nobody.defined', {}))).message).to.equal('Job "nobody.defined" is not defined');
    } finally {
      await store.stop();
    }
  });
});

describe('database', () => {
  it('keeps concurrent units of work isolated (an open transaction is invisible to others)', async () => {
    let inside!: () => void;
    let finish!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const database = await createTestDatabase();
    const commerce = await createCommerce({ logging: { level: 'silent' }, database: database.config, jobs: { enabled: false } });
    try {
      await commerce.migrate();
      const writer = commerce.withScope((scope) =>
        scope.cradle.em.transactional(async (em) => {
          await em.execute(`insert into cw_outbox_event (id, name, payload, occurred_at) values ('evt_isolation', 'x', '{}', now())`);
          inside();
          await gate;
          throw new Error('roll back');
        }),
      ).catch((error: Error) => error.message);
      await entered;
      const reader = commerce.withScope((scope) => scope.cradle.em.execute<Array<{ n: string }>>(`select count(*) as n from cw_outbox_event where id = 'evt_isolation'`));
      finish();
      expect(Number((await reader)[0]!.n)).to.equal(0);
      expect(await writer).to.equal('roll back');
    } finally {
      await commerce.stop();
      await database.drop();
    }
  });

  it('lets one process at a time open an embedded data directory, taking over a dead one\'s lock', async () => {
    const tmp = fileURLToPath(new URL('../../.tmp/', import.meta.url));
    mkdirSync(tmp, { recursive: true });
    const dataDir = mkdtempSync(join(tmp, 'lock-'));
    const config = { logging: { level: 'silent' as const }, database: { dataDir }, jobs: { enabled: false } };
    try {
      const first = await createCommerce(config);
      expect((await rejectionOf(createCommerce(config))).message).to.match(/^The embedded database in .* is in use by process \d+\./);
      await first.stop();
      // a lock whose process is gone (killed, crashed) does not block the next start
      writeFileSync(join(dataDir, 'cartwright.lock'), '999999999');
      const second = await createCommerce(config);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('has migrations that create every table and column the entities describe, with their types', async () => {
    const database = await createTestDatabase();
    const commerce = await createCommerce({ logging: { level: 'silent' }, database: database.config, jobs: { enabled: false } });
    try {
      await commerce.migrate();
      const diff = await commerce.database.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false });
      // indexes, checks and foreign keys live in the migrations only (partial indexes, lower(email)),
      // and tables no entity describes belong to libraries (rate-limit counters), so only table- and
      // column-level differences of entity tables count as drift
      const drift = diff
        .split(';')
        .map((statement) => statement.trim())
        .filter((statement) => statement && !/^(drop index|create index|create unique index|alter table \S+ drop constraint|drop table)/i.test(statement));
      expect(drift).to.deep.equal([]);
    } finally {
      await commerce.stop();
      await database.drop();
    }
  });
});

