import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { registerAndLogin } from '../auth/auth-helpers.ts';
import { channelsPlugin, runSendJob, ScriptedChannel, sql } from './delivery-helpers.ts';

const SUBSCRIBER = '@cartwright/core/notifications/delivery';

describe('notifications › delivery end to end', function () {
  this.timeout(120_000);
  const mail = new ScriptedChannel('e2e-mail', 'email');
  let store: TestStore;

  before(async () => {
    store = await createTestStore({ plugins: [channelsPlugin(mail)], store: { name: 'Hopper Hardware' } });
  });
  after(async () => {
    await store?.stop();
  });

  it('turns a password reset request into one rendered email, even when the event is delivered twice', async () => {
    await registerAndLogin(store, 'reset-me@example.com');
    await store.deliverEvents();
    const forgot = await store.client.post('/auth/password/forgot', { email: 'reset-me@example.com' });
    expect(forgot.status).to.equal(202);
    await store.deliverEvents();
    await runSendJob(store);

    const [event] = await sql(store, `select id from cw_outbox_event where name = 'notification.requested' and payload->>'template' = 'auth.password_reset'`);
    const messages = await sql(store, `select id, status, template, category, transactional from cw_notification_message where event_id = ?`, [event.id]);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.include({ status: 'sent', template: 'auth.password_reset', transactional: true });
    const sent = mail.accepted.filter((m) => m.id === messages[0].id);
    expect(sent).to.have.length(1);
    expect(sent[0]!.to.email).to.equal('reset-me@example.com');
    expect(sent[0]!.subject).to.equal('Reset your Hopper Hardware password');
    expect(sent[0]!.text).to.match(/Choose a new password: http\S+token=/);
    expect(sent[0]!.html).to.contain('Choose a new password');
    // transactional: no unsubscribe link
    expect(sent[0]!.headers).to.equal(undefined);

    // the dispatcher delivers at least once: a second delivery of the same event queues and sends nothing more
    await sql(store, `update cw_event_delivery set status = 'pending', next_attempt_at = now() - interval '1 second' where event_id = ? and subscriber = ?`, [event.id, SUBSCRIBER]);
    const redelivered = await store.deliverEvents();
    expect(redelivered.delivered).to.be.greaterThan(0);
    await runSendJob(store);
    expect(await sql(store, `select id from cw_notification_message where event_id = ?`, [event.id])).to.have.length(1);
    expect(mail.calls.filter((m) => m.id === messages[0].id)).to.have.length(1);
  });
});
