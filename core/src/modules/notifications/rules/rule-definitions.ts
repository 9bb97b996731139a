import type { ChannelKind } from '../channels/notification-channel.ts';

/**
 * Who a rule tells: `customer` (of the order the event is about), `user` (the event's `userId`),
 * `vendors` (the event's `vendorIds`/`vendorId`), `staff` (active accounts whose role holds
 * `permission`), `subscriber` (the event's `email`/`userId`, as back-in-stock carries),
 * `requested` (the recipient and channel `notification.requested` names, with its template).
 */
export type Audience = 'customer' | 'user' | 'vendors' | 'staff' | 'subscriber' | 'requested';
export const AUDIENCES: readonly Audience[] = ['customer', 'user', 'vendors', 'staff', 'subscriber', 'requested'];
export const CHANNELS: readonly ChannelKind[] = ['email', 'sms', 'in_app', 'push'];

/** Payload field → the value it must have (a list: any of them; null: the field is null or absent). */
export type RuleCondition = Record<string, string | null | string[]>;

export interface NotificationRule {
  /** Stable: config and the admin address a rule by it. */
  id: string;
  event: string;
  audience: Audience;
  /** For `staff`: the permission a role must hold. */
  permission?: string;
  /** The channels it sends on; for `requested`, the channels a request may use. */
  channels: ChannelKind[];
  /** The template key; for `requested` the request names it. */
  template: string;
  category: string;
  transactional: boolean;
  enabled: boolean;
  when?: RuleCondition;
}

const customer = (event: string, category: string, channels: ChannelKind[] = ['email', 'in_app'], extra: Partial<NotificationRule> = {}): NotificationRule => ({
  id: event,
  event,
  audience: 'customer',
  channels,
  template: event,
  category,
  transactional: true,
  enabled: true,
  ...extra,
});

/**
 * The rules core ships (docs/merchant/notifications.md has them as a table). Order, payment,
 * shipping, return and complaint messages are transactional: they are about something the person
 * is in the middle of, so preferences do not silence them.
 */
export const DEFAULT_RULES: readonly NotificationRule[] = [
  {
    id: 'notification.requested',
    event: 'notification.requested',
    audience: 'requested',
    channels: ['email', 'sms', 'in_app', 'push'],
    template: '',
    category: 'account',
    transactional: true,
    enabled: true,
  },
  customer('order.placed', 'orders'),
  { id: 'order.placed.vendor', event: 'order.placed', audience: 'vendors', channels: ['email', 'in_app'], template: 'vendor.new_order', category: 'vendor', transactional: true, enabled: true },
  customer('order.confirmed', 'orders'),
  customer('order.cancelled', 'orders'),
  customer('payment.failed', 'orders'),
  customer('payment.refunded', 'orders'),
  customer('order.shipped', 'shipping', ['email', 'sms', 'in_app']),
  customer('order.out_for_delivery', 'shipping', ['sms', 'in_app']),
  customer('order.delivered', 'shipping'),
  customer('return.requested', 'returns'),
  { id: 'return.requested.vendor', event: 'return.requested', audience: 'vendors', channels: ['email', 'in_app'], template: 'return.vendor_requested', category: 'vendor', transactional: true, enabled: true },
  customer('return.approved', 'returns'),
  customer('return.rejected', 'returns'),
  customer('return.label_created', 'returns'),
  customer('return.refunded', 'returns'),
  customer('return.exchanged', 'returns'),
  { id: 'complaint.opened.staff', event: 'complaint.opened', audience: 'staff', permission: 'orders:write', channels: ['email', 'in_app'], template: 'complaint.opened', category: 'complaints', transactional: true, enabled: true, when: { vendorId: null } },
  { id: 'complaint.opened.vendor', event: 'complaint.opened', audience: 'vendors', channels: ['email', 'in_app'], template: 'complaint.opened', category: 'complaints', transactional: true, enabled: true },
  {
    id: 'complaint.replied.staff',
    event: 'complaint.replied',
    audience: 'staff',
    permission: 'orders:write',
    channels: ['email', 'in_app'],
    template: 'complaint.customer_replied',
    category: 'complaints',
    transactional: true,
    enabled: true,
    when: { authorKind: 'customer', vendorId: null },
  },
  {
    id: 'complaint.replied.vendor',
    event: 'complaint.replied',
    audience: 'vendors',
    channels: ['email', 'in_app'],
    template: 'complaint.customer_replied',
    category: 'complaints',
    transactional: true,
    enabled: true,
    when: { authorKind: 'customer' },
  },
  customer('complaint.replied', 'complaints', ['email', 'in_app'], { when: { authorKind: ['staff', 'vendor'] } }),
  customer('complaint.resolved', 'complaints', ['email', 'in_app'], { when: { resolvedBy: ['staff', 'vendor'] } }),
  { id: 'inventory.low_stock.staff', event: 'inventory.low_stock', audience: 'staff', permission: 'inventory:write', channels: ['email', 'in_app'], template: 'inventory.low_stock', category: 'inventory', transactional: true, enabled: true },
  { id: 'inventory.low_stock.vendor', event: 'inventory.low_stock', audience: 'vendors', channels: ['email', 'in_app'], template: 'inventory.low_stock', category: 'inventory', transactional: true, enabled: true },
  // the subscriber asked for exactly this message, but may still turn such alerts off in preferences
  { id: 'inventory.back_in_stock', event: 'inventory.back_in_stock', audience: 'subscriber', channels: ['email', 'in_app'], template: 'inventory.back_in_stock', category: 'inventory', transactional: false, enabled: true },
  { id: 'vendor.approved', event: 'user.approved', audience: 'user', channels: ['email', 'in_app'], template: 'vendor.approved', category: 'account', transactional: true, enabled: true, when: { role: 'vendor' } },
];

/** Whether an event's payload meets a rule's condition. */
export function conditionHolds(when: RuleCondition | undefined, payload: Record<string, unknown>): boolean {
  if (!when) return true;
  return Object.entries(when).every(([field, expected]) => {
    const actual = payload[field];
    if (expected === null) return actual === null || actual === undefined;
    return Array.isArray(expected) ? expected.includes(String(actual)) : actual === expected;
  });
}
