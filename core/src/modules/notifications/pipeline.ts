import type { EntityManager } from '@mikro-orm/sql';
import type { ChannelKind, MessageRecipient } from './channels/notification-channel.ts';

/**
 * The two halves of the notification pipeline and the one shape they exchange. The rules decide,
 * for an event, who is told on which channel with which template (`NotificationRules.intentsFor`);
 * delivery keeps one message per intent, renders it through the templates
 * (`NotificationTemplates.render`) and sends it through the channel, with retries and a log.
 */
export interface NotificationIntent {
  /** The outbox event that caused it; with `recipientKey` and `channel` it names the message once, however often the event is delivered. */
  eventId: string;
  eventName: string;
  /** Stable per person and channel (`user:<id>`, `email:<address>`, `phone:<e164>`). */
  recipientKey: string;
  recipient: MessageRecipient;
  channel: ChannelKind;
  /** Template key: the event name by default (`order.shipped`), or the requested one (`auth.verify_email`). */
  template: string;
  /** Preference category (`account`, `orders`, `shipping`, `returns`, `complaints`, `inventory`, `vendor`, `marketing`). */
  category: string;
  /** Transactional messages ignore preferences (a password reset is always sent); marketing needs opt-in. */
  transactional: boolean;
  /** The template's variables: the event's payload plus what the rule adds (order totals, links). */
  data: Record<string, unknown>;
}

/** A template rendered for one message: what a channel sends. */
export interface RenderedMessage {
  subject?: string;
  text: string;
  html?: string;
  link?: string;
  /** Problems a merchant should see (an SMS over 160 GSM-7 characters, a variable missing): shown in the template view, the preview and (kept per message) the delivery log. */
  warnings: string[];
}

export interface NotificationRules {
  /** Every intent an event gives rise to under the store's rules (config defaults, then admin changes); [] when no rule matches. */
  intentsFor(em: EntityManager, event: { id: string; name: string; payload: Record<string, unknown> }): Promise<NotificationIntent[]>;
  /** The event names some rule reacts to: delivery subscribes to each. */
  eventNames(): readonly string[];
}

export interface RenderRequest {
  template: string;
  channel: ChannelKind;
  locale: string | null;
  data: Record<string, unknown>;
  /** The signed one-click link of a message its recipient may unsubscribe from: an email's footer shows it, in the HTML and the text part. */
  unsubscribeUrl?: string;
}

export interface NotificationTemplates {
  /**
   * Renders `template` for `channel` in `locale` (falling back to the store's default locale, then
   * to the shipped default) with `data`. Values are escaped for the output (HTML for email bodies),
   * so a customer's name can never inject markup or template syntax. Throws
   * `NOTIFICATION_TEMPLATE_MISSING` when neither the store nor core has one.
   */
  render(em: EntityManager, request: RenderRequest): Promise<RenderedMessage>;
}
