import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { rows, run } from '../../../kernel/db/sql.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';
import type { NotificationRule } from './rule-definitions.ts';

/** What an admin changed about a rule: on/off (null: as configured) and channels switched off or on. */
export interface RuleSetting {
  ruleId: string;
  enabled: boolean | null;
  channels: Partial<Record<ChannelKind, boolean>>;
  updatedAt: Date;
}

interface SettingRow {
  rule_id: string;
  enabled: boolean | null;
  channels: Partial<Record<ChannelKind, boolean>> | string;
  updated_at: Date | string;
}

const view = (row: SettingRow): RuleSetting => ({
  ruleId: row.rule_id,
  enabled: row.enabled,
  channels: typeof row.channels === 'string' ? JSON.parse(row.channels) : row.channels,
  updatedAt: new Date(row.updated_at),
});

export async function ruleSettings(em: EntityManager): Promise<Map<string, RuleSetting>> {
  const found = await rows<SettingRow>(em, sql`select * from cw_notification_rule_setting`);
  return new Map(found.map((row) => [row.rule_id, view(row)]));
}

export async function saveRuleSetting(em: EntityManager, setting: Omit<RuleSetting, 'updatedAt'>): Promise<void> {
  await run(
    em,
    sql`insert into cw_notification_rule_setting (rule_id, enabled, channels, updated_at)
      values (${setting.ruleId}, ${setting.enabled}, ${JSON.stringify(setting.channels)}::jsonb, ${new Date()})
      on conflict (rule_id) do update set enabled = excluded.enabled, channels = excluded.channels, updated_at = excluded.updated_at`,
  );
}

/** The rule as it applies now: the admin's on/off over the configured one, and only the channels left on. */
export function applySetting(rule: NotificationRule, setting: RuleSetting | undefined): NotificationRule & { channelsOff: ChannelKind[] } {
  if (!setting) return { ...rule, channelsOff: [] };
  const channelsOff = rule.channels.filter((channel) => setting.channels[channel] === false);
  return { ...rule, enabled: setting.enabled ?? rule.enabled, channels: rule.channels.filter((c) => !channelsOff.includes(c)), channelsOff };
}
