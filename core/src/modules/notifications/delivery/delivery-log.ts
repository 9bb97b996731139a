import type { EntityManager } from '@mikro-orm/sql';
import { sql, type RawBuilder } from 'kysely';
import { rows } from '../../../kernel/db/sql.ts';
import { json, type MessageRow, type MessageStatus } from './message-records.ts';

export interface DeliveryLogFilter {
  status?: MessageStatus;
  /** The kind (`email`) or the installed channel's id (`smtp`). */
  channel?: string;
  /** An event name (`order.placed`) or an event id (`evt_…`). */
  event?: string;
  /** A recipient key (`user:usr_…`, `email:ada@example.com`) or an email address or phone number. */
  recipient?: string;
  from?: string;
  to?: string;
}

interface AttemptRow {
  id: string;
  kind: 'send' | 'report' | 'resend';
  round: number;
  outcome: string;
  provider_message_id: string | null;
  error: string | null;
  started_at: Date | string;
  duration_ms: number | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function messageView(row: MessageRow) {
  const recipient = json(row.recipient);
  return {
    id: row.id,
    eventId: row.event_id,
    eventName: row.event_name,
    recipientKey: row.recipient_key,
    recipient: { userId: recipient.userId ?? null, email: recipient.email ?? null, phone: recipient.phone ?? null, name: recipient.name ?? null },
    channel: row.channel,
    channelId: row.channel_id,
    template: row.template,
    category: row.category,
    transactional: row.transactional,
    status: row.status,
    statusReason: row.status_reason,
    subject: row.subject,
    warnings: json(row.warnings),
    attempts: row.attempts,
    round: row.round,
    nextAttemptAt: iso(row.next_attempt_at),
    providerMessageId: row.provider_message_id,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    sentAt: iso(row.sent_at),
    deliveredAt: iso(row.delivered_at),
  };
}

export async function listDeliveries(em: EntityManager, filter: DeliveryLogFilter, page: { limit: number; offset: number }) {
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (filter.status) conditions.push(sql`status = ${filter.status}`);
  if (filter.channel) conditions.push(sql`(channel = ${filter.channel} or channel_id = ${filter.channel})`);
  if (filter.event) conditions.push(sql`(event_name = ${filter.event} or event_id = ${filter.event})`);
  if (filter.recipient) {
    const value = filter.recipient.toLowerCase();
    conditions.push(sql`(recipient_key = ${filter.recipient} or lower(recipient->>'email') = ${value} or recipient->>'phone' = ${filter.recipient} or recipient->>'userId' = ${filter.recipient})`);
  }
  if (filter.from) conditions.push(sql`created_at >= ${new Date(filter.from)}`);
  if (filter.to) conditions.push(sql`created_at < ${new Date(filter.to)}`);
  const where = sql.join(conditions, sql` and `);
  const found = await rows<MessageRow>(em, sql`select * from cw_notification_message where ${where} order by created_at desc, id desc limit ${page.limit} offset ${page.offset}`);
  const counted = await rows<{ count: string | number }>(em, sql`select count(*) as count from cw_notification_message where ${where}`);
  return { items: found.map(messageView), count: Number(counted[0]?.count ?? 0) };
}

export async function deliveryDetail(em: EntityManager, id: string) {
  const [message] = await rows<MessageRow>(em, sql`select * from cw_notification_message where id = ${id}`);
  if (!message) return undefined;
  const attempts = await rows<AttemptRow>(em, sql`select * from cw_notification_attempt where message_id = ${id} order by started_at, id`);
  return {
    ...messageView(message),
    attemptLog: attempts.map((a) => ({
      id: a.id,
      kind: a.kind,
      round: a.round,
      outcome: a.outcome,
      providerMessageId: a.provider_message_id,
      error: a.error,
      at: iso(a.started_at)!,
      durationMs: a.duration_ms,
    })),
  };
}
