import type { EntityManager } from '@mikro-orm/sql';
import { sql, type RawBuilder } from 'kysely';
import { rows, run } from '../../../kernel/db/sql.ts';
import { loadCampaign, type CampaignRow, type CampaignStatus } from './campaign-records.ts';
import { CampaignErrors } from './campaigns.errors.ts';

export type CampaignAction = 'schedule' | 'pause' | 'resume' | 'cancel' | 'unschedule';

/** Which statuses each action starts from, and what it sets. */
const TRANSITIONS: Record<CampaignAction, { from: readonly CampaignStatus[]; set: (now: Date, sendAt: Date) => RawBuilder<unknown> }> = {
  schedule: { from: ['draft'], set: (_now, sendAt) => sql`status = 'scheduled', scheduled_at = ${sendAt}, start_error = null` },
  pause: { from: ['scheduled', 'sending'], set: () => sql`status = 'paused'` },
  // a campaign that never started has no audience yet: it waits for its time again
  resume: { from: ['paused'], set: () => sql`status = case when started_at is null then 'scheduled' else 'sending' end` },
  cancel: { from: ['draft', 'scheduled', 'sending', 'paused'], set: (now) => sql`status = 'cancelled', cancelled_at = ${now}` },
  unschedule: { from: ['scheduled'], set: () => sql`status = 'draft', scheduled_at = null` },
};

/** 404 when there is no such campaign, else 409 naming its status and what the action needs. */
export async function refuse(em: EntityManager, id: string, action: string, from: readonly CampaignStatus[]): Promise<never> {
  const current = await loadCampaign(em, id);
  if (!current) throw CampaignErrors.NOTIFICATION_CAMPAIGN_NOT_FOUND(`No campaign ${id}`);
  throw CampaignErrors.NOTIFICATION_CAMPAIGN_STATE(`Campaign ${id} is ${current.status}; ${action} needs it ${from.join(' or ')}`, {
    // `status` is the problem document's HTTP status: the campaign's goes beside it
    extensions: { currentStatus: current.status, allowed: [...from] },
  });
}

/**
 * One conditional UPDATE per action, so two admins (or an admin and the dispatcher) racing change
 * the campaign once: the second finds the status moved and gets 409. Cancelling also cancels every
 * recipient still pending. Answers the row before and after.
 */
export async function transition(tx: EntityManager, id: string, action: CampaignAction, now: Date, sendAt = now): Promise<{ before: CampaignRow; after: CampaignRow }> {
  const { from, set } = TRANSITIONS[action];
  const before = await loadCampaign(tx, id, true);
  if (!before || !from.includes(before.status)) return refuse(tx, id, action, from);
  const [after] = await rows<CampaignRow>(
    tx,
    sql`update cw_campaign set ${set(now, sendAt)}, updated_at = ${now} where id = ${id} and status in (${sql.join([...from])}) returning *`,
  );
  if (!after) return refuse(tx, id, action, from);
  if (action === 'cancel') {
    await run(tx, sql`update cw_campaign_recipient set status = 'cancelled', updated_at = ${now} where campaign_id = ${id} and status = 'pending'`);
  }
  return { before, after };
}
