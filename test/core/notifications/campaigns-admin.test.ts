import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { auditEntries, createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';
import { campaign, campaigns, CONTENT, customer, draft, seconds } from './campaign-helpers.ts';
import { sql } from './delivery-helpers.ts';

describe('notifications › campaign administration', function () {
  this.timeout(120_000);
  let store: TestStore;
  let admin: SignedIn;
  let staff: SignedIn;

  before(async () => {
    store = await createTestStore({ notifications: { defaultLocale: 'de' } });
    admin = await createAndLogin(store, 'campaigns-admin@example.com', 'admin');
    staff = await createAndLogin(store, 'campaigns-customer@example.com', 'customer');
  });
  after(async () => {
    await store?.stop();
  });

  const content = { de: { subject: 'Frühlingsangebot bei {{store.name}}', html: '<p>Hallo {{recipient.name}}</p>', text: 'Hallo {{recipient.name}}' }, ...CONTENT };
  const path = (id: string, action = '') => `/admin/notifications/campaigns/${id}${action ? `/${action}` : ''}`;
  const act = (id: string, action: string, body: Record<string, unknown> = {}) => admin.as.post(path(id, action), body);
  const expectState = (response: { status: number; text: string; body: any }, status: string) => {
    expect(response.status, response.text).to.equal(409);
    expect(response.body.code).to.equal('NOTIFICATION_CAMPAIGN_STATE');
    expect(response.body.currentStatus).to.equal(status);
    expect(response.body.detail).to.contain(` is ${status};`);
  };

  it('creates, shows, edits and deletes a draft, storing its content as templates the template editor does not show', async () => {
    const created = await draft(admin, { content, segment: {} });
    expect(created).to.include({ status: 'draft', name: 'Spring sale', ratePerMinute: null });
    expect(created.locales).to.deep.equal(['de', 'en']);
    expect(created.content.de.subject).to.equal(content.de.subject);
    expect(created.counts).to.include({ audience: 0, pending: 0 });

    const changed = await admin.as.patch(path(created.id), { name: 'Summer sale', content: { de: content.de }, ratePerMinute: 50 });
    expect(changed.status, changed.text).to.equal(200);
    expect(changed.body).to.include({ name: 'Summer sale', ratePerMinute: 50 });
    expect(changed.body.locales).to.deep.equal(['de']);

    const templates = await admin.as.get('/admin/notifications/templates');
    expect(templates.status).to.equal(200);
    expect(templates.body.items.some((t: any) => t.template.startsWith('campaign:'))).to.equal(false);
    const [{ n: stored }] = await sql(store, `select count(*)::int as n from cw_notification_template where template = ?`, [`campaign:${created.id}`]);
    expect(stored).to.equal(1);
    const viaEditor = await admin.as.put(`/admin/notifications/templates/${encodeURIComponent(`campaign:${created.id}`)}/email/de`, content.de);
    expect(viaEditor.status).to.be.within(400, 404);

    const preview = await act(created.id, 'preview', { locale: 'fr' });
    expect(preview.status, preview.text).to.equal(200);
    expect(preview.body.locale).to.equal('de');
    expect(preview.body.subject).to.equal('Frühlingsangebot bei Example Store');
    expect(preview.body.text).to.equal('Hallo Alex Example');
    expect(preview.body.html).to.contain('Hallo Alex Example');

    expect((await admin.as.delete(path(created.id))).status).to.equal(204);
    expect((await admin.as.get(path(created.id))).status).to.equal(404);
    const [{ n: left }] = await sql(store, `select count(*)::int as n from cw_notification_template where template = ?`, [`campaign:${created.id}`]);
    expect(left).to.equal(0);
    const audit = await auditEntries(admin, { targetId: created.id });
    expect(audit.items.map((e) => e.action).sort()).to.deep.equal(['notification_campaign.changed', 'notification_campaign.created', 'notification_campaign.deleted']);
  });

  it('refuses bad content with the field named, and content without the store’s default locale', async () => {
    const refused = async (body: Record<string, unknown>) => admin.as.post('/admin/notifications/campaigns', { name: 'Bad', segment: {}, ...body });
    const noDefault = await refused({ content: CONTENT });
    expect(noDefault.status).to.equal(422);
    expect(noDefault.body.code).to.equal('NOTIFICATION_CAMPAIGN_INVALID');
    expect(noDefault.body.errors[0]).to.include({ pointer: '/content/de', rule: 'required' });
    const unknownVariable = await refused({ content: { de: { ...content.de, text: 'Your order {{order.number}}' } } });
    expect(unknownVariable.status).to.equal(422);
    expect(unknownVariable.body.code).to.equal('NOTIFICATION_TEMPLATE_VARIABLE_UNKNOWN');
    expect(unknownVariable.body.errors[0].pointer).to.equal('/content/de/text');
    const badSyntax = await refused({ content: { de: { ...content.de, html: '<p>{{#if recipient.name}}</p>' } } });
    expect(badSyntax.status).to.equal(422);
    expect(badSyntax.body.errors[0].pointer).to.equal('/content/de/html');
    const badLocale = await refused({ content: { ...content, 'not a locale': content.de } });
    expect(badLocale.status).to.equal(422);
    expect(badLocale.body.errors[0].pointer).to.equal('/content/not a locale');
    const extra = await refused({ content, colour: 'red' });
    expect(extra.status).to.equal(400);
    const empty = await refused({ content: {} });
    expect(empty.status).to.equal(400);
    const forbidden = await staff.as.get('/admin/notifications/campaigns');
    expect(forbidden.status).to.equal(403);
    expect((await admin.as.get(path('camp_missing'))).status).to.equal(404);
    expect((await act('camp_missing', 'pause')).body.code).to.equal('NOTIFICATION_CAMPAIGN_NOT_FOUND');
  });

  it('refuses every illegal transition with 409 naming the current status, and edits after scheduling', async () => {
    const created = await draft(admin, { content, segment: {} });
    for (const action of ['pause', 'resume', 'unschedule']) expectState(await act(created.id, action), 'draft');
    const sendAt = new Date(Date.now() + 24 * 3_600_000);
    const scheduled = await act(created.id, 'schedule', { sendAt: sendAt.toISOString() });
    expect(scheduled.body).to.include({ status: 'scheduled', scheduledAt: sendAt.toISOString() });
    expectState(await act(created.id, 'schedule'), 'scheduled');
    expectState(await act(created.id, 'resume'), 'scheduled');
    expectState(await admin.as.patch(path(created.id), { name: 'Changed' }), 'scheduled');
    expectState(await admin.as.delete(path(created.id)), 'scheduled');

    // paused before it started: resuming waits for its time again
    expect((await act(created.id, 'pause')).body.status).to.equal('paused');
    expectState(await act(created.id, 'pause'), 'paused');
    expectState(await act(created.id, 'unschedule'), 'paused');
    expect((await act(created.id, 'resume')).body.status).to.equal('scheduled');
    expect((await act(created.id, 'unschedule')).body).to.include({ status: 'draft', scheduledAt: null });
    expect((await admin.as.patch(path(created.id), { name: 'Changed' })).status).to.equal(200);

    expect((await act(created.id, 'cancel')).body.status).to.equal('cancelled');
    for (const action of ['schedule', 'pause', 'resume', 'cancel', 'unschedule']) expectState(await act(created.id, action), 'cancelled');
    expectState(await admin.as.patch(path(created.id), { name: 'Again' }), 'cancelled');

    const bad = await act(created.id, 'schedule', { sendAt: 'tomorrow' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/sendAt');
  });

  it('starts a campaign once when two admins schedule it at the same moment, and a sent campaign cannot be cancelled', async () => {
    await customer(store, 'race-1@example.com', { locale: 'de-race' });
    const created = await draft(admin, { content, segment: { filter: [{ field: 'locale', op: 'eq', value: 'de-race' }] } });
    const responses = await Promise.all([act(created.id, 'schedule'), act(created.id, 'schedule')]);
    expect(responses.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    const audit = await auditEntries(admin, { targetId: created.id, action: 'notification_campaign.scheduled' });
    expect(audit.count).to.equal(1);

    const now = seconds(new Date(), 1);
    const [first, second] = await Promise.all([campaigns(store).dispatch(now), campaigns(store).dispatch(now)]);
    expect([...first!.started, ...second!.started].filter((id) => id === created.id)).to.have.length(1);
    const [{ n }] = await sql(store, `select count(*)::int as n from cw_notification_message where event_id = ?`, [`campaign:${created.id}`]);
    expect(n).to.equal(1);
    const sent = await campaign(admin, created.id);
    expect(sent.status).to.equal('sent');
    expectState(await act(created.id, 'cancel'), 'sent');
    expectState(await act(created.id, 'pause'), 'sent');
  });
});
