import { sql, type RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { actorReference, type Actor } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { newId } from '../../kernel/ids.ts';
import { hashToken, newSecretToken } from '../auth/secret-token.ts';
import { canTransition, type StatusKind } from './order-states.ts';
import type { FulfillmentStatus, OrderSnapshot, OrderStatus, PaymentStatus, TimelineEntryInput } from './order.types.ts';
import { OrderErrors } from './orders.errors.ts';

/** An order's header as services read it (lines and timeline are read separately). */
export interface OrderRecord {
  id: string;
  number: string;
  customerId: string | null;
  email: string;
  currencyCode: string;
  status: OrderStatus;
  paymentStatus: PaymentStatus;
  fulfillmentStatus: FulfillmentStatus;
  paymentMethod: string;
  total: number;
  version: number;
}

export interface StatusChange {
  order?: OrderStatus;
  payment?: PaymentStatus;
  fulfillment?: FulfillmentStatus;
}

/** An order's header columns as SQL returns them. */
export interface OrderRow {
  id: string;
  number: string | number;
  customer_id: string | null;
  email: string;
  currency_code: string;
  status: OrderStatus;
  payment_status: PaymentStatus;
  fulfillment_status: FulfillmentStatus;
  payment_method: string;
  total: string | number;
  version: number;
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/**
 * Writes an order from checkout's snapshot: the header, its lines and the first timeline entry, and
 * `order.placed` to the outbox. Must run in checkout's transaction (`em` is the transaction's).
 * A guest order gets a token (returned once, stored hashed) to follow it without an account.
 * Answers the order as written, with that token.
 */
export async function insertOrder(
  em: EntityManager,
  events: EventBus,
  snapshot: OrderSnapshot,
  options: { id?: string; actor: Actor },
): Promise<OrderRecord & { token: string | null }> {
  const id = options.id ?? newId('order');
  const token = snapshot.customerId ? null : newSecretToken('ot');
  const now = new Date();
  const lines = snapshot.lines.map(
    (line, position) =>
      sql`(${newId('oli')}, ${id}, ${position}, ${line.variantId}, ${line.productId}, ${line.vendorId}, ${line.productTitle}, ${line.variantTitle},
        ${line.sku}, ${json(line.options)}, ${line.taxClass}, ${line.thumbnailUrl}, ${line.quantity}, ${line.unitPrice}, ${line.subtotal},
        ${line.discount}, ${json(line.discounts)}, ${json(line.taxes)}, ${line.taxTotal}, ${line.total})`,
  );
  // one statement (a round trip per order saved twice over): the header, its lines and the first timeline entry
  const [inserted] = await rows<{ number: string | number }>(
    em,
    sql`with header as (
        insert into cw_order (id, number, token_hash, customer_id, cart_id, email, currency_code, prices_include_tax, status, payment_status,
          fulfillment_status, payment_method, shipping_address, billing_address, shipping, discounts, taxes, subtotal, discount_total,
          shipping_total, tax_total, total, placed_at, updated_at)
        values (${id}, nextval('cw_order_number_seq'), ${token ? hashToken(token) : null}, ${snapshot.customerId}, ${snapshot.cartId}, ${snapshot.email},
          ${snapshot.currencyCode}, ${snapshot.pricesIncludeTax}, 'pending', 'not_paid', 'not_fulfilled', ${snapshot.paymentMethod},
          ${json(snapshot.shippingAddress)}, ${json(snapshot.billingAddress)}, ${json(snapshot.shipping)}, ${json(snapshot.discounts)},
          ${json(snapshot.taxes)}, ${snapshot.subtotal}, ${snapshot.discountTotal}, ${snapshot.shippingTotal}, ${snapshot.taxTotal},
          ${snapshot.total}, ${now}, ${now})
        returning number
      ), lines as (
        insert into cw_order_line (id, order_id, position, variant_id, product_id, vendor_id, product_title, variant_title, sku, options,
          tax_class, thumbnail_url, quantity, unit_price, subtotal, discount, discounts, taxes, tax_total, total)
        values ${sql.join(lines)}
      ), timeline as (
        ${timelineInsert(id, { kind: 'order.placed', message: sql`'Order ' || (select number from header) || ' placed'`, visibleToCustomer: true }, options.actor, now)}
      )
      select number from header`,
  );
  const number = String(inserted!.number);
  events.emit(em, 'order.placed', {
    orderId: id,
    number,
    customerId: snapshot.customerId,
    email: snapshot.email,
    total: snapshot.total,
    currencyCode: snapshot.currencyCode,
    paymentMethod: snapshot.paymentMethod,
    vendorIds: [...new Set(snapshot.lines.flatMap((line) => (line.vendorId ? [line.vendorId] : [])))],
  });
  return {
    id,
    number,
    customerId: snapshot.customerId,
    email: snapshot.email,
    currencyCode: snapshot.currencyCode,
    status: 'pending',
    paymentStatus: 'not_paid',
    fulfillmentStatus: 'not_fulfilled',
    paymentMethod: snapshot.paymentMethod,
    total: snapshot.total,
    version: 1,
    token,
  };
}

export async function findOrder(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<OrderRecord | undefined> {
  const [row] = await rows<OrderRow>(
    em,
    sql`select id, number, customer_id, email, currency_code, status, payment_status, fulfillment_status, payment_method, total, version
      from cw_order where id = ${id} ${options.lock ? sql`for update` : sql``}`,
  );
  return (
    row && {
      id: row.id,
      number: String(row.number),
      customerId: row.customer_id,
      email: row.email,
      currencyCode: row.currency_code,
      status: row.status,
      paymentStatus: row.payment_status,
      fulfillmentStatus: row.fulfillment_status,
      paymentMethod: row.payment_method,
      total: Number(row.total),
      version: Number(row.version),
    }
  );
}

export async function insertTimeline(em: EntityManager, orderId: string, entry: TimelineEntryInput, actor: Actor, at = new Date()): Promise<void> {
  await run(em, timelineInsert(orderId, entry, actor, at));
}

/** The statement that adds one entry to an order's timeline (also run inside `insertOrder`'s, with a message worked out in SQL). */
function timelineInsert(orderId: string, entry: Omit<TimelineEntryInput, 'message'> & { message: string | RawBuilder<unknown> }, actor: Actor, at: Date) {
  const who = actorReference(actor);
  return sql`insert into cw_order_event (id, order_id, kind, message, visible_to_customer, data, actor_kind, actor_id, created_at)
    values (${newId('oev')}, ${orderId}, ${entry.kind}, ${entry.message}, ${entry.visibleToCustomer}, ${json(entry.data ?? {})}, ${who.kind}, ${who.id}, ${at})`;
}

const COLUMN: Record<StatusKind, string> = { order: 'status', payment: 'payment_status', fulfillment: 'fulfillment_status' };
const FIELD: Record<StatusKind, keyof OrderRecord> = { order: 'status', payment: 'paymentStatus', fulfillment: 'fulfillmentStatus' };

/**
 * Moves an order's statuses, refusing any change `order-states.ts` does not allow (409 naming the
 * status, from and to), writes the timeline entry and emits `order.status_changed` (plus
 * `order.confirmed` / `order.cancelled` / `order.completed` / `order.shipped` / `order.delivered`
 * when it reaches one of those). Locks the order row; runs in the caller's transaction. Returns the
 * order as it was before, so callers can tell what changed.
 */
export async function transitionOrder(
  em: EntityManager,
  events: EventBus,
  orderId: string,
  change: StatusChange,
  entry: TimelineEntryInput,
  actor: Actor,
): Promise<OrderRecord> {
  const order = await findOrder(em, orderId, { lock: true });
  if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
  const changed: Array<{ kind: StatusKind; from: string; to: string }> = [];
  for (const kind of ['order', 'payment', 'fulfillment'] as const) {
    const to = change[kind];
    if (to === undefined) continue;
    const from = order[FIELD[kind]] as string;
    if (!canTransition(kind, from, to)) {
      throw OrderErrors.ORDER_TRANSITION_INVALID(`Order ${order.number}: ${kind} status cannot go from ${from} to ${to}`, {
        extensions: { status: kind, from, to },
      });
    }
    if (from !== to) changed.push({ kind, from, to });
  }
  const now = new Date();
  if (changed.length) {
    const sets = changed.map((c) => sql`${sql.ref(COLUMN[c.kind])} = ${c.to}`);
    if (change.order === 'cancelled' && order.status !== 'cancelled') sets.push(sql`cancelled_at = ${now}`);
    if (change.order === 'completed' && order.status !== 'completed') sets.push(sql`completed_at = ${now}`);
    await run(em, sql`update cw_order set ${sql.join([...sets, sql`version = version + 1`, sql`updated_at = ${now}`])} where id = ${orderId}`);
  }
  await insertTimeline(em, orderId, { ...entry, data: { ...entry.data, ...(changed.length ? { changes: changed } : {}) } }, actor, now);
  if (changed.length) {
    const base = { orderId, number: order.number, customerId: order.customerId, email: order.email };
    events.emit(em, 'order.status_changed', { ...base, changes: changed });
    for (const c of changed) {
      const name = NAMED_EVENTS[`${c.kind}:${c.to}`];
      if (name) events.emit(em, name, base);
    }
  }
  return order;
}

const NAMED_EVENTS: Record<string, 'order.confirmed' | 'order.cancelled' | 'order.completed' | 'order.shipped' | 'order.delivered'> = {
  'order:confirmed': 'order.confirmed',
  'order:cancelled': 'order.cancelled',
  'order:completed': 'order.completed',
  'fulfillment:shipped': 'order.shipped',
  'fulfillment:delivered': 'order.delivered',
};
