/**
 * The notification seam: a module that wants a message sent records `notification.requested` in its
 * own transaction; the notifications module renders the template and delivers it on the channel.
 * Until that module is installed the request waits in the outbox, where tests read it.
 */
export interface NotificationRequest {
  channel: 'email' | 'sms' | 'in_app' | 'push';
  /** Template key, `<module>.<message>`: `auth.verify_email`, `auth.password_reset`. */
  template: string;
  recipient: { userId?: string; email?: string; phone?: string; name?: string };
  /** The template's variables. */
  data: Record<string, unknown>;
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    'notification.requested': NotificationRequest;
  }
}
