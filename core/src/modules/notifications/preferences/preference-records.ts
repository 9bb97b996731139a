import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { rows, run } from '../../../kernel/db/sql.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';
import type { NotificationIntent } from '../pipeline.ts';
import { DeliveryErrors } from '../delivery/delivery.errors.ts';
import { enabledByDefault, isKnownCategory, MARKETING, NOTIFICATION_CATEGORIES, PREFERENCE_CHANNELS, type NotificationCategory } from './notification-categories.ts';
import type { UnsubscribeClaim } from './unsubscribe-links.ts';

/** How a preference was set, kept beside it (for marketing: the consent's source). */
export type PreferenceSource = 'preferences' | 'unsubscribe_link';

export interface PreferenceView {
  category: NotificationCategory;
  channel: ChannelKind;
  enabled: boolean;
  locked: boolean;
  consentAt: string | null;
  source: PreferenceSource | 'default';
}

interface PreferenceRow {
  subject: string;
  category: string;
  channel: string;
  enabled: boolean;
  consent_at: Date | string | null;
  source: PreferenceSource;
}

export const userSubject = (userId: string) => `user:${userId}`;

/**
 * Everyone a message's preferences are kept under: the account (set through the store API), the
 * address (set by an unsubscribe link mailed to a guest), and the rule's recipient key.
 */
function subjectsOf(intent: Pick<NotificationIntent, 'recipientKey' | 'recipient'>): string[] {
  const subjects = new Set([intent.recipientKey]);
  if (intent.recipient.userId) subjects.add(userSubject(intent.recipient.userId));
  if (intent.recipient.email) subjects.add(`email:${intent.recipient.email.toLowerCase()}`);
  return [...subjects];
}

/** The subject an unsubscribe link in this message names: the account when there is one, so the store API shows it. */
export function unsubscribeSubject(intent: Pick<NotificationIntent, 'recipientKey' | 'recipient'>): string {
  return intent.recipient.userId ? userSubject(intent.recipient.userId) : intent.recipientKey;
}

/**
 * Why this message must not be sent, or null. Transactional messages are always sent. Otherwise an
 * opt-out under any of the recipient's subjects wins over an opt-in under another (consent is
 * never assumed), and marketing needs an opt-in.
 */
export async function suppressionReason(
  em: EntityManager,
  intent: Pick<NotificationIntent, 'transactional' | 'recipientKey' | 'recipient' | 'category' | 'channel'>,
): Promise<string | null> {
  if (intent.transactional) return null;
  const found = await rows<PreferenceRow>(
    em,
    sql`select subject, category, channel, enabled, consent_at, source from cw_notification_preference
         where subject in (${sql.join(subjectsOf(intent))}) and category = ${intent.category} and channel = ${intent.channel}`,
  );
  const optOut = found.find((row) => !row.enabled);
  if (optOut) {
    return optOut.source === 'unsubscribe_link'
      ? `Unsubscribed from ${intent.category} on ${intent.channel} through a link`
      : `Opted out of ${intent.category} on ${intent.channel}`;
  }
  if (!found.some((row) => row.enabled) && !enabledByDefault(intent.category)) {
    return intent.category === MARKETING ? `No consent to marketing on ${intent.channel}` : `Not opted in to ${intent.category} on ${intent.channel}`;
  }
  return null;
}

/** Every category × channel of a user, with the defaults filled in. */
export async function listPreferences(em: EntityManager, userId: string): Promise<PreferenceView[]> {
  const stored = await rows<PreferenceRow>(
    em,
    sql`select subject, category, channel, enabled, consent_at, source from cw_notification_preference where subject = ${userSubject(userId)}`,
  );
  const byKey = new Map(stored.map((row) => [`${row.category}/${row.channel}`, row]));
  const views: PreferenceView[] = [];
  for (const [category, rule] of Object.entries(NOTIFICATION_CATEGORIES) as Array<[NotificationCategory, (typeof NOTIFICATION_CATEGORIES)[NotificationCategory]]>) {
    for (const channel of PREFERENCE_CHANNELS) {
      const row = rule.locked ? undefined : byKey.get(`${category}/${channel}`);
      views.push({
        category,
        channel,
        enabled: rule.locked ? true : (row?.enabled ?? rule.defaultEnabled),
        locked: rule.locked,
        consentAt: row?.consent_at ? new Date(row.consent_at).toISOString() : null,
        source: row?.source ?? 'default',
      });
    }
  }
  return views;
}

export interface PreferenceChange {
  category: string;
  channel: ChannelKind;
  enabled: boolean;
}

/**
 * Checks every change first (an unknown category, or switching off a locked one, writes nothing),
 * then stores them. Opting in records when and how consent was given, and lifts an earlier
 * unsubscribe of the user's address from the same category and channel.
 */
export async function changePreferences(em: EntityManager, userId: string, changes: PreferenceChange[], now = new Date()): Promise<void> {
  changes.forEach((change, i) => {
    if (!isKnownCategory(change.category)) {
      throw DeliveryErrors.NOTIFICATION_PREFERENCE_INVALID(`No notification category ${change.category}`, {
        errors: [{ in: 'body', pointer: `/preferences/${i}/category`, rule: 'enum', message: `must be one of ${Object.keys(NOTIFICATION_CATEGORIES).join(', ')}` }],
      });
    }
    if (NOTIFICATION_CATEGORIES[change.category].locked && !change.enabled) {
      throw DeliveryErrors.NOTIFICATION_PREFERENCE_LOCKED(`${change.category} notifications are transactional and cannot be switched off`, {
        errors: [{ in: 'body', pointer: `/preferences/${i}/enabled`, rule: 'locked', message: `${change.category} is transactional: it stays on` }],
      });
    }
  });
  const email = (await rows<{ email: string }>(em, sql`select email from cw_user where id = ${userId}`))[0]?.email;
  await em.transactional(async (tx) => {
    for (const change of changes) {
      if (NOTIFICATION_CATEGORIES[change.category as NotificationCategory].locked) continue;
      await upsert(tx, { subject: userSubject(userId), category: change.category, channel: change.channel, enabled: change.enabled, source: 'preferences' }, now);
      if (change.enabled && email) {
        await run(
          tx,
          sql`delete from cw_notification_preference
               where subject = ${`email:${email.toLowerCase()}`} and category = ${change.category} and channel = ${change.channel} and enabled = false`,
        );
      }
    }
  });
}

/** Records what an authentic unsubscribe link asked for; repeating it changes nothing. */
export async function recordUnsubscribe(em: EntityManager, claim: UnsubscribeClaim, now = new Date()): Promise<void> {
  await upsert(em, { subject: claim.subject, category: claim.category, channel: claim.channel, enabled: false, source: 'unsubscribe_link' }, now);
}

async function upsert(
  em: EntityManager,
  row: { subject: string; category: string; channel: string; enabled: boolean; source: PreferenceSource },
  now: Date,
): Promise<void> {
  // consent is dated when it is given and kept while it stands; an opt-out clears it
  await run(
    em,
    sql`insert into cw_notification_preference (subject, category, channel, enabled, consent_at, source, updated_at)
        values (${row.subject}, ${row.category}, ${row.channel}, ${row.enabled}, ${row.enabled ? now : null}, ${row.source}, ${now})
        on conflict (subject, category, channel) do update set
          enabled = excluded.enabled,
          consent_at = case when excluded.enabled then coalesce(case when cw_notification_preference.enabled then cw_notification_preference.consent_at end, excluded.consent_at) end,
          source = case when cw_notification_preference.enabled = excluded.enabled then cw_notification_preference.source else excluded.source end,
          updated_at = excluded.updated_at`,
  );
}
