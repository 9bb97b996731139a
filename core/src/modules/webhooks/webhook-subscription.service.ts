import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import type { Cradle } from '../../kernel/container.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import { ALL_EVENTS, isWebhookEventType } from './webhook-event-types.ts';
import { newWebhookSecret } from './webhook-signature.ts';
import { refusedUrl } from './webhook-target.ts';
import { WebhookErrors } from './webhooks.errors.ts';

type Deps = Pick<Cradle, 'em' | 'config' | 'auditLog'>;

export interface SubscriptionRow {
  id: string;
  url: string;
  description: string;
  event_types: string[] | string;
  active: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
  max_attempts: number | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface SubscriptionInput {
  url: string;
  eventTypes: string[];
  description?: string;
  active?: boolean;
  maxAttempts?: number | null;
}

export interface SubscriptionView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  active: boolean;
  /** Null: `webhooks.maxAttempts` from config. */
  maxAttempts: number | null;
  /** While the secret before the last rotation still signs too: until when. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function subscriptionView(row: SubscriptionRow, now = new Date()): SubscriptionView {
  const graceEnds = row.previous_secret_expires_at ? new Date(row.previous_secret_expires_at) : null;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: typeof row.event_types === 'string' ? JSON.parse(row.event_types) : row.event_types,
    active: row.active,
    maxAttempts: row.max_attempts,
    previousSecretExpiresAt: graceEnds && graceEnds > now ? graceEnds.toISOString() : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/**
 * Webhook subscriptions under `/admin/webhooks`. Each write commits with its audit entry; the
 * secret is returned only by create and rotate, never by reads.
 */
export class WebhookSubscriptionService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  async list(): Promise<SubscriptionView[]> {
    const found = await rows<SubscriptionRow>(this.#deps.em, sql`select * from cw_webhook_subscription order by created_at, id`);
    return found.map((row) => subscriptionView(row));
  }

  async get(id: string): Promise<SubscriptionView> {
    return subscriptionView(await this.#row(this.#deps.em, id));
  }

  async create(input: SubscriptionInput): Promise<SubscriptionView & { secret: string }> {
    this.#check(input);
    const id = newId('whk');
    const secret = newWebhookSecret();
    const now = new Date();
    await this.#deps.em.transactional(async (tx) => {
      await run(
        tx,
        sql`insert into cw_webhook_subscription (id, url, description, event_types, active, secret, max_attempts, created_at, updated_at)
            values (${id}, ${input.url}, ${input.description ?? ''}, ${JSON.stringify(input.eventTypes)}::jsonb, ${input.active ?? true}, ${secret},
                    ${input.maxAttempts ?? null}, ${now}, ${now})`,
      );
      this.#deps.auditLog.record(tx, { action: 'webhook.created', target: { type: 'webhook', id }, before: null, after: auditable(input) });
    });
    return { ...(await this.get(id)), secret };
  }

  async update(id: string, patch: Partial<SubscriptionInput>): Promise<SubscriptionView> {
    this.#check(patch);
    await this.#deps.em.transactional(async (tx) => {
      const before = await this.#row(tx, id, true);
      await run(
        tx,
        sql`update cw_webhook_subscription set
              url = ${patch.url ?? before.url},
              description = ${patch.description ?? before.description},
              event_types = ${JSON.stringify(patch.eventTypes ?? subscriptionView(before).eventTypes)}::jsonb,
              active = ${patch.active ?? before.active},
              max_attempts = ${patch.maxAttempts !== undefined ? patch.maxAttempts : before.max_attempts},
              updated_at = ${new Date()}
            where id = ${id}`,
      );
      this.#deps.auditLog.record(tx, {
        action: 'webhook.updated',
        target: { type: 'webhook', id },
        before: auditable(subscriptionView(before)),
        after: auditable(patch),
      });
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.#deps.em.transactional(async (tx) => {
      const before = await this.#row(tx, id, true);
      await run(tx, sql`delete from cw_webhook_subscription where id = ${id}`);
      this.#deps.auditLog.record(tx, { action: 'webhook.deleted', target: { type: 'webhook', id }, before: auditable(subscriptionView(before)), after: null });
    });
  }

  /**
   * Issues a new secret. The old one keeps signing beside it for `gracePeriodSeconds` (default
   * `webhooks.rotationGracePeriod`) so the receiver can switch without a failed delivery; a
   * rotation during a grace period drops the oldest secret at once.
   */
  async rotateSecret(id: string, gracePeriodSeconds?: number): Promise<SubscriptionView & { secret: string }> {
    const grace = gracePeriodSeconds ?? this.#deps.config.webhooks.rotationGracePeriod;
    const secret = newWebhookSecret();
    const now = new Date();
    await this.#deps.em.transactional(async (tx) => {
      const current = await this.#row(tx, id, true);
      const keepOld = grace > 0;
      await run(
        tx,
        sql`update cw_webhook_subscription set secret = ${secret},
              previous_secret = ${keepOld ? current.secret : null},
              previous_secret_expires_at = ${keepOld ? new Date(now.getTime() + grace * 1000) : null},
              updated_at = ${now}
            where id = ${id}`,
      );
      this.#deps.auditLog.record(tx, { action: 'webhook.secret_rotated', target: { type: 'webhook', id }, before: null, after: { gracePeriodSeconds: grace } });
    });
    return { ...(await this.get(id)), secret };
  }

  async #row(em: EntityManager, id: string, forUpdate = false): Promise<SubscriptionRow> {
    const [row] = await rows<SubscriptionRow>(em, sql`select * from cw_webhook_subscription where id = ${id} ${forUpdate ? sql`for update` : sql``}`);
    if (!row) throw WebhookErrors.WEBHOOK_NOT_FOUND(`No webhook subscription "${id}"`);
    return row;
  }

  /** The rules the body schema cannot express: where the URL points, and which events exist. */
  #check(input: Partial<SubscriptionInput>): void {
    if (input.url !== undefined) {
      const reason = refusedUrl(input.url, { allowLoopback: this.#deps.config.webhooks.allowLoopback });
      if (reason) {
        const issue: FieldIssue = { in: 'body', pointer: '/url', rule: 'allowedTarget', message: `url ${reason}` };
        throw WebhookErrors.WEBHOOK_URL_REFUSED(issue.message, { errors: [issue] });
      }
    }
    const unknown: FieldIssue[] = (input.eventTypes ?? []).flatMap((name, index) =>
      name === ALL_EVENTS || isWebhookEventType(name)
        ? []
        : [{ in: 'body', pointer: `/eventTypes/${index}`, rule: 'knownEventType', message: `"${name}" is not an event type (see GET /admin/webhooks/event-types)` }],
    );
    if (unknown.length) throw WebhookErrors.WEBHOOK_EVENT_TYPE_UNKNOWN(unknown.map((i) => i.message).join('; '), { errors: unknown });
  }
}

function auditable(input: Partial<SubscriptionInput>): Record<string, unknown> {
  const { url, eventTypes, description, active, maxAttempts } = input;
  return Object.fromEntries(Object.entries({ url, eventTypes, description, active, maxAttempts }).filter(([, v]) => v !== undefined));
}
