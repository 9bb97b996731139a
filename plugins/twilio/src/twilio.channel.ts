import { AppError, type DeliveryReport, type DeliveryStatus, type NotificationChannel, type OutgoingMessage, type SendResult } from '@cartwright/core';
import twilio from 'twilio';
import type { TwilioFailureCode } from './errors.ts';
import { failureOf, type TwilioSendError } from './twilio-failures.ts';
import { TwilioHttpClient } from './twilio-http-client.ts';
import { resolveOptions, type ResolvedTwilioOptions, type TwilioOptions } from './options.ts';

/** The header Twilio signs its callbacks in (Node lower-cases header names). */
export const SIGNATURE_HEADER = 'x-twilio-signature';
const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * A Twilio message status as a delivery report status. `undelivered` (the carrier could not hand it
 * to the phone: switched off for days, a blocked number, a carrier filter) is the SMS counterpart of
 * a bounce; `failed` (Twilio could not send it at all) and `canceled` stay `failed`.
 */
export function reportStatusOf(twilioStatus: string): DeliveryStatus {
  switch (twilioStatus) {
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'bounced';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      // queued, accepted, scheduled, sending, sent, receiving, received: still on its way
      return 'sent';
  }
}

const reasonOf = (errorCode: string | number | null | undefined, errorMessage: string | null | undefined): string | null =>
  errorCode || errorMessage ? [errorCode ? `Twilio error ${errorCode}` : null, errorMessage || null].filter(Boolean).join(': ') : null;

/**
 * Text messages through Twilio's Programmable Messaging, with the official SDK. Each message asks
 * Twilio for status callbacks at `statusCallbackUrl` (then `webhooks` is claimed and the callbacks
 * are checked against the auth token), and the status of any sent message can be asked for
 * (`deliveryStatus`), so core learns of delivered and undelivered texts either way.
 */
export class TwilioChannel implements NotificationChannel {
  readonly kind = 'sms' as const;
  readonly id: string;
  readonly name: string;
  readonly capabilities: { deliveryStatus: true; webhooks: boolean };
  readonly options: ResolvedTwilioOptions;
  /** Present when status callbacks are asked for (`statusCallbackUrl`); claimed by `webhooks`. */
  readonly webhook?: NotificationChannel['webhook'];
  readonly #http: TwilioHttpClient;
  readonly #client: twilio.Twilio;

  constructor(options: TwilioOptions | ResolvedTwilioOptions) {
    this.options = 'login' in options ? options : resolveOptions(options);
    const o = this.options;
    this.id = o.id;
    this.name = o.name;
    this.capabilities = { deliveryStatus: true, webhooks: o.statusCallbackUrl !== null };
    this.#http = new TwilioHttpClient({ apiBaseUrl: o.apiBaseUrl, timeoutMs: o.timeoutMs });
    this.#client = twilio(o.login.username, o.login.password, { accountSid: o.accountSid, httpClient: this.#http, timeout: o.timeoutMs });
    // the kit (and core) read the method's presence as the claim, so it exists only with a callback URL
    if (o.statusCallbackUrl && o.authToken) {
      const url = o.statusCallbackUrl;
      const authToken = o.authToken;
      this.webhook = async (request) => this.#statusCallback(request, url, authToken);
    }
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const to = message.to.phone?.trim();
    if (!to) return { status: 'failed', retryable: false, reason: `${'TWILIO_RECIPIENT_MISSING' satisfies TwilioFailureCode}: the recipient has no phone number` };
    if (!E164.test(to)) return { status: 'failed', retryable: false, reason: `${'TWILIO_RECIPIENT_REFUSED' satisfies TwilioFailureCode}: "${to}" is not a phone number in E.164 form (+<country><number>)` };
    try {
      const sent = await this.#http.withIdempotencyKey(message.idempotencyKey, () =>
        this.#client.messages.create({
          to,
          body: message.text,
          ...this.options.sender,
          ...(this.options.statusCallbackUrl ? { statusCallback: this.options.statusCallbackUrl } : {}),
        }),
      );
      // Twilio answers 201 for a message it will not send only in rare cases (a failed scheduled send); trust what it says
      if (sent.status === 'failed' || sent.status === 'undelivered') {
        return { status: 'failed', retryable: false, reason: `${'TWILIO_MESSAGE_REFUSED' satisfies TwilioFailureCode}: ${reasonOf(sent.errorCode, sent.errorMessage) ?? sent.status}`, providerMessageId: sent.sid };
      }
      return { status: reportStatusOf(sent.status) === 'delivered' ? 'delivered' : 'sent', providerMessageId: sent.sid };
    } catch (error) {
      const { retryable, reason } = failureOf(error as TwilioSendError);
      return { status: 'failed', retryable, reason };
    }
  }

  async status(request: { providerMessageId: string }): Promise<DeliveryReport> {
    // a failure to ask throws: core asks again at the next poll
    const message = await this.#client.messages(request.providerMessageId).fetch();
    return {
      providerMessageId: message.sid,
      status: reportStatusOf(message.status),
      occurredAt: message.dateUpdated instanceof Date && !Number.isNaN(message.dateUpdated.getTime()) ? message.dateUpdated : new Date(),
      reason: reasonOf(message.errorCode, message.errorMessage),
    };
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      const account = await this.#client.api.v2010.accounts(this.options.accountSid).fetch();
      return account.status === 'active' ? { ok: true } : { ok: false, reason: `the Twilio account is ${account.status}` };
    } catch (error) {
      return { ok: false, reason: failureOf(error as TwilioSendError).reason };
    }
  }

  async #statusCallback(request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }, url: string, authToken: string): Promise<DeliveryReport[]> {
    const signature = headerOf(request.headers, SIGNATURE_HEADER);
    if (!signature) throw invalid('the status callback has no X-Twilio-Signature header');
    const params = Object.fromEntries(new URLSearchParams(request.rawBody.toString('utf8')));
    // the SDK's check: HMAC-SHA1 of the URL Twilio called and the sorted form parameters, keyed with the auth token
    if (!twilio.validateRequest(authToken, signature, url, params)) throw invalid(`the X-Twilio-Signature does not match the body signed for ${url}`);
    const sid = params.MessageSid ?? params.SmsSid;
    const status = params.MessageStatus ?? params.SmsStatus;
    // an authentic callback about something other than a message status (none is asked for) changes nothing
    if (!sid || !status) return [];
    return [{ providerMessageId: sid, status: reportStatusOf(status), occurredAt: new Date(), reason: reasonOf(params.ErrorCode, params.ErrorMessage) }];
  }
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Core turns this code into its 400 `NOTIFICATION_WEBHOOK_INVALID`; the status matches core's declaration. */
const invalid = (message: string) => new AppError({ status: 400, code: 'NOTIFICATION_WEBHOOK_INVALID', message });
