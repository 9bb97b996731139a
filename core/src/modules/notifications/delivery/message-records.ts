import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { newId } from '../../../kernel/ids.ts';
import { rows, run } from '../../../kernel/db/sql.ts';
import type { ChannelKind, MessageRecipient } from '../channels/notification-channel.ts';
import type { NotificationIntent } from '../pipeline.ts';
import { suppressionReason } from '../preferences/preference-records.ts';

/** Where a message is: `queued` until sent (and while retrying), then one of the others for good until a resend. */
export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'failed', 'bounced', 'dead', 'suppressed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface MessageRow {
  id: string;
  event_id: string;
  event_name: string;
  recipient_key: string;
  recipient: MessageRecipient | string;
  channel: ChannelKind;
  channel_id: string | null;
  template: string;
  category: string;
  transactional: boolean;
  data: Record<string, unknown> | string;
  status: MessageStatus;
  status_reason: string | null;
  attempts: number;
  round: number;
  round_attempts: number;
  next_attempt_at: Date | string | null;
  provider_message_id: string | null;
  subject: string | null;
  /** What the last render warned about (a variable without a value, an SMS over one message). */
  warnings: string[] | string;
  created_at: Date | string;
  updated_at: Date | string;
  sent_at: Date | string | null;
  delivered_at: Date | string | null;
}

export const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/**
 * Queues one message per intent, in the caller's transaction. The unique (event, recipient,
 * channel) makes a repeated delivery of the same event add nothing. A message the recipient's
 * preferences refuse is kept as `suppressed` with the reason, so the log shows why nobody got it.
 * Answers the ids of the messages that are new and due.
 */
export async function queueMessages(em: EntityManager, intents: readonly NotificationIntent[], now: Date): Promise<string[]> {
  const queued: string[] = [];
  for (const intent of intents) {
    const reason = await suppressionReason(em, intent);
    const id = newId('nmsg');
    const inserted = await run(
      em,
      sql`insert into cw_notification_message
            (id, event_id, event_name, recipient_key, recipient, channel, template, category, transactional, data,
             status, status_reason, next_attempt_at, created_at, updated_at)
          values (${id}, ${intent.eventId}, ${intent.eventName}, ${intent.recipientKey}, ${JSON.stringify(intent.recipient)}::jsonb,
                  ${intent.channel}, ${intent.template}, ${intent.category}, ${intent.transactional}, ${JSON.stringify(intent.data)}::jsonb,
                  ${reason ? 'suppressed' : 'queued'}, ${reason}, ${reason ? null : now}, ${now}, ${now})
          on conflict (event_id, recipient_key, channel) do nothing`,
    );
    if (inserted > 0 && !reason) queued.push(id);
  }
  return queued;
}

export async function loadMessage(em: EntityManager, id: string): Promise<MessageRow | undefined> {
  return (await rows<MessageRow>(em, sql`select * from cw_notification_message where id = ${id}`))[0];
}

/** The channel kinds with messages due at `now` and not claimed by a worker: each is sent in a lane of its own. */
export async function dueChannelKinds(em: EntityManager, now: Date): Promise<ChannelKind[]> {
  const found = await rows<{ channel: ChannelKind }>(
    em,
    sql`select distinct channel from cw_notification_message
         where status = 'queued' and next_attempt_at <= ${now} and (lease_until is null or lease_until <= ${now})
         order by channel`,
  );
  return found.map((row) => row.channel);
}

/**
 * Claims due messages of one channel kind for this process with a lease (`FOR UPDATE SKIP LOCKED`),
 * so several workers send side by side and the claim of a worker that died runs out.
 */
export async function claimDueMessages(em: EntityManager, now: Date, limit: number, leaseMs: number, channel: ChannelKind): Promise<string[]> {
  return em.transactional(async (tx) => {
    const due = await rows<{ id: string }>(
      tx,
      sql`select id from cw_notification_message
           where status = 'queued' and channel = ${channel} and next_attempt_at <= ${now} and (lease_until is null or lease_until <= ${now})
           order by next_attempt_at, id limit ${limit} for update skip locked`,
    );
    if (due.length > 0) {
      await run(tx, sql`update cw_notification_message set lease_until = ${new Date(now.getTime() + leaseMs)} where id in (${sql.join(due.map((d) => d.id))})`);
    }
    return due.map((d) => d.id);
  });
}

/** Gives claimed messages that were not tried back to the next sweep, without counting an attempt. */
export async function releaseMessages(em: EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await run(em, sql`update cw_notification_message set lease_until = null where id in (${sql.join([...ids])}) and status = 'queued'`);
}

export interface AttemptRecord {
  messageId: string;
  kind: 'send' | 'report' | 'resend';
  round: number;
  outcome: string;
  providerMessageId?: string | null;
  error?: string | null;
  startedAt: Date;
  durationMs?: number | null;
}

export async function recordAttempt(em: EntityManager, attempt: AttemptRecord): Promise<void> {
  await run(
    em,
    sql`insert into cw_notification_attempt (id, message_id, kind, round, outcome, provider_message_id, error, started_at, duration_ms)
        values (${newId('natt')}, ${attempt.messageId}, ${attempt.kind}, ${attempt.round}, ${attempt.outcome}, ${attempt.providerMessageId ?? null},
                ${attempt.error?.slice(0, 4000) ?? null}, ${attempt.startedAt}, ${attempt.durationMs ?? null})`,
  );
}
