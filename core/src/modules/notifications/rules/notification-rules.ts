import type { EntityManager } from '@mikro-orm/sql';
import type { CoreConfig } from '../../../kernel/config/config.schema.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';
import type { NotificationIntent, NotificationRules } from '../pipeline.ts';
import { audienceOf, reachable, recipientKey } from './recipients.ts';
import { configuredRules } from './rule-config.ts';
import { rulesForRequest } from './requested-rules.ts';
import { conditionHolds, type NotificationRule } from './rule-definitions.ts';
import { applySetting, ruleSettings } from './rule-settings.ts';
import { dataForVendor, eventData } from './template-data.ts';

/** The store's rules (defaults, config, admin settings) turned into intents for an event. */
export class ConfiguredNotificationRules implements NotificationRules {
  readonly #config: CoreConfig;
  readonly #rules: NotificationRule[];

  constructor({ config }: { config: CoreConfig }) {
    this.#config = config;
    this.#rules = configuredRules(config.notifications.rules);
  }

  /** The rules as configured (before admin settings). */
  configured(): readonly NotificationRule[] {
    return this.#rules;
  }

  /** Every configured rule's event, enabled or not: an admin may switch a rule on while the store runs. */
  eventNames(): readonly string[] {
    return [...new Set(this.#rules.map((rule) => rule.event))];
  }

  /** The rules that apply now, with the admin's settings. */
  async current(em: EntityManager) {
    const settings = await ruleSettings(em);
    return this.#rules.map((rule) => applySetting(rule, settings.get(rule.id)));
  }

  /** The configured rules for the event; for a request, only those that answer its template (see `rulesForRequest`). */
  #candidates(event: { name: string; payload: Record<string, unknown> }): NotificationRule[] {
    const forEvent = this.#rules.filter((rule) => rule.event === event.name);
    const request = requestOf(event.payload);
    if (!forEvent.some((rule) => rule.audience === 'requested')) return forEvent;
    const answering = request ? rulesForRequest(forEvent, request.template) : [];
    return forEvent.filter((rule) => rule.audience !== 'requested' || answering.includes(rule));
  }

  async intentsFor(em: EntityManager, event: { id: string; name: string; payload: Record<string, unknown> }): Promise<NotificationIntent[]> {
    const candidates = this.#candidates(event);
    if (candidates.length === 0) return [];
    const settings = await ruleSettings(em);
    const rules = candidates.map((rule) => applySetting(rule, settings.get(rule.id))).filter((rule) => rule.enabled && conditionHolds(rule.when, event.payload));
    if (rules.length === 0) return [];
    const shared = await eventData(em, this.#config, event);
    const intents: NotificationIntent[] = [];
    const seen = new Set<string>();
    for (const rule of rules) {
      const requested = rule.audience === 'requested' ? requestOf(event.payload) : undefined;
      if (rule.audience === 'requested' && !requested) continue;
      // a rule of its own for the requested template sends on its channels; the catch-all only on the one asked for
      const channels: ChannelKind[] = requested && !rule.template ? rule.channels.filter((channel) => channel === requested.channel) : rule.channels;
      const template = rule.template || requested!.template;
      for (const { recipient, vendorId } of await audienceOf(em, rule, event.payload)) {
        const base = vendorId ? dataForVendor(shared, vendorId) : shared.data;
        const data = { ...base, recipient: { name: recipient.name ?? '' } };
        for (const channel of channels) {
          if (!reachable(recipient, channel)) continue;
          const key = recipientKey(recipient, channel);
          // two rules reaching one person on one channel (an admin who is also the vendor) send once
          if (seen.has(`${key}|${channel}`)) continue;
          seen.add(`${key}|${channel}`);
          intents.push({
            eventId: event.id,
            eventName: event.name,
            recipientKey: key,
            recipient,
            channel,
            template,
            category: rule.category,
            transactional: rule.transactional,
            data,
          });
        }
      }
    }
    return intents;
  }
}

function requestOf(payload: Record<string, unknown>): { channel: ChannelKind; template: string } | undefined {
  const { channel, template } = payload;
  if (typeof channel !== 'string' || typeof template !== 'string' || template === '') return undefined;
  return { channel: channel as ChannelKind, template };
}
