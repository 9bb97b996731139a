import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';
import { campaign, campaigns, customer, draft, seconds } from './campaign-helpers.ts';
import { channelsPlugin, runSendJob, ScriptedChannel, sql, UNSUBSCRIBE_SECRET } from './delivery-helpers.ts';

describe('notifications › campaign sending', function () {
  this.timeout(120_000);
  const mail = new ScriptedChannel('campaign-mail', 'email');
  let store: TestStore;
  let admin: SignedIn;

  before(async () => {
    store = await createTestStore({
      plugins: [channelsPlugin(mail)],
      notifications: { unsubscribe: { secret: UNSUBSCRIBE_SECRET, url: 'https://api.shop.example/store/notifications/unsubscribe' } },
    });
    admin = await createAndLogin(store, 'campaign-admin@example.com', 'admin');
  });
  after(async () => {
    await store?.stop();
  });

  /** `n` opted-in customers tagged with a locale of their own, so each test's segment selects only its own people. */
  const audience = async (tag: string, n: number) => {
    const made = [];
    for (let i = 0; i < n; i++) made.push(await customer(store, `${tag}-${String(i).padStart(2, '0')}@example.com`, { locale: `en-${tag}` }));
    return made;
  };
  const segmentOf = (tag: string) => ({ filter: [{ field: 'locale', op: 'eq', value: `en-${tag}` }] });
  const schedule = async (id: string, sendAt?: Date) => {
    const response = await admin.as.post(`/admin/notifications/campaigns/${id}/schedule`, sendAt ? { sendAt: sendAt.toISOString() } : {});
    expect(response.status, response.text).to.equal(200);
    return response.body;
  };
  const act = (id: string, action: string) => admin.as.post(`/admin/notifications/campaigns/${id}/${action}`, {});
  const messagesOf = (id: string) => sql(store, `select recipient_key, status from cw_notification_message where event_id = ? order by recipient_key`, [`campaign:${id}`]);
  const recipientsOf = (id: string) => sql(store, `select user_id, status, message_id, reason from cw_campaign_recipient where campaign_id = ? order by user_id`, [id]);

  it('sends a campaign whose category was deleted after scheduling back to draft with the reason; fixed and scheduled again, it starts', async () => {
    const people = await audience('gone', 2);
    const category = await admin.as.post('/admin/categories', { name: 'Deleted before the campaign' });
    expect(category.status, category.text).to.equal(201);
    const created = await draft(admin, { segment: { boughtFromCategory: { categoryId: category.body.id } } });
    const sendAt = new Date(Date.now() + 3_600_000);
    await schedule(created.id, sendAt);
    expect((await admin.as.delete(`/admin/categories/${category.body.id}`)).status).to.equal(204);

    const due = await campaigns(store).dispatch(sendAt);
    expect(due.started).not.to.include(created.id);
    expect(due.returnedToDraft).to.deep.equal([created.id]);
    const back = await campaign(admin, created.id);
    expect(back).to.include({ status: 'draft', scheduledAt: null, startedAt: null });
    expect(back.startError).to.equal(`/segment/boughtFromCategory/categoryId: no category ${category.body.id}`);
    expect(await recipientsOf(created.id)).to.deep.equal([]);
    // left for the admin: later runs neither retry nor report it again
    expect((await campaigns(store).dispatch(seconds(sendAt, 60))).returnedToDraft).to.deep.equal([]);

    const fixed = await admin.as.patch(`/admin/notifications/campaigns/${created.id}`, { segment: segmentOf('gone') });
    expect(fixed.status, fixed.text).to.equal(200);
    expect((await schedule(created.id, sendAt)).startError).to.equal(null);
    expect((await campaigns(store).dispatch(seconds(sendAt, 120))).started).to.deep.equal([created.id]);
    expect((await recipientsOf(created.id)).map((r: any) => r.user_id)).to.deep.equal(people.map((p) => p.id).sort());
  });

  it('sends a scheduled campaign only once its time has come, and a second run at the same instant sends nothing again', async () => {
    const people = await audience('sched', 3);
    const created = await draft(admin, { segment: segmentOf('sched') });
    const sendAt = new Date(Date.now() + 3_600_000);
    expect((await schedule(created.id, sendAt)).status).to.equal('scheduled');

    const early = await campaigns(store).dispatch(seconds(sendAt, -1));
    expect(early.started).not.to.include(created.id);
    expect(await recipientsOf(created.id)).to.deep.equal([]);
    expect((await campaign(admin, created.id)).status).to.equal('scheduled');

    const onTime = await campaigns(store).dispatch(sendAt);
    expect(onTime.started).to.include(created.id);
    const again = await campaigns(store).dispatch(sendAt);
    expect(again.started).not.to.include(created.id);

    const messages = await messagesOf(created.id);
    expect(messages.map((m: any) => m.recipient_key)).to.deep.equal(people.map((p) => `user:${p.id}`).sort());
    const after = await campaign(admin, created.id);
    expect(after.status).to.equal('sent');
    expect(after.startedAt).to.equal(sendAt.toISOString());
    expect(after.completedAt).to.equal(sendAt.toISOString());
    expect(after.counts).to.include({ audience: 3, queued: 3, pending: 0, suppressed: 0, cancelled: 0 });
  });

  it('hands out no more than the campaign’s rate per minute, counting from the last batch, until everyone has one message', async () => {
    const people = await audience('rate', 25);
    const created = await draft(admin, { segment: segmentOf('rate'), ratePerMinute: 10 });
    const t0 = new Date(Date.now() + 2 * 3_600_000);
    await schedule(created.id, t0);
    const queuedNow = async () => Number((await campaign(admin, created.id)).counts.queued);

    await campaigns(store).dispatch(t0);
    expect(await queuedNow()).to.equal(10);
    await campaigns(store).dispatch(seconds(t0, 6));
    expect(await queuedNow()).to.equal(11);
    await campaigns(store).dispatch(seconds(t0, 6));
    expect(await queuedNow()).to.equal(11);
    await campaigns(store).dispatch(seconds(t0, 60));
    const afterMinute = await queuedNow();
    expect(afterMinute).to.be.within(12, 21);
    expect((await campaign(admin, created.id)).status).to.equal('sending');
    let at = 60;
    for (let i = 0; i < 10 && (await campaign(admin, created.id)).status === 'sending'; i++) {
      at += 60;
      const before = await queuedNow();
      await campaigns(store).dispatch(seconds(t0, at));
      expect((await queuedNow()) - before).to.be.at.most(10);
    }
    const done = await campaign(admin, created.id);
    expect(done.status).to.equal('sent');
    expect(done.counts).to.include({ audience: 25, queued: 25, pending: 0 });
    const messages = await messagesOf(created.id);
    expect(messages).to.have.length(25);
    expect(new Set(messages.map((m: any) => m.recipient_key)).size).to.equal(25);
    expect(messages.map((m: any) => m.recipient_key).sort()).to.deep.equal(people.map((p) => `user:${p.id}`).sort());
    const recipients = await recipientsOf(created.id);
    expect(recipients.every((r: any) => r.status === 'queued' && r.message_id)).to.equal(true);
  });

  it('stops handing out batches while paused, continues where it stopped on resume, and cancel leaves the rest cancelled', async () => {
    await audience('pause', 6);
    const created = await draft(admin, { segment: segmentOf('pause'), ratePerMinute: 2 });
    const t0 = new Date(Date.now() + 3 * 3_600_000);
    await schedule(created.id, t0);
    await campaigns(store).dispatch(t0);
    expect((await campaign(admin, created.id)).counts).to.include({ queued: 2, pending: 4 });

    const paused = await act(created.id, 'pause');
    expect(paused.status, paused.text).to.equal(200);
    expect(paused.body.status).to.equal('paused');
    await campaigns(store).dispatch(seconds(t0, 120));
    await campaigns(store).dispatch(seconds(t0, 240));
    expect((await campaign(admin, created.id)).counts).to.include({ queued: 2, pending: 4 });

    const resumed = await act(created.id, 'resume');
    expect(resumed.body.status).to.equal('sending');
    await campaigns(store).dispatch(seconds(t0, 300));
    expect((await campaign(admin, created.id)).counts).to.include({ queued: 4, pending: 2 });

    const cancelled = await act(created.id, 'cancel');
    expect(cancelled.status, cancelled.text).to.equal(200);
    expect(cancelled.body.status).to.equal('cancelled');
    expect(cancelled.body.counts).to.include({ audience: 6, queued: 4, pending: 0, cancelled: 2 });
    await campaigns(store).dispatch(seconds(t0, 600));
    expect(await messagesOf(created.id)).to.have.length(4);
    const recipients = await admin.as.get(`/admin/notifications/campaigns/${created.id}/recipients`, { query: { status: 'cancelled' } });
    expect(recipients.status, recipients.text).to.equal(200);
    expect(recipients.body.count).to.equal(2);
    expect(recipients.body.items.every((r: any) => r.status === 'cancelled' && r.messageId === null)).to.equal(true);
  });

  it('honours an unsubscribe made after the audience was fixed but before the recipient’s batch', async () => {
    const [first, second] = await audience('unsub', 2);
    const created = await draft(admin, { segment: segmentOf('unsub'), ratePerMinute: 1 });
    const t0 = new Date(Date.now() + 4 * 3_600_000);
    await schedule(created.id, t0);
    await campaigns(store).dispatch(t0);
    expect((await recipientsOf(created.id)).map((r: any) => [r.user_id, r.status])).to.deep.equal([
      [first!.id, 'queued'],
      [second!.id, 'pending'],
    ]);

    // the link from the email the second recipient got from an earlier campaign, clicked as a mail client's one-click does
    const link = new URL(store.commerce.container.cradle.unsubscribeLinks.url({ subject: `user:${second!.id}`, category: 'marketing', channel: 'email' }));
    const unsubscribed = await store.client.post(`${link.pathname}${link.search}`, undefined, {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unsubscribed.status, unsubscribed.text).to.equal(200);

    await campaigns(store).dispatch(seconds(t0, 60));
    const recipients = await recipientsOf(created.id);
    expect(recipients[1]).to.deep.include({ user_id: second!.id, status: 'suppressed', message_id: null });
    expect(recipients[1].reason).to.match(/Unsubscribed from marketing on email/);
    expect((await messagesOf(created.id)).map((m: any) => m.recipient_key)).to.deep.equal([`user:${first!.id}`]);
    const done = await campaign(admin, created.id);
    expect(done.status).to.equal('sent');
    expect(done.counts).to.include({ audience: 2, queued: 1, suppressed: 1, pending: 0, cancelled: 0 });
  });

  it('counts add up: the audience by recipient status, and the campaign’s messages by delivery status after sending', async () => {
    mail.script = ['accept', 'reject', 'accept'];
    await audience('count', 4);
    const created = await draft(admin, { segment: segmentOf('count') });
    // due already: the messages are due at the real clock, so the send job takes them
    await schedule(created.id, new Date(Date.now() - 60_000));
    const [last] = await recipientsOf(created.id);
    expect(last).to.equal(undefined);
    await campaigns(store).dispatch(new Date());
    const [latest] = await sql(store, `select user_id from cw_campaign_recipient where campaign_id = ? order by user_id desc limit 1`, [created.id]);
    // the last one opts out after being queued: delivery asks the preferences again at send time and suppresses that message
    await sql(store, `update cw_notification_preference set enabled = false where subject = ? and category = 'marketing'`, [`user:${latest.user_id}`]);
    await runSendJob(store);

    const { counts } = await campaign(admin, created.id);
    expect(counts.audience).to.equal(counts.pending + counts.queued + counts.suppressed + counts.cancelled);
    expect(counts).to.include({ audience: 4, queued: 4 });
    const byStatus = Object.fromEntries(
      (await sql(store, `select status, count(*)::int as n from cw_notification_message where event_id = ? group by status`, [`campaign:${created.id}`])).map((r: any) => [r.status, r.n]),
    );
    for (const status of ['queued', 'sent', 'delivered', 'failed', 'bounced', 'dead', 'suppressed']) expect(counts.messages[status], status).to.equal(byStatus[status] ?? 0);
    expect(counts.messages).to.include({ sent: 2, failed: 1, suppressed: 1, queued: 0 });
    const [optedOut] = await sql(store, `select status, status_reason from cw_notification_message where event_id = ? and recipient_key = ?`, [`campaign:${created.id}`, `user:${latest.user_id}`]);
    expect(optedOut).to.deep.equal({ status: 'suppressed', status_reason: 'Opted out of marketing on email' });
    const listed = await admin.as.get('/admin/notifications/campaigns', { query: { status: 'sent' } });
    expect(listed.status, listed.text).to.equal(200);
    expect(listed.body.items.find((c: any) => c.id === created.id).counts).to.deep.equal(counts);
  });
});
