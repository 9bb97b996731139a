import type { FulfillmentStatus, OrderStatus, PaymentStatus } from './order.types.ts';

/**
 * Every legal status change of an order, in one place. A change not listed here is refused
 * (409 `ORDER_TRANSITION_INVALID`); staying in the same status is not a change.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['completed', 'cancelled'],
  cancelled: [],
  completed: [],
};

export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  not_paid: ['authorized', 'partially_paid', 'paid'],
  authorized: ['partially_paid', 'paid', 'voided'],
  partially_paid: ['paid', 'partially_refunded', 'refunded'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['refunded'],
  refunded: [],
  voided: [],
};

export const FULFILLMENT_TRANSITIONS: Readonly<Record<FulfillmentStatus, readonly FulfillmentStatus[]>> = {
  not_fulfilled: ['partially_fulfilled', 'fulfilled', 'shipped'],
  partially_fulfilled: ['fulfilled', 'shipped'],
  fulfilled: ['shipped'],
  shipped: ['delivered', 'returned'],
  delivered: ['returned'],
  returned: [],
};

export const ORDER_STATUSES = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];
export const PAYMENT_STATUSES = Object.keys(PAYMENT_TRANSITIONS) as PaymentStatus[];
export const FULFILLMENT_STATUSES = Object.keys(FULFILLMENT_TRANSITIONS) as FulfillmentStatus[];

export type StatusKind = 'order' | 'payment' | 'fulfillment';

const MACHINES = { order: ORDER_TRANSITIONS, payment: PAYMENT_TRANSITIONS, fulfillment: FULFILLMENT_TRANSITIONS } as const;

/** Whether `from → to` is allowed for that kind of status (the same status is always allowed: nothing changes). */
export function canTransition(kind: StatusKind, from: string, to: string): boolean {
  if (from === to) return true;
  const allowed = (MACHINES[kind] as Record<string, readonly string[]>)[from];
  return allowed?.includes(to) ?? false;
}
