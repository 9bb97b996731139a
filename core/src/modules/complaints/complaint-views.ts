import { sql, type RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from '../../kernel/db/sql.ts';
import type { MediaService } from '../media/index.ts';
import { complaintsReachable, type ComplaintAccess } from './complaint-access.ts';
import { customerReopenDeadline, type ComplaintCategory, type ComplaintParty, type ComplaintStatus } from './complaint-states.ts';
import type { AdminComplaintListItem, AdminComplaintView } from './complaint.schemas.ts';

type DbTime = Date | string;

const iso = (value: DbTime): string => (value instanceof Date ? value : new Date(value)).toISOString();
const isoOrNull = (value: DbTime | null): string | null => (value === null ? null : iso(value));

interface ComplaintRow {
  id: string;
  order_id: string;
  number: string | number;
  email: string;
  customer_id: string | null;
  vendor_id: string | null;
  subject: string;
  category: ComplaintCategory;
  status: ComplaintStatus;
  opened_at: DbTime;
  first_response_at: DbTime | null;
  last_customer_message_at: DbTime;
  last_staff_message_at: DbTime | null;
  waiting_since: DbTime | null;
  resolved_at: DbTime | null;
  resolved_by: ComplaintParty | null;
  reopen_count: number;
  updated_at: DbTime;
}

const COMPLAINT_COLUMNS = sql`c.id, c.order_id, o.number, o.email, c.customer_id, c.vendor_id, c.subject, c.category, c.status, c.opened_at,
  c.first_response_at, c.last_customer_message_at, c.last_staff_message_at, c.waiting_since, c.resolved_at, c.resolved_by, c.reopen_count, c.updated_at`;

function listItem(c: ComplaintRow): AdminComplaintListItem {
  return {
    id: c.id,
    orderId: c.order_id,
    orderNumber: String(c.number),
    subject: c.subject,
    category: c.category,
    status: c.status,
    openedAt: iso(c.opened_at),
    resolvedAt: isoOrNull(c.resolved_at),
    updatedAt: iso(c.updated_at),
    email: c.email,
    customerId: c.customer_id,
    vendorId: c.vendor_id,
    firstResponseAt: isoOrNull(c.first_response_at),
    lastCustomerMessageAt: iso(c.last_customer_message_at),
    lastStaffMessageAt: isoOrNull(c.last_staff_message_at),
    waitingSince: isoOrNull(c.waiting_since),
    resolvedBy: c.resolved_by,
    reopenCount: Number(c.reopen_count),
  };
}

/**
 * A complaint with its lines and thread as staff see it; the store's view is the same data shaped by
 * its own schema (no ids of staff, no staff-side timestamps) with internal notes left out here.
 */
export async function loadComplaint(
  em: EntityManager,
  media: MediaService,
  complaintId: string,
  options: { access: ComplaintAccess; audience: 'customer' | 'staff' },
): Promise<AdminComplaintView | undefined> {
  const [c] = await rows<ComplaintRow>(
    em,
    sql`select ${COMPLAINT_COLUMNS} from cw_complaint c join cw_order o on o.id = c.order_id
      where c.id = ${complaintId} and ${complaintsReachable(options.access)}`,
  );
  if (!c) return undefined;
  const lines = await rows<{ id: string; sku: string; product_title: string; variant_title: string; quantity: number; vendor_id: string | null }>(
    em,
    sql`select l.id, l.sku, l.product_title, l.variant_title, l.quantity, l.vendor_id from cw_complaint_line cl
      join cw_order_line l on l.id = cl.order_line_id where cl.complaint_id = ${complaintId} order by l.position`,
  );
  const messages = await rows<{ id: string; author_kind: ComplaintParty; author_id: string | null; body: string; internal: boolean; created_at: DbTime }>(
    em,
    sql`select id, author_kind, author_id, body, internal, created_at from cw_complaint_message
      where complaint_id = ${complaintId} ${options.audience === 'customer' ? sql`and not internal` : sql``} order by created_at, id`,
  );
  const images = messages.length
    ? await rows<{ message_id: string; media_id: string }>(
        em,
        sql`select message_id, media_id from cw_complaint_message_image where message_id in (${sql.join(messages.map((m) => m.id))}) order by message_id, position`,
      )
    : [];
  const views = await media.views(images.map((i) => i.media_id));
  const imagesOf = (messageId: string) => images.flatMap((i) => (i.message_id === messageId && views.has(i.media_id) ? [views.get(i.media_id)!] : []));
  return {
    ...listItem(c),
    reopenableUntil: c.resolved_at === null ? null : customerReopenDeadline(new Date(c.resolved_at)).toISOString(),
    lines: lines.map((l) => ({ id: l.id, sku: l.sku, productTitle: l.product_title, variantTitle: l.variant_title, quantity: Number(l.quantity), vendorId: l.vendor_id })),
    messages: messages.map((m) => ({
      id: m.id,
      author: { kind: m.author_kind, id: m.author_id },
      message: m.body,
      images: imagesOf(m.id),
      internal: m.internal,
      createdAt: iso(m.created_at),
    })),
  };
}

export interface ComplaintListFilter {
  access: ComplaintAccess;
  status?: ComplaintStatus | undefined;
  category?: ComplaintCategory | undefined;
  vendorId?: string | undefined;
  orderId?: string | undefined;
  customerId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export type ComplaintSort = 'newest' | 'oldest' | 'waiting';

const SORTS: Record<ComplaintSort, RawBuilder<unknown>> = {
  newest: sql`c.opened_at desc, c.id desc`,
  oldest: sql`c.opened_at asc, c.id asc`,
  // the customer who has waited longest for an answer first; complaints nobody waits on after them
  waiting: sql`c.waiting_since asc nulls last, c.opened_at asc, c.id asc`,
};

/** A page of complaints matching `filter`, with the count of all that match. */
export async function listComplaints(
  em: EntityManager,
  filter: ComplaintListFilter,
  page: { limit: number; offset?: number | undefined; sort: ComplaintSort },
): Promise<{ items: AdminComplaintListItem[]; count: number }> {
  const where: RawBuilder<unknown>[] = [complaintsReachable(filter.access)];
  if (filter.status) where.push(sql`c.status = ${filter.status}`);
  if (filter.category) where.push(sql`c.category = ${filter.category}`);
  if (filter.vendorId) where.push(sql`c.vendor_id = ${filter.vendorId}`);
  if (filter.orderId) where.push(sql`c.order_id = ${filter.orderId}`);
  if (filter.customerId) where.push(sql`c.customer_id = ${filter.customerId}`);
  if (filter.from) where.push(sql`c.opened_at >= ${new Date(filter.from)}`);
  if (filter.to) where.push(sql`c.opened_at < ${new Date(filter.to)}`);
  const filtered = sql.join(where, sql` and `);
  const found = await rows<ComplaintRow>(
    em,
    sql`select ${COMPLAINT_COLUMNS} from cw_complaint c join cw_order o on o.id = c.order_id where ${filtered}
      order by ${SORTS[page.sort]} limit ${page.limit} offset ${page.offset ?? 0}`,
  );
  const [total] = await rows<{ n: number }>(em, sql`select count(*)::int as n from cw_complaint c where ${filtered}`);
  return { items: found.map(listItem), count: Number(total?.n ?? 0) };
}

export interface ComplaintDurations {
  count: number;
  averageSeconds: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface ComplaintStats {
  counts: { total: number; open: number; awaitingCustomer: number; resolved: number; unanswered: number };
  firstResponse: ComplaintDurations;
  resolution: ComplaintDurations;
}

/** Whole seconds from the complaint's opening to `column`, for complaints that have one. */
async function durations(em: EntityManager, where: RawBuilder<unknown>, column: RawBuilder<unknown>): Promise<ComplaintDurations> {
  const seconds = sql`extract(epoch from (${column} - c.opened_at))`;
  const [d] = await rows<{ n: number; average: number | string | null; median: number | string | null; p90: number | string | null }>(
    em,
    sql`select count(*)::int as n, avg(${seconds}) as average,
        percentile_cont(0.5) within group (order by ${seconds}) as median,
        percentile_cont(0.9) within group (order by ${seconds}) as p90
      from cw_complaint c where ${where} and ${column} is not null`,
  );
  const whole = (value: number | string | null | undefined) => (value === null || value === undefined ? null : Math.round(Number(value)));
  return { count: Number(d?.n ?? 0), averageSeconds: whole(d?.average), medianSeconds: whole(d?.median), p90Seconds: whole(d?.p90) };
}

/**
 * Counts by current status and response times of the complaints opened in [from, to). Medians and
 * the 90th percentile interpolate between the two nearest values (`percentile_cont`); every figure
 * is rounded to whole seconds.
 */
export async function complaintStats(
  em: EntityManager,
  filter: { access: ComplaintAccess; from: Date; to: Date; vendorId?: string | undefined },
): Promise<ComplaintStats> {
  const where = sql.join(
    [complaintsReachable(filter.access), sql`c.opened_at >= ${filter.from}`, sql`c.opened_at < ${filter.to}`, ...(filter.vendorId ? [sql`c.vendor_id = ${filter.vendorId}`] : [])],
    sql` and `,
  );
  const [counts] = await rows<{ total: number; open: number; awaiting: number; resolved: number; unanswered: number }>(
    em,
    sql`select count(*)::int as total,
        count(*) filter (where c.status = 'open')::int as open,
        count(*) filter (where c.status = 'awaiting_customer')::int as awaiting,
        count(*) filter (where c.status = 'resolved')::int as resolved,
        count(*) filter (where c.first_response_at is null and c.status <> 'resolved')::int as unanswered
      from cw_complaint c where ${where}`,
  );
  return {
    counts: {
      total: Number(counts?.total ?? 0),
      open: Number(counts?.open ?? 0),
      awaitingCustomer: Number(counts?.awaiting ?? 0),
      resolved: Number(counts?.resolved ?? 0),
      unanswered: Number(counts?.unanswered ?? 0),
    },
    firstResponse: await durations(em, where, sql`c.first_response_at`),
    resolution: await durations(em, where, sql`c.resolved_at`),
  };
}
