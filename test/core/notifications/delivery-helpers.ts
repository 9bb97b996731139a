import type { ChannelKind, DeliveryReport, NotificationChannel, OutgoingMessage, SendResult } from '@cartwright/core';
import { definePlugin } from '@cartwright/core';
import type { TestStore } from '@cartwright/core/testing';

/** What the rules hand delivery for one message (the pipeline's `NotificationIntent`). */
export type NotificationIntent = Parameters<TestStore['commerce']['container']['cradle']['notificationDelivery']['deliverIntents']>[0][number];

/** What a scripted channel does on one send: accept, refuse for now, refuse for good, or fail to connect. */
export type Step = 'accept' | 'refuse' | 'reject' | 'down';

/**
 * A channel for tests: plays `script` one step per send (then `otherwise`), keeps every message it
 * was handed, and (claiming webhooks) takes delivery reports signed with a shared header value.
 */
export class ScriptedChannel implements NotificationChannel {
  readonly name: string;
  readonly capabilities: { deliveryStatus: boolean; webhooks: boolean };
  /** What `status()` answers per provider message id (channels created with `deliveryStatus`). */
  readonly statuses = new Map<string, DeliveryReport['status']>();
  readonly calls: OutgoingMessage[] = [];
  readonly accepted: OutgoingMessage[] = [];
  script: Step[] = [];
  otherwise: Step = 'accept';

  readonly id: string;
  readonly kind: ChannelKind;

  constructor(id: string, kind: ChannelKind, capabilities = { deliveryStatus: false, webhooks: true }) {
    this.id = id;
    this.kind = kind;
    this.capabilities = capabilities;
    this.name = `Scripted ${kind}`;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    this.calls.push(message);
    const step = this.script.shift() ?? this.otherwise;
    if (step === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:25');
    if (step === 'refuse') return { status: 'failed', retryable: true, reason: '421 try again later' };
    if (step === 'reject') return { status: 'failed', retryable: false, reason: '550 no such mailbox' };
    this.accepted.push(message);
    return { status: 'sent', providerMessageId: `${this.id}-${this.accepted.length}-${message.id}` };
  }

  async status(request: { providerMessageId: string }): Promise<DeliveryReport> {
    const status = this.statuses.get(request.providerMessageId);
    if (!status) throw new Error('the service does not answer for now');
    return { providerMessageId: request.providerMessageId, status, occurredAt: new Date(), reason: null };
  }

  async webhook(request: { rawBody: Buffer; headers: Record<string, string | string[] | undefined> }): Promise<DeliveryReport[]> {
    if (request.headers['x-test-signature'] !== 'authentic') throw Object.assign(new Error('bad signature'), { code: 'NOTIFICATION_WEBHOOK_INVALID' });
    const reports = JSON.parse(request.rawBody.toString('utf8')) as Array<{ id: string; status: DeliveryReport['status'] }>;
    return reports.map((r) => ({ providerMessageId: r.id, status: r.status, occurredAt: new Date(), reason: r.status === 'bounced' ? '550 mailbox gone' : null }));
  }
}

/** A plugin installing the given channels through the `notifications.channels` filter. */
export const channelsPlugin = (...channels: NotificationChannel[]) =>
  definePlugin({
    name: 'test-notification-channels',
    version: '0.0.0',
    register(api) {
      api.filter('notifications.channels', (installed) => [...installed, ...channels]);
    },
  })();

export const UNSUBSCRIBE_SECRET = 'a-test-secret-of-at-least-32-characters!';

let events = 0;

/** An intent as the rules would give it, for a template core ships (vendor.approved has email, in-app and push). */
export function intent(fields: Partial<NotificationIntent> & { recipient: NotificationIntent['recipient'] }, eventId = `evt_test_${process.pid}_${++events}`): NotificationIntent {
  const channel = fields.channel ?? 'email';
  const recipientKey = fields.recipientKey ?? (fields.recipient.userId ? `user:${fields.recipient.userId}` : `email:${fields.recipient.email}`);
  return {
    eventId,
    eventName: 'vendor.approved',
    recipientKey,
    channel,
    template: 'vendor.approved',
    category: 'vendor',
    transactional: false,
    data: { account: { email: fields.recipient.email ?? 'someone@example.com' }, store: { name: 'Test Shop', url: 'https://shop.example' } },
    ...fields,
  };
}

export function sql<T = any>(store: TestStore, query: string, params: unknown[] = []): Promise<T[]> {
  return store.commerce.withScope((s) => s.cradle.em.execute<T[]>(query, params));
}

export function delivery(store: TestStore) {
  return store.commerce.container.cradle.notificationDelivery;
}

/** Runs a job once, as a worker would. */
export async function runJob(store: TestStore, name: string): Promise<void> {
  const job = store.commerce.jobs.definitions().find((d) => d.name === name);
  if (!job) throw new Error(`the job ${name} is not defined`);
  await store.commerce.withScope(async (s) => job.handler({}, { em: s.cradle.em, cradle: s.cradle, logger: s.cradle.logger, jobId: 'test' }));
}

/** Runs the send job as a worker would. */
export const runSendJob = (store: TestStore) => runJob(store, 'notifications.send-due');

/** Makes every waiting retry due now, instead of waiting out its backoff. */
export async function makeRetriesDue(store: TestStore): Promise<void> {
  await sql(store, `update cw_notification_message set next_attempt_at = now() - interval '1 second' where status = 'queued'`);
}

export async function message(store: TestStore, id: string) {
  const [row] = await sql(store, 'select * from cw_notification_message where id = ?', [id]);
  return row;
}
