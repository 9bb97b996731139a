import type { Cradle } from '../../../kernel/container.ts';
import { ContributedRegistry } from '../../../kernel/contributed-registry.ts';
import type { ChannelKind, NotificationChannel } from './notification-channel.ts';

/** The installed notification channels: the in-app inbox and those plugins add through the `notifications.channels` filter. */
export class NotificationChannelRegistry extends ContributedRegistry<NotificationChannel> {
  constructor(cradle: Cradle) {
    super(cradle, 'notifications.channels', 'notification channel');
  }

  /** The channel that reaches people by `kind`, if one is installed (at most one per kind: rules address kinds). */
  async forKind(kind: ChannelKind): Promise<NotificationChannel | undefined> {
    const matching = (await this.list()).filter((channel) => channel.kind === kind);
    if (matching.length > 1) throw new Error(`Two notification channels send ${kind} (${matching.map((c) => c.id).join(', ')}): install one per kind`);
    return matching[0];
  }
}
