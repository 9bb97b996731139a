import type { Static } from 'typebox';
import type { Cradle } from '../../../kernel/container.ts';
import { defineRoute } from '../../../kernel/http/route.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';
import { NotificationRuleErrors } from '../notifications-rules.errors.ts';
import { ruleSettings, saveRuleSetting } from './rule-settings.ts';
import { RuleChange, RuleList, RuleParams, RuleView } from './rules.schemas.ts';

const tags = ['notifications'];
const access = { permission: 'settings:write' } as const;

async function ruleViews(cradle: Cradle): Promise<Array<Static<typeof RuleView>>> {
  const settings = await ruleSettings(cradle.em);
  const current = await cradle.notificationRuleSet.current(cradle.em);
  return current.map((rule) => {
    const configured = cradle.notificationRuleSet.configured().find((r) => r.id === rule.id)!;
    return {
      id: rule.id,
      event: rule.event,
      audience: rule.audience,
      permission: rule.permission ?? null,
      template: rule.template,
      category: rule.category,
      transactional: rule.transactional,
      enabled: rule.enabled,
      configuredChannels: configured.channels,
      channels: rule.channels,
      when: rule.when ?? null,
      changed: settings.has(rule.id),
    };
  });
}

async function ruleView(cradle: Cradle, id: string): Promise<Static<typeof RuleView>> {
  const view = (await ruleViews(cradle)).find((rule) => rule.id === id);
  if (!view) throw NotificationRuleErrors.NOTIFICATION_RULE_NOT_FOUND(`No notification rule "${id}"`);
  return view;
}

/** `/admin/notifications/rules`: which event notifies whom on which channel; admins switch rules and channels on and off. */
export const ruleRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'Every notification rule, as configured and as it applies now',
    tags,
    access,
    schema: { response: { 200: RuleList } },
    handler: async ({ cradle }) => ({ items: await ruleViews(cradle) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One notification rule',
    tags,
    access,
    schema: { params: RuleParams, response: { 200: RuleView } },
    handler: async ({ params, cradle }) => ruleView(cradle, params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Switch a rule, or some of its channels, on or off',
    description:
      '`enabled` (null: as the config says) and `channels` (`{ "sms": false }`; only channels the rule is configured with, else 422 ' +
      '`NOTIFICATION_RULE_CHANNEL_INVALID` naming `/channels/<channel>`). Channels not named keep their setting. Audited. ' +
      'Adding rules or channels is done in config (`notifications.rules`).',
    tags,
    access,
    schema: { params: RuleParams, body: RuleChange, response: { 200: RuleView } },
    handler: async ({ params, body, cradle }) => {
      const rule = cradle.notificationRuleSet.configured().find((r) => r.id === params.id);
      if (!rule) throw NotificationRuleErrors.NOTIFICATION_RULE_NOT_FOUND(`No notification rule "${params.id}"`);
      const changes = Object.entries(body.channels ?? {}) as Array<[ChannelKind, boolean]>;
      for (const [channel] of changes) {
        if (!rule.channels.includes(channel)) {
          throw NotificationRuleErrors.NOTIFICATION_RULE_CHANNEL_INVALID(`Rule "${rule.id}" sends on ${rule.channels.join(', ')}, not ${channel}`, {
            errors: [{ in: 'body', pointer: `/channels/${channel}`, rule: 'configured', message: `must be one of ${rule.channels.join(', ')}` }],
          });
        }
      }
      const before = (await ruleSettings(cradle.em)).get(rule.id);
      const after = {
        ruleId: rule.id,
        enabled: body.enabled === undefined ? (before?.enabled ?? null) : body.enabled,
        channels: { ...before?.channels, ...Object.fromEntries(changes) },
      };
      await cradle.em.transactional(async (tx) => {
        await saveRuleSetting(tx, after);
        cradle.auditLog.record(tx, {
          action: 'notification_rule.changed',
          target: { type: 'notification_rule', id: rule.id.slice(0, 64) },
          before: before ? { enabled: before.enabled, channels: before.channels } : null,
          after: { enabled: after.enabled, channels: after.channels },
        });
      });
      return ruleView(cradle, rule.id);
    },
  }),
];
