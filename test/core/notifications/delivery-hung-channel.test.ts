import { expect } from 'chai';
import type { NotificationChannel, OutgoingMessage, SendResult } from '@cartwright/core';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createAndLogin, type SignedIn } from '../admin/admin-helpers.ts';
import { channelsPlugin, delivery, intent, message, runSendJob, ScriptedChannel, sql } from './delivery-helpers.ts';

/** A push service that takes the connection and never answers: every send stays pending for good. */
class HungChannel implements NotificationChannel {
  readonly id = 'hung-push';
  readonly kind = 'push' as const;
  readonly name = 'Hung push';
  readonly capabilities = { deliveryStatus: false, webhooks: false };
  readonly calls: OutgoingMessage[] = [];

  send(message: OutgoingMessage): Promise<SendResult> {
    this.calls.push(message);
    return new Promise<SendResult>(() => {});
  }
}

describe('notifications › delivery › a channel that hangs', function () {
  this.timeout(120_000);
  const mail = new ScriptedChannel('hung-test-mail', 'email');
  const hung = new HungChannel();
  let store: TestStore;
  let customer: SignedIn;

  before(async () => {
    store = await createTestStore({
      plugins: [channelsPlugin(mail, hung)],
      // one push at a time, so the second push message shows what a lane does after a timeout
      notifications: { sendTimeoutSeconds: 1, channelConcurrency: 1 },
    });
    customer = await createAndLogin(store, 'hung-channel@example.com', 'customer', 'Hana Hung');
  });
  after(async () => {
    await store?.stop();
  });

  it('delivers the in-app message and the email of the same run, and marks the hung push for a retry after the timeout', async () => {
    const recipient = { userId: customer.id, email: customer.email, name: 'Hana Hung' };
    const key = `user:${customer.id}`;
    const eventId = `evt_hung_${Date.now()}`;
    // the push messages are due first, so a sweep that went one by one would reach them before the others
    const earlier = new Date(Date.now() - 60_000);
    const [pushId, secondPushId] = await delivery(store).deliverIntents(
      [
        intent({ recipient, recipientKey: key, channel: 'push' }, eventId),
        intent({ recipient, recipientKey: key, channel: 'push' }, `${eventId}_2`),
      ],
      earlier,
    );
    const [inAppId, mailId] = await delivery(store).deliverIntents([
      intent({ recipient, recipientKey: key, channel: 'in_app' }, eventId),
      intent({ recipient, recipientKey: key, channel: 'email' }, eventId),
    ]);

    const before = Date.now();
    await runSendJob(store);

    expect((await message(store, inAppId!)).status).to.equal('delivered');
    expect((await message(store, mailId!)).status).to.equal('sent');
    expect(mail.accepted.map((m) => m.id)).to.include(mailId);
    const inbox = await customer.as.get('/store/me/notifications');
    expect(inbox.status).to.equal(200);
    expect(inbox.body.items.map((entry: any) => entry.title)).to.include('Vendor account approved');

    const timedOut = await message(store, pushId!);
    expect(timedOut).to.include({ status: 'queued', attempts: 1, channel_id: 'hung-push' });
    expect(timedOut.status_reason).to.equal('The Hung push channel did not answer within 1 s');
    expect(new Date(timedOut.next_attempt_at).getTime()).to.be.greaterThan(before);
    expect(timedOut.lease_until).to.equal(null);
    const [attempt] = await sql(store, `select kind, outcome, error from cw_notification_attempt where message_id = ?`, [pushId]);
    expect(attempt).to.include({ kind: 'send', outcome: 'retried' });

    // the lane stopped after the timeout: the next push message was given back untried, for the next sweep
    const untried = await message(store, secondPushId!);
    expect(untried).to.include({ status: 'queued', attempts: 0 });
    expect(untried.lease_until).to.equal(null);
    expect(hung.calls.map((m) => m.id)).to.deep.equal([pushId]);
  });

  it('dead-letters a message whose channel never answers once its attempts are used up', async () => {
    const recipient = { userId: customer.id, email: customer.email };
    const [id] = await delivery(store).deliverIntents([intent({ recipient, recipientKey: `user:${customer.id}`, channel: 'push' })]);
    await sql(store, `update cw_notification_message set round_attempts = 5 where id = ?`, [id]);
    await sql(store, `update cw_notification_message set next_attempt_at = now() + interval '1 day' where status = 'queued' and id <> ?`, [id]);
    await runSendJob(store);
    const dead = await message(store, id!);
    expect(dead.status).to.equal('dead');
    expect(dead.status_reason).to.equal('Gave up after 6 attempts: The Hung push channel did not answer within 1 s');
  });
});
