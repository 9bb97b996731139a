import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import type { SendResult } from '@cartwright/core';
import type { SmtpChannel } from '@cartwright/plugin-smtp';
import { startLocalSmtpServer, type LocalSmtpServer } from '@cartwright/plugin-smtp/testing';
import { localChannel, orderShipped } from './smtp-support.ts';

describe('smtp: email end to end against a real SMTP server', () => {
  let server: LocalSmtpServer;
  let channel: SmtpChannel;
  before(async () => {
    server = await startLocalSmtpServer();
    channel = localChannel(server, { replyTo: 'help@shop.example' });
  });
  beforeEach(() => server.clear());
  after(async () => {
    channel?.close();
    await server?.stop();
  });

  const failed = (result: SendResult) => {
    expect(result.status, JSON.stringify(result)).to.equal('failed');
    return result as Extract<SendResult, { status: 'failed' }>;
  };

  it('delivers to the named recipient from the shop, with a non-ASCII subject, text and HTML as multipart/alternative, and the unsubscribe headers intact', async () => {
    const message = orderShipped({
      to: { userId: 'usr_1', name: 'Zoë Müller-Łukasiewicz', email: 'zoe@customer.example' },
      subject: 'Ihre Bestellung ist unterwegs – Größe M 🚚',
      text: 'Hallo Zoë,\nIhre Bestellung ist unterwegs.',
      html: '<p>Hallo Zo&euml;,</p><p>Ihre Bestellung ist <b>unterwegs</b>.</p>',
      headers: {
        'List-Unsubscribe': '<https://shop.example/unsubscribe/eyJ1IjoidXNyXzEiLCJjIjoibWFya2V0aW5nIn0.c2lnbmF0dXJl?category=marketing&user=usr_1>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    const result = await channel.send(message);
    expect(result).to.deep.equal({ status: 'sent', providerMessageId: channel.messageIdOf(message) });

    const [email, ...more] = server.received();
    expect(more).to.have.length(0);
    expect(email!.envelope).to.deep.equal({ from: 'orders@shop.example', to: ['zoe@customer.example'] });
    expect(email!.to).to.deep.equal([{ address: 'zoe@customer.example', name: 'Zoë Müller-Łukasiewicz' }]);
    expect(email!.from).to.deep.equal([{ address: 'orders@shop.example', name: 'Cartwright Shop' }]);
    expect(email!.headers['reply-to']).to.equal('help@shop.example');
    expect(email!.subject).to.equal('Ihre Bestellung ist unterwegs – Größe M 🚚');
    expect(email!.contentType).to.match(/^multipart\/alternative;/);
    expect(email!.text.trimEnd()).to.equal('Hallo Zoë,\nIhre Bestellung ist unterwegs.');
    expect(email!.html).to.equal('<p>Hallo Zo&euml;,</p><p>Ihre Bestellung ist <b>unterwegs</b>.</p>');
    expect(email!.headers['list-unsubscribe']).to.equal(message.headers!['List-Unsubscribe']);
    expect(email!.headers['list-unsubscribe-post']).to.equal('List-Unsubscribe=One-Click');
    expect(email!.messageId).to.equal(`<${message.id}.1@shop.example>`);
  });

  it('sends a text-only message as text/plain', async () => {
    const { html: _html, ...textOnly } = orderShipped();
    expect((await channel.send(textOnly)).status).to.equal('sent');
    const [email] = server.received();
    expect(email!.contentType).to.match(/^text\/plain/);
    expect(email!.html).to.equal(null);
  });

  it('gives a message retried with the same idempotency key the same Message-ID, so the duplicate is recognisable downstream', async () => {
    const message = orderShipped({ idempotencyKey: 'msg_01JD3K9:1' });
    const first = await channel.send(message);
    const again = await channel.send({ ...message });
    expect(first.providerMessageId).to.equal('<msg_01JD3K9.1@shop.example>');
    expect(again.providerMessageId).to.equal(first.providerMessageId);
    expect(server.received().map((email) => email.messageId)).to.deep.equal([first.providerMessageId, first.providerMessageId]);
  });

  it('gives a manual resend (the same message, a new round and key) a new Message-ID, and another message another', async () => {
    const message = orderShipped({ idempotencyKey: 'msg_01JD3K9:1' });
    const first = await channel.send(message);
    const resent = await channel.send({ ...message, idempotencyKey: 'msg_01JD3K9:2' });
    const other = await channel.send(orderShipped());
    expect(resent.providerMessageId).to.equal('<msg_01JD3K9.2@shop.example>');
    expect(new Set([first.providerMessageId, resent.providerMessageId, other.providerMessageId]).size).to.equal(3);
  });

  it('keeps the headers it writes itself, and a line break in a header value adds no header and no recipient', async () => {
    const message = orderShipped({ headers: { Subject: 'Overridden', 'X-Campaign': 'spring\r\nBcc: thief@evil.example' } });
    expect((await channel.send(message)).status).to.equal('sent');
    const [email] = server.received();
    expect(email!.subject).to.equal('Your order has shipped');
    expect(email!.envelope.to).to.deep.equal(['grace@customer.example']);
    expect(email!.headers).to.not.have.property('bcc');
    expect(email!.headers['x-campaign']).to.include('spring');
  });

  for (const refusal of [
    { code: 421, at: 'mail', message: '4.7.0 Too many connections, try again later' },
    { code: 450, at: 'rcpt', message: '4.2.1 Mailbox busy' },
    { code: 451, at: 'data', message: '4.3.0 Local error in processing' },
    { code: 452, at: 'rcpt', message: '4.3.1 Insufficient system storage' },
  ] as const) {
    it(`answers retryable for a ${refusal.code} at ${refusal.at.toUpperCase()}, then the retry is accepted and the server holds the message once`, async () => {
      server.refuseNext(1, refusal);
      const message = orderShipped();
      const first = failed(await channel.send(message));
      expect(first.retryable).to.equal(true);
      // a 421 closes the connection: on a pooled connection nodemailer reports the closed connection, not the reply
      expect(first.reason).to.match(refusal.code === 421 ? /^SMTP_(DEFERRED: 421|UNREACHABLE: )/ : new RegExp(`^SMTP_DEFERRED: ${refusal.code}`));
      expect(server.received()).to.have.length(0);

      const retry = await channel.send({ ...message });
      expect(retry).to.deep.equal({ status: 'sent', providerMessageId: channel.messageIdOf(message) });
      const stored = server.received();
      expect(stored.map((email) => email.messageId)).to.deep.equal([channel.messageIdOf(message)]);
    });
  }

  for (const code of [550, 551, 553]) {
    it(`answers failed for good when the server refuses the recipient with ${code}, and stores nothing`, async () => {
      const address = `gone-${code}@customer.example`;
      server.refuseRecipient(address, { code, message: '5.1.1 No such user' });
      const result = failed(await channel.send(orderShipped({ to: { name: 'Gone', email: address } })));
      expect(result.retryable).to.equal(false);
      expect(result.reason).to.match(new RegExp(`^SMTP_RECIPIENT_REFUSED: ${code}`));
      expect(server.received()).to.have.length(0);
    });
  }

  it('answers failed for good when the server refuses the message itself with 554 after its data', async () => {
    server.refuseNext(1, { code: 554, at: 'data', message: '5.7.1 Message rejected as spam' });
    const result = failed(await channel.send(orderShipped()));
    expect(result.retryable).to.equal(false);
    expect(result.reason).to.match(/^SMTP_MESSAGE_REFUSED: 554/);
    expect(server.received()).to.have.length(0);
  });

  it('answers failed for good, without calling the server, for a recipient without an email address', async () => {
    const result = failed(await channel.send(orderShipped({ to: { userId: 'usr_2', name: 'No Mail', email: null } })));
    expect(result).to.include({ retryable: false });
    expect(result.reason).to.match(/^SMTP_RECIPIENT_MISSING/);
  });

  it('answers failed for good, sending nothing, for an email field holding more than one address', async () => {
    const result = failed(await channel.send(orderShipped({ to: { name: 'Grace', email: 'grace@customer.example, thief@evil.example' } })));
    expect(result.retryable).to.equal(false);
    expect(result.reason).to.match(/^SMTP_RECIPIENT_REFUSED: /);
    expect(server.received()).to.have.length(0);
  });

  it('signs with DKIM when configured, covering the unsubscribe headers', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const signing = localChannel(server, { id: 'smtp-dkim', dkim: { domainName: 'shop.example', keySelector: 'mail2026', privateKey } });
    try {
      const headers = { 'List-Unsubscribe': '<https://shop.example/unsubscribe/t0k3n>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
      expect((await signing.send(orderShipped({ headers }))).status).to.equal('sent');
    } finally {
      signing.close();
    }
    const signature = server.received()[0]!.headers['dkim-signature'];
    expect(signature).to.match(/\bd=shop\.example;/);
    expect(signature).to.match(/\bs=mail2026;/);
    // RFC 8058: one-click unsubscribe counts only when the signature covers both headers
    expect(signature).to.match(/\bh=[^;]*\blist-unsubscribe:list-unsubscribe-post\b/i);
  });
});

describe('smtp: a server that is down, and logins', () => {
  it('answers retryable while nothing listens, and check() says why', async () => {
    const server = await startLocalSmtpServer();
    await server.stop();
    const channel = localChannel(server);
    try {
      const result = await channel.send(orderShipped());
      expect(result).to.include({ status: 'failed', retryable: true });
      expect((result as { reason: string }).reason).to.match(/^SMTP_UNREACHABLE: /);
      const check = await channel.check();
      expect(check.ok).to.equal(false);
      expect((check as { reason: string }).reason).to.match(/^SMTP_UNREACHABLE: /);
    } finally {
      channel.close();
    }
  });

  it('logs in with the credentials and sends; with a wrong password it answers retryable and check() names the credentials', async () => {
    const server = await startLocalSmtpServer({ auth: { user: 'shop@relay.example', password: 'correct horse' } });
    const good = localChannel(server, { user: 'shop@relay.example', password: 'correct horse' });
    const bad = localChannel(server, { user: 'shop@relay.example', password: 'wrong' });
    try {
      expect(await good.check()).to.deep.equal({ ok: true });
      expect((await good.send(orderShipped())).status).to.equal('sent');
      expect(server.received().map((email) => email.user)).to.deep.equal(['shop@relay.example']);

      const refused = await bad.send(orderShipped());
      expect(refused).to.include({ status: 'failed', retryable: true });
      expect((refused as { reason: string }).reason).to.match(/^SMTP_AUTH_FAILED: /);
      const check = await bad.check();
      expect(check.ok).to.equal(false);
      expect((check as { reason: string }).reason).to.match(/^SMTP_AUTH_FAILED: /);
      expect(server.received()).to.have.length(1);
    } finally {
      good.close();
      bad.close();
      await server.stop();
    }
  });
});
