import { expect } from 'chai';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { IDEMPOTENCY_HEADER, TwilioChannel, failureOf, reportStatusOf } from '@cartwright/plugin-twilio';
import { startTwilioStandIn, type TwilioStandIn } from '@cartwright/plugin-twilio/testing';
import { CALLBACK_URL, SHOP_NUMBER, orderShippedText, standInChannel } from './twilio-support.ts';

describe('twilio: sending a text through the SDK', () => {
  let standIn: TwilioStandIn;
  before(async () => {
    standIn = await startTwilioStandIn();
  });
  after(async () => {
    await standIn?.stop();
  });

  const createRequests = () => standIn.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/Messages.json'));

  it('posts the form Twilio documents to the account’s Messages.json, with Basic auth and the idempotency key', async () => {
    const channel = standInChannel(standIn, { statusCallbackUrl: CALLBACK_URL });
    const message = orderShippedText();
    const result = await channel.send(message);
    expect(result.status).to.equal('sent');
    const [request] = createRequests().slice(-1);
    expect(request).to.include({ path: `/2010-04-01/Accounts/${standIn.accountSid}/Messages.json`, username: standIn.accountSid });
    expect(request!.headers['content-type']).to.match(/^application\/x-www-form-urlencoded/);
    expect(request!.headers[IDEMPOTENCY_HEADER.toLowerCase()]).to.equal(message.idempotencyKey);
    expect(request!.form).to.deep.equal({ To: '+4915112345678', From: SHOP_NUMBER, Body: message.text, StatusCallback: CALLBACK_URL });
    const sent = standIn.messages().at(-1)!;
    expect(result).to.deep.equal({ status: 'sent', providerMessageId: sent.sid });
    expect(sent.sid).to.match(/^SM[0-9a-f]{32}$/);
  });

  it('sends through a Messaging Service with an API key, and asks for no callback without a callback URL', async () => {
    const service = `MG${'a'.repeat(32)}`;
    const channel = standInChannel(standIn, { authToken: undefined, apiKeySid: standIn.apiKey.sid, apiKeySecret: standIn.apiKey.secret, from: undefined, messagingServiceSid: service });
    expect(channel.capabilities).to.deep.equal({ deliveryStatus: true, webhooks: false });
    expect(channel.webhook).to.equal(undefined);
    expect(channel.name).to.equal(`Twilio SMS (${service})`);
    expect((await channel.send(orderShippedText())).status).to.equal('sent');
    const [request] = createRequests().slice(-1);
    expect(request!.username).to.equal(standIn.apiKey.sid);
    expect(request!.path).to.equal(`/2010-04-01/Accounts/${standIn.accountSid}/Messages.json`);
    expect(request!.form).to.deep.equal({ To: '+4915112345678', MessagingServiceSid: service, Body: orderShippedText().text });
  });

  it('sends the same idempotency key on a retry of the same round, and a new one for a resend', async () => {
    const channel = standInChannel(standIn);
    const message = orderShippedText();
    standIn.failNext(1);
    expect(await channel.send(message)).to.include({ status: 'failed', retryable: true });
    expect((await channel.send(message)).status).to.equal('sent');
    expect((await channel.send({ ...message, idempotencyKey: `${message.id}:2` })).status).to.equal('sent');
    const tokens = createRequests().slice(-3).map((request) => request.headers[IDEMPOTENCY_HEADER.toLowerCase()]);
    expect(tokens).to.deep.equal([`${message.id}:1`, `${message.id}:1`, `${message.id}:2`]);
  });

  it('keeps each concurrent send’s idempotency key on its own request', async () => {
    const channel = standInChannel(standIn);
    const messages = Array.from({ length: 6 }, () => orderShippedText());
    const results = await Promise.all(messages.map((message) => channel.send(message)));
    for (const [index, message] of messages.entries()) {
      const result = results[index]!;
      expect(result.status).to.equal('sent');
      const sid = (result as { providerMessageId: string }).providerMessageId;
      expect(standIn.message(sid).idempotencyToken).to.equal(message.idempotencyKey);
    }
  });

  describe('failures, as the delivery pipeline needs them', () => {
    const cases = [
      { title: 'an invalid To (21211)', refusal: { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." }, code: 'TWILIO_RECIPIENT_REFUSED', retryable: false },
      { title: 'a recipient who replied STOP (21610)', refusal: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }, code: 'TWILIO_RECIPIENT_UNSUBSCRIBED', retryable: false },
      { title: 'a landline (21614)', refusal: { status: 400, code: 21614, message: "'To' number is not a valid mobile number" }, code: 'TWILIO_RECIPIENT_REFUSED', retryable: false },
      { title: 'a region the account may not send to (21408)', refusal: { status: 400, code: 21408, message: 'Permission to send an SMS has not been enabled for the region' }, code: 'TWILIO_RECIPIENT_REFUSED', retryable: false },
      { title: 'a body Twilio refuses (21617)', refusal: { status: 400, code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' }, code: 'TWILIO_MESSAGE_REFUSED', retryable: false },
      { title: 'a rate limit (429)', refusal: { status: 429, code: 20429, message: 'Too Many Requests' }, code: 'TWILIO_RATE_LIMITED', retryable: true },
      { title: 'a server error (500)', refusal: { status: 500, code: 20500, message: 'Internal Server Error' }, code: 'TWILIO_UNAVAILABLE', retryable: true },
      { title: 'an outage (503)', refusal: { status: 503, code: 20503, message: 'Service Unavailable' }, code: 'TWILIO_UNAVAILABLE', retryable: true },
    ];
    for (const { title, refusal, code, retryable } of cases) {
      it(`answers ${code} (${retryable ? 'retryable' : 'not retryable'}) for ${title}`, async () => {
        const channel = standInChannel(standIn);
        standIn.failNext(1, refusal);
        const result = await channel.send(orderShippedText());
        expect(result).to.include({ status: 'failed', retryable });
        expect((result as { reason: string }).reason).to.equal(`${code}: Twilio error ${refusal.code}, HTTP ${refusal.status}, ${refusal.message}`);
      });
    }

    it('answers TWILIO_AUTH_FAILED, retryable, when Twilio refuses the credentials (and check says why)', async () => {
      const channel = standInChannel(standIn, { authToken: 'not-the-token' });
      const result = await channel.send(orderShippedText());
      expect(result).to.deep.equal({ status: 'failed', retryable: true, reason: 'TWILIO_AUTH_FAILED: Twilio error 20003, HTTP 401, Authenticate' });
      expect(await channel.check()).to.deep.equal({ ok: false, reason: 'TWILIO_AUTH_FAILED: Twilio error 20003, HTTP 401, Authenticate' });
    });

    it('answers TWILIO_RECIPIENT_MISSING or _REFUSED without calling Twilio for a missing or malformed number', async () => {
      const channel = standInChannel(standIn);
      const before = standIn.requests.length;
      expect(await channel.send(orderShippedText({ to: { userId: 'usr_1', phone: null } }))).to.deep.equal({ status: 'failed', retryable: false, reason: 'TWILIO_RECIPIENT_MISSING: the recipient has no phone number' });
      expect(await channel.send(orderShippedText({ to: { phone: '0151 1234 5678' } }))).to.include({ status: 'failed', retryable: false });
      expect(standIn.requests.length).to.equal(before);
    });

    it('answers TWILIO_UNAVAILABLE, retryable, when nothing listens at the API', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const channel = standInChannel(standIn, { apiBaseUrl: `http://127.0.0.1:${port}` });
      const result = await channel.send(orderShippedText());
      expect(result).to.include({ status: 'failed', retryable: true });
      expect((result as { reason: string }).reason).to.match(/^TWILIO_UNAVAILABLE: /);
      expect((await channel.check()).ok).to.equal(false);
    });

    it('maps codes it does not know by their HTTP status, and anything else to TWILIO_FAILED', () => {
      expect(failureOf({ status: 403, code: 20403, message: 'Forbidden' })).to.include({ code: 'TWILIO_MESSAGE_REFUSED', retryable: false });
      expect(failureOf({ status: 502, message: 'Bad Gateway' })).to.include({ code: 'TWILIO_UNAVAILABLE', retryable: true });
      expect(failureOf({ code: 'ETIMEDOUT', message: 'timeout' })).to.include({ code: 'TWILIO_UNAVAILABLE', retryable: true });
      expect(failureOf({ message: 'something odd' })).to.include({ code: 'TWILIO_FAILED', retryable: true });
    });
  });

  describe('delivery status', () => {
    it('maps Twilio’s message statuses to report statuses', () => {
      const mapped = Object.fromEntries(['queued', 'accepted', 'scheduled', 'sending', 'sent', 'delivered', 'read', 'undelivered', 'failed', 'canceled'].map((status) => [status, reportStatusOf(status)]));
      expect(mapped).to.deep.equal({ queued: 'sent', accepted: 'sent', scheduled: 'sent', sending: 'sent', sent: 'sent', delivered: 'delivered', read: 'delivered', undelivered: 'bounced', failed: 'failed', canceled: 'failed' });
    });

    it('asks Twilio for a message and reports what the carrier said, with its error', async () => {
      const channel = standInChannel(standIn);
      const { providerMessageId } = (await channel.send(orderShippedText())) as { providerMessageId: string };
      expect(await channel.status({ providerMessageId })).to.include({ providerMessageId, status: 'sent', reason: null });
      const updated = standIn.advance(providerMessageId, 'undelivered', { code: 30003, message: 'Unreachable destination handset' });
      const report = await channel.status({ providerMessageId });
      expect(report).to.include({ providerMessageId, status: 'bounced', reason: 'Twilio error 30003: Unreachable destination handset' });
      // Twilio's dates have whole seconds
      expect(report.occurredAt.getTime()).to.equal(Math.floor(updated.dateUpdated.getTime() / 1000) * 1000);
      standIn.advance(providerMessageId, 'delivered');
      expect(await channel.status({ providerMessageId })).to.include({ status: 'delivered', reason: null });
    });

    it('throws when Twilio does not know the message, so core asks again later', async () => {
      const channel = standInChannel(standIn);
      let failure: unknown;
      try {
        await channel.status({ providerMessageId: `SM${'0'.repeat(32)}` });
      } catch (error) {
        failure = error;
      }
      expect(failure).to.include({ status: 404, code: 20404 });
    });
  });

  describe('status callbacks', () => {
    it('turns a signed callback into a report, with the error code of an undelivered text', async () => {
      const channel = standInChannel(standIn, { statusCallbackUrl: CALLBACK_URL });
      const { providerMessageId } = (await channel.send(orderShippedText())) as { providerMessageId: string };
      standIn.advance(providerMessageId, 'undelivered', { code: 30005, message: 'Unknown destination handset' });
      const reports = await channel.webhook!(standIn.statusCallback(providerMessageId));
      expect(reports).to.have.length(1);
      expect(reports[0]).to.include({ providerMessageId, status: 'bounced', reason: 'Twilio error 30005' });
    });

    it('rejects a callback signed with another auth token, or for another URL', async () => {
      const channel = standInChannel(standIn, { statusCallbackUrl: CALLBACK_URL });
      const { providerMessageId } = (await channel.send(orderShippedText())) as { providerMessageId: string };
      for (const forged of [standIn.statusCallback(providerMessageId, { authToken: 'someone-else' }), standIn.statusCallback(providerMessageId, { url: 'https://evil.example/webhooks/twilio' })]) {
        let failure: unknown;
        try {
          await channel.webhook!(forged);
        } catch (error) {
          failure = error;
        }
        expect(failure).to.include({ code: 'NOTIFICATION_WEBHOOK_INVALID', status: 400 });
      }
    });
  });
});

describe('twilio: options', () => {
  const sid = `AC${'1'.repeat(32)}`;
  const refusal = (options: ConstructorParameters<typeof TwilioChannel>[0]): string => {
    try {
      new TwilioChannel(options);
    } catch (error) {
      return String(error);
    }
    return 'started';
  };
  const saved = { ...process.env };
  beforeEach(() => {
    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_KEY_SID', 'TWILIO_API_KEY_SECRET']) delete process.env[name];
  });
  after(() => {
    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_KEY_SID', 'TWILIO_API_KEY_SECRET']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('refuses to start without credentials or a sender, naming what is missing', () => {
    expect(refusal({ from: SHOP_NUMBER })).to.match(/TWILIO_ACCOUNT_SID/);
    expect(refusal({ accountSid: sid, from: SHOP_NUMBER })).to.match(/TWILIO_AUTH_TOKEN/);
    expect(refusal({ accountSid: sid, apiKeySid: `SK${'2'.repeat(32)}`, from: SHOP_NUMBER })).to.match(/TWILIO_API_KEY_SECRET/);
    expect(refusal({ accountSid: sid, authToken: 'token' })).to.match(/from .* messagingServiceSid/);
    expect(refusal({ accountSid: sid, authToken: 'token', from: SHOP_NUMBER, messagingServiceSid: `MG${'3'.repeat(32)}` })).to.match(/not both/);
    expect(refusal({ accountSid: sid, apiKeySid: `SK${'2'.repeat(32)}`, apiKeySecret: 'secret', from: SHOP_NUMBER, statusCallbackUrl: CALLBACK_URL })).to.match(/signs status callbacks .* TWILIO_AUTH_TOKEN/);
  });

  it('reads the account and token from the environment', () => {
    process.env.TWILIO_ACCOUNT_SID = sid;
    process.env.TWILIO_AUTH_TOKEN = 'env-token';
    const channel = new TwilioChannel({ from: SHOP_NUMBER });
    expect(channel.options).to.include({ id: 'twilio', name: `Twilio SMS (${SHOP_NUMBER})`, accountSid: sid, authToken: 'env-token', statusCallbackUrl: null, apiBaseUrl: null, timeoutMs: 15_000 });
    expect(channel.options.login).to.deep.equal({ username: sid, password: 'env-token' });
  });
});
