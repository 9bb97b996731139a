import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import smtp from '@cartwright/plugin-smtp';
import { startLocalSmtpServer, type LocalSmtpServer } from '@cartwright/plugin-smtp/testing';
import { createAndLogin } from '../../core/admin/admin-helpers.ts';
import { campaigns, customer, draft } from '../../core/notifications/campaign-helpers.ts';
import { runSendJob, UNSUBSCRIBE_SECRET } from '../../core/notifications/delivery-helpers.ts';
import { localOptions } from './smtp-support.ts';

describe('smtp: a promotional campaign', function () {
  this.timeout(120_000);
  let server: LocalSmtpServer;
  let store: TestStore;

  before(async () => {
    server = await startLocalSmtpServer();
    store = await createTestStore({
      plugins: [smtp(localOptions(server))],
      store: { name: 'Cartwright Shop' },
      notifications: { unsubscribe: { secret: UNSUBSCRIBE_SECRET, url: 'https://api.shop.example/store/notifications/unsubscribe' } },
    });
  });
  after(async () => {
    await store?.stop();
    await server?.stop();
  });

  it('reaches the consenting customer who stayed subscribed, with both parts and one-click unsubscribe headers, and not the one who left', async () => {
    const admin = await createAndLogin(store, 'smtp-campaign-admin@example.com', 'admin');
    await customer(store, 'stays@customer.example', { name: 'Ada' });
    const leaves = await customer(store, 'leaves@customer.example', { name: 'Grace' });
    const created = await draft(admin, {
      segment: {},
      content: { en: { subject: 'Spring sale at {{store.name}}', html: '<p>Hello <b>{{recipient.name}}</b>, 20% off.</p>', text: 'Hello {{recipient.name}}, 20% off.' } },
    });
    const scheduled = await admin.as.post(`/admin/notifications/campaigns/${created.id}/schedule`, {});
    expect(scheduled.status, scheduled.text).to.equal(200);

    const link = new URL(store.commerce.container.cradle.unsubscribeLinks.url({ subject: `user:${leaves.id}`, category: 'marketing', channel: 'email' }));
    const unsubscribed = await store.client.post(`${link.pathname}${link.search}`, undefined, {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unsubscribed.status, unsubscribed.text).to.equal(200);

    await campaigns(store).dispatch(new Date());
    await runSendJob(store);

    const received = server.received();
    expect(received.map((email) => email.envelope.to)).to.deep.equal([['stays@customer.example']]);
    const [email] = received;
    expect(email!.subject).to.equal('Spring sale at Cartwright Shop');
    expect(email!.contentType).to.match(/^multipart\/alternative/);
    expect(email!.text).to.contain('Hello Ada, 20% off.');
    expect(email!.html).to.contain('Hello <b>Ada</b>, 20% off.');
    expect(email!.headers['list-unsubscribe']).to.match(/^<https:\/\/api\.shop\.example\/store\/notifications\/unsubscribe\?token=[\w-]+\.[\w-]+>$/);
    expect(email!.headers['list-unsubscribe-post']).to.equal('List-Unsubscribe=One-Click');

    const view = await admin.as.get(`/admin/notifications/campaigns/${created.id}`);
    expect(view.body.status).to.equal('sent');
    expect(view.body.counts).to.deep.include({ audience: 1, queued: 1 });
    expect(view.body.counts.messages).to.include({ sent: 1 });
  });
});
