import { SmtpChannel, type SmtpOptions } from '@cartwright/plugin-smtp';
import type { LocalSmtpServer, ReceivedEmail } from '@cartwright/plugin-smtp/testing';
import { newId, type OutgoingMessage } from '@cartwright/core';
import type { ReceivedMessage } from '@cartwright/core/testing';

export const SHOP_FROM = { address: 'orders@shop.example', name: 'Cartwright Shop' };

/** Options that reach the local server in plain text (it offers no STARTTLS). */
export function localOptions(server: LocalSmtpServer, overrides: Partial<SmtpOptions> = {}): SmtpOptions {
  return { host: server.host, port: server.port, tls: 'none', from: SHOP_FROM, connectionTimeoutMs: 5_000, greetingTimeoutMs: 5_000, socketTimeoutMs: 10_000, ...overrides };
}

/** A channel on the local server; the environment's SMTP_* never leak into a test. */
export function localChannel(server: LocalSmtpServer, overrides: Partial<SmtpOptions> = {}): SmtpChannel {
  return new SmtpChannel(localOptions(server, overrides));
}

/** What the kit reads back: the email as the server parsed it. */
export function asReceived(email: ReceivedEmail): ReceivedMessage {
  return { to: email.envelope.to[0] ?? '', subject: email.subject, text: email.text, html: email.html, headers: email.headers };
}

/** A rendered message as core's delivery hands it over: its idempotency key is the message id and the send round. */
export function orderShipped(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const id = newId('msg');
  return {
    id,
    idempotencyKey: `${id}:1`,
    to: { userId: 'usr_1', name: 'Grace Hopper', email: 'grace@customer.example' },
    subject: 'Your order has shipped',
    text: 'Hello Grace,\nyour order is on its way.',
    html: '<p>Hello Grace,</p><p>your order is on its way.</p>',
    category: 'orders',
    ...overrides,
  };
}
