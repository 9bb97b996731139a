import type { ChannelKind } from '../channels/notification-channel.ts';

/**
 * The preference categories a person sees. `locked` ones carry transactional messages (a password
 * reset, an order confirmation) and cannot be switched off; `marketing` is opt-in (off until the
 * person consents); the rest are on until switched off. Whether one message may be suppressed is
 * decided by its intent's `transactional` flag, so a rule can still send a transactional message in
 * any category.
 */
export const NOTIFICATION_CATEGORIES = {
  account: { locked: true, defaultEnabled: true },
  orders: { locked: true, defaultEnabled: true },
  shipping: { locked: true, defaultEnabled: true },
  returns: { locked: true, defaultEnabled: true },
  complaints: { locked: true, defaultEnabled: true },
  inventory: { locked: false, defaultEnabled: true },
  vendor: { locked: false, defaultEnabled: true },
  marketing: { locked: false, defaultEnabled: false },
} as const;

export type NotificationCategory = keyof typeof NOTIFICATION_CATEGORIES;

export const PREFERENCE_CHANNELS: readonly ChannelKind[] = ['email', 'sms', 'push', 'in_app'];

export const MARKETING = 'marketing';

export function isKnownCategory(category: string): category is NotificationCategory {
  return Object.hasOwn(NOTIFICATION_CATEGORIES, category);
}

/** Whether a category nobody has set a preference for is sent: marketing needs consent first. */
export function enabledByDefault(category: string): boolean {
  return isKnownCategory(category) ? NOTIFICATION_CATEGORIES[category].defaultEnabled : category !== MARKETING;
}
