import type { Cradle } from '../../kernel/container.ts';
import { definePlugin } from '../../kernel/plugin.ts';
import { NotificationChannelRegistry } from './channels/channel-registry.ts';
import type { NotificationChannel } from './channels/notification-channel.ts';
import { registerInbox } from './inbox/index.ts';
import type { NotificationRules, NotificationTemplates } from './pipeline.ts';
import { registerRules } from './rules/index.ts';
import { registerTemplates } from './templates/index.ts';
import { registerDelivery } from './delivery/index.ts';
import { registerPreferences } from './preferences/index.ts';
import { registerCampaigns } from './campaigns/index.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** The installed notification channels (the in-app inbox and every channel plugin's). */
    notificationChannels: NotificationChannelRegistry;
    /** Which event notifies whom on which channel (registered by ./rules). */
    notificationRules: NotificationRules;
    /** Renders a template for a channel and locale (registered by ./templates). */
    notificationTemplates: NotificationTemplates;
  }
}

declare module '../../kernel/events/hooks.ts' {
  interface HookMap {
    /**
     * The notification channels of the store. A channel plugin appends its own:
     *
     * ```ts
     * api.filter('notifications.channels', (channels, { cradle }) => [...channels, new SmtpChannel(options, cradle.logger)]);
     * ```
     */
    'notifications.channels': { value: NotificationChannel[]; context: { cradle: Cradle } };
  }
}

/** Notifications: the channels that reach people, and the in-app inbox. */
export const notificationsModule = definePlugin({
  name: '@cartwright/core/notifications',
  version: '0.1.0',
  register(api) {
    api.service('notificationChannels', (cradle) => new NotificationChannelRegistry(cradle), { lifetime: 'singleton' });
    registerInbox(api);
    registerRules(api);
    registerTemplates(api);
    registerDelivery(api);
    registerPreferences(api);
    registerCampaigns(api);
  },
});

export { NotificationChannelRegistry };
export type * from './channels/notification-channel.ts';
export type { NotificationIntent, RenderedMessage, NotificationRules, NotificationTemplates } from './pipeline.ts';
