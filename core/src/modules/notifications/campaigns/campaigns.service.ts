import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import type { Cradle } from '../../../kernel/container.ts';
import { newId } from '../../../kernel/ids.ts';
import { rows, run } from '../../../kernel/db/sql.ts';
import { checkContent, deleteContent, saveContent, type CampaignContent } from './campaign-content.ts';
import { dispatchCampaigns, type DispatchResult } from './campaign-dispatch.ts';
import { refuse, transition, type CampaignAction } from './campaign-lifecycle.ts';
import { loadCampaign, segmentOf, type CampaignRow } from './campaign-records.ts';
import { audienceQuery, checkSegment, type CampaignSegment } from './campaign-segment.ts';
import { CampaignErrors } from './campaigns.errors.ts';

export const DISPATCH_JOB = 'notifications.campaigns.dispatch';

export interface CampaignInput {
  name: string;
  content: CampaignContent;
  segment: CampaignSegment;
  ratePerMinute?: number | null;
}

/** Writes are audited in their own transaction: the caller names who did it. */
type Audit = (tx: EntityManager, campaignId: string, entry: { action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }) => void;

const DONE: Record<CampaignAction, string> = { schedule: 'scheduled', pause: 'paused', resume: 'resumed', cancel: 'cancelled', unschedule: 'unscheduled' };

const auditState = (row: CampaignRow) => ({ name: row.name, status: row.status, segment: segmentOf(row), ratePerMinute: row.rate_per_minute, scheduledAt: row.scheduled_at ? new Date(row.scheduled_at).toISOString() : null });

/** Campaigns: drafts with content per locale and a segment, the lifecycle from draft to sent, and the dispatcher that sends them at their rate. */
export class NotificationCampaigns {
  readonly #cradle: Cradle;

  constructor(cradle: Cradle) {
    this.#cradle = cradle;
  }

  async create(em: EntityManager, input: CampaignInput, createdBy: string | null, audit: Audit): Promise<string> {
    const content = checkContent(input.content, this.#cradle.config.notifications.defaultLocale);
    await checkSegment(em, input.segment);
    const id = newId('camp');
    const now = new Date();
    await em.transactional(async (tx) => {
      await run(
        tx,
        sql`insert into cw_campaign (id, name, status, segment, rate_per_minute, created_by, created_at, updated_at)
            values (${id}, ${input.name}, 'draft', ${JSON.stringify(input.segment)}::jsonb, ${input.ratePerMinute ?? null}, ${createdBy}, ${now}, ${now})`,
      );
      await saveContent(tx, id, content);
      audit(tx, id, { action: 'notification_campaign.created', before: null, after: { name: input.name, segment: input.segment, ratePerMinute: input.ratePerMinute ?? null, locales: Object.keys(content) } });
    });
    return id;
  }

  /** Changes a draft; anything past draft is 409 (its audience or messages may already exist). */
  async update(em: EntityManager, id: string, change: Partial<CampaignInput>, audit: Audit): Promise<void> {
    const content = change.content ? checkContent(change.content, this.#cradle.config.notifications.defaultLocale) : undefined;
    if (change.segment) await checkSegment(em, change.segment);
    const now = new Date();
    await em.transactional(async (tx) => {
      const before = await loadCampaign(tx, id, true);
      if (!before || before.status !== 'draft') return refuse(tx, id, 'editing', ['draft']);
      const [after] = await rows<CampaignRow>(
        tx,
        sql`update cw_campaign set
              name = ${change.name ?? before.name},
              segment = ${JSON.stringify(change.segment ?? segmentOf(before))}::jsonb,
              rate_per_minute = ${change.ratePerMinute === undefined ? before.rate_per_minute : change.ratePerMinute},
              updated_at = ${now}
            where id = ${id} and status = 'draft' returning *`,
      );
      if (!after) return refuse(tx, id, 'editing', ['draft']);
      if (content) await saveContent(tx, id, content);
      audit(tx, id, { action: 'notification_campaign.changed', before: auditState(before), after: { ...auditState(after), ...(content ? { locales: Object.keys(content) } : {}) } });
    });
  }

  /** Deletes a draft and its content. */
  async remove(em: EntityManager, id: string, audit: Audit): Promise<void> {
    await em.transactional(async (tx) => {
      const before = await loadCampaign(tx, id, true);
      if (!before || before.status !== 'draft') return refuse(tx, id, 'deleting', ['draft']);
      await run(tx, sql`delete from cw_campaign where id = ${id} and status = 'draft'`);
      await deleteContent(tx, id);
      audit(tx, id, { action: 'notification_campaign.deleted', before: auditState(before), after: null });
    });
  }

  async change(em: EntityManager, id: string, action: CampaignAction, audit: Audit, sendAt?: Date): Promise<void> {
    const now = new Date();
    await em.transactional(async (tx) => {
      const { before, after } = await transition(tx, id, action, now, sendAt ?? now);
      audit(tx, id, { action: `notification_campaign.${DONE[action]}`, before: auditState(before), after: auditState(after) });
    });
  }

  /** Who the campaign's segment selects right now, and the first 20 of them. */
  async audience(em: EntityManager, id: string, now = new Date()): Promise<{ count: number; sample: Array<{ userId: string; email: string }> }> {
    const campaign = await loadCampaign(em, id);
    if (!campaign) throw CampaignErrors.NOTIFICATION_CAMPAIGN_NOT_FOUND(`No campaign ${id}`);
    const query = audienceQuery(await checkSegment(em, segmentOf(campaign)), now);
    const [counted] = await rows<{ n: string | number }>(em, sql`select count(*) as n from (${query}) audience`);
    const sample = await rows<{ user_id: string; email: string }>(em, sql`select user_id, email from (${query}) audience order by email, user_id limit 20`);
    return { count: Number(counted?.n ?? 0), sample: sample.map((r) => ({ userId: r.user_id, email: r.email })) };
  }

  /** One run of the dispatcher (the job runs it every 30 seconds); `now` is the clock, for tests. */
  dispatch(now = new Date()): Promise<DispatchResult> {
    return dispatchCampaigns(this.#cradle, now);
  }
}
