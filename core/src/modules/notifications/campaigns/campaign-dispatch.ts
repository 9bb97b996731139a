import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import type { Cradle } from '../../../kernel/container.ts';
import { AppError } from '../../../kernel/errors.ts';
import { rows, run } from '../../../kernel/db/sql.ts';
import type { NotificationIntent } from '../pipeline.ts';
import { MARKETING } from '../preferences/notification-categories.ts';
import { suppressionReason, userSubject } from '../preferences/preference-records.ts';
import { storefrontUrl } from '../rules/template-data.ts';
import { campaignTemplate } from './campaign-content.ts';
import { campaignEventId, loadCampaign, segmentOf, type CampaignRow } from './campaign-records.ts';
import { audienceQuery, checkSegment } from './campaign-segment.ts';

export const CAMPAIGN_EVENT_NAME = 'notification.campaign';

export interface DispatchResult {
  started: string[];
  /** Due campaigns whose segment no longer holds (a category deleted since): back to draft, with `startError`. */
  returnedToDraft: string[];
  queued: number;
  suppressed: number;
  completed: string[];
}

interface ClaimedRecipient {
  user_id: string;
  email: string;
  name: string | null;
  locale: string | null;
}

/** How many emails a campaign may hand over now: a minute's worth at first, then what the time since its last batch earned. */
export function allowance(ratePerMinute: number, lastBatchAt: Date | null, now: Date): number {
  if (!lastBatchAt) return ratePerMinute;
  const seconds = Math.max(0, (now.getTime() - lastBatchAt.getTime()) / 1000);
  return Math.min(ratePerMinute, Math.floor((ratePerMinute * seconds) / 60));
}

/**
 * One run of the dispatcher at `now`: starts the campaigns that are due (fixing their audience),
 * then hands each sending campaign's next batch to delivery within its rate and the store-wide
 * rate, and marks campaigns with no one left pending as sent.
 */
export async function dispatchCampaigns(cradle: Cradle, now: Date): Promise<DispatchResult> {
  const em = cradle.database.fork();
  const result: DispatchResult = { started: [], returnedToDraft: [], queued: 0, suppressed: 0, completed: [] };
  const due = await rows<{ id: string }>(em, sql`select id from cw_campaign where status = 'scheduled' and scheduled_at <= ${now} order by scheduled_at, id`);
  for (const { id } of due) {
    try {
      if (await start(em, id, now)) result.started.push(id);
    } catch (error) {
      // one campaign that cannot start must not hold up the others
      if (error instanceof AppError && error.code === 'NOTIFICATION_CAMPAIGN_INVALID') {
        // its segment no longer holds, and trying again will not change that: an admin must edit it
        if (await returnToDraft(em, id, error.message, now)) result.returnedToDraft.push(id);
        cradle.logger.warn({ campaignId: id, reason: error.message }, 'a due campaign went back to draft: its segment no longer holds');
      } else {
        // the database or something else failed: tried again next run
        cradle.logger.error({ err: error, campaignId: id }, 'a campaign could not start');
      }
    }
  }
  const storeRate = cradle.config.notifications.campaigns.ratePerMinute;
  let budget = storeRate;
  const sending = await rows<{ id: string }>(em, sql`select id from cw_campaign where status = 'sending' order by coalesce(last_batch_at, started_at), id`);
  let queuedAny = false;
  for (const { id } of sending) {
    const batch = await em.transactional(async (tx) => {
      const campaign = await loadCampaign(tx, id, true);
      // paused or cancelled since the list was read
      if (!campaign || campaign.status !== 'sending') return { claimed: 0, queued: 0, suppressed: 0, completed: false };
      const rate = Math.min(campaign.rate_per_minute ?? storeRate, storeRate);
      const limit = Math.min(budget, allowance(rate, campaign.last_batch_at ? new Date(campaign.last_batch_at) : null, now));
      const sent = limit > 0 ? await sendBatch(tx, cradle, campaign, limit, now) : { claimed: 0, queued: 0, suppressed: 0 };
      const [left] = await rows<{ n: number }>(tx, sql`select 1 as n from cw_campaign_recipient where campaign_id = ${id} and status = 'pending' limit 1`);
      if (!left) await run(tx, sql`update cw_campaign set status = 'sent', completed_at = ${now}, updated_at = ${now} where id = ${id}`);
      return { ...sent, completed: !left };
    });
    budget -= batch.claimed;
    result.queued += batch.queued;
    result.suppressed += batch.suppressed;
    if (batch.queued > 0) queuedAny = true;
    if (batch.completed) result.completed.push(id);
    if (budget <= 0) break;
  }
  if (queuedAny) await cradle.notificationDelivery.wake();
  return result;
}

async function returnToDraft(em: EntityManager, id: string, reason: string, now: Date): Promise<boolean> {
  const moved = await rows<{ id: string }>(
    em,
    sql`update cw_campaign set status = 'draft', scheduled_at = null, start_error = ${reason}, updated_at = ${now}
         where id = ${id} and status = 'scheduled' returning id`,
  );
  return moved.length > 0;
}

/** Moves a due campaign to sending and fixes its audience, in one transaction; false when someone else started, paused or cancelled it first. */
async function start(em: EntityManager, id: string, now: Date): Promise<boolean> {
  return em.transactional(async (tx) => {
    const [campaign] = await rows<CampaignRow>(
      tx,
      sql`update cw_campaign set status = 'sending', started_at = coalesce(started_at, ${now}), updated_at = ${now}
           where id = ${id} and status = 'scheduled' and scheduled_at <= ${now} returning *`,
    );
    if (!campaign) return false;
    const checked = await checkSegment(tx, segmentOf(campaign));
    // repeating it adds no one twice: the audience is fixed once
    await run(
      tx,
      sql`insert into cw_campaign_recipient (campaign_id, user_id, email, status, updated_at)
          select ${id}, audience.user_id, audience.email, 'pending', ${now} from (${audienceQuery(checked, now)}) audience
          on conflict (campaign_id, user_id) do nothing`,
    );
    return true;
  });
}

/**
 * Claims up to `limit` pending recipients (skipping any another worker holds), checks each one's
 * preferences again (someone may have unsubscribed since the audience was fixed) and queues the
 * rest as marketing email intents.
 */
async function sendBatch(tx: EntityManager, cradle: Cradle, campaign: CampaignRow, limit: number, now: Date) {
  const claimed = await rows<ClaimedRecipient>(
    tx,
    sql`select r.user_id, r.email, u.name, u.preferences->>'locale' as locale
          from cw_campaign_recipient r left join cw_user u on u.id = r.user_id
         where r.campaign_id = ${campaign.id} and r.status = 'pending'
         order by r.user_id limit ${limit} for update of r skip locked`,
  );
  const store = { name: cradle.config.store.name, url: storefrontUrl(cradle.config) };
  const intents: NotificationIntent[] = [];
  let suppressed = 0;
  for (const recipient of claimed) {
    const intent = campaignIntent(campaign.id, recipient, store);
    const reason = await suppressionReason(tx, intent);
    if (reason) {
      suppressed++;
      await run(
        tx,
        sql`update cw_campaign_recipient set status = 'suppressed', reason = ${reason}, updated_at = ${now}
             where campaign_id = ${campaign.id} and user_id = ${recipient.user_id}`,
      );
    } else intents.push(intent);
  }
  if (intents.length > 0) {
    await cradle.notificationDelivery.queue(tx, intents, now);
    await run(
      tx,
      sql`update cw_campaign_recipient r set status = 'queued', message_id = m.id, updated_at = ${now}
            from cw_notification_message m
           where r.campaign_id = ${campaign.id} and r.user_id in (${sql.join(intents.map((i) => i.recipient.userId!))})
             and m.event_id = ${campaignEventId(campaign.id)} and m.channel = 'email' and m.recipient_key = 'user:' || r.user_id`,
    );
  }
  if (claimed.length > 0) await run(tx, sql`update cw_campaign set last_batch_at = ${now}, updated_at = ${now} where id = ${campaign.id}`);
  return { claimed: claimed.length, queued: intents.length, suppressed };
}

function campaignIntent(campaignId: string, recipient: ClaimedRecipient, store: { name: string; url: string }): NotificationIntent {
  const name = recipient.name ?? '';
  return {
    eventId: campaignEventId(campaignId),
    eventName: CAMPAIGN_EVENT_NAME,
    recipientKey: userSubject(recipient.user_id),
    recipient: { userId: recipient.user_id, email: recipient.email, name, phone: null, locale: recipient.locale },
    channel: 'email',
    template: campaignTemplate(campaignId),
    category: MARKETING,
    transactional: false,
    data: { store, recipient: { name } },
  };
}
