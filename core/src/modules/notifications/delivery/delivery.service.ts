import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import type { Cradle } from '../../../kernel/container.ts';
import type { Database } from '../../../kernel/db/database.ts';
import { rows, run } from '../../../kernel/db/sql.ts';
import type { Logger } from '../../../kernel/logger.ts';
import type { ChannelKind, DeliveryReport, NotificationChannel, OutgoingMessage, SendResult } from '../channels/notification-channel.ts';
import type { NotificationIntent, RenderedMessage } from '../pipeline.ts';
import { suppressionReason, unsubscribeSubject } from '../preferences/preference-records.ts';
import { retryDelayMs } from './delivery-backoff.ts';
import { DeliveryErrors } from './delivery.errors.ts';
import { claimDueMessages, dueChannelKinds, json, loadMessage, queueMessages, recordAttempt, releaseMessages, type MessageRow } from './message-records.ts';

export const SEND_DUE_JOB = 'notifications.send-due';
export const POLL_STATUS_JOB = 'notifications.poll-status';

/** Services that can be asked keep a message's status this long after sending; later ones are left at `sent`. */
const STATUS_POLL_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;
const STATUS_POLL_BATCH = 100;

/** How long a claimed message stays invisible to other workers at least; longer when a batch may take longer (see `#leaseMs`). */
const LEASE_MS = 5 * 60 * 1000;
const BATCH_SIZE = 50;
/** Batches per channel kind in one run: the sweep comes back for the rest. */
const MAX_BATCHES = 20;

export type SendOutcome = 'sent' | 'retried' | 'failed' | 'dead' | 'suppressed' | 'skipped';

/** What a failed step of a send means: `retryable` failures come back with backoff, the others fail the message at once. */
type Failure = { retryable: boolean; reason: string; timedOut?: boolean };

/**
 * Delivery: keeps one message per intent and sends each through the channel of its kind, with
 * retries, dead letters, a log of every attempt, resends and delivery reports. Every send runs
 * outside any database transaction, and each message is its own unit of work: a channel that is
 * down delays only its own messages. Each channel kind is sent in a lane of its own, and a send that
 * does not answer within `notifications.sendTimeoutSeconds` counts as a retryable failure, so a
 * channel that hangs holds up neither the other channels nor the sweep.
 */
export class NotificationDelivery {
  readonly #cradle: Cradle;
  readonly #database: Database;
  readonly #logger: Logger;

  constructor(cradle: Cradle) {
    this.#cradle = cradle;
    this.#database = cradle.database;
    this.#logger = cradle.logger.child({ component: 'notifications' });
  }

  /** Queues the intents (in `em`'s transaction when one is open); answers the ids of the new, due messages. */
  queue(em: EntityManager, intents: readonly NotificationIntent[], now = new Date()): Promise<string[]> {
    return queueMessages(em, intents, now);
  }

  /** Queues the intents in a transaction of their own and asks a worker to send them. */
  async deliverIntents(intents: readonly NotificationIntent[], now = new Date()): Promise<string[]> {
    const queued = await this.#database.fork().transactional((tx) => queueMessages(tx, intents, now));
    if (queued.length > 0) await this.wake();
    return queued;
  }

  /** Asks a worker to send what is due now rather than at the next sweep. Enqueue failures only delay. */
  async wake(): Promise<void> {
    const jobs = this.#cradle.jobs;
    if (!jobs.started) return;
    await jobs.now(SEND_DUE_JOB, {}).catch((error: unknown) => this.#logger.warn({ err: error }, 'could not enqueue a notification send; the sweep will send it'));
  }

  /**
   * Sends every message due at `now`: one lane per channel kind, all lanes at once; within a lane,
   * batch after batch in due order, `notifications.channelConcurrency` sends at a time. A lane whose
   * channel timed out stops for this run and gives its untried messages back to the next sweep, so a
   * hung channel costs one timeout per run, not one per message.
   */
  async sendDue(now = new Date()): Promise<Record<SendOutcome, number>> {
    const counts: Record<SendOutcome, number> = { sent: 0, retried: 0, failed: 0, dead: 0, suppressed: 0, skipped: 0 };
    const kinds = await dueChannelKinds(this.#database.fork(), now);
    const lanes = await Promise.allSettled(kinds.map((kind) => this.#sendLane(kind, now, counts)));
    const broken = lanes.find((lane): lane is PromiseRejectedResult => lane.status === 'rejected');
    if (broken) throw broken.reason;
    return counts;
  }

  async #sendLane(kind: ChannelKind, now: Date, counts: Record<SendOutcome, number>): Promise<void> {
    const concurrency = this.#cradle.config.notifications.channelConcurrency;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const ids = await claimDueMessages(this.#database.fork(), now, BATCH_SIZE, this.#leaseMs(), kind);
      if (ids.length === 0) return;
      let next = 0;
      let stalled = false;
      let broken = false;
      const worker = async () => {
        while (!stalled && !broken && next < ids.length) {
          try {
            const { outcome, timedOut } = await this.#process(ids[next++]!, now);
            counts[outcome]++;
            if (timedOut) stalled = true;
          } catch (error) {
            broken = true;
            throw error;
          }
        }
      };
      // every worker has finished before the untried rest is released, so none is released while being sent
      const workers = await Promise.allSettled(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
      await releaseMessages(this.#database.fork(), ids.slice(next));
      const failure = workers.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failure) throw failure.reason;
      if (stalled) {
        this.#logger.warn({ channel: kind, released: ids.length - next }, 'a notification channel did not answer in time; its other messages wait for the next sweep');
        return;
      }
    }
  }

  /** Long enough for a whole batch of a lane whose every send takes almost the timeout, so no other worker claims a message being sent. */
  #leaseMs(): number {
    const { sendTimeoutSeconds, channelConcurrency } = this.#cradle.config.notifications;
    return Math.max(LEASE_MS, (Math.ceil(BATCH_SIZE / channelConcurrency) + 1) * sendTimeoutSeconds * 1000);
  }

  /** One attempt of one queued message: render, send, record. Never throws for a channel's failure. */
  async processMessage(id: string, now = new Date()): Promise<SendOutcome> {
    return (await this.#process(id, now)).outcome;
  }

  async #process(id: string, now: Date): Promise<{ outcome: SendOutcome; timedOut: boolean }> {
    const em = this.#database.fork();
    const message = await loadMessage(em, id);
    if (!message || message.status !== 'queued') return { outcome: 'skipped', timedOut: false };
    const startedAt = new Date();
    // asked again now, not only when queued: a campaign or a retry can wait long enough for the recipient to unsubscribe
    const refusal = await this.#refusalNow(em, message);
    if (refusal) return { outcome: await this.#suppress(em, message, refusal, startedAt), timedOut: false };
    let channel: NotificationChannel | undefined;
    let result: SendResult | Failure;
    try {
      channel = await this.#cradle.notificationChannels.forKind(message.channel);
      result = channel ? await this.#attempt(em, channel, message) : { retryable: false, reason: `No ${message.channel} channel is installed` };
    } catch (error) {
      result = { retryable: true, reason: describe(error) };
    }
    const outcome = await this.#record(em, message, channel, result, startedAt, now);
    return { outcome, timedOut: 'timedOut' in result && result.timedOut === true };
  }

  #refusalNow(em: EntityManager, message: MessageRow): Promise<string | null> {
    return suppressionReason(em, {
      transactional: message.transactional,
      recipientKey: message.recipient_key,
      recipient: json(message.recipient),
      category: message.category,
      channel: message.channel,
    });
  }

  async #suppress(em: EntityManager, message: MessageRow, reason: string, startedAt: Date): Promise<SendOutcome> {
    await em.transactional(async (tx) => {
      await recordAttempt(tx, { messageId: message.id, kind: 'send', round: message.round, outcome: 'suppressed', error: reason, startedAt, durationMs: 0 });
      await run(
        tx,
        sql`update cw_notification_message set status = 'suppressed', status_reason = ${reason}, next_attempt_at = null, lease_until = null, updated_at = ${new Date()}
            where id = ${message.id} and status = 'queued'`,
      );
    });
    return 'suppressed';
  }

  /** The signed one-click link of a message its recipient may unsubscribe from; transactional mail (a password reset, an order confirmation) offers none. */
  #unsubscribeUrl(message: MessageRow): string | undefined {
    if (message.channel !== 'email' || message.transactional) return undefined;
    const recipient = json(message.recipient);
    return this.#cradle.unsubscribeLinks.url({ subject: unsubscribeSubject({ recipientKey: message.recipient_key, recipient }), category: message.category, channel: 'email' });
  }

  async #attempt(em: EntityManager, channel: NotificationChannel, message: MessageRow): Promise<SendResult | Failure> {
    let rendered: RenderedMessage;
    const unsubscribeUrl = this.#unsubscribeUrl(message);
    try {
      const recipient = json(message.recipient);
      rendered = await this.#cradle.notificationTemplates.render(em, {
        template: message.template,
        channel: message.channel,
        locale: recipient.locale ?? null,
        data: json(message.data),
        ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
      });
    } catch (error) {
      // no template will not appear by retrying; anything else (the database) might pass
      const missing = (error as { code?: unknown }).code === 'NOTIFICATION_TEMPLATE_MISSING';
      return { retryable: !missing, reason: `Rendering failed: ${describe(error)}` };
    }
    await run(
      em,
      sql`update cw_notification_message set subject = ${rendered.subject?.slice(0, 500) ?? null}, warnings = ${JSON.stringify(rendered.warnings)}::jsonb where id = ${message.id}`,
    );
    try {
      return await this.#sendWithin(channel, this.#outgoing(message, rendered, unsubscribeUrl));
    } catch (error) {
      return { retryable: true, reason: describe(error) };
    }
  }

  /**
   * The channel's answer, or a retryable failure once `notifications.sendTimeoutSeconds` have passed.
   * A send given up on may still finish later; its retry carries the same idempotency key, so a
   * service that honours the key delivers once.
   */
  async #sendWithin(channel: NotificationChannel, outgoing: OutgoingMessage): Promise<SendResult | Failure> {
    const seconds = this.#cradle.config.notifications.sendTimeoutSeconds;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Failure>((resolve) => {
      timer = setTimeout(() => resolve({ retryable: true, timedOut: true, reason: `The ${channel.name} channel did not answer within ${seconds} s` }), seconds * 1000);
    });
    try {
      // race() keeps a handler on the send, so one that fails after the timeout is not an unhandled rejection
      return await Promise.race([(async () => channel.send(outgoing))(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #outgoing(message: MessageRow, rendered: RenderedMessage, unsubscribeUrl: string | undefined): OutgoingMessage {
    const recipient = json(message.recipient);
    const outgoing: OutgoingMessage = {
      id: message.id,
      // the same on every retry of a round, so a service that takes one never delivers twice; a resend is a new round
      idempotencyKey: `${message.id}:${message.round}`,
      to: recipient,
      text: rendered.text,
      category: message.category,
      ...(rendered.subject !== undefined ? { subject: rendered.subject } : {}),
      ...(rendered.html !== undefined ? { html: rendered.html } : {}),
      ...(rendered.link !== undefined ? { link: rendered.link } : {}),
    };
    if (unsubscribeUrl) outgoing.headers = { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
    return outgoing;
  }

  async #record(em: EntityManager, message: MessageRow, channel: NotificationChannel | undefined, result: SendResult | Failure, startedAt: Date, now: Date): Promise<SendOutcome> {
    const { maxAttempts, retryBaseSeconds } = this.#cradle.config.notifications;
    const roundAttempts = message.round_attempts + 1;
    const succeeded = 'status' in result && result.status !== 'failed';
    const failure: Failure | undefined = succeeded ? undefined : 'status' in result && result.status === 'failed' ? result : (result as Failure);
    const outcome: SendOutcome = succeeded ? 'sent' : !failure!.retryable ? 'failed' : roundAttempts >= maxAttempts ? 'dead' : 'retried';
    const providerMessageId = 'providerMessageId' in result ? (result.providerMessageId ?? null) : null;
    const status = succeeded ? (result as { status: 'sent' | 'delivered' }).status : outcome === 'retried' ? 'queued' : outcome;
    const nextAttemptAt = outcome === 'retried' ? new Date(now.getTime() + retryDelayMs(roundAttempts, retryBaseSeconds)) : null;
    const reason = failure ? (outcome === 'dead' ? `Gave up after ${roundAttempts} attempts: ${failure.reason}` : failure.reason) : null;
    if (failure) {
      this.#logger.warn({ messageId: message.id, channel: channel?.id ?? message.channel, attempt: roundAttempts, reason: failure.reason }, `notification ${outcome}`);
    }
    await em.transactional(async (tx) => {
      await recordAttempt(tx, {
        messageId: message.id,
        kind: 'send',
        round: message.round,
        outcome: succeeded ? status : outcome,
        providerMessageId,
        error: failure?.reason ?? null,
        startedAt,
        durationMs: Date.now() - startedAt.getTime(),
      });
      await run(
        tx,
        sql`update cw_notification_message set
              status = ${status}, status_reason = ${reason}, attempts = attempts + 1, round_attempts = ${roundAttempts},
              next_attempt_at = ${nextAttemptAt}, lease_until = null, channel_id = ${channel?.id ?? null},
              provider_message_id = coalesce(${providerMessageId}, provider_message_id),
              sent_at = ${succeeded ? new Date() : null}, delivered_at = ${status === 'delivered' ? new Date() : null}, updated_at = ${new Date()}
            where id = ${message.id} and status = 'queued'`,
      );
    });
    return outcome;
  }

  /**
   * Sends the message again: a new round of the same message (fresh idempotency key and attempt
   * allowance), so its log keeps every earlier attempt. A queued message is already on its way and a
   * suppressed one was refused by its recipient's preferences: both 409. `audit` records the admin
   * action in the same transaction.
   */
  async resend(em: EntityManager, id: string, requestedBy: string, audit: (tx: EntityManager, before: { status: string; round: number }) => void): Promise<void> {
    const now = new Date();
    await em.transactional(async (tx) => {
      const [message] = await rows<MessageRow>(tx, sql`select * from cw_notification_message where id = ${id} for update`);
      if (!message) throw DeliveryErrors.NOTIFICATION_MESSAGE_NOT_FOUND(`No notification message ${id}`);
      if (message.status === 'queued' || message.status === 'suppressed') {
        throw DeliveryErrors.NOTIFICATION_RESEND_INVALID(
          message.status === 'queued' ? 'The message is still queued: it will be sent' : 'The recipient’s preferences refused this message; it is not resent',
          { extensions: { status: message.status } },
        );
      }
      audit(tx, { status: message.status, round: message.round });
      await recordAttempt(tx, { messageId: id, kind: 'resend', round: message.round + 1, outcome: 'queued', error: `Resent by ${requestedBy}`, startedAt: now });
      await run(
        tx,
        sql`update cw_notification_message set status = 'queued', status_reason = null, round = round + 1, round_attempts = 0,
              next_attempt_at = ${now}, lease_until = null, provider_message_id = null, delivered_at = null, updated_at = ${now}
            where id = ${id}`,
      );
    });
    await this.wake();
  }

  /** Checks a channel's inbound delivery report and applies it (see `applyReports`). */
  async handleWebhook(channel: NotificationChannel, request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }) {
    let reports: DeliveryReport[];
    try {
      reports = await channel.webhook!(request);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'NOTIFICATION_WEBHOOK_INVALID') throw error;
      throw DeliveryErrors.NOTIFICATION_WEBHOOK_INVALID(`The ${channel.name} delivery report is not authentic`, { cause: error });
    }
    const applied = await this.applyReports(channel.id, reports);
    return { applied: applied > 0, duplicate: reports.length > 0 && applied === 0 };
  }

  /**
   * Asks the channels that can be asked (`deliveryStatus`) about the messages they accepted in the
   * last three days and not yet reported on, and applies the answers. A channel that cannot answer
   * now is asked again at the next poll. Answers how many messages changed.
   */
  async pollStatuses(now = new Date()): Promise<number> {
    const since = new Date(now.getTime() - STATUS_POLL_WINDOW_MS);
    const channels = (await this.#cradle.notificationChannels.list()).filter((channel) => channel.capabilities.deliveryStatus && channel.status);
    let applied = 0;
    for (const channel of channels) {
      const sent = await rows<{ provider_message_id: string }>(
        this.#database.fork(),
        sql`select provider_message_id from cw_notification_message
             where status = 'sent' and channel_id = ${channel.id} and provider_message_id is not null and sent_at > ${since}
             order by sent_at limit ${STATUS_POLL_BATCH}`,
      );
      const reports: DeliveryReport[] = [];
      for (const { provider_message_id: providerMessageId } of sent) {
        try {
          reports.push(await channel.status!({ providerMessageId }));
        } catch (error) {
          this.#logger.warn({ channel: channel.id, providerMessageId, err: error }, 'could not ask a channel for a delivery status');
        }
      }
      applied += await this.applyReports(channel.id, reports);
    }
    return applied;
  }

  /**
   * Moves sent messages on by what their channel reported: `delivered`, or `bounced`/`failed` (a
   * bounce after "delivered" still counts). A report repeated or about an unknown message changes
   * nothing. Answers how many messages changed.
   */
  async applyReports(channelId: string, reports: readonly DeliveryReport[]): Promise<number> {
    let applied = 0;
    for (const report of reports) {
      if (report.status === 'sent') continue;
      const from = report.status === 'delivered' ? ['sent'] : ['sent', 'delivered'];
      applied += await this.#database.fork().transactional(async (tx) => {
        const [message] = await rows<{ id: string; round: number }>(
          tx,
          sql`select id, round from cw_notification_message
               where channel_id = ${channelId} and provider_message_id = ${report.providerMessageId} and status in (${sql.join(from)}) for update`,
        );
        if (!message) return 0;
        await recordAttempt(tx, { messageId: message.id, kind: 'report', round: message.round, outcome: report.status, providerMessageId: report.providerMessageId, error: report.reason, startedAt: report.occurredAt });
        await run(
          tx,
          sql`update cw_notification_message set status = ${report.status}, status_reason = ${report.reason},
                delivered_at = coalesce(${report.status === 'delivered' ? report.occurredAt : null}, delivered_at), updated_at = ${new Date()}
              where id = ${message.id}`,
        );
        return 1;
      });
    }
    return applied;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
