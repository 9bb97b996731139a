import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { registerAndLogin } from '../auth/auth-helpers.ts';
import { inAppMessage, sendInApp } from './inbox-helpers.ts';

describe('notifications › in-app inbox', function () {
  this.timeout(120_000);
  let store: TestStore;

  before(async () => {
    store = await createTestStore();
  });
  after(async () => {
    await store?.stop();
  });

  it('lists what the in-app channel sent, newest first, with the unread count', async () => {
    const { user, as } = await registerAndLogin(store, 'inbox-list@example.com');
    const first = await sendInApp(store, inAppMessage(user.id, { subject: 'Order placed', text: 'Thanks for your order', link: '/orders/1' }));
    const second = await sendInApp(store, inAppMessage(user.id, { subject: 'Order shipped', text: 'On its way', category: 'shipping' }));
    expect(first.status).to.equal('delivered');
    expect(second.status).to.equal('delivered');

    const listed = await as.get('/store/me/notifications');
    expect(listed.status).to.equal(200);
    expect(listed.body.count).to.equal(2);
    expect(listed.body.unread).to.equal(2);
    expect(listed.body.items.map((e: any) => e.title)).to.deep.equal(['Order shipped', 'Order placed']);
    expect(listed.body.items[1]).to.include({ body: 'Thanks for your order', link: '/orders/1', category: 'orders', read: false, readAt: null });
    expect(BigInt(listed.body.items[0].position) > BigInt(listed.body.items[1].position)).to.equal(true);
    expect((await as.get('/store/me/notifications/unread-count')).body).to.deep.equal({ unread: 2 });
  });

  it('marks one entry read, lists unread ones, and keeps the first read time', async () => {
    const { user, as } = await registerAndLogin(store, 'inbox-read@example.com');
    await sendInApp(store, inAppMessage(user.id, { subject: 'one' }));
    await sendInApp(store, inAppMessage(user.id, { subject: 'two' }));
    const [two] = (await as.get('/store/me/notifications')).body.items;

    const read = await as.post(`/store/me/notifications/${two.id}/read`);
    expect(read.status).to.equal(200);
    expect(read.body).to.include({ id: two.id, read: true });
    const again = await as.post(`/store/me/notifications/${two.id}/read`);
    expect(again.body.readAt).to.equal(read.body.readAt);

    const unread = await as.get('/store/me/notifications', { query: { unread: true } });
    expect(unread.body.items.map((e: any) => e.title)).to.deep.equal(['one']);
    expect(unread.body.count).to.equal(1);
    expect((await as.get('/store/me/notifications/unread-count')).body.unread).to.equal(1);
  });

  it('marks all read, or only up to a position so later ones stay unread', async () => {
    const { user, as } = await registerAndLogin(store, 'inbox-all@example.com');
    await sendInApp(store, inAppMessage(user.id, { subject: 'a' }));
    await sendInApp(store, inAppMessage(user.id, { subject: 'b' }));
    const seen = (await as.get('/store/me/notifications')).body.items[0].position as string;
    await sendInApp(store, inAppMessage(user.id, { subject: 'c' }));

    const partly = await as.post('/store/me/notifications/read-all', { upTo: seen });
    expect(partly.body).to.deep.equal({ marked: 2, unread: 1 });
    const rest = await as.post('/store/me/notifications/read-all', {});
    expect(rest.body).to.deep.equal({ marked: 1, unread: 0 });
    const bad = await as.post('/store/me/notifications/read-all', { upTo: 'latest' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/upTo');
  });

  it('answers 404 for another user’s entry, for reading and deleting alike', async () => {
    const owner = await registerAndLogin(store, 'inbox-owner@example.com');
    const other = await registerAndLogin(store, 'inbox-other@example.com');
    await sendInApp(store, inAppMessage(owner.user.id));
    const [entry] = (await owner.as.get('/store/me/notifications')).body.items;

    const read = await other.as.post(`/store/me/notifications/${entry.id}/read`);
    expect(read.status).to.equal(404);
    expect(read.body.code).to.equal('NOTIFICATION_NOT_FOUND');
    expect((await other.as.delete(`/store/me/notifications/${entry.id}`)).status).to.equal(404);
    expect((await other.as.get('/store/me/notifications')).body.count).to.equal(0);
    expect((await owner.as.get('/store/me/notifications')).body.items[0].read).to.equal(false);

    expect((await owner.as.delete(`/store/me/notifications/${entry.id}`)).status).to.equal(204);
    expect((await owner.as.get('/store/me/notifications')).body.count).to.equal(0);
  });

  it('stores a message once however often it is sent with the same idempotency key', async () => {
    const { user, as } = await registerAndLogin(store, 'inbox-once@example.com');
    const message = inAppMessage(user.id);
    const first = await sendInApp(store, message);
    const retried = await sendInApp(store, { ...message, text: 'a retry' });
    const concurrent = await Promise.all([sendInApp(store, message), sendInApp(store, message)]);
    expect(retried).to.deep.equal(first);
    expect(concurrent).to.deep.equal([first, first]);
    const listed = await as.get('/store/me/notifications');
    expect(listed.body.count).to.equal(1);
    expect(listed.body.items[0].body).to.equal(message.text);
  });

  it('refuses, without retry, a message for no user or an unknown one', async () => {
    expect(await sendInApp(store, inAppMessage(null))).to.include({ status: 'failed', retryable: false });
    expect(await sendInApp(store, inAppMessage('usr_nobody'))).to.include({ status: 'failed', retryable: false });
  });

  it('is the store’s in_app channel, and serves staff and vendors as it serves customers', async () => {
    const channel = await store.commerce.container.cradle.notificationChannels.forKind('in_app');
    expect(channel).to.include({ id: 'in_app', kind: 'in_app' });
    expect(channel!.capabilities).to.deep.equal({ deliveryStatus: false, webhooks: false });

    const staff = await createAndLogin(store, 'inbox-staff@example.com', 'staff');
    await sendInApp(store, inAppMessage(staff.id, { subject: 'Low stock' }));
    expect((await staff.as.get('/store/me/notifications')).body.items[0].title).to.equal('Low stock');
  });

  it('has no inbox for guests', async () => {
    const response = await store.client.get('/store/me/notifications');
    expect(response.status).to.equal(401);
    expect((await store.client.get('/store/me/notifications/stream')).status).to.equal(401);
  });
});
