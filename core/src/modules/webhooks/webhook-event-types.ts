/**
 * The events a subscription may name. Event names are TypeScript types only (the `EventMap`), so
 * the list is kept here; `test/core/webhooks/event-types.test.ts` compares it with every `EventMap`
 * declaration under `core/src/modules`. Internal events (requests between modules) are left out.
 */
export const WEBHOOK_EVENT_TYPES = [
  'address.created',
  'address.deleted',
  'address.updated',
  'attribute.created',
  'attribute.deleted',
  'attribute.updated',
  'brand.created',
  'brand.deleted',
  'brand.updated',
  'cart.expired',
  'category.created',
  'category.deleted',
  'category.moved',
  'category.updated',
  'collection.created',
  'collection.deleted',
  'collection.products_changed',
  'collection.updated',
  'complaint.opened',
  'complaint.reopened',
  'complaint.replied',
  'complaint.resolved',
  'fulfillment.tracking_updated',
  'inventory.back_in_stock',
  'inventory.low_stock',
  'inventory.reservation_expired',
  'media.deleted',
  'media.updated',
  'media.uploaded',
  'order.cancelled',
  'order.completed',
  'order.confirmed',
  'order.delivered',
  'order.edited',
  'order.out_for_delivery',
  'order.placed',
  'order.shipped',
  'order.status_changed',
  'payment.authorized',
  'payment.captured',
  'payment.dispute_closed',
  'payment.dispute_opened',
  'payment.failed',
  'payment.refunded',
  'payment.voided',
  'product.created',
  'product.deleted',
  'product.updated',
  'return.approved',
  'return.cancelled',
  'return.exchanged',
  'return.label_created',
  'return.received',
  'return.refunded',
  'return.rejected',
  'return.requested',
  'tag.created',
  'tag.deleted',
  'tag.updated',
  'user.approved',
  'user.email_verified',
  'user.password_changed',
  'user.registered',
] as const;

/** Events between modules, not facts for the outside world: never forwarded, not even to `*`. */
export const INTERNAL_EVENT_TYPES: readonly string[] = ['notification.requested'];

/** Subscribes to every event in `WEBHOOK_EVENT_TYPES`, and to events added to it later. */
export const ALL_EVENTS = '*';

const known = new Set<string>(WEBHOOK_EVENT_TYPES);

export function isWebhookEventType(name: string): boolean {
  return known.has(name);
}

/** Whether a subscription to `eventTypes` wants an event named `name`. */
export function subscriptionWants(eventTypes: readonly string[], name: string): boolean {
  if (!known.has(name)) return false;
  return eventTypes.includes(ALL_EVENTS) || eventTypes.includes(name);
}
