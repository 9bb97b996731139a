import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { registerAndLogin } from '../auth/auth-helpers.ts';
import { channelsPlugin, delivery, intent, message, runSendJob, ScriptedChannel, sql, UNSUBSCRIBE_SECRET } from './delivery-helpers.ts';

describe('notifications › preferences and unsubscribe links', function () {
  this.timeout(120_000);
  const mail = new ScriptedChannel('pref-mail', 'email');
  let store: TestStore;

  before(async () => {
    store = await createTestStore({
      plugins: [channelsPlugin(mail)],
      notifications: { unsubscribe: { secret: UNSUBSCRIBE_SECRET, url: 'https://api.shop.example/store/notifications/unsubscribe' } },
    });
  });
  after(async () => {
    await store?.stop();
  });

  // what a mail client sends for List-Unsubscribe-Post (RFC 8058), without any credentials
  const ONE_CLICK = { rawBody: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  const marketing = (userId: string, email: string) => intent({ recipient: { userId, email }, recipientKey: `user:${userId}`, category: 'marketing' });
  const tokenOf = (id: string) => {
    const header = mail.accepted.find((m) => m.id === id)!.headers!['List-Unsubscribe']!;
    return new URL(header.slice(1, -1)).searchParams.get('token')!;
  };

  it('lists every category and channel: transactional locked on, marketing off until opted in', async () => {
    const { as } = await registerAndLogin(store, 'prefs-defaults@example.com');
    const listed = await as.get('/store/me/notification-preferences');
    expect(listed.status, listed.text).to.equal(200);
    const find = (category: string, channel: string) => listed.body.items.find((p: any) => p.category === category && p.channel === channel);
    expect(find('account', 'email')).to.deep.equal({ category: 'account', channel: 'email', enabled: true, locked: true, consentAt: null, source: 'default' });
    expect(find('marketing', 'email')).to.include({ enabled: false, locked: false, consentAt: null });
    expect(find('inventory', 'sms')).to.include({ enabled: true, locked: false });
    expect((await store.client.get('/store/me/notification-preferences')).status).to.equal(401);
  });

  it('refuses to switch off a transactional category, changing nothing', async () => {
    const { as } = await registerAndLogin(store, 'prefs-locked@example.com');
    const refused = await as.put('/store/me/notification-preferences', {
      preferences: [
        { category: 'vendor', channel: 'email', enabled: false },
        { category: 'orders', channel: 'email', enabled: false },
      ],
    });
    expect(refused.status).to.equal(422);
    expect(refused.body.code).to.equal('NOTIFICATION_PREFERENCE_LOCKED');
    expect(refused.body.errors[0]).to.include({ pointer: '/preferences/1/enabled' });
    const unknown = await as.put('/store/me/notification-preferences', { preferences: [{ category: 'gossip', channel: 'email', enabled: true }] });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.code).to.equal('NOTIFICATION_PREFERENCE_INVALID');
    const listed = await as.get('/store/me/notification-preferences');
    expect(listed.body.items.find((p: any) => p.category === 'vendor' && p.channel === 'email').enabled).to.equal(true);
  });

  it('suppresses a non-transactional category the user switched off, but never a transactional message', async () => {
    const { user, as } = await registerAndLogin(store, 'prefs-optout@example.com');
    const off = await as.put('/store/me/notification-preferences', { preferences: [{ category: 'vendor', channel: 'email', enabled: false }] });
    expect(off.status, off.text).to.equal(200);
    const recipient = { userId: user.id, email: 'prefs-optout@example.com' };
    const optional = await delivery(store).deliverIntents([intent({ recipient, recipientKey: `user:${user.id}` })]);
    const transactional = await delivery(store).deliverIntents([intent({ recipient, recipientKey: `user:${user.id}`, transactional: true })]);
    expect(optional).to.deep.equal([]);
    expect(transactional).to.have.length(1);
    const items = await sql(store, `select status, status_reason, transactional from cw_notification_message where recipient_key = ? order by transactional`, [`user:${user.id}`]);
    expect(items).to.deep.equal([
      { status: 'suppressed', status_reason: 'Opted out of vendor on email', transactional: false },
      { status: 'queued', status_reason: null, transactional: true },
    ]);
  });

  it('sends marketing only after opt-in, records the consent, and stops after a one-click unsubscribe without login', async () => {
    const { user, as } = await registerAndLogin(store, 'prefs-marketing@example.com');
    expect(await delivery(store).deliverIntents([marketing(user.id, 'prefs-marketing@example.com')])).to.deep.equal([]);

    const optIn = await as.put('/store/me/notification-preferences', { preferences: [{ category: 'marketing', channel: 'email', enabled: true }] });
    expect(optIn.status, optIn.text).to.equal(200);
    const consent = optIn.body.items.find((p: any) => p.category === 'marketing' && p.channel === 'email');
    expect(consent).to.include({ enabled: true, source: 'preferences' });
    expect(Date.parse(consent.consentAt)).to.be.closeTo(Date.now(), 60_000);

    const [id] = await delivery(store).deliverIntents([marketing(user.id, 'prefs-marketing@example.com')]);
    await runSendJob(store);
    expect((await message(store, id!)).status).to.equal('sent');
    const token = tokenOf(id!);

    const page = await store.client.get('/store/notifications/unsubscribe', { query: { token } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.text).to.contain('Stop marketing messages by email?');
    const stillSubscribed = await as.get('/store/me/notification-preferences');
    expect(stillSubscribed.body.items.find((p: any) => p.category === 'marketing' && p.channel === 'email').enabled).to.equal(true);

    const unsubscribed = await store.client.post(`/store/notifications/unsubscribe?token=${token}`, undefined, ONE_CLICK);
    expect(unsubscribed.status, unsubscribed.text).to.equal(200);
    expect(unsubscribed.body).to.deep.equal({ unsubscribed: true, category: 'marketing', channel: 'email' });

    const later = await delivery(store).deliverIntents([marketing(user.id, 'prefs-marketing@example.com')]);
    expect(later).to.deep.equal([]);
    const shown = (await as.get('/store/me/notification-preferences')).body.items.find((p: any) => p.category === 'marketing' && p.channel === 'email');
    expect(shown).to.include({ enabled: false, source: 'unsubscribe_link', consentAt: null });
  });

  it('unsubscribes a guest address and refuses tampered or foreign tokens without saying whose they are', async () => {
    const guest = intent({ recipient: { email: 'guest-news@example.com' }, recipientKey: 'email:guest-news@example.com', category: 'vendor' });
    const [id] = await delivery(store).deliverIntents([guest]);
    await runSendJob(store);
    const token = tokenOf(id!);
    const [body, signature] = token.split('.') as [string, string];

    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const otherBody = Buffer.from(JSON.stringify({ ...claims, s: 'email:someone-else@example.com' })).toString('base64url');
    const foreignKey = createHmac('sha256', 'another-store-secret-of-32-characters!!').update(body).digest('base64url');
    for (const bad of [`${otherBody}.${signature}`, `${body}.${foreignKey}`, `${body}.`, 'not-a-token']) {
      const refused = await store.client.post(`/store/notifications/unsubscribe?token=${encodeURIComponent(bad)}`, undefined, ONE_CLICK);
      expect(refused.status, bad).to.equal(400);
      expect(refused.body.code).to.equal('NOTIFICATION_UNSUBSCRIBE_INVALID');
      expect(refused.text).to.not.contain('example.com');
      expect((await store.client.get('/store/notifications/unsubscribe', { query: { token: bad } })).status).to.equal(400);
    }
    expect(await delivery(store).deliverIntents([{ ...guest, eventId: `${guest.eventId}_next` }])).to.have.length(1);

    const done = await store.client.post(`/store/notifications/unsubscribe?token=${token}`, undefined, ONE_CLICK);
    expect(done.status).to.equal(200);
    expect(await delivery(store).deliverIntents([{ ...guest, eventId: `${guest.eventId}_after` }])).to.deep.equal([]);
  });
});
