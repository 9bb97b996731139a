import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { rows } from '../../../kernel/db/sql.ts';
import type { ChannelKind, MessageRecipient } from '../channels/notification-channel.ts';
import type { NotificationRule } from './rule-definitions.ts';

/** A person a rule reaches, and (for vendors) whose data they may see. */
export interface ResolvedRecipient {
  recipient: MessageRecipient;
  vendorId?: string;
}

type Payload = Record<string, unknown>;

interface UserRow {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  locale: string | null;
}

const USER_COLUMNS = sql`u.id, u.email, u.name, u.phone, u.preferences->>'locale' as locale`;

const fromUser = (user: UserRow): MessageRecipient => ({ userId: user.id, name: user.name || null, email: user.email, phone: user.phone, locale: user.locale });

async function activeUsers(em: EntityManager, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return rows<UserRow>(em, sql`select ${USER_COLUMNS} from cw_user u where u.id in (${sql.join(ids)}) and u.status = 'active' order by u.id`);
}

/** Active accounts whose role holds `permission`, directly, by its area (`inventory:*`) or by `*`. */
async function staffWith(em: EntityManager, permission: string): Promise<UserRow[]> {
  const granting = ['*', permission, `${permission.split(':')[0]}:*`];
  return rows<UserRow>(
    em,
    sql`select ${USER_COLUMNS} from cw_user u join cw_role r on r.name = u.role
      where u.status = 'active' and exists (select 1 from jsonb_array_elements_text(r.permissions) p where p in (${sql.join(granting)}))
      order by u.id`,
  );
}

/** The customer of the order the event is about: their account when they have one, else the order's email, name and phone. */
async function orderCustomer(em: EntityManager, payload: Payload): Promise<MessageRecipient[]> {
  if (typeof payload.orderId !== 'string') return [];
  const [order] = await rows<{ email: string; customer_id: string | null; shipping_address: Record<string, unknown> | string }>(
    em,
    sql`select email, customer_id, shipping_address from cw_order where id = ${payload.orderId}`,
  );
  if (!order) return [];
  const address = (typeof order.shipping_address === 'string' ? JSON.parse(order.shipping_address) : order.shipping_address) as Record<string, unknown>;
  const addressName = [address.firstName, address.lastName].filter((part) => typeof part === 'string' && part !== '').join(' ');
  const addressPhone = typeof address.phone === 'string' && address.phone !== '' ? address.phone : null;
  const [user] = order.customer_id ? await activeUsers(em, [order.customer_id]) : [];
  return [
    {
      userId: user?.id ?? null,
      name: user?.name || addressName || null,
      email: order.email,
      phone: user?.phone ?? addressPhone,
      locale: user?.locale ?? null,
    },
  ];
}

/** Everyone a rule's audience names for this event; deduplicated by account or address. */
export async function audienceOf(em: EntityManager, rule: NotificationRule, payload: Payload): Promise<ResolvedRecipient[]> {
  switch (rule.audience) {
    case 'customer':
      return (await orderCustomer(em, payload)).map((recipient) => ({ recipient }));
    case 'user':
      return typeof payload.userId === 'string' ? (await activeUsers(em, [payload.userId])).map((user) => ({ recipient: fromUser(user) })) : [];
    case 'vendors': {
      const ids = Array.isArray(payload.vendorIds) ? payload.vendorIds.filter((id): id is string => typeof id === 'string') : typeof payload.vendorId === 'string' ? [payload.vendorId] : [];
      return (await activeUsers(em, [...new Set(ids)])).map((user) => ({ recipient: fromUser(user), vendorId: user.id }));
    }
    case 'staff':
      return rule.permission ? (await staffWith(em, rule.permission)).map((user) => ({ recipient: fromUser(user) })) : [];
    case 'subscriber': {
      const [user] = typeof payload.userId === 'string' ? await activeUsers(em, [payload.userId]) : [];
      if (user) return [{ recipient: { ...fromUser(user), email: typeof payload.email === 'string' ? payload.email : user.email } }];
      return typeof payload.email === 'string' ? [{ recipient: { userId: null, email: payload.email, name: null, phone: null, locale: null } }] : [];
    }
    case 'requested': {
      const asked = (typeof payload.recipient === 'object' && payload.recipient !== null ? payload.recipient : {}) as Record<string, unknown>;
      const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
      // the request is sent as asked; the account only adds the locale, and the phone for a rule that adds SMS to an emailed request
      const [user] = str(asked.userId) ? await rows<UserRow>(em, sql`select ${USER_COLUMNS} from cw_user u where u.id = ${asked.userId as string}`) : [];
      return [{ recipient: { userId: str(asked.userId), name: str(asked.name), email: str(asked.email), phone: str(asked.phone) ?? user?.phone ?? null, locale: user?.locale ?? null } }];
    }
  }
}

/** Whether the channel can reach the person at all (no phone: no SMS; no account: no inbox, no push). */
export function reachable(recipient: MessageRecipient, channel: ChannelKind): boolean {
  if (channel === 'email') return Boolean(recipient.email);
  if (channel === 'sms') return Boolean(recipient.phone);
  return Boolean(recipient.userId);
}

/** Stable per person and channel: the account when there is one, else the address the channel uses. */
export function recipientKey(recipient: MessageRecipient, channel: ChannelKind): string {
  if (recipient.userId) return `user:${recipient.userId}`;
  if (channel === 'sms') return `phone:${recipient.phone}`;
  return `email:${(recipient.email ?? '').toLowerCase()}`;
}
