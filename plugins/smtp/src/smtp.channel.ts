import type { NotificationChannel, OutgoingMessage, SendResult } from '@cartwright/core';
import nodemailer, { type Mail, type SMTPPoolOptions, type SMTPPoolSentMessageInfo } from 'nodemailer';
import type { SmtpFailureCode } from './errors.ts';
import { failureOf, type SmtpSendError } from './reply-codes.ts';
import { resolveOptions, type ResolvedSmtpOptions, type SmtpOptions } from './options.ts';

/** Headers the channel writes itself from the message; a same-named entry of `message.headers` is ignored. */
const OWN_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'message-id', 'date', 'mime-version', 'content-type', 'content-transfer-encoding']);
const SINGLE_ADDRESS = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+$/;
/** A header value nodemailer may write as given: printable ASCII, so no line break can end the header early. */
const PLAIN_HEADER_VALUE = /^[\x20-\x7e\t]*$/;

/**
 * Email through any SMTP server (a provider's relay or your own), over pooled connections. SMTP
 * takes no idempotency key, so the Message-ID is derived from the message's idempotency key (core's
 * message id and its send round): a retry of an attempt that did reach the server carries the same
 * Message-ID, and anything downstream (the provider's logs, a mail client) recognises it as the same
 * message; a manual resend (a new round, a new key) is a new email that no client folds away.
 */
export class SmtpChannel implements NotificationChannel {
  readonly kind = 'email' as const;
  readonly capabilities = { deliveryStatus: false, webhooks: false };
  readonly id: string;
  readonly name: string;
  readonly options: ResolvedSmtpOptions;
  readonly #transporter: Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

  constructor(options: SmtpOptions | ResolvedSmtpOptions) {
    this.options = 'messageIdDomain' in options ? options : resolveOptions(options);
    this.id = this.options.id;
    this.name = this.options.name;
    const o = this.options;
    this.#transporter = nodemailer.createTransport({
      pool: true,
      host: o.host,
      port: o.port,
      secure: o.tls === 'implicit',
      requireTLS: o.tls === 'starttls',
      ignoreTLS: o.tls === 'none',
      ...(o.auth ? { auth: { user: o.auth.user, pass: o.auth.password } } : {}),
      maxConnections: o.maxConnections,
      connectionTimeout: o.connectionTimeoutMs,
      greetingTimeout: o.greetingTimeoutMs,
      socketTimeout: o.socketTimeoutMs,
      // a message lost with its connection comes back to core as retryable, which retries with backoff
      maxRequeues: 0,
      ...(o.dkim ? { dkim: { domainName: o.dkim.domainName, keySelector: o.dkim.keySelector, privateKey: o.dkim.privateKey } } : {}),
    });
  }

  /** The Message-ID every attempt with this idempotency key carries (`msg_…:1` → `<msg_….1@shop.example>`). */
  messageIdOf(message: Pick<OutgoingMessage, 'idempotencyKey'>): string {
    const local = message.idempotencyKey.replace(/[^A-Za-z0-9_-]+/g, '.').replace(/^\.+|\.+$/g, '') || 'message';
    return `<${local}@${this.options.messageIdDomain}>`;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const address = message.to.email?.trim();
    if (!address) return { status: 'failed', retryable: false, reason: `${'SMTP_RECIPIENT_MISSING' satisfies SmtpFailureCode}: the recipient has no email address` };
    // nodemailer reads "a@x, b@y" as two recipients: one message goes to one address
    if (!SINGLE_ADDRESS.test(address)) return { status: 'failed', retryable: false, reason: `${'SMTP_RECIPIENT_REFUSED' satisfies SmtpFailureCode}: "${address}" is not one email address` };
    const { from, replyTo } = this.options;
    try {
      const info = await this.#transporter.sendMail({
        from: from.name ? { name: from.name, address: from.address } : from.address,
        to: message.to.name ? { name: message.to.name, address } : address,
        ...(replyTo ? { replyTo } : {}),
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: this.messageIdOf(message),
        headers: headersOf(message.headers),
      });
      return { status: 'sent', providerMessageId: info.messageId };
    } catch (error) {
      const { retryable, reason } = failureOf(error as SmtpSendError);
      return { status: 'failed', retryable, reason, providerMessageId: this.messageIdOf(message) };
    }
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.#transporter.verify();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: failureOf(error as SmtpSendError).reason };
    }
  }

  /** Closes the pooled connections (the plugin does it when the store stops). */
  close(): void {
    this.#transporter.close();
  }
}

function headersOf(headers: OutgoingMessage['headers']): Record<string, string | { prepared: true; value: string }> {
  const written: Record<string, string | { prepared: true; value: string }> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (OWN_HEADERS.has(name.toLowerCase())) continue;
    // printable ASCII is written untouched (a folded List-Unsubscribe URL is one some clients misread);
    // anything else nodemailer encodes, which also keeps a line break out of the header block
    written[name] = PLAIN_HEADER_VALUE.test(value) ? { prepared: true, value } : value;
  }
  return written;
}
