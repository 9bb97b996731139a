import type { EntityManager } from '@mikro-orm/sql';
import { sql, type RawBuilder } from 'kysely';
import { rows } from '../../../kernel/db/sql.ts';
import { MESSAGE_STATUSES } from '../delivery/message-records.ts';
import { loadContent } from './campaign-content.ts';
import type { CampaignSegment } from './campaign-segment.ts';
import { CAMPAIGN_STATUSES, RECIPIENT_STATUSES } from './campaigns.schemas.ts';

export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export interface CampaignRow {
  id: string;
  name: string;
  status: CampaignStatus;
  segment: CampaignSegment | string;
  rate_per_minute: number | null;
  scheduled_at: Date | string | null;
  started_at: Date | string | null;
  last_batch_at: Date | string | null;
  completed_at: Date | string | null;
  cancelled_at: Date | string | null;
  start_error: string | null;
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** The delivery log's event id of a campaign's messages: with the recipient key and channel it names each message once. */
export const campaignEventId = (campaignId: string) => `campaign:${campaignId}`;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
export const segmentOf = (row: CampaignRow): CampaignSegment => (typeof row.segment === 'string' ? (JSON.parse(row.segment) as CampaignSegment) : row.segment);

export async function loadCampaign(em: EntityManager, id: string, lock = false): Promise<CampaignRow | undefined> {
  return (await rows<CampaignRow>(em, sql`select * from cw_campaign where id = ${id} ${lock ? sql`for update` : sql``}`))[0];
}

type Counts = Record<RecipientStatus | 'audience', number> & { messages: Record<(typeof MESSAGE_STATUSES)[number], number> };

function emptyCounts(): Counts {
  return {
    audience: 0,
    ...(Object.fromEntries(RECIPIENT_STATUSES.map((s) => [s, 0])) as Record<RecipientStatus, number>),
    messages: Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Counts['messages'],
  };
}

/** Recipients by status and the campaigns' messages in the delivery log by status, per campaign. */
async function countsOf(em: EntityManager, ids: string[]): Promise<Map<string, Counts>> {
  const counts = new Map(ids.map((id) => [id, emptyCounts()]));
  if (ids.length === 0) return counts;
  const recipients = await rows<{ campaign_id: string; status: RecipientStatus; n: string | number }>(
    em,
    sql`select campaign_id, status, count(*) as n from cw_campaign_recipient where campaign_id in (${sql.join(ids)}) group by campaign_id, status`,
  );
  for (const row of recipients) {
    const c = counts.get(row.campaign_id)!;
    c[row.status] = Number(row.n);
    c.audience += Number(row.n);
  }
  const messages = await rows<{ event_id: string; status: (typeof MESSAGE_STATUSES)[number]; n: string | number }>(
    em,
    sql`select event_id, status, count(*) as n from cw_notification_message where event_id in (${sql.join(ids.map(campaignEventId))}) group by event_id, status`,
  );
  for (const row of messages) counts.get(row.event_id.slice(campaignEventId('').length))!.messages[row.status] = Number(row.n);
  return counts;
}

async function summaries(em: EntityManager, found: CampaignRow[]) {
  const ids = found.map((row) => row.id);
  // one after the other: the em may be a transaction's, which runs one query at a time
  const counts = await countsOf(em, ids);
  const content = await loadContent(em, ids);
  return found.map((row) => ({
    id: row.id,
    name: row.name,
    status: row.status,
    segment: segmentOf(row),
    ratePerMinute: row.rate_per_minute,
    locales: Object.keys(content.get(row.id)!),
    scheduledAt: iso(row.scheduled_at),
    startedAt: iso(row.started_at),
    lastBatchAt: iso(row.last_batch_at),
    completedAt: iso(row.completed_at),
    cancelledAt: iso(row.cancelled_at),
    startError: row.start_error,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    counts: counts.get(row.id)!,
    content: content.get(row.id)!,
  }));
}

export async function campaignView(em: EntityManager, id: string) {
  const row = await loadCampaign(em, id);
  return row ? (await summaries(em, [row]))[0] : undefined;
}

export async function listCampaigns(em: EntityManager, filter: { status?: CampaignStatus }, page: { limit: number; offset: number }) {
  const where = filter.status ? sql`where status = ${filter.status}` : sql``;
  const found = await rows<CampaignRow>(em, sql`select * from cw_campaign ${where} order by created_at desc, id desc limit ${page.limit} offset ${page.offset}`);
  const [counted] = await rows<{ n: string | number }>(em, sql`select count(*) as n from cw_campaign ${where}`);
  // summaries carry no content: the list shows which locales a campaign has
  const items = (await summaries(em, found)).map(({ content: _content, ...summary }) => summary);
  return { items, count: Number(counted?.n ?? 0) };
}

export async function listRecipients(em: EntityManager, campaignId: string, filter: { status?: RecipientStatus }, page: { limit: number; offset: number }) {
  const conditions: RawBuilder<unknown>[] = [sql`campaign_id = ${campaignId}`];
  if (filter.status) conditions.push(sql`status = ${filter.status}`);
  const where = sql.join(conditions, sql` and `);
  const found = await rows<{ user_id: string; email: string; status: RecipientStatus; message_id: string | null; reason: string | null; updated_at: Date | string }>(
    em,
    sql`select user_id, email, status, message_id, reason, updated_at from cw_campaign_recipient where ${where} order by email, user_id limit ${page.limit} offset ${page.offset}`,
  );
  const [counted] = await rows<{ n: string | number }>(em, sql`select count(*) as n from cw_campaign_recipient where ${where}`);
  return {
    items: found.map((r) => ({ userId: r.user_id, email: r.email, status: r.status, messageId: r.message_id, reason: r.reason, updatedAt: iso(r.updated_at)! })),
    count: Number(counted?.n ?? 0),
  };
}
