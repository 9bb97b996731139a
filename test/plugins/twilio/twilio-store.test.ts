import { expect } from 'chai';
import { createTestStore, type TestStore } from '@cartwright/core/testing';
import twilio, { TwilioChannel } from '@cartwright/plugin-twilio';
import { startTwilioStandIn, type TwilioStandIn } from '@cartwright/plugin-twilio/testing';
import { delivery, intent, message, runJob, runSendJob, UNSUBSCRIBE_SECRET } from '../../core/notifications/delivery-helpers.ts';
import { CALLBACK_URL, SHOP_NUMBER, standInOptions } from './twilio-support.ts';

describe('twilio: installed in a store', function () {
  this.timeout(120_000);
  let standIn: TwilioStandIn;
  let store: TestStore;
  before(async () => {
    standIn = await startTwilioStandIn();
    store = await createTestStore({
      plugins: [twilio(standInOptions(standIn, { statusCallbackUrl: CALLBACK_URL, name: 'Shop texts' }))],
      notifications: { unsubscribe: { secret: UNSUBSCRIBE_SECRET, url: 'https://api.shop.example/store/notifications/unsubscribe' } },
    });
  });
  after(async () => {
    await store?.stop();
    await standIn?.stop();
  });

  const channels = () => store.commerce.container.cradle.notificationChannels;
  let texts = 0;
  /** Queues an order.shipped text to a phone through core's delivery, as the rules would, and runs the send job. */
  const queueShippedText = async (phone: string): Promise<string> => {
    const number = `10${++texts}`;
    const [id] = await delivery(store).deliverIntents([
      intent({
        recipient: { userId: null, phone },
        recipientKey: `phone:${phone}`,
        channel: 'sms',
        eventName: 'order.shipped',
        template: 'order.shipped',
        category: 'orders',
        transactional: true,
        data: { store: { name: 'Test Shop', url: 'https://shop.example' }, order: { number, url: `https://shop.example/orders/${number}` }, tracking: {} },
      }),
    ]);
    await runSendJob(store);
    return id!;
  };
  const sendShippedText = async (phone: string): Promise<{ id: string; sid: string }> => {
    const id = await queueShippedText(phone);
    const sent = await message(store, id);
    expect(sent.status, sent.status_reason).to.equal('sent');
    return { id, sid: sent.provider_message_id };
  };

  it('is the store’s SMS channel, found by kind and by id, and reachable', async () => {
    const sms = await channels().forKind('sms');
    expect(sms).to.be.instanceOf(TwilioChannel);
    expect(sms).to.include({ id: 'twilio', kind: 'sms', name: 'Shop texts' });
    expect(sms!.capabilities).to.deep.equal({ deliveryStatus: true, webhooks: true });
    expect(await channels().find('twilio')).to.equal(sms);
    expect(await sms!.check!()).to.deep.equal({ ok: true });
  });

  it('sends a queued text through Twilio with the rendered template, the message’s key and the callback URL', async () => {
    const { id, sid } = await sendShippedText('+4915112345001');
    const sent = standIn.message(sid);
    expect(sent).to.include({ to: '+4915112345001', from: SHOP_NUMBER, statusCallback: CALLBACK_URL });
    expect(sent.body).to.match(/^Test Shop: order 10\d+ has shipped\. https:\/\/shop\.example\/orders\/10\d+$/);
    expect(sent.idempotencyToken).to.equal(`${id}:1`);
  });

  it('applies a signed status callback posted to /webhooks/twilio, and refuses a forged one with 400', async () => {
    const { id, sid } = await sendShippedText('+4915112345002');
    standIn.advance(sid, 'delivered');
    const callback = standIn.statusCallback(sid);
    const post = (body: Buffer, headers: Record<string, string>) => store.client.post('/webhooks/twilio', undefined, { rawBody: body, headers });

    const forgery = standIn.statusCallback(sid, { authToken: 'not-the-auth-token' });
    const forged = await post(forgery.rawBody, forgery.headers);
    expect(forged.status).to.equal(400);
    expect(forged.body.code).to.equal('NOTIFICATION_WEBHOOK_INVALID');
    expect((await message(store, id)).status).to.equal('sent');

    const accepted = await post(callback.rawBody, callback.headers);
    expect(accepted.status, accepted.text).to.equal(200);
    expect(accepted.body).to.deep.equal({ received: true, applied: true, duplicate: false });
    expect((await message(store, id)).status).to.equal('delivered');

    const again = await post(callback.rawBody, callback.headers);
    expect(again.body).to.deep.equal({ received: true, applied: false, duplicate: true });
  });

  it('marks an undelivered text bounced with Twilio’s error code, from a callback', async () => {
    const { id, sid } = await sendShippedText('+4915112345003');
    standIn.advance(sid, 'undelivered', { code: 30003, message: 'Unreachable destination handset' });
    const callback = standIn.statusCallback(sid);
    const posted = await store.client.post('/webhooks/twilio', undefined, { rawBody: callback.rawBody, headers: callback.headers });
    expect(posted.status, posted.text).to.equal(200);
    expect(await message(store, id)).to.include({ status: 'bounced', status_reason: 'Twilio error 30003' });
  });

  it('learns of a delivered text by asking Twilio, when no callback came', async () => {
    const { id, sid } = await sendShippedText('+4915112345004');
    standIn.advance(sid, 'delivered');
    await runJob(store, 'notifications.poll-status');
    expect((await message(store, id)).status).to.equal('delivered');
  });

  it('fails a text to a recipient who replied STOP at once, without retrying', async () => {
    standIn.refuseNumber('+4915112345005', { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const id = await queueShippedText('+4915112345005');
    expect(await message(store, id)).to.include({ status: 'failed', status_reason: 'TWILIO_RECIPIENT_UNSUBSCRIBED: Twilio error 21610, HTTP 400, Attempt to send to unsubscribed recipient' });
    expect(standIn.messages().filter((sent) => sent.to === '+4915112345005')).to.deep.equal([]);
  });
});

describe('twilio: a store without Twilio credentials', () => {
  it('does not start, naming the variable to set', async () => {
    const saved = { sid: process.env.TWILIO_ACCOUNT_SID, token: process.env.TWILIO_AUTH_TOKEN };
    delete process.env.TWILIO_AUTH_TOKEN;
    let failure: unknown;
    try {
      const store = await createTestStore({ plugins: [twilio({ accountSid: `AC${'1'.repeat(32)}`, from: SHOP_NUMBER })] });
      await store.stop();
    } catch (error) {
      failure = error;
    } finally {
      if (saved.token !== undefined) process.env.TWILIO_AUTH_TOKEN = saved.token;
    }
    expect(String(failure)).to.match(/TWILIO_AUTH_TOKEN/);
  });
});
