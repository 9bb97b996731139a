import { actorReference } from '../../../kernel/container.ts';
import { defineRoute, reply } from '../../../kernel/http/route.ts';
import { DeliveryErrors } from './delivery.errors.ts';
import { deliveryDetail, listDeliveries } from './delivery-log.ts';
import { DeliveryDetail, DeliveryListQuery, DeliveryPage, DeliveryParams } from './delivery.schemas.ts';

/** Reading the log shows recipients' addresses: the staff who read orders may; changing it is a settings matter. */
const DELIVERY_READ_ACCESS = { permission: ['settings:write', 'orders:read'] } as const;
const DELIVERY_WRITE_ACCESS = { permission: 'settings:write' } as const;

/** `/admin/notifications/deliveries`: the delivery log, one entry per message, with its attempts and resends. */
export const deliveryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The notification delivery log',
    description:
      'Newest first. Filters: `status` (queued, sent, delivered, failed, bounced, dead, suppressed), `channel` (kind or channel id), ' +
      '`event` (name or id), `recipient` (recipient key, user id, email or phone), `from`/`to` (created, `to` exclusive). ' +
      'Needs `settings:write` or `orders:read`.',
    tags: ['notifications'],
    access: DELIVERY_READ_ACCESS,
    schema: { query: DeliveryListQuery, response: { 200: DeliveryPage } },
    handler: ({ query, cradle }) => {
      const { limit, offset, ...filter } = query;
      return listDeliveries(cradle.em, filter, { limit: limit ?? 20, offset: offset ?? 0 });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One message with every attempt, delivery report and resend',
    tags: ['notifications'],
    access: DELIVERY_READ_ACCESS,
    schema: { params: DeliveryParams, response: { 200: DeliveryDetail } },
    handler: async ({ params, cradle }) => {
      const detail = await deliveryDetail(cradle.em, params.id);
      if (!detail) throw DeliveryErrors.NOTIFICATION_MESSAGE_NOT_FOUND(`No notification message ${params.id}`);
      return detail;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/resend',
    summary: 'Send a message again',
    description:
      'Queues a new round of the same message (a fresh idempotency key and a full allowance of attempts); the log keeps every earlier ' +
      'attempt. 409 `NOTIFICATION_RESEND_INVALID` while it is still queued, or when the recipient’s preferences suppressed it. Needs `settings:write`.',
    tags: ['notifications'],
    access: DELIVERY_WRITE_ACCESS,
    schema: { params: DeliveryParams, response: { 202: DeliveryDetail } },
    handler: async ({ params, actor, cradle }) => {
      const by = actorReference(actor);
      await cradle.notificationDelivery.resend(cradle.em, params.id, `${by.kind}${by.id ? ` ${by.id}` : ''}`, (tx, before) =>
        cradle.auditLog.record(tx, {
          action: 'notification_message.resent',
          target: { type: 'notification_message', id: params.id },
          before,
          after: { status: 'queued', round: before.round + 1 },
        }),
      );
      return reply(202, (await deliveryDetail(cradle.em, params.id))!);
    },
  }),
];
