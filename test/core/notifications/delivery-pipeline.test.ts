import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';
import { channelsPlugin, delivery, intent, makeRetriesDue, message, runJob, runSendJob, ScriptedChannel, sql, UNSUBSCRIBE_SECRET } from './delivery-helpers.ts';

describe('notifications › delivery', function () {
  this.timeout(120_000);
  const mail = new ScriptedChannel('test-mail', 'email');
  const push = new ScriptedChannel('test-push', 'push', { deliveryStatus: true, webhooks: false });
  let store: TestStore;
  let admin: SignedIn;

  before(async () => {
    store = await createTestStore({
      plugins: [channelsPlugin(mail, push)],
      notifications: { maxAttempts: 3, unsubscribe: { secret: UNSUBSCRIBE_SECRET, url: 'https://api.shop.example/store/notifications/unsubscribe' } },
    });
    admin = await createAndLogin(store, 'delivery-admin@example.com', 'admin');
  });
  after(async () => {
    await store?.stop();
  });
  beforeEach(() => {
    for (const channel of [mail, push]) {
      channel.script = [];
      channel.otherwise = 'accept';
    }
  });

  const sentTo = (channel: ScriptedChannel, id: string) => channel.accepted.filter((m) => m.id === id);
  const callsFor = (channel: ScriptedChannel, id: string) => channel.calls.filter((m) => m.id === id);

  it('keeps one message per event, recipient and channel however often the event arrives, and sends it once', async () => {
    const one = intent({ recipient: { email: 'twice@example.com' } });
    const first = await delivery(store).deliverIntents([one]);
    const second = await delivery(store).deliverIntents([one]);
    expect(first).to.have.length(1);
    expect(second).to.deep.equal([]);
    await runSendJob(store);
    await runSendJob(store);
    const rows = await sql(store, `select id, status from cw_notification_message where event_id = ?`, [one.eventId]);
    expect(rows).to.have.length(1);
    expect(rows[0].status).to.equal('sent');
    expect(sentTo(mail, first[0]!)).to.have.length(1);
  });

  it('retries a channel that refuses for now on the next due run, and sends the message exactly once', async () => {
    mail.script = ['refuse'];
    const [id] = await delivery(store).deliverIntents([intent({ recipient: { email: 'retry@example.com' } })]);
    await runSendJob(store);
    const waiting = await message(store, id!);
    expect(waiting.status).to.equal('queued');
    expect(waiting.attempts).to.equal(1);
    expect(waiting.status_reason).to.equal('421 try again later');
    // the backoff (60 s base by default, with jitter) puts the retry at least 30 s out
    expect(new Date(waiting.next_attempt_at).getTime()).to.be.greaterThan(Date.now() + 25_000);

    await runSendJob(store); // not due yet: nothing happens
    expect(callsFor(mail, id!)).to.have.length(1);

    await makeRetriesDue(store);
    await runSendJob(store);
    await runSendJob(store);
    const sent = await message(store, id!);
    expect(sent.status).to.equal('sent');
    expect(sent.attempts).to.equal(2);
    expect(callsFor(mail, id!)).to.have.length(2);
    expect(sentTo(mail, id!)).to.have.length(1);
    // a retry carries the same idempotency key, so a service that dedupes never delivers twice
    expect(new Set(callsFor(mail, id!).map((m) => m.idempotencyKey)).size).to.equal(1);
  });

  it('dead-letters a message whose channel stays down while the same event’s other channel is sent', async () => {
    mail.otherwise = 'down';
    const eventId = `evt_down_${Date.now()}`;
    const [mailId, pushId] = await delivery(store).deliverIntents([
      intent({ recipient: { email: 'down@example.com', userId: 'usr_down' }, recipientKey: 'user:usr_down', channel: 'email' }, eventId),
      intent({ recipient: { userId: 'usr_down' }, recipientKey: 'user:usr_down', channel: 'push' }, eventId),
    ]);
    await runSendJob(store);
    expect((await message(store, pushId!)).status).to.equal('sent');
    expect(sentTo(push, pushId!)).to.have.length(1);
    for (let i = 0; i < 5; i++) {
      await makeRetriesDue(store);
      await runSendJob(store);
    }
    const dead = await message(store, mailId!);
    expect(dead.status).to.equal('dead');
    expect(dead.attempts).to.equal(3);
    expect(dead.status_reason).to.match(/Gave up after 3 attempts: Error: connect ECONNREFUSED/);
    expect(callsFor(mail, mailId!)).to.have.length(3);
  });

  it('fails a message at once when the channel refuses it for good, and one with no channel of its kind', async () => {
    mail.script = ['reject'];
    const [rejected, noChannel] = await delivery(store).deliverIntents([
      intent({ recipient: { email: 'nobody@example.com' } }),
      intent({ recipient: { phone: '+4915100000000' }, recipientKey: 'phone:+4915100000000', channel: 'sms' }),
    ]);
    await runSendJob(store);
    expect(await message(store, rejected!)).to.include({ status: 'failed', attempts: 1, status_reason: '550 no such mailbox' });
    expect(await message(store, noChannel!)).to.include({ status: 'failed', status_reason: 'No sms channel is installed' });
  });

  it('renders through the templates and puts one-click unsubscribe headers on non-transactional email only', async () => {
    const [marketing, transactional] = await delivery(store).deliverIntents([
      intent({ recipient: { email: 'headers@example.com', name: 'Ada' } }),
      intent({ recipient: { email: 'headers@example.com', name: 'Ada' }, transactional: true, category: 'account' }),
    ].map((i) => ({ ...i, data: { ...i.data, recipient: { name: 'Ada' } } })));
    await runSendJob(store);
    const [sent] = sentTo(mail, marketing!);
    expect(sent!.subject).to.equal('Your Test Shop vendor account is approved');
    expect(sent!.text).to.contain('Hello Ada,');
    expect(sent!.html).to.contain('headers@example.com');
    expect(sent!.headers!['List-Unsubscribe']).to.match(/^<https:\/\/api\.shop\.example\/store\/notifications\/unsubscribe\?token=[\w-]+\.[\w-]+>$/);
    expect(sent!.headers!['List-Unsubscribe-Post']).to.equal('List-Unsubscribe=One-Click');
    // the same signed link in the footer of both parts, for readers whose mail client shows no unsubscribe button
    const link = sent!.headers!['List-Unsubscribe']!.slice(1, -1);
    expect(sent!.text.endsWith(`\n--\nUnsubscribe: ${link}`), sent!.text).to.equal(true);
    const href = /<a href="([^"]+)"[^>]*>Unsubscribe<\/a>/.exec(sent!.html!)?.[1];
    expect(href?.replace(/&#(x?)([0-9a-f]+);/gi, (_, x: string, code: string) => String.fromCharCode(parseInt(code, x ? 16 : 10))).replaceAll('&amp;', '&')).to.equal(link);
    const receipt = sentTo(mail, transactional!)[0]!;
    expect(receipt.headers).to.equal(undefined);
    expect(receipt.text).not.to.contain('Unsubscribe');
    expect(receipt.html).not.to.contain('unsubscribe');
  });

  it('asks the recipient’s preferences again at send time: a message queued before an unsubscribe is suppressed, not sent', async () => {
    mail.script = ['refuse'];
    const [id] = await delivery(store).deliverIntents([intent({ recipient: { email: 'changed-mind@example.com' } })]);
    await runSendJob(store);
    expect((await message(store, id!)).status).to.equal('queued');

    const url = store.commerce.container.cradle.unsubscribeLinks.url({ subject: 'email:changed-mind@example.com', category: 'vendor', channel: 'email' });
    const done = await store.client.post(new URL(url).pathname + new URL(url).search, undefined, { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.status, done.text).to.equal(200);
    await makeRetriesDue(store);
    await runSendJob(store);

    const after = await message(store, id!);
    expect(after).to.include({ status: 'suppressed', status_reason: 'Unsubscribed from vendor on email through a link' });
    expect(callsFor(mail, id!)).to.have.length(1); // only the refused first try
    const log = await sql(store, `select kind, outcome from cw_notification_attempt where message_id = ? order by started_at`, [id]);
    expect(log.map((row: { outcome: string }) => row.outcome)).to.deep.equal(['retried', 'suppressed']);
  });

  it('applies delivery reports posted to /webhooks/:channel and refuses unsigned ones', async () => {
    const [delivered, bounced] = await delivery(store).deliverIntents([
      intent({ recipient: { email: 'report-ok@example.com' } }),
      intent({ recipient: { email: 'report-bounce@example.com' } }),
    ]);
    await runSendJob(store);
    const providerIds = [delivered!, bounced!].map((id) => `test-mail-${mail.accepted.findIndex((m) => m.id === id) + 1}-${id}`);
    const body = [{ id: providerIds[0], status: 'delivered' }, { id: providerIds[1], status: 'bounced' }];

    const forged = await store.client.post('/webhooks/test-mail', body, { headers: { 'x-test-signature': 'forged' } });
    expect(forged.status).to.equal(400);
    expect(forged.body.code).to.equal('NOTIFICATION_WEBHOOK_INVALID');
    expect((await message(store, delivered!)).status).to.equal('sent');

    const posted = await store.client.post('/webhooks/test-mail', body, { headers: { 'x-test-signature': 'authentic' } });
    expect(posted.status, posted.text).to.equal(200);
    expect(posted.body).to.deep.equal({ received: true, applied: true, duplicate: false });
    expect((await message(store, delivered!)).status).to.equal('delivered');
    expect(await message(store, bounced!)).to.include({ status: 'bounced', status_reason: '550 mailbox gone' });

    const again = await store.client.post('/webhooks/test-mail', body, { headers: { 'x-test-signature': 'authentic' } });
    expect(again.body).to.deep.equal({ received: true, applied: false, duplicate: true });
  });

  it('asks channels that report delivery status about what they sent, and applies the answers', async () => {
    const [answered, silent] = await delivery(store).deliverIntents([
      intent({ recipient: { userId: 'usr_poll_1' }, recipientKey: 'user:usr_poll_1', channel: 'push' }),
      intent({ recipient: { userId: 'usr_poll_2' }, recipientKey: 'user:usr_poll_2', channel: 'push' }),
    ]);
    await runSendJob(store);
    const providerId = (await message(store, answered!)).provider_message_id as string;
    push.statuses.set(providerId, 'delivered');
    await runJob(store, 'notifications.poll-status');
    expect((await message(store, answered!)).status).to.equal('delivered');
    // the service could not answer for this one: it stays sent and is asked again next time
    expect((await message(store, silent!)).status).to.equal('sent');
    const detail = await admin.as.get(`/admin/notifications/deliveries/${answered}`);
    expect(detail.body.attemptLog.map((a: any) => [a.kind, a.outcome])).to.deep.equal([['send', 'sent'], ['report', 'delivered']]);
  });

  describe('admin delivery log', () => {
    it('lists messages with filters and shows one with its attempts', async () => {
      mail.script = ['refuse'];
      const [id] = await delivery(store).deliverIntents([intent({ recipient: { email: 'Logged@Example.com' } })]);
      await runSendJob(store);
      await makeRetriesDue(store);
      await runSendJob(store);

      const listed = await admin.as.get('/admin/notifications/deliveries', { query: { recipient: 'logged@example.com', status: 'sent', channel: 'email' } });
      expect(listed.status, listed.text).to.equal(200);
      expect(listed.body.count).to.equal(1);
      expect(listed.body.items[0]).to.include({ id, status: 'sent', channel: 'email', channelId: 'test-mail', eventName: 'vendor.approved', attempts: 2 });
      const none = await admin.as.get('/admin/notifications/deliveries', { query: { recipient: 'logged@example.com', status: 'failed' } });
      expect(none.body.count).to.equal(0);
      const byEvent = await admin.as.get('/admin/notifications/deliveries', { query: { event: listed.body.items[0].eventId } });
      expect(byEvent.body.items.map((m: any) => m.id)).to.deep.equal([id]);

      const detail = await admin.as.get(`/admin/notifications/deliveries/${id}`);
      expect(detail.status).to.equal(200);
      expect(detail.body.attemptLog.map((a: any) => [a.kind, a.outcome])).to.deep.equal([['send', 'retried'], ['send', 'sent']]);
      expect(detail.body.attemptLog[0].error).to.equal('421 try again later');
      expect(detail.body.attemptLog[1].providerMessageId).to.be.a('string');

      const missing = await admin.as.get('/admin/notifications/deliveries/nmsg_nope');
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal('NOTIFICATION_MESSAGE_NOT_FOUND');
    });

    it('resends a message as a new round that keeps the history, and refuses queued ones', async () => {
      mail.script = ['reject'];
      const [id] = await delivery(store).deliverIntents([intent({ recipient: { email: 'resend@example.com' } })]);
      const early = await admin.as.post(`/admin/notifications/deliveries/${id}/resend`);
      expect(early.status).to.equal(409);
      expect(early.body.code).to.equal('NOTIFICATION_RESEND_INVALID');
      await runSendJob(store);
      expect((await message(store, id!)).status).to.equal('failed');

      const resent = await admin.as.post(`/admin/notifications/deliveries/${id}/resend`);
      expect(resent.status, resent.text).to.equal(202);
      expect(resent.body).to.include({ status: 'queued', round: 2 });
      await runSendJob(store);
      const detail = await admin.as.get(`/admin/notifications/deliveries/${id}`);
      expect(detail.body).to.include({ status: 'sent', round: 2, attempts: 2 });
      expect(detail.body.attemptLog.map((a: any) => [a.kind, a.round, a.outcome])).to.deep.equal([
        ['send', 1, 'failed'],
        ['resend', 2, 'queued'],
        ['send', 2, 'sent'],
      ]);
      const audit = await admin.as.get('/admin/audit-log', { query: { action: 'notification_message.resent', targetId: id! } });
      expect(audit.body.items).to.have.length(1);
      expect(audit.body.items[0]).to.deep.include({ actor: { kind: 'user', id: admin.id }, before: { status: 'failed', round: 1 }, after: { status: 'queued', round: 2 } });
      const keys = callsFor(mail, id!).map((m) => m.idempotencyKey);
      expect(keys).to.have.length(2);
      expect(keys[0]).to.not.equal(keys[1]);
    });

    it('is for staff only', async () => {
      const customer = await createAndLogin(store, 'delivery-customer@example.com', 'customer');
      expect((await customer.as.get('/admin/notifications/deliveries')).status).to.equal(403);
      expect((await store.client.get('/admin/notifications/deliveries')).status).to.equal(401);
    });
  });
});
