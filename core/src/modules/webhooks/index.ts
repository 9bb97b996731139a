import { definePlugin } from '../../kernel/plugin.ts';
import { adminWebhookRoutes, WEBHOOK_DELIVERY_JOB } from './admin-webhooks.routes.ts';
import { isWebhookEventType } from './webhook-event-types.ts';
import { WebhookDeliveryService } from './webhook-delivery.service.ts';
import { WebhookSubscriptionService } from './webhook-subscription.service.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    webhookSubscriptionService: WebhookSubscriptionService;
    webhookDeliveryService: WebhookDeliveryService;
  }
}

/** Job data: tests pass `now` (ISO) to make retries due and to pick the signing secrets of that instant. */
export interface WebhookDeliveryJobData {
  now?: string;
}

/** Outgoing webhooks: admins subscribe URLs to event types; deliveries are signed, retried, logged and replayable. */
export const webhooksModule = definePlugin({
  name: '@cartwright/core/webhooks',
  version: '0.1.0',
  register(api) {
    api.service('webhookSubscriptionService', (cradle) => new WebhookSubscriptionService(cradle));
    api.service('webhookDeliveryService', (cradle) => new WebhookDeliveryService(cradle));
    api.routes('/admin/webhooks', adminWebhookRoutes);
    // one subscriber for every event a subscription may name, rather than one per event type
    api.subscribeAll(
      'deliveries',
      async (event, { em, cradle }) => {
        const created = await cradle.webhookDeliveryService.recordEvent(em, event);
        if (created > 0 && cradle.jobs.started) await cradle.jobs.now(WEBHOOK_DELIVERY_JOB, {}).catch(() => undefined);
      },
      isWebhookEventType,
    );
    api.job<WebhookDeliveryJobData>(
      WEBHOOK_DELIVERY_JOB,
      async (data, { cradle }) => {
        await cradle.webhookDeliveryService.deliverDue(data?.now ? new Date(data.now) : new Date());
      },
      { every: '30 seconds', concurrency: 1 },
    );
  },
});

export { WebhookDeliveryService, WebhookSubscriptionService, WEBHOOK_DELIVERY_JOB };
export { WEBHOOK_EVENT_TYPES } from './webhook-event-types.ts';
export { RETRY_DELAYS_SECONDS, retryDelayMs } from './webhook-retry-schedule.ts';
export { signatureOf } from './webhook-signature.ts';
export { WebhookErrors } from './webhooks.errors.ts';
export { PING_EVENT_TYPE, deliveryBody } from './webhook-delivery.service.ts';
