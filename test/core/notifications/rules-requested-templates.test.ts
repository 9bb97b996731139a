import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';
import { registerAndLogin } from '../auth/auth-helpers.ts';
import { channelsPlugin, runSendJob, ScriptedChannel, sql } from './delivery-helpers.ts';

/** The messages of the `notification.requested` events asking for `template` for an address. */
async function requestedMessages(store: TestStore, template: string, email: string) {
  return sql(
    store,
    `select m.id, m.channel, m.status, m.template from cw_notification_message m join cw_outbox_event e on e.id = m.event_id
      where e.name = 'notification.requested' and e.payload->>'template' = ? and e.payload->'recipient'->>'email' = ? order by m.channel`,
    [template, email],
  );
}

async function requestEvents(store: TestStore, template: string, email: string) {
  return sql(store, `select id from cw_outbox_event where name = 'notification.requested' and payload->>'template' = ? and payload->'recipient'->>'email' = ?`, [template, email]);
}

describe('notifications › rules for requested templates', function () {
  this.timeout(120_000);

  describe('changed in config', () => {
    const mail = new ScriptedChannel('requested-config-mail', 'email');
    let store: TestStore;

    before(async () => {
      store = await createTestStore({
        plugins: [channelsPlugin(mail)],
        store: { name: 'Reset Shop' },
        notifications: {
          rules: [
            { id: 'auth.verify_email', enabled: false },
            { id: 'auth.password_reset', channels: ['email', 'in_app'] },
          ],
        },
      });
    });
    after(async () => {
      await store?.stop();
    });

    it('sends no verification email when its rule is off, though registration still asks for one', async () => {
      const { user } = await registerAndLogin(store, 'no-verify@example.com');
      await store.deliverEvents();
      await runSendJob(store);
      expect(await requestEvents(store, 'auth.verify_email', 'no-verify@example.com')).to.have.length(1);
      expect(await requestedMessages(store, 'auth.verify_email', 'no-verify@example.com')).to.deep.equal([]);
      expect(mail.calls.filter((m) => m.to.userId === user.id)).to.deep.equal([]);
    });

    it('adds an inbox entry to the password reset email', async () => {
      const { user, as } = await registerAndLogin(store, 'reset-inbox@example.com');
      await store.deliverEvents();
      expect((await store.client.post('/auth/password/forgot', { email: 'reset-inbox@example.com' })).status).to.equal(202);
      await store.deliverEvents();
      await runSendJob(store);

      const messages = await requestedMessages(store, 'auth.password_reset', 'reset-inbox@example.com');
      expect(messages.map((m: any) => [m.channel, m.status, m.template])).to.deep.equal([
        ['email', 'sent', 'auth.password_reset'],
        ['in_app', 'delivered', 'auth.password_reset'],
      ]);
      const emails = mail.accepted.filter((m) => m.to.userId === user.id);
      expect(emails.map((m) => m.subject)).to.deep.equal(['Reset your Reset Shop password']);
      expect(emails[0]!.text).to.match(/Choose a new password: http\S+token=/);
      const inbox = await as.get('/store/me/notifications');
      expect(inbox.status).to.equal(200);
      expect(inbox.body.items.map((entry: any) => entry.title)).to.deep.equal(['Password reset requested']);
      // the inbox tells the person; the link itself stays in their mailbox
      expect(JSON.stringify(inbox.body.items)).not.to.match(/token=/);
    });
  });

  describe('changed through the admin', () => {
    const mail = new ScriptedChannel('requested-admin-mail', 'email');
    const sms = new ScriptedChannel('requested-admin-sms', 'sms');
    let store: TestStore;
    let admin: SignedIn;

    before(async () => {
      store = await createTestStore({ plugins: [channelsPlugin(mail, sms)], notifications: { rules: [{ id: 'auth.password_reset', channels: ['email', 'sms'] }] } });
      admin = await createAndLogin(store, 'requested-rules-admin@example.com', 'admin');
    });
    after(async () => {
      await store?.stop();
    });

    it('lists a rule per requested auth message, email only by default, and switches the verification email off on its own while the reset goes out by email and SMS', async () => {
      const list = await admin.as.get('/admin/notifications/rules');
      expect(list.status).to.equal(200);
      const rule = (id: string) => list.body.items.find((r: any) => r.id === id);
      expect(rule('auth.verify_email')).to.include({ event: 'notification.requested', audience: 'requested', template: 'auth.verify_email', enabled: true, changed: false });
      expect(rule('auth.verify_email').channels).to.deep.equal(['email']);
      expect(rule('auth.password_reset').configuredChannels).to.deep.equal(['email', 'sms']);
      expect(rule('notification.requested')).to.include({ template: '' });

      const off = await admin.as.patch('/admin/notifications/rules/auth.verify_email', { channels: { email: false } });
      expect(off.status).to.equal(200);
      expect(off.body.channels).to.deep.equal([]);
      const refused = await admin.as.patch('/admin/notifications/rules/auth.verify_email', { channels: { in_app: true } });
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal('NOTIFICATION_RULE_CHANNEL_INVALID');

      const { user } = await registerAndLogin(store, 'admin-no-verify@example.com');
      await store.deliverEvents();
      await runSendJob(store);
      expect(await requestEvents(store, 'auth.verify_email', 'admin-no-verify@example.com')).to.have.length(1);
      expect(await requestedMessages(store, 'auth.verify_email', 'admin-no-verify@example.com')).to.deep.equal([]);

      // the password reset is its own rule: sent by email as before, and by SMS to the account's phone as configured
      await sql(store, `update cw_user set phone = '+4915199990000' where id = ?`, [user.id]);
      await store.client.post('/auth/password/forgot', { email: 'admin-no-verify@example.com' });
      await store.deliverEvents();
      await runSendJob(store);
      const reset = await requestedMessages(store, 'auth.password_reset', 'admin-no-verify@example.com');
      expect(reset.map((m: any) => [m.channel, m.status])).to.deep.equal([['email', 'sent'], ['sms', 'sent']]);
      const [text] = sms.accepted.filter((m) => m.to.userId === user.id);
      expect(text!.to.phone).to.equal('+4915199990000');
      expect(text!.text).to.match(/^Reset your .+ password: http\S+token=\S+ If you did not ask for this, ignore this message\.$/);
    });
  });
});
