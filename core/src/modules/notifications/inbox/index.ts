import type { PluginApi } from '../../../kernel/plugin.ts';
import { InAppChannel } from './in-app.channel.ts';
import { InboxWakeUps } from './inbox-wake-ups.ts';
import { inboxRoutes } from './inbox.routes.ts';

declare module '../../../kernel/container.ts' {
  interface Cradle {
    /** Wakes the open inbox streams of a user, in this process and (on PostgreSQL) every other. */
    inboxWakeUps: InboxWakeUps;
  }
}

/** The in-app inbox: notifications stored per user, read over the store API and streamed as they arrive. */
export function registerInbox(api: PluginApi): void {
  api.service('inboxWakeUps', (cradle) => new InboxWakeUps(cradle.database, cradle.config.database.url, cradle.logger), { lifetime: 'singleton' });
  api.filter('notifications.channels', (channels, { cradle }) => [...channels, new InAppChannel(cradle.database, cradle.inboxWakeUps)]);
  api.routes('/store/me/notifications', inboxRoutes);
  api.onStop((cradle) => cradle.inboxWakeUps.stop());
}

export { InAppChannel };
