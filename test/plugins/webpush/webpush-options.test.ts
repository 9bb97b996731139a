import { expect } from 'chai';
import webpushLib from 'web-push';
import { MAX_PAYLOAD_BYTES, pushPayload, resolveOptions, topicOf } from '@cartwright/plugin-webpush';
import { decryptPush, generateBrowserKeys, verifyVapid } from '@cartwright/plugin-webpush/testing';
import { orderShipped, vapidKeys } from './webpush-support.ts';

describe('webpush: options', () => {
  const keys = vapidKeys();
  const subject = 'mailto:ops@shop.example';

  it('reads the VAPID keys from WEBPUSH_VAPID_PUBLIC_KEY and WEBPUSH_VAPID_PRIVATE_KEY, with defaults for the rest', () => {
    const resolved = resolveOptions({ subject }, { WEBPUSH_VAPID_PUBLIC_KEY: keys.publicKey, WEBPUSH_VAPID_PRIVATE_KEY: keys.privateKey });
    expect(resolved).to.deep.equal({
      id: 'webpush',
      name: 'Web push',
      vapid: { subject, ...keys },
      ttlSeconds: 86_400,
      urgency: 'normal',
      timeoutMs: 10_000,
      allowLocalHttpEndpoints: false,
    });
  });

  it('refuses to start without a key, naming the variable', () => {
    expect(() => resolveOptions({ subject }, { WEBPUSH_VAPID_PRIVATE_KEY: keys.privateKey })).to.throw(/WEBPUSH_VAPID_PUBLIC_KEY/);
    expect(() => resolveOptions({ subject }, { WEBPUSH_VAPID_PUBLIC_KEY: keys.publicKey })).to.throw(/WEBPUSH_VAPID_PRIVATE_KEY/);
  });

  it('refuses malformed keys and the keys of two different pairs', () => {
    expect(() => resolveOptions({ subject, publicKey: keys.publicKey.slice(1), privateKey: keys.privateKey }, {})).to.throw(/WEBPUSH_VAPID_PUBLIC_KEY is not/);
    expect(() => resolveOptions({ subject, publicKey: keys.publicKey, privateKey: `${keys.privateKey}=` }, {})).to.throw(/WEBPUSH_VAPID_PRIVATE_KEY is not/);
    expect(() => resolveOptions({ subject, publicKey: vapidKeys().publicKey, privateKey: keys.privateKey }, {})).to.throw(/not the public key of WEBPUSH_VAPID_PRIVATE_KEY/);
  });
});

describe('webpush: payload and topic', () => {
  it('sends the title, body, link, category and message id', () => {
    const message = orderShipped();
    expect(pushPayload(message)).to.deep.equal({ title: message.subject, body: message.text, link: message.link, category: 'orders', id: message.id });
    expect(pushPayload({ ...message, subject: undefined, link: undefined })).to.include({ title: '', link: null });
  });

  it('cuts a body too long for one push to the most that fits, ending in "…"', () => {
    for (const text of ['x'.repeat(10_000), '"\\\n'.repeat(3000), '📦'.repeat(2000)]) {
      const payload = pushPayload(orderShipped({ text }));
      const bytes = Buffer.byteLength(JSON.stringify(payload));
      expect(bytes).to.be.at.most(MAX_PAYLOAD_BYTES).and.greaterThan(MAX_PAYLOAD_BYTES - 16);
      expect(text.startsWith(payload.body.slice(0, -1)) && payload.body.endsWith('…')).to.equal(true);
    }
    // never half of a surrogate pair
    expect(pushPayload(orderShipped({ text: '📦'.repeat(2000) })).body).to.match(/^(📦)+…$/u);
  });

  it('keeps room for the body: a huge title is cut to a quarter of the limit, a huge link dropped', () => {
    const titled = pushPayload(orderShipped({ subject: 'T'.repeat(5000), text: 'Order #1001 is on its way.' }));
    expect(titled.body).to.equal('Order #1001 is on its way.');
    expect(titled.title).to.match(/^T+…$/);
    expect(Buffer.byteLength(titled.title)).to.be.at.most(MAX_PAYLOAD_BYTES / 4);
    const linked = pushPayload(orderShipped({ subject: 'Shipped', text: 'Order #1001 is on its way.', link: `/${'l'.repeat(5000)}` }));
    expect(linked).to.include({ title: 'Shipped', body: 'Order #1001 is on its way.', link: null });
    const ordinary = orderShipped();
    expect(pushPayload(ordinary)).to.include({ title: ordinary.subject, body: ordinary.text, link: ordinary.link });
  });

  it('derives the Topic from the idempotency key: at most 32 base64url characters, the same for a retry', () => {
    const topic = topicOf('notif:order.shipped:ord_1:usr_1:webpush');
    expect(topic).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(topicOf('notif:order.shipped:ord_1:usr_1:webpush')).to.equal(topic);
    expect(topicOf('notif:order.shipped:ord_2:usr_1:webpush')).not.to.equal(topic);
  });
});

describe('webpush: the browser-side checks of the test kit', () => {
  const keys = vapidKeys();
  const browser = generateBrowserKeys();
  const endpoint = 'https://push.example/send/abc';
  const request = () =>
    webpushLib.generateRequestDetails({ endpoint, keys: browser.keys }, 'hello', { vapidDetails: { subject: 'mailto:ops@shop.example', ...keys } });

  it('decrypts what web-push encrypts, and refuses a body altered in transit or the keys of another browser', () => {
    const body = request().body as Buffer;
    expect(decryptPush(body, browser).toString()).to.equal('hello');
    const altered = Buffer.from(body);
    altered[altered.length - 20]! ^= 1;
    expect(() => decryptPush(altered, browser)).to.throw();
    expect(() => decryptPush(body, generateBrowserKeys())).to.throw();
  });

  it('verifies the VAPID token, and refuses another audience, another key or an altered signature', () => {
    const authorization = request().headers.Authorization as string;
    expect(verifyVapid(authorization, endpoint).publicKey).to.equal(keys.publicKey);
    expect(() => verifyVapid(authorization, 'https://other.example/send/abc')).to.throw(/aud/);
    expect(() => verifyVapid(authorization.replace(keys.publicKey, vapidKeys().publicKey), endpoint)).to.throw(/signature/);
    const [token] = /t=([^,]+)/.exec(authorization)!.slice(1);
    const flipped = token!.slice(0, -2) + (token!.at(-2) === 'A' ? 'B' : 'A') + token!.at(-1);
    expect(() => verifyVapid(authorization.replace(token!, flipped), endpoint)).to.throw(/signature/);
    expect(() => verifyVapid(authorization, endpoint, Date.now() + 25 * 3600 * 1000)).to.throw(/expired/);
  });
});
