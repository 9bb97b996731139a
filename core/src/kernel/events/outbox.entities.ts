import { defineEntity, p } from '@mikro-orm/core';

/** An event written in the same transaction as the change that caused it. */
export const OutboxEvent = defineEntity({
  name: 'OutboxEvent',
  tableName: 'cw_outbox_event',
  properties: {
    id: p.string().length(64).primary(),
    name: p.string().length(200),
    payload: p.json<Record<string, unknown>>(),
    occurredAt: p.datetime().onCreate(() => new Date()),
    /** Set once the event has been fanned out into one delivery per subscriber. */
    fannedOutAt: p.datetime().nullable(),
  },
});

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** The delivery of one event to one subscriber, with its attempts. */
export const EventDelivery = defineEntity({
  name: 'EventDelivery',
  tableName: 'cw_event_delivery',
  properties: {
    eventId: p.string().length(64).primary(),
    subscriber: p.string().length(200).primary(),
    eventName: p.string().length(200),
    status: p.string().length(16).$type<DeliveryStatus>(),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime(),
    /** A claimed delivery is not picked up by another dispatcher before this time. */
    leaseUntil: p.datetime().nullable(),
    lastError: p.text().nullable(),
    deliveredAt: p.datetime().nullable(),
  },
});
