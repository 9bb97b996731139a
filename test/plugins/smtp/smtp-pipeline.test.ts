import { expect } from 'chai';
import smtp from '@cartwright/plugin-smtp';
import { startLocalSmtpServer, type LocalSmtpServer, type ReceivedEmail } from '@cartwright/plugin-smtp/testing';
import { registerAndLogin } from '../../core/auth/auth-helpers.ts';
import { createCatalogStore, type CatalogStore } from '../../core/catalog/catalog-helpers.ts';
import { productWithVariant } from '../../core/inventory/inventory-helpers.ts';
import { makeRetriesDue, runSendJob, sql, UNSUBSCRIBE_SECRET } from '../../core/notifications/delivery-helpers.ts';
import { localOptions } from './smtp-support.ts';

const SUBSCRIBER = '@cartwright/core/notifications/delivery';

/**
 * The whole way: a store event, the default rules, the shipped templates, delivery with its retries,
 * and @cartwright/plugin-smtp talking to a real SMTP server, which is where every assertion reads.
 */
describe('smtp: notifications end to end, from a store event to a real SMTP server', function () {
  this.timeout(120_000);
  let server: LocalSmtpServer;
  let c: CatalogStore;

  before(async () => {
    server = await startLocalSmtpServer();
    c = await createCatalogStore({
      plugins: [smtp(localOptions(server))],
      store: { name: 'Hopper Hardware' },
      notifications: { unsubscribe: { secret: UNSUBSCRIBE_SECRET, url: 'https://api.shop.example/store/notifications/unsubscribe' } },
    });
  });
  after(async () => {
    await c?.store.stop();
    await server?.stop();
  });
  beforeEach(() => server.clear());

  const to = (address: string) => server.received().filter((email) => email.envelope.to.includes(address));
  const deliverAndSend = async () => {
    await c.store.deliverEvents();
    await runSendJob(c.store);
  };

  it('emails a password reset once although the server refused the first try and the event arrived twice', async () => {
    await registerAndLogin(c.store, 'grace@customer.example');
    await deliverAndSend();
    server.clear();
    server.refuseNext(1, { code: 451, message: 'Greylisted, try again later', at: 'rcpt' });

    expect((await c.store.client.post('/auth/password/forgot', { email: 'grace@customer.example' })).status).to.equal(202);
    await deliverAndSend();
    const [event] = await sql(c.store, `select id from cw_outbox_event where name = 'notification.requested' and payload->>'template' = 'auth.password_reset' order by occurred_at desc limit 1`);
    const [waiting] = await sql(c.store, `select id, status, attempts, status_reason from cw_notification_message where event_id = ?`, [event.id]);
    expect(waiting).to.include({ status: 'queued', attempts: 1 });
    expect(waiting.status_reason).to.match(/451/);
    expect(to('grace@customer.example')).to.deep.equal([]);

    await makeRetriesDue(c.store);
    await runSendJob(c.store);
    const [email] = to('grace@customer.example');
    expect(to('grace@customer.example')).to.have.length(1);
    expect(email!.from[0]).to.include({ address: 'orders@shop.example' });
    expect(email!.subject).to.equal('Reset your Hopper Hardware password');
    expect(email!.contentType).to.match(/^multipart\/alternative/);
    expect(email!.text).to.match(/Choose a new password: http\S+token=\S+/);
    expect(email!.html).to.contain('Choose a new password');
    // transactional: nothing to unsubscribe from
    expect(email!.headers).not.to.have.property('list-unsubscribe');
    expect(email!.text).not.to.contain('Unsubscribe');

    // the dispatcher hands the same event over again (at-least-once): still one email
    await sql(c.store, `update cw_event_delivery set status = 'pending', next_attempt_at = now() - interval '1 second' where event_id = ? and subscriber = ?`, [event.id, SUBSCRIBER]);
    expect((await c.store.deliverEvents()).delivered).to.be.greaterThan(0);
    await makeRetriesDue(c.store);
    await runSendJob(c.store);
    expect(to('grace@customer.example')).to.have.length(1);
    expect(await sql(c.store, `select id from cw_notification_message where event_id = ?`, [event.id])).to.have.length(1);
  });

  it('puts a working one-click unsubscribe in a back-in-stock email, and sends no more after it is used', async () => {
    const { productId, variantId } = await productWithVariant(c, 'Brass Desk Lamp');
    const restock = async () => {
      await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 0 });
      const subscribed = await c.store.client.post(`/store/products/${productId}/notify-me`, { email: 'ada@customer.example' });
      expect(subscribed.status, subscribed.text).to.be.oneOf([200, 201]);
      await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 5 });
      await deliverAndSend();
    };

    await restock();
    const received = to('ada@customer.example');
    expect(received).to.have.length(1);
    const email = received[0]!;
    expect(email.subject).to.contain('Brass Desk Lamp');
    expect(email.headers['list-unsubscribe-post']).to.equal('List-Unsubscribe=One-Click');
    const link = /^<(https:\/\/api\.shop\.example\/store\/notifications\/unsubscribe\?token=[\w.-]+)>$/.exec(email.headers['list-unsubscribe'] ?? '')?.[1];
    expect(link, email.headers['list-unsubscribe']).to.be.a('string');
    expect(email.text).to.contain(`Unsubscribe: ${link}`);
    expect(footerLink(email)).to.equal(link);

    // what a mail client does for RFC 8058: POST the header's URL with the one-click body, no login
    const { pathname, search } = new URL(link!);
    const done = await c.store.client.post(`${pathname}${search}`, 'List-Unsubscribe=One-Click', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.status, done.text).to.equal(200);
    expect(done.body).to.deep.equal({ unsubscribed: true, category: 'inventory', channel: 'email' });

    server.clear();
    await restock();
    expect(to('ada@customer.example')).to.deep.equal([]);
    const [latest] = await sql(c.store, `select status, status_reason from cw_notification_message where recipient_key = 'email:ada@customer.example' and channel = 'email' order by created_at desc limit 1`);
    expect(latest).to.deep.equal({ status: 'suppressed', status_reason: 'Unsubscribed from inventory on email through a link' });
  });
});

/** The href of the HTML footer's unsubscribe link, with the attribute's character references decoded. */
function footerLink(email: ReceivedEmail): string | undefined {
  const href = /<a href="([^"]+)"[^>]*>Unsubscribe<\/a>/.exec(email.html ?? '')?.[1];
  return href?.replace(/&#(x?)([0-9a-f]+);/gi, (_, hex: string, code: string) => String.fromCharCode(parseInt(code, hex ? 16 : 10))).replaceAll('&amp;', '&');
}
