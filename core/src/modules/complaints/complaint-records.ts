import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, run } from '../../kernel/db/sql.ts';
import { newId } from '../../kernel/ids.ts';
import { complaintsReachable, type ComplaintAccess, type ComplaintAuthor } from './complaint-access.ts';
import type { ComplaintCategory, ComplaintParty, ComplaintStatus } from './complaint-states.ts';
import { ComplaintErrors } from './complaints.errors.ts';

/** A complaint as the service reads it before changing it, with what its events name about the order. */
export interface ComplaintRecord {
  id: string;
  orderId: string;
  orderNumber: string;
  customerId: string | null;
  email: string;
  vendorId: string | null;
  subject: string;
  category: ComplaintCategory;
  status: ComplaintStatus;
  resolvedAt: Date | null;
}

type DbTime = Date | string;

/** Locks the complaint for the caller's transaction; one outside `access` is not found (404), exactly like a missing one. */
export async function lockComplaint(tx: EntityManager, complaintId: string, access: ComplaintAccess): Promise<ComplaintRecord> {
  const [c] = await rows<{
    id: string;
    order_id: string;
    number: string | number;
    customer_id: string | null;
    email: string;
    vendor_id: string | null;
    subject: string;
    category: ComplaintCategory;
    status: ComplaintStatus;
    resolved_at: DbTime | null;
  }>(
    tx,
    sql`select c.id, c.order_id, o.number, c.customer_id, o.email, c.vendor_id, c.subject, c.category, c.status, c.resolved_at
      from cw_complaint c join cw_order o on o.id = c.order_id
      where c.id = ${complaintId} and ${complaintsReachable(access)} for update of c`,
  );
  if (!c) throw ComplaintErrors.COMPLAINT_NOT_FOUND(`No complaint ${complaintId}`);
  return {
    id: c.id,
    orderId: c.order_id,
    orderNumber: String(c.number),
    customerId: c.customer_id,
    email: c.email,
    vendorId: c.vendor_id,
    subject: c.subject,
    category: c.category,
    status: c.status,
    resolvedAt: c.resolved_at === null ? null : new Date(c.resolved_at),
  };
}

export interface NewComplaint {
  id: string;
  orderId: string;
  customerId: string | null;
  vendorId: string | null;
  subject: string;
  category: ComplaintCategory;
  lineIds: readonly string[];
}

/** Writes an open complaint (waiting on staff from now); its first message is added with `addMessage`. */
export async function insertComplaint(tx: EntityManager, complaint: NewComplaint, at: Date): Promise<void> {
  await run(
    tx,
    sql`insert into cw_complaint (id, order_id, customer_id, vendor_id, subject, category, status, opened_at, last_customer_message_at, waiting_since, updated_at)
      values (${complaint.id}, ${complaint.orderId}, ${complaint.customerId}, ${complaint.vendorId}, ${complaint.subject}, ${complaint.category},
        'open', ${at}, ${at}, ${at}, ${at})`,
  );
  if (complaint.lineIds.length) {
    await run(
      tx,
      sql`insert into cw_complaint_line (complaint_id, order_line_id) values ${sql.join(complaint.lineIds.map((lineId) => sql`(${complaint.id}, ${lineId})`))}`,
    );
  }
}

/**
 * Adds a message with its images and keeps the complaint's per-side message times: a staff or
 * vendor reply is, the first time, the first response. Internal notes answer nobody. (How long the
 * customer has waited follows the status, in `moveComplaint`.)
 */
export async function addMessage(
  tx: EntityManager,
  complaintId: string,
  message: { author: ComplaintAuthor; text: string; imageIds: readonly string[]; internal: boolean },
  at: Date,
): Promise<string> {
  const id = newId('cmsg');
  await run(
    tx,
    sql`insert into cw_complaint_message (id, complaint_id, author_kind, author_id, body, internal, created_at)
      values (${id}, ${complaintId}, ${message.author.kind}, ${message.author.id}, ${message.text}, ${message.internal}, ${at})`,
  );
  if (message.imageIds.length) {
    await run(
      tx,
      sql`insert into cw_complaint_message_image (message_id, media_id, position)
        values ${sql.join(message.imageIds.map((mediaId, position) => sql`(${id}, ${mediaId}, ${position})`))}`,
    );
  }
  const clock = message.internal
    ? sql``
    : message.author.kind === 'customer'
      ? sql`, last_customer_message_at = ${at}`
      : sql`, first_response_at = coalesce(first_response_at, ${at}), last_staff_message_at = ${at}`;
  await run(tx, sql`update cw_complaint set updated_at = ${at} ${clock} where id = ${complaintId}`);
  return id;
}

/**
 * Records a status change the state machine allowed. The customer waits on the shop exactly while
 * the complaint is `open`: `waiting_since` is set on entering it and cleared on leaving it.
 */
export async function moveComplaint(tx: EntityManager, complaint: ComplaintRecord, to: ComplaintStatus, by: ComplaintParty, at: Date): Promise<void> {
  const changes = [sql`status = ${to}`, sql`updated_at = ${at}`, to === 'open' ? sql`waiting_since = coalesce(waiting_since, ${at})` : sql`waiting_since = null`];
  if (to === 'resolved') changes.push(sql`resolved_at = ${at}`, sql`resolved_by = ${by}`);
  if (complaint.status === 'resolved') changes.push(sql`resolved_at = null`, sql`resolved_by = null`, sql`reopen_count = reopen_count + 1`);
  await run(tx, sql`update cw_complaint set ${sql.join(changes)} where id = ${complaint.id}`);
}
