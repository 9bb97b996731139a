import { TwilioChannel, type TwilioOptions } from '@cartwright/plugin-twilio';
import type { TwilioStandIn } from '@cartwright/plugin-twilio/testing';
import { newId, type OutgoingMessage } from '@cartwright/core';
import type { DeliveryStatus } from '@cartwright/core';

export const SHOP_NUMBER = '+15005550006';
export const CALLBACK_URL = 'https://api.shop.example/webhooks/twilio';

/** Options that reach the stand-in with its account; the environment's TWILIO_* never leak into a test. */
export function standInOptions(standIn: TwilioStandIn, overrides: Partial<TwilioOptions> = {}): TwilioOptions {
  return { accountSid: standIn.accountSid, authToken: standIn.authToken, from: SHOP_NUMBER, apiBaseUrl: standIn.url, timeoutMs: 5_000, ...overrides };
}

export function standInChannel(standIn: TwilioStandIn, overrides: Partial<TwilioOptions> = {}): TwilioChannel {
  return new TwilioChannel(standInOptions(standIn, overrides));
}

/** A report status as Twilio's message status that the stand-in's carrier moves to. */
export const twilioStatusOf = (status: DeliveryStatus): string => ({ sent: 'sent', delivered: 'delivered', bounced: 'undelivered', failed: 'failed' })[status];

/** A rendered text as core's delivery hands it over: its idempotency key is the message id and the send round. */
export function orderShippedText(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const id = newId('msg');
  return {
    id,
    idempotencyKey: `${id}:1`,
    to: { userId: 'usr_1', name: 'Grace Hopper', phone: '+4915112345678' },
    text: 'Test Shop: order 1001 has shipped. https://shop.example/orders/1001',
    category: 'orders',
    ...overrides,
  };
}
