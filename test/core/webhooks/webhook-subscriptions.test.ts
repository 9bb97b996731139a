import { expect } from 'chai';
import { refusedUrl } from '../../../core/src/modules/webhooks/webhook-target.ts';
import { auditEntries, createAndLogin } from '../admin/admin-helpers.ts';
import { expectFieldProblem, expectProblem } from '../taxonomy/taxonomy-helpers.ts';
import { createWebhookWorld, type WebhookWorld } from './webhook-helpers.ts';

describe('outgoing webhooks: subscriptions', () => {
  let w: WebhookWorld;
  before(async () => {
    w = await createWebhookWorld();
  });
  after(() => w.close());

  const count = async () => (await w.admin.as.get('/admin/webhooks')).body.items.length as number;

  it('refuses private, loopback-looking, link-local and metadata addresses with 422 naming url, writing nothing', async () => {
    const before = await count();
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.5/hook',
      'https://172.16.3.4/hook',
      'https://192.168.1.10/hook',
      'https://100.64.0.1/hook',
      'https://0.0.0.0/hook',
      'https://[fd00::1]/hook',
      'https://[fe80::1]/hook',
      'https://[::ffff:169.254.169.254]/hook',
      'https://metadata.google.internal/computeMetadata/v1/',
      'http://example.com/hook',
      'ftp://example.com/hook',
      'not a url',
    ]) {
      const response = await w.admin.as.post('/admin/webhooks', { url, eventTypes: ['order.placed'] });
      const body = expectFieldProblem(response, 422, 'WEBHOOK_URL_REFUSED', '/url');
      expect(body.errors[0].rule, url).to.equal('allowedTarget');
    }
    const created = await w.subscribe({ url: 'https://crm.example.com/hooks', eventTypes: ['order.placed'] });
    const patched = await w.admin.as.patch(`/admin/webhooks/${created.id}`, { url: 'https://169.254.169.254/', description: 'moved' });
    expectFieldProblem(patched, 422, 'WEBHOOK_URL_REFUSED', '/url');
    expect((await w.admin.as.get(`/admin/webhooks/${created.id}`)).body).to.include({ url: 'https://crm.example.com/hooks', description: '' });
    expect(await count()).to.equal(before + 1);
  });

  it('allows loopback over http only when webhooks.allowLoopback is on', () => {
    const off = { allowLoopback: false };
    const on = { allowLoopback: true };
    for (const url of ['http://127.0.0.1:8080/h', 'https://127.0.0.1/h', 'http://localhost/h', 'https://localhost/h', 'https://[::1]/h', 'https://2130706433/h', 'https://0x7f.1/h']) {
      expect(refusedUrl(url, off), url).to.be.a('string');
    }
    expect(refusedUrl('http://127.0.0.1:8080/h', on)).to.equal(undefined);
    expect(refusedUrl('http://localhost:3000/h', on)).to.equal(undefined);
    expect(refusedUrl('http://10.0.0.1/h', on), 'private stays refused').to.be.a('string');
    expect(refusedUrl('https://hooks.example.com/h', off)).to.equal(undefined);
  });

  it('names the field and the rule of invalid input', async () => {
    const unknown = await w.admin.as.post('/admin/webhooks', { url: 'https://crm.example.com/a', eventTypes: ['order.placed', 'order.teleported'] });
    const body = expectFieldProblem(unknown, 422, 'WEBHOOK_EVENT_TYPE_UNKNOWN', '/eventTypes/1');
    expect(body.errors).to.have.length(1);
    expect(body.errors[0].rule).to.equal('knownEventType');

    const missing = await w.admin.as.post('/admin/webhooks', { eventTypes: ['order.placed'] });
    expect(missing.status, missing.text).to.equal(400);
    expect(missing.body.errors.map((e: any) => e.rule)).to.include('required');
    const empty = await w.admin.as.post('/admin/webhooks', { url: 'https://crm.example.com/a', eventTypes: [] });
    expect(empty.status).to.equal(400);
    expect(empty.body.errors[0].pointer).to.equal('/eventTypes');
    const attempts = await w.admin.as.post('/admin/webhooks', { url: 'https://crm.example.com/a', eventTypes: ['*'], maxAttempts: 99 });
    expect(attempts.status).to.equal(400);
    expect(attempts.body.errors[0].pointer).to.equal('/maxAttempts');
    expectProblem(await w.admin.as.get('/admin/webhooks/whk_missing'), 404, 'WEBHOOK_NOT_FOUND');
    expectProblem(await w.admin.as.post('/admin/webhooks/whk_missing/rotate-secret', {}), 404, 'WEBHOOK_NOT_FOUND');
    expectProblem(await w.admin.as.get('/admin/webhooks/whk_missing/deliveries'), 404, 'WEBHOOK_NOT_FOUND');
  });

  it('shows the secret only on create and rotate, audits every write, and answers only to settings:write', async () => {
    const created = await w.subscribe({ url: 'https://mail.example.com/in', eventTypes: ['*'], description: 'Newsletter tool' });
    expect(created).to.include({ url: 'https://mail.example.com/in', active: true, maxAttempts: null, previousSecretExpiresAt: null });
    const listed = (await w.admin.as.get('/admin/webhooks')).body.items.find((s: any) => s.id === created.id);
    expect(listed).to.not.have.property('secret');
    expect(JSON.stringify((await w.admin.as.get('/admin/webhooks')).body)).to.not.include(created.secret);

    await w.admin.as.patch(`/admin/webhooks/${created.id}`, { eventTypes: ['order.placed', 'order.shipped'] });
    await w.admin.as.post(`/admin/webhooks/${created.id}/rotate-secret`, { gracePeriodSeconds: 0 });
    expect((await w.admin.as.delete(`/admin/webhooks/${created.id}`)).status).to.equal(204);
    const audit = await auditEntries(w.admin, { targetId: created.id });
    expect(audit.items.map((e) => e.action).sort()).to.deep.equal(['webhook.created', 'webhook.deleted', 'webhook.secret_rotated', 'webhook.updated']);
    expect(JSON.stringify(audit.items)).to.not.include(created.secret);

    const types = await w.admin.as.get('/admin/webhooks/event-types');
    expect(types.body.items).to.include.members(['order.placed', 'tag.created', 'user.registered']);
    expect(types.body.retryDelaysSeconds[0]).to.equal(30);

    const staff = await createAndLogin(w.store, 'webhooks-staff@example.com', 'staff');
    expectProblem(await staff.as.get('/admin/webhooks'), 403, 'FORBIDDEN');
    expectProblem(await staff.as.post('/admin/webhooks', { url: 'https://x.example.com', eventTypes: ['*'] }), 403, 'FORBIDDEN');
  });
});
