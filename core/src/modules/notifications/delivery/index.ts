import type { Cradle } from '../../../kernel/container.ts';
import type { PluginApi } from '../../../kernel/plugin.ts';
import type { NotificationRules } from '../pipeline.ts';
import { deliveryRoutes } from './delivery.routes.ts';
import { NotificationDelivery, POLL_STATUS_JOB, SEND_DUE_JOB } from './delivery.service.ts';

declare module '../../../kernel/container.ts' {
  interface Cradle {
    /** Queues, sends, retries and resends notification messages; applies channels' delivery reports. */
    notificationDelivery: NotificationDelivery;
  }
}

/**
 * The rules, when installed. They are registered by the same module, but delivery must not make
 * every event fail while a store runs without them (a trimmed module list, a plugin replacing them).
 */
function installedRules(cradle: Cradle): NotificationRules | undefined {
  try {
    return cradle.notificationRules;
  } catch (error) {
    if ((error as Error).name === 'AwilixResolutionError') return undefined;
    throw error;
  }
}

/** Delivery: one message per event, recipient and channel, sent through its channel with retries, a log and resends. */
export function registerDelivery(api: PluginApi): void {
  api.service('notificationDelivery', (cradle) => new NotificationDelivery(cradle), { lifetime: 'singleton' });
  // the rules (changeable in admin) name the events that notify; only those are fanned out to delivery
  let rules: NotificationRules | undefined;
  api.onStart((cradle) => {
    rules = installedRules(cradle);
  });
  const notifies = (eventName: string) => rules?.eventNames().includes(eventName) ?? false;
  api.subscribeAll(
    'delivery',
    async (event, { em, cradle }) => {
      const current = installedRules(cradle);
      if (!current || !current.eventNames().includes(event.name)) return;
      const intents = await current.intentsFor(em, { id: event.id, name: event.name, payload: event.payload as Record<string, unknown> });
      if (intents.length === 0) return;
      // queued in the subscriber's own transaction; sending happens in the job, outside any transaction
      const queued = await em.transactional((tx) => cradle.notificationDelivery.queue(tx, intents));
      if (queued.length > 0) await cradle.notificationDelivery.wake();
    },
    notifies,
  );
  api.job(SEND_DUE_JOB, async (_data, { cradle }) => {
    await cradle.notificationDelivery.sendDue();
  }, { every: '30 seconds', concurrency: 1 });
  api.job(POLL_STATUS_JOB, async (_data, { cradle }) => {
    await cradle.notificationDelivery.pollStatuses();
  }, { every: '5 minutes', concurrency: 1 });
  api.routes('/admin/notifications/deliveries', deliveryRoutes);
}

export { NotificationDelivery, POLL_STATUS_JOB, SEND_DUE_JOB };
export { DeliveryErrors } from './delivery.errors.ts';
