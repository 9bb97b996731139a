import { Type } from 'typebox';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types.ts';
import { RETRY_DELAYS_SECONDS } from './webhook-retry-schedule.ts';
import {
  CreateWebhookBody,
  DeliveryParams,
  DeliveryQuery,
  DeliveryView,
  IdParams,
  RotateSecretBody,
  UpdateWebhookBody,
  WebhookView,
  WebhookWithSecret,
} from './webhooks.schemas.ts';

const tags = ['webhooks'];
/** Subscriptions hold signing secrets and send store data out: reading them is a settings matter too. */
const access = { permission: 'settings:write' } as const;

/** Kicks the delivery job; the periodic run sends the delivery anyway if the queue cannot be reached. */
async function sendSoon(cradle: { jobs: { started: boolean; now<D>(name: string, data: D): Promise<string> } }): Promise<void> {
  if (cradle.jobs.started) await cradle.jobs.now(WEBHOOK_DELIVERY_JOB, {}).catch(() => undefined);
}

export const WEBHOOK_DELIVERY_JOB = 'webhooks.deliver';

/** `/admin/webhooks`: outgoing webhook subscriptions, their deliveries, replay and secret rotation. */
export const adminWebhookRoutes = [
  defineRoute({
    method: 'GET',
    path: '/event-types',
    summary: 'The event types a subscription may name, and the retry schedule',
    tags,
    access,
    schema: { response: { 200: Type.Object({ items: Type.Array(Type.String()), retryDelaysSeconds: Type.Array(Type.Integer()) }) } },
    handler: () => ({ items: [...WEBHOOK_EVENT_TYPES], retryDelaysSeconds: [...RETRY_DELAYS_SECONDS] }),
  }),
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List webhook subscriptions (without their secrets)',
    tags,
    access,
    schema: { response: { 200: Type.Object({ items: Type.Array(WebhookView) }) } },
    handler: async ({ cradle }) => ({ items: await cradle.webhookSubscriptionService.list() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Subscribe a URL to event types; answers the signing secret, shown this once',
    description:
      'The URL must be https and must not point at a loopback, private or link-local address (422 `WEBHOOK_URL_REFUSED` naming `/url`); ' +
      'event types must be known (422 `WEBHOOK_EVENT_TYPE_UNKNOWN` naming `/eventTypes/<i>`) or `*`.',
    tags,
    access,
    schema: { body: CreateWebhookBody, response: { 201: WebhookWithSecret } },
    handler: async ({ body, cradle }) => reply(201, await cradle.webhookSubscriptionService.create(body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'A webhook subscription (without its secret)',
    tags,
    access,
    schema: { params: IdParams, response: { 200: WebhookView } },
    handler: async ({ params, cradle }) => cradle.webhookSubscriptionService.get(params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Change a subscription’s URL, event types, description, active flag or attempts',
    description: 'An inactive subscription gets no new deliveries and its pending ones wait until it is active again.',
    tags,
    access,
    schema: { params: IdParams, body: UpdateWebhookBody, response: { 200: WebhookView } },
    handler: async ({ params, body, cradle }) => {
      const updated = await cradle.webhookSubscriptionService.update(params.id, body);
      if (body.active) await sendSoon(cradle);
      return updated;
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a subscription and its delivery log',
    tags,
    access,
    schema: { params: IdParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.webhookSubscriptionService.delete(params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/rotate-secret',
    summary: 'Issue a new signing secret; the old one keeps signing too during the grace period',
    tags,
    access,
    schema: { params: IdParams, body: RotateSecretBody, response: { 200: WebhookWithSecret } },
    handler: async ({ params, body, cradle }) => cradle.webhookSubscriptionService.rotateSecret(params.id, body.gracePeriodSeconds),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/test',
    summary: 'Send a `webhook.ping` delivery to the subscription',
    tags,
    access,
    schema: { params: IdParams, response: { 202: DeliveryView } },
    handler: async ({ params, cradle }) => {
      const delivery = await cradle.webhookDeliveryService.ping(params.id);
      await sendSoon(cradle);
      return reply(202, delivery);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id/deliveries',
    summary: 'The delivery log of a subscription, newest first, with every attempt',
    tags,
    access,
    schema: { params: IdParams, query: DeliveryQuery, response: { 200: Type.Object({ items: Type.Array(DeliveryView), count: Type.Integer() }) } },
    handler: async ({ params, query, cradle }) =>
      cradle.webhookDeliveryService.list(params.id, { ...(query.status ? { status: query.status } : {}), limit: query.limit ?? 20, offset: query.offset ?? 0 }),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id/deliveries/:deliveryId',
    summary: 'One delivery with every attempt',
    tags,
    access,
    schema: { params: DeliveryParams, response: { 200: DeliveryView } },
    handler: async ({ params, cradle }) => cradle.webhookDeliveryService.get(params.id, params.deliveryId),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/deliveries/:deliveryId/replay',
    summary: 'Send a delivered or dead-lettered delivery again (same id, fresh timestamp and signature)',
    description: 'A pending delivery answers 409 `WEBHOOK_DELIVERY_PENDING`.',
    tags,
    access,
    schema: { params: DeliveryParams, response: { 202: DeliveryView } },
    handler: async ({ params, cradle }) => {
      const delivery = await cradle.webhookDeliveryService.replay(params.id, params.deliveryId);
      await sendSoon(cradle);
      return reply(202, delivery);
    },
  }),
];
