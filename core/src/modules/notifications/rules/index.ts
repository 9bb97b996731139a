import type { PluginApi } from '../../../kernel/plugin.ts';
import { ConfiguredNotificationRules } from './notification-rules.ts';
import { ruleRoutes } from './rules.routes.ts';

declare module '../../../kernel/container.ts' {
  interface Cradle {
    /** The rules with what the admin routes need beyond `notificationRules` (the configured list, the current settings). */
    notificationRuleSet: ConfiguredNotificationRules;
  }
}

/** Which event notifies whom on which channel: config defaults and admin changes. */
export function registerRules(api: PluginApi): void {
  api.service('notificationRuleSet', (cradle) => new ConfiguredNotificationRules(cradle), { lifetime: 'singleton' });
  api.service('notificationRules', (cradle) => cradle.notificationRuleSet, { lifetime: 'singleton' });
  api.routes('/admin/notifications/rules', ruleRoutes);
  // resolving it checks `notifications.rules`: a rule that could never send stops start-up with its name
  api.onStart((cradle) => void cradle.notificationRuleSet);
}
