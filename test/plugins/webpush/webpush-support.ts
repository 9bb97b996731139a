import webpush from 'web-push';
import { newId, type OutgoingMessage } from '@cartwright/core';
import type { WebpushOptions } from '@cartwright/plugin-webpush';
import type { ReceivedPush } from '@cartwright/plugin-webpush/testing';
import type { ReceivedMessage } from '@cartwright/core/testing';

/** A fresh VAPID key pair, as `npx web-push generate-vapid-keys` makes. */
export const vapidKeys = (): { publicKey: string; privateKey: string } => webpush.generateVAPIDKeys();

/** Options for a store whose pushes go to the local push service (plain HTTP on 127.0.0.1). */
export function localOptions(keys: { publicKey: string; privateKey: string }, overrides: Partial<WebpushOptions> = {}): WebpushOptions {
  return { subject: 'mailto:ops@shop.example', publicKey: keys.publicKey, privateKey: keys.privateKey, allowLocalHttpEndpoints: true, ...overrides };
}

export function orderShipped(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: newId('msg'),
    idempotencyKey: newId('idem'),
    to: {},
    subject: 'Your order has shipped',
    text: 'Order #1001 is on its way. Track it in your account.',
    link: '/account/orders/ord_1001',
    category: 'orders',
    ...overrides,
  };
}

/** A push as the conformance kit reads it: the endpoint it reached, the title and the body the browser shows. */
export function asReceived(push: ReceivedPush): ReceivedMessage {
  const payload = JSON.parse(push.payload) as { title: string; body: string };
  return { to: push.endpoint, subject: payload.title, text: payload.body };
}
