import type { PluginApi } from '../../../kernel/plugin.ts';
import { preferenceRoutes } from './preferences.routes.ts';
import { unsubscribeRoutes } from './unsubscribe.routes.ts';
import { UnsubscribeLinks } from './unsubscribe-links.ts';

declare module '../../../kernel/container.ts' {
  interface Cradle {
    /** Signs and checks the one-click unsubscribe links of notification emails. */
    unsubscribeLinks: UnsubscribeLinks;
  }
}

/** Preferences and consent: categories a person may switch off, signed one-click unsubscribe links. */
export function registerPreferences(api: PluginApi): void {
  api.service('unsubscribeLinks', (cradle) => new UnsubscribeLinks(cradle.config, cradle.logger), { lifetime: 'singleton' });
  // resolved at start, so production without a signing key stops start-up instead of the first email
  api.onStart((cradle) => void cradle.unsubscribeLinks);
  api.routes('/store/me/notification-preferences', preferenceRoutes);
  // under /store: no session needed, like the catalog; a top-level path would sit outside the API's route map
  api.routes('/store/notifications/unsubscribe', unsubscribeRoutes);
}

export { UnsubscribeLinks };
export { suppressionReason, unsubscribeSubject } from './preference-records.ts';
export { NOTIFICATION_CATEGORIES, MARKETING } from './notification-categories.ts';
