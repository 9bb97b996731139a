import type { Database } from '../../../kernel/db/database.ts';
import { sqlState } from '../../../kernel/db/sql.ts';
import type { NotificationChannel, OutgoingMessage, SendResult } from '../channels/notification-channel.ts';
import { insertEntry } from './inbox-entries.ts';
import type { InboxWakeUps } from './inbox-wake-ups.ts';

/**
 * The in-app channel: `send` puts the message into its recipient's inbox and wakes their open
 * streams. It is its own unit of work (a fresh EntityManager), like a send to an outside service.
 */
export class InAppChannel implements NotificationChannel {
  readonly id = 'in_app';
  readonly kind = 'in_app' as const;
  readonly name = 'In-app inbox';
  readonly capabilities = { deliveryStatus: false, webhooks: false };
  readonly #database: Database;
  readonly #wakeUps: InboxWakeUps;

  constructor(database: Database, wakeUps: InboxWakeUps) {
    this.#database = database;
    this.#wakeUps = wakeUps;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const userId = message.to.userId;
    // only people with an account have an inbox; retrying will not give the recipient one
    if (!userId) return { status: 'failed', retryable: false, reason: 'The recipient has no user account, so no inbox' };
    try {
      const entry = await this.#store(userId, message);
      return { status: 'delivered', providerMessageId: entry.id };
    } catch (error) {
      // a foreign-key violation: the user was deleted since the message was addressed
      if (sqlState(error) === '23503') return { status: 'failed', retryable: false, reason: `No user ${userId}` };
      throw error;
    }
  }

  #store(userId: string, message: OutgoingMessage) {
    return this.#wakeUps.write(this.#database.fork(), async (tx) => {
      const stored = await insertEntry(tx, {
        userId,
        messageId: message.id,
        idempotencyKey: message.idempotencyKey,
        title: message.subject ?? null,
        body: message.text,
        link: message.link ?? null,
        category: message.category,
      });
      return { value: stored.entry, wake: stored.created ? [userId] : [] };
    });
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.#database.ping();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }
}
