import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import type { NotificationChannel } from '@cartwright/core';
import webpush, { MAX_PAYLOAD_BYTES, topicOf, WebpushChannel } from '@cartwright/plugin-webpush';
import { startLocalPushService, type LocalPushService } from '@cartwright/plugin-webpush/testing';
import { registerAndLogin } from '../../core/auth/auth-helpers.ts';
import { localOptions, orderShipped, vapidKeys } from './webpush-support.ts';

const PATH = '/store/me/push-subscriptions';

describe('webpush: installed in a store', () => {
  const keys = vapidKeys();
  let service: LocalPushService;
  let store: TestStore;
  let channel: NotificationChannel;
  before(async () => {
    service = await startLocalPushService();
    store = await createTestStore({ plugins: [webpush(localOptions(keys, { name: 'Browser push', ttlSeconds: 3600, urgency: 'high' }))] });
    channel = (await store.commerce.container.cradle.notificationChannels.forKind('push'))!;
  });
  after(async () => {
    await store?.stop();
    await service?.stop();
  });

  /** A signed-in user with `count` browsers subscribed at the local push service and registered with the store. */
  async function userWithBrowsers(count: number) {
    const user = await registerAndLogin(store, `${crypto.randomUUID()}@customer.example`);
    const browsers = [];
    for (let i = 0; i < count; i++) {
      const browser = service.subscribe(keys.publicKey);
      const registered = await user.as.post(PATH, { ...browser.subscription, expirationTime: null });
      expect(registered.status, registered.text).to.equal(201);
      browsers.push({ ...browser, id: registered.body.id as string });
    }
    return { ...user, userId: user.user.id as string, browsers };
  }

  const pushesTo = (endpoint: string) => service.received().filter((push) => push.endpoint === endpoint);

  it('is the store’s push channel, found by kind and by id', async () => {
    const channels = store.commerce.container.cradle.notificationChannels;
    expect(channel).to.be.instanceOf(WebpushChannel);
    expect(channel).to.include({ id: 'webpush', kind: 'push', name: 'Browser push' });
    expect(channel.capabilities).to.deep.equal({ deliveryStatus: false, webhooks: false });
    expect(await channels.find('webpush')).to.equal(channel);
  });

  describe('/store/me/push-subscriptions', () => {
    it('is for signed-in users only', async () => {
      expect((await store.client.get(PATH)).status).to.equal(401);
      expect((await store.client.post(PATH, service.subscribe(keys.publicKey).subscription)).status).to.equal(401);
    });

    it('answers the VAPID public key and the user’s own subscriptions', async () => {
      const ada = await userWithBrowsers(2);
      await userWithBrowsers(1);
      const listed = await ada.as.get(PATH);
      expect(listed.status).to.equal(200);
      expect(listed.body.publicKey).to.equal(keys.publicKey);
      expect(listed.body.subscriptions.map((s: { id: string; endpoint: string }) => [s.id, s.endpoint])).to.deep.equal(
        ada.browsers.map((b) => [b.id, b.subscription.endpoint]),
      );
      // the keys stay on the server: the browser has them, nobody else needs them
      expect(Object.keys(listed.body.subscriptions[0]).sort()).to.deep.equal(['createdAt', 'endpoint', 'id', 'updatedAt']);
    });

    it('refuses with 422 naming the field a subscription that is not https or whose keys are malformed', async () => {
      const { as } = await registerAndLogin(store, `${crypto.randomUUID()}@customer.example`);
      const { subscription } = service.subscribe(keys.publicKey);
      const cases: Array<[unknown, string]> = [
        [{ ...subscription, endpoint: 'http://push.example/send/abc' }, '/endpoint'],
        [{ ...subscription, endpoint: 'not a url' }, '/endpoint'],
        [{ ...subscription, keys: { ...subscription.keys, p256dh: subscription.keys.p256dh.slice(0, 40) } }, '/keys/p256dh'],
        [{ ...subscription, keys: { ...subscription.keys, p256dh: `${subscription.keys.p256dh.slice(0, -1)}=` } }, '/keys/p256dh'],
        [{ ...subscription, keys: { ...subscription.keys, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0xff)]).toString('base64url') } }, '/keys/p256dh'],
        [{ ...subscription, keys: { ...subscription.keys, auth: Buffer.alloc(12, 1).toString('base64url') } }, '/keys/auth'],
        [{ ...subscription, keys: { ...subscription.keys, auth: 'not base64url!!!!!!!!!' } }, '/keys/auth'],
      ];
      for (const [body, pointer] of cases) {
        const refused = await as.post(PATH, body);
        expect(refused.status, `${pointer}: ${refused.text}`).to.equal(422);
        expect(refused.body.code).to.equal('WEBPUSH_SUBSCRIPTION_INVALID');
        expect(refused.body.errors.map((e: { pointer: string }) => e.pointer)).to.deep.equal([pointer]);
      }
      expect((await as.get(PATH)).body.subscriptions).to.deep.equal([]);
    });

    it('registers an endpoint once: sent again it refreshes the keys (200) and keeps its id', async () => {
      const ada = await userWithBrowsers(1);
      const [browser] = ada.browsers;
      const again = await ada.as.post(PATH, browser!.subscription);
      expect(again.status).to.equal(200);
      expect(again.body.id).to.equal(browser!.id);
      expect((await ada.as.get(PATH)).body.subscriptions).to.have.length(1);
    });

    it('moves a browser to the user who registers it last', async () => {
      const ada = await userWithBrowsers(1);
      const bob = await registerAndLogin(store, `${crypto.randomUUID()}@customer.example`);
      expect((await bob.as.post(PATH, ada.browsers[0]!.subscription)).status).to.equal(200);
      expect((await ada.as.get(PATH)).body.subscriptions).to.deep.equal([]);
      expect((await bob.as.get(PATH)).body.subscriptions.map((s: { id: string }) => s.id)).to.deep.equal([ada.browsers[0]!.id]);
    });

    it('deletes the user’s own subscription; another user’s is 404', async () => {
      const ada = await userWithBrowsers(1);
      const bob = await userWithBrowsers(0);
      const theirs = await bob.as.delete(`${PATH}/${ada.browsers[0]!.id}`);
      expect(theirs.status).to.equal(404);
      expect(theirs.body.code).to.equal('WEBPUSH_SUBSCRIPTION_NOT_FOUND');
      expect((await ada.as.delete(`${PATH}/${ada.browsers[0]!.id}`)).status).to.equal(204);
      expect((await ada.as.get(PATH)).body.subscriptions).to.deep.equal([]);
      expect((await ada.as.delete(`${PATH}/${ada.browsers[0]!.id}`)).status).to.equal(404);
    });
  });

  describe('send', () => {
    it('pushes to each of the user’s browsers what was sent, encrypted for it and signed with the VAPID key', async () => {
      const ada = await userWithBrowsers(2);
      const message = orderShipped({ to: { userId: ada.userId } });
      const result = await channel.send(message);
      expect(result.status).to.equal('sent');
      for (const browser of ada.browsers) {
        const pushes = pushesTo(browser.subscription.endpoint);
        expect(pushes).to.have.length(1);
        const [push] = pushes;
        // decrypted by the stand-in with this browser's private key and auth secret
        expect(JSON.parse(push!.payload)).to.deep.equal({ title: message.subject, body: message.text, link: message.link, category: 'orders', id: message.id });
        // the JWT was verified (ES256 with k, the subscription's applicationServerKey); these are its claims
        expect(push!.vapid.aud).to.equal(service.url);
        expect(push!.vapid.sub).to.equal('mailto:ops@shop.example');
        expect(push!.vapid.exp * 1000).to.be.greaterThan(Date.now());
        expect(push).to.include({ ttl: '3600', urgency: 'high', topic: topicOf(message.idempotencyKey) });
      }
      expect(result).to.deep.equal({ status: 'sent', providerMessageId: pushesTo(ada.browsers[0]!.subscription.endpoint)[0]!.location });
      expect(service.rejected()).to.deep.equal([]);
    });

    it('uses the subscriptions the message carries instead of the stored ones', async () => {
      const ada = await userWithBrowsers(1);
      const other = service.subscribe(keys.publicKey);
      const result = await channel.send(orderShipped({ to: { userId: ada.userId, pushSubscriptions: [other.subscription] } }));
      expect(result.status).to.equal('sent');
      expect(pushesTo(other.subscription.endpoint)).to.have.length(1);
      expect(pushesTo(ada.browsers[0]!.subscription.endpoint)).to.deep.equal([]);
    });

    it('deletes a subscription its push service says is gone (410) and counts the message sent when another browser got it', async () => {
      const ada = await userWithBrowsers(2);
      const [expired, alive] = ada.browsers;
      service.answer(expired!.subscription.endpoint, 410);
      const result = await channel.send(orderShipped({ to: { userId: ada.userId } }));
      expect(result.status).to.equal('sent');
      expect(pushesTo(alive!.subscription.endpoint)).to.have.length(1);
      expect((await ada.as.get(PATH)).body.subscriptions.map((s: { id: string }) => s.id)).to.deep.equal([alive!.id]);
    });

    it('fails for good, deleting them, when every subscription has expired (404 or 410)', async () => {
      const ada = await userWithBrowsers(2);
      service.answer(ada.browsers[0]!.subscription.endpoint, 404);
      service.answer(ada.browsers[1]!.subscription.endpoint, 410);
      const result = await channel.send(orderShipped({ to: { userId: ada.userId } }));
      expect(result).to.include({ status: 'failed', retryable: false });
      expect((result as { reason: string }).reason).to.match(/^WEBPUSH_NO_SUBSCRIPTION: /);
      expect((await ada.as.get(PATH)).body.subscriptions).to.deep.equal([]);
      const again = await channel.send(orderShipped({ to: { userId: ada.userId } }));
      expect(again).to.deep.equal({ status: 'failed', retryable: false, reason: 'WEBPUSH_NO_SUBSCRIPTION: the recipient has no push subscription' });
    });

    it('fails retryably, keeping the subscription, when the push service fails (500) or asks to wait (429)', async () => {
      const ada = await userWithBrowsers(1);
      const endpoint = ada.browsers[0]!.subscription.endpoint;
      service.answer(endpoint, 500);
      const failed = await channel.send(orderShipped({ to: { userId: ada.userId } }));
      expect(failed).to.include({ status: 'failed', retryable: true });
      expect((failed as { reason: string }).reason).to.match(/^WEBPUSH_UNREACHABLE: 500 from 127\.0\.0\.1:\d+/);
      service.answer(endpoint, 429);
      const deferred = await channel.send(orderShipped({ to: { userId: ada.userId } }));
      expect(deferred).to.include({ status: 'failed', retryable: true });
      expect((deferred as { reason: string }).reason).to.match(/^WEBPUSH_DEFERRED: 429/);
      expect((await ada.as.get(PATH)).body.subscriptions).to.have.length(1);
      service.restore(endpoint);
      // the retry carries the same idempotency key, hence the same Topic: a push still queued is replaced
      const message = orderShipped({ to: { userId: ada.userId } });
      expect((await channel.send(message)).status).to.equal('sent');
      expect(pushesTo(endpoint).map((push) => push.topic)).to.deep.equal([topicOf(message.idempotencyKey)]);
    });

    it('fails retryably when the push service cannot be reached', async () => {
      const result = await channel.send(
        orderShipped({ to: { pushSubscriptions: [{ ...service.subscribe(keys.publicKey).subscription, endpoint: 'http://127.0.0.1:1/push/closed' }] } }),
      );
      expect(result).to.include({ status: 'failed', retryable: true });
      expect((result as { reason: string }).reason).to.match(/^WEBPUSH_UNREACHABLE: 127\.0\.0\.1:1 could not be reached/);
    });

    it('fails for good when the push service refuses the push (403: the subscription belongs to another VAPID key)', async () => {
      const foreign = service.subscribe(vapidKeys().publicKey);
      const result = await channel.send(orderShipped({ to: { pushSubscriptions: [foreign.subscription] } }));
      expect(result).to.include({ status: 'failed', retryable: false });
      expect((result as { reason: string }).reason).to.match(/^WEBPUSH_REFUSED: 403/);
    });

    it('cuts a body too long for one push so it still arrives, ending in "…"', async () => {
      const ada = await userWithBrowsers(1);
      const message = orderShipped({ to: { userId: ada.userId }, text: 'Ünïcödé and emoji 📦 '.repeat(400) });
      expect((await channel.send(message)).status).to.equal('sent');
      const [push] = pushesTo(ada.browsers[0]!.subscription.endpoint);
      expect(Buffer.byteLength(push!.payload)).to.be.at.most(MAX_PAYLOAD_BYTES);
      const payload = JSON.parse(push!.payload) as { title: string; body: string };
      expect(payload.title).to.equal(message.subject);
      expect(payload.body.endsWith('…')).to.equal(true);
      expect(message.text.startsWith(payload.body.slice(0, -1))).to.equal(true);
    });

    it('deletes a user’s subscriptions with the user', async () => {
      const ada = await userWithBrowsers(1);
      await store.commerce.withScope(async (scope) => {
        await scope.cradle.em.execute('delete from cw_user where id = ?', [ada.userId]);
        const left = await scope.cradle.em.execute('select id from webpush_subscription where user_id = ?', [ada.userId]);
        expect(left).to.deep.equal([]);
      });
    });
  });
});

describe('webpush: a store without its VAPID keys', () => {
  it('does not start, naming the variable to set', async () => {
    let failure: unknown;
    try {
      const store = await createTestStore({ plugins: [webpush({ subject: 'mailto:ops@shop.example', publicKey: vapidKeys().publicKey })] });
      await store.stop();
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.match(/WEBPUSH_VAPID_PRIVATE_KEY/);
  });
});
