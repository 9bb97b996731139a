import type { CoreConfig } from '../../../kernel/config/config.schema.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';
import { TEMPLATE_VARIABLES } from '../templates/template-variables.ts';
import { REQUESTED_TEMPLATE_RULES } from './requested-rules.ts';
import { AUDIENCES, DEFAULT_RULES, type Audience, type NotificationRule } from './rule-definitions.ts';

type ConfigRule = CoreConfig['notifications']['rules'][number];

/**
 * The rules of this store: the defaults with `notifications.rules` applied (same id: the given
 * fields replace the default's; a new id: a rule of its own). A rule that could never send
 * (no event, unknown template) stops start-up with a message naming it, rather than failing silently.
 * A `requested` rule with a `template` speaks for that requested template alone (requested-rules.ts).
 */
export function configuredRules(changes: readonly ConfigRule[]): NotificationRule[] {
  const rules = new Map([...DEFAULT_RULES, ...REQUESTED_TEMPLATE_RULES].map((rule) => [rule.id, { ...rule }]));
  for (const change of changes) {
    const base = rules.get(change.id);
    const { id, audience, channels, when, ...fields } = change;
    const merged = {
      ...base,
      id,
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      ...(audience !== undefined ? { audience: audience as Audience } : {}),
      ...(channels !== undefined ? { channels: channels as ChannelKind[] } : {}),
      ...(when !== undefined ? { when } : {}),
    } as Partial<NotificationRule>;
    const missing: string[] = (['event', 'audience', 'channels'] as const).filter((field) => merged[field] === undefined);
    if (merged.audience !== 'requested' && !merged.template) missing.push('template');
    if (missing.length > 0) throw new Error(`notifications.rules: the new rule "${id}" needs ${missing.join(', ')}`);
    if (!AUDIENCES.includes(merged.audience!)) throw new Error(`notifications.rules: rule "${id}" has an unknown audience "${merged.audience}"`);
    if (merged.audience !== 'requested' && !Object.hasOwn(TEMPLATE_VARIABLES, merged.template!)) {
      throw new Error(`notifications.rules: rule "${id}" names the template "${merged.template}", which is not a template key (${Object.keys(TEMPLATE_VARIABLES).join(', ')})`);
    }
    if (merged.audience === 'staff' && !merged.permission) throw new Error(`notifications.rules: rule "${id}" tells staff, so it needs the permission they must hold`);
    rules.set(id, {
      category: 'orders',
      transactional: false,
      enabled: true,
      template: '',
      ...merged,
    } as NotificationRule);
  }
  return [...rules.values()];
}
