import type { PluginApi } from '../../../kernel/plugin.ts';
import { campaignRoutes } from './campaigns.routes.ts';
import { DISPATCH_JOB, NotificationCampaigns } from './campaigns.service.ts';

declare module '../../../kernel/container.ts' {
  interface Cradle {
    /** Promotional email campaigns: drafts, their lifecycle, and the dispatcher that sends them at their rate. */
    notificationCampaigns: NotificationCampaigns;
  }
}

/** Campaigns: promotional email to a segment of opted-in customers, scheduled, rate-limited, pausable. */
export function registerCampaigns(api: PluginApi): void {
  api.service('notificationCampaigns', (cradle) => new NotificationCampaigns(cradle), { lifetime: 'singleton' });
  // one dispatcher at a time: the rate is counted per run, so two side by side would send twice as fast
  api.job(DISPATCH_JOB, async (_data, { cradle }) => {
    await cradle.notificationCampaigns.dispatch();
  }, { every: '30 seconds', concurrency: 1 });
  api.routes('/admin/notifications/campaigns', campaignRoutes);
}

export { NotificationCampaigns, DISPATCH_JOB };
export { CampaignErrors } from './campaigns.errors.ts';
