import type { EntityManager } from '@mikro-orm/sql';
import { sql, type RawBuilder } from 'kysely';
import type { Static } from 'typebox';
import { likePrefix, rows } from '../../../kernel/db/sql.ts';
import { isCurrencyCode } from '../../money/index.ts';
import { MARKETING } from '../preferences/notification-categories.ts';
import { CampaignErrors } from './campaigns.errors.ts';
import type { Segment } from './campaigns.schemas.ts';

export type CampaignSegment = Static<typeof Segment>;
type FilterRule = NonNullable<CampaignSegment['filter']>[number];

const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const invalid = (pointer: string, rule: string, message: string) =>
  CampaignErrors.NOTIFICATION_CAMPAIGN_INVALID(`${pointer}: ${message}`, { errors: [{ in: 'body', pointer, rule, message }] });

/** Non-cancelled orders of the customer `u`: the only orders a segment counts. */
const customerOrders = sql`from cw_order o where o.customer_id = u.id and o.status <> 'cancelled'`;

interface FieldRule {
  ops: readonly string[];
  /** The value in SQL terms, or a reason it is not one. */
  value(value: unknown, op: string): { ok: true; value: unknown } | { ok: false; message: string };
  condition(op: string, value: any): RawBuilder<unknown>;
}

/** The only operators a filter compiles to; the value beside them is always a parameter. */
const OPERATORS: Record<string, string> = { eq: '=', gte: '>=', lte: '<=', before: '<', after: '>' };

const compare = (left: RawBuilder<unknown>, op: string, right: unknown) => sql`${left} ${sql.raw(OPERATORS[op]!)} ${right}`;

const dateValue = (value: unknown) =>
  typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))
    ? { ok: true as const, value: new Date(value) }
    : { ok: false as const, message: 'must be an ISO 8601 date (2025-01-31 or 2025-01-31T10:00:00Z)' };

/** The fields a filter may use, each with its operators; values always travel as parameters. */
const FILTER_FIELDS: Record<string, FieldRule> = {
  ordersCount: {
    ops: ['eq', 'gte', 'lte'],
    value: (value) => (Number.isSafeInteger(value) && (value as number) >= 0 ? { ok: true, value } : { ok: false, message: 'must be a whole number, 0 or more' }),
    condition: (op, value) => compare(sql`(select count(*) ${customerOrders})`, op, value),
  },
  totalSpent: {
    ops: ['gte', 'lte'],
    value: (value) => {
      const money = value as { amount?: unknown; currencyCode?: unknown } | null;
      const valid =
        typeof money === 'object' && money !== null && !Array.isArray(money) && Object.keys(money).every((k) => k === 'amount' || k === 'currencyCode') &&
        Number.isSafeInteger(money.amount) && (money.amount as number) >= 0 && typeof money.currencyCode === 'string' && isCurrencyCode(money.currencyCode);
      return valid ? { ok: true, value: money } : { ok: false, message: 'must be { amount, currencyCode }: whole minor units (1999 is 19.99) and an ISO 4217 code' };
    },
    condition: (op, money: { amount: number; currencyCode: string }) =>
      compare(sql`(select coalesce(sum(o.total), 0) ${customerOrders} and o.currency_code = ${money.currencyCode})`, op, money.amount),
  },
  lastOrderAt: {
    ops: ['before', 'after'],
    value: dateValue,
    // a customer who never ordered has no last order, so neither before nor after holds
    condition: (op, value) => compare(sql`(select max(o.placed_at) ${customerOrders})`, op, value),
  },
  registeredAt: { ops: ['before', 'after'], value: dateValue, condition: (op, value) => compare(sql`u.created_at`, op, value) },
  emailVerified: {
    ops: ['eq'],
    value: (value) => (typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: 'must be true or false' }),
    condition: (_op, value) => sql`(u.email_verified_at is not null) = ${value}`,
  },
  locale: {
    ops: ['eq', 'in'],
    value: (value, op) => {
      const valid = (v: unknown) => typeof v === 'string' && LOCALE.test(v);
      if (op === 'in') {
        return Array.isArray(value) && value.length > 0 && value.length <= 50 && value.every(valid)
          ? { ok: true, value }
          : { ok: false, message: 'must be a list of 1 to 50 locales (en, de-AT)' };
      }
      return valid(value) ? { ok: true, value } : { ok: false, message: 'must be a locale (en, de-AT)' };
    },
    condition: (op, value) => (op === 'in' ? sql`u.preferences->>'locale' in (${sql.join(value as string[])})` : sql`u.preferences->>'locale' = ${value}`),
  },
};

/** A segment checked against the database (its category exists) and ready to be turned into SQL. */
export interface CheckedSegment {
  segment: CampaignSegment;
  /** The path of `boughtFromCategory`'s category: its descendants' paths start with it. */
  categoryPath?: string;
  filters: Array<{ rule: FieldRule; op: string; value: unknown }>;
}

/** Checks what the schema cannot (fields, operators, values, the category), 422 naming the pointer under `/segment`. */
export async function checkSegment(em: EntityManager, segment: CampaignSegment): Promise<CheckedSegment> {
  const filters = (segment.filter ?? []).map((filter: FilterRule, i) => {
    const at = `/segment/filter/${i}`;
    if (!Object.hasOwn(FILTER_FIELDS, filter.field)) throw invalid(`${at}/field`, 'enum', `must be one of ${Object.keys(FILTER_FIELDS).join(', ')}`);
    const rule = FILTER_FIELDS[filter.field]!;
    if (!rule.ops.includes(filter.op)) throw invalid(`${at}/op`, 'enum', `${filter.field} takes ${rule.ops.join(', ')}`);
    const value = rule.value(filter.value, filter.op);
    if (!value.ok) throw invalid(`${at}/value`, 'type', value.message);
    return { rule, op: filter.op, value: value.value };
  });
  const checked: CheckedSegment = { segment, filters };
  if (segment.boughtFromCategory) {
    const [category] = await rows<{ path: string }>(em, sql`select path from cw_category where id = ${segment.boughtFromCategory.categoryId}`);
    if (!category) throw invalid('/segment/boughtFromCategory/categoryId', 'exists', `no category ${segment.boughtFromCategory.categoryId}`);
    checked.categoryPath = category.path;
  }
  return checked;
}

/**
 * The audience as a query of `user_id, email` at `now`: active customers who consented to marketing
 * email (an opt-in under their account) and have not opted out under their account or their
 * address, narrowed by every condition of the segment.
 */
export function audienceQuery(checked: CheckedSegment, now: Date): RawBuilder<unknown> {
  const { segment } = checked;
  const conditions: RawBuilder<unknown>[] = [
    sql`u.role = 'customer'`,
    sql`u.status = 'active'`,
    sql`exists (select 1 from cw_notification_preference p
                 where p.subject = 'user:' || u.id and p.category = ${MARKETING} and p.channel = 'email' and p.enabled)`,
    sql`not exists (select 1 from cw_notification_preference p
                     where p.subject in ('user:' || u.id, 'email:' || lower(u.email)) and p.category = ${MARKETING} and p.channel = 'email' and not p.enabled)`,
  ];
  const bought = segment.boughtFromCategory;
  if (bought) {
    const inCategory =
      bought.includeDescendants === false
        ? sql`pc.category_id = ${bought.categoryId}`
        : sql`pc.category_id in (select c.id from cw_category c where c.id = ${bought.categoryId} or c.path like ${likePrefix(checked.categoryPath!)})`;
    const since = bought.withinDays ? sql`and o.placed_at >= ${new Date(now.getTime() - bought.withinDays * DAY_MS)}` : sql``;
    conditions.push(sql`exists (select 1 ${customerOrders} ${since}
                                 and exists (select 1 from cw_order_line l join cw_product_category pc on pc.product_id = l.product_id
                                              where l.order_id = o.id and ${inCategory}))`);
  }
  if (segment.inactiveDays) {
    const cutoff = new Date(now.getTime() - segment.inactiveDays * DAY_MS);
    conditions.push(sql`u.created_at <= ${cutoff}`);
    conditions.push(sql`not exists (select 1 ${customerOrders} and o.placed_at > ${cutoff})`);
  }
  for (const filter of checked.filters) conditions.push(filter.rule.condition(filter.op, filter.value));
  return sql`select u.id as user_id, u.email from cw_user u where ${sql.join(conditions, sql` and `)}`;
}
