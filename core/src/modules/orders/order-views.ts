import { sql, type RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { likePrefix, rows } from '../../kernel/db/sql.ts';
import type { NormalisedAddress } from '../addresses/address-rules.ts';
import type { AdminOrderView, OrderPage, OrderSort } from './order.schemas.ts';
import type { FulfillmentStatus, OrderDiscount, OrderShippingSnapshot, OrderStatus, OrderTax, PaymentStatus } from './order.types.ts';
import { OrderErrors } from './orders.errors.ts';
import type { OrderRow } from './order-records.ts';

/** What an admin caller may see of orders: all of them, or a vendor's own lines (and the orders holding them). */
export type OrderScope = { kind: 'all' } | { kind: 'vendor'; vendorId: string };

/** Who reads an order's detail: the customer sees only customer-visible timeline entries. */
export type OrderAudience = 'customer' | 'staff';

type Money = { amount: number; currencyCode: string };
type DbTime = Date | string;

const iso = (value: DbTime): string => (value instanceof Date ? value : new Date(value)).toISOString();
const isoOrNull = (value: DbTime | null): string | null => (value === null ? null : iso(value));
const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

interface OrderHeaderRow {
  id: string;
  number: string | number;
  customer_id: string | null;
  email: string;
  currency_code: string;
  prices_include_tax: boolean;
  status: OrderStatus;
  payment_status: PaymentStatus;
  fulfillment_status: FulfillmentStatus;
  payment_method: string;
  shipping_address: NormalisedAddress | string;
  billing_address: NormalisedAddress | string;
  shipping: OrderShippingSnapshot[] | string;
  discounts: OrderDiscount[] | string;
  taxes: OrderTax[] | string;
  subtotal: string | number;
  discount_total: string | number;
  shipping_total: string | number;
  tax_total: string | number;
  total: string | number;
  placed_at: DbTime;
  updated_at: DbTime;
  cancelled_at: DbTime | null;
  completed_at: DbTime | null;
}

interface OrderLineRow {
  id: string;
  variant_id: string | null;
  product_id: string | null;
  vendor_id: string | null;
  product_title: string;
  variant_title: string;
  sku: string;
  options: Record<string, string> | string;
  thumbnail_url: string | null;
  quantity: number;
  fulfilled: number;
  unit_price: string | number;
  subtotal: string | number;
  discount: string | number;
  discounts: OrderDiscount[] | string;
  taxes: OrderTax[] | string;
  tax_total: string | number;
  total: string | number;
}

/** An order line with what is already in (not cancelled) fulfillments. */
export interface OrderLineState {
  id: string;
  variantId: string | null;
  vendorId: string | null;
  sku: string;
  quantity: number;
  fulfilled: number;
}

/** Units of each line in fulfillments that are not cancelled, as SQL over `l` (an order line). */
const FULFILLED = sql`coalesce((select sum(fl.quantity) from cw_fulfillment_line fl join cw_fulfillment f on f.id = fl.fulfillment_id
  where fl.order_line_id = l.id and f.status <> 'cancelled'), 0)::int`;

export async function orderLineStates(em: EntityManager, orderId: string): Promise<OrderLineState[]> {
  const found = await rows<{ id: string; variant_id: string | null; vendor_id: string | null; sku: string; quantity: number; fulfilled: number }>(
    em,
    sql`select l.id, l.variant_id, l.vendor_id, l.sku, l.quantity, ${FULFILLED} as fulfilled from cw_order_line l where l.order_id = ${orderId} order by l.position`,
  );
  return found.map((l) => ({ id: l.id, variantId: l.variant_id, vendorId: l.vendor_id, sku: l.sku, quantity: Number(l.quantity), fulfilled: Number(l.fulfilled) }));
}

/** Whether a vendor has at least one line in the order. */
export async function vendorHasLines(em: EntityManager, orderId: string, vendorId: string): Promise<boolean> {
  const found = await rows(em, sql`select 1 from cw_order_line where order_id = ${orderId} and vendor_id = ${vendorId} limit 1`);
  return found.length > 0;
}

function sumTaxes(groups: OrderTax[][], money: (n: number) => Money) {
  const byRate = new Map<string, OrderTax>();
  for (const tax of groups.flat()) {
    const prior = byRate.get(tax.rateId);
    byRate.set(tax.rateId, prior ? { ...prior, amount: prior.amount + tax.amount } : { ...tax });
  }
  return [...byRate.values()].map((t) => ({ rateId: t.rateId, name: t.name, rate: t.rate, amount: money(t.amount) }));
}

function sumDiscounts(groups: OrderDiscount[][], money: (n: number) => Money) {
  const byLabel = new Map<string, OrderDiscount>();
  for (const d of groups.flat()) {
    const key = `${d.source}\u0000${d.label}`;
    const prior = byLabel.get(key);
    byLabel.set(key, prior ? { ...prior, amount: prior.amount + d.amount } : { ...d });
  }
  return [...byLabel.values()].map((d) => ({ source: d.source, label: d.label, amount: money(d.amount) }));
}

/**
 * An order as staff see it (the store view is the same data with staff-only fields and entries left
 * out). A vendor's scope keeps only its lines and the fulfillments holding them, and totals those
 * lines alone (no shipping, no order-level discounts); an order without its lines is not found.
 */
export async function loadOrderDetail(
  em: EntityManager,
  orderId: string,
  options: { scope: OrderScope; audience: OrderAudience },
): Promise<AdminOrderView | undefined> {
  const [o] = await rows<OrderHeaderRow>(em, sql`select * from cw_order where id = ${orderId}`);
  if (!o) return undefined;
  const vendorId = options.scope.kind === 'vendor' ? options.scope.vendorId : null;
  const lineRows = await rows<OrderLineRow>(
    em,
    sql`select l.*, ${FULFILLED} as fulfilled from cw_order_line l
      where l.order_id = ${orderId} ${vendorId ? sql`and l.vendor_id = ${vendorId}` : sql``} order by l.position`,
  );
  if (vendorId && lineRows.length === 0) return undefined;
  const lineIds = new Set(lineRows.map((l) => l.id));
  const fulfillmentRows = await rows<{
    id: string;
    location_id: string;
    status: 'created' | 'shipped' | 'delivered' | 'cancelled';
    carrier: string | null;
    tracking_number: string | null;
    tracking_url: string | null;
    shipped_at: DbTime | null;
    delivered_at: DbTime | null;
    created_at: DbTime;
    tracking_status: AdminOrderView['fulfillments'][number]['trackingStatus'];
    estimated_delivery_at: DbTime | null;
  }>(em, sql`select * from cw_fulfillment where order_id = ${orderId} order by created_at, id`);
  const trackingRows = await rows<{ fulfillment_id: string; status: string; description: string; location: string | null; occurred_at: DbTime }>(
    em,
    sql`select e.fulfillment_id, e.status, e.description, e.location, e.occurred_at from cw_tracking_event e join cw_fulfillment f on f.id = e.fulfillment_id
      where f.order_id = ${orderId} order by e.occurred_at, e.id`,
  );
  const labelRows = await rows<LabelRow>(em, sql`select * from cw_shipment where order_id = ${orderId} order by created_at, id`);
  const fulfillmentLines = await rows<{ fulfillment_id: string; order_line_id: string; quantity: number }>(
    em,
    sql`select fl.fulfillment_id, fl.order_line_id, fl.quantity from cw_fulfillment_line fl join cw_fulfillment f on f.id = fl.fulfillment_id
      join cw_order_line l on l.id = fl.order_line_id where f.order_id = ${orderId} order by l.position`,
  );
  const timelineRows = await rows<{
    id: string;
    kind: string;
    message: string;
    visible_to_customer: boolean;
    data: Record<string, unknown> | string;
    actor_kind: string;
    actor_id: string | null;
    created_at: DbTime;
  }>(
    em,
    sql`select id, kind, message, visible_to_customer, data, actor_kind, actor_id, created_at from cw_order_event where order_id = ${orderId}
      ${options.audience === 'customer' ? sql`and visible_to_customer` : vendorId ? sql`and (visible_to_customer or actor_id = ${vendorId})` : sql``}
      order by created_at, id`,
  );
  const currencyCode = o.currency_code;
  const money = (amount: string | number): Money => ({ amount: Number(amount), currencyCode });
  const lines = lineRows.map((l) => ({
    id: l.id,
    variantId: l.variant_id,
    productId: l.product_id,
    vendorId: l.vendor_id,
    productTitle: l.product_title,
    variantTitle: l.variant_title,
    sku: l.sku,
    options: parsed(l.options),
    thumbnailUrl: l.thumbnail_url,
    quantity: Number(l.quantity),
    fulfilledQuantity: Number(l.fulfilled),
    unitPrice: money(l.unit_price),
    subtotal: money(l.subtotal),
    discount: money(l.discount),
    discounts: parsed(l.discounts).map((d) => ({ source: d.source, label: d.label, amount: money(d.amount) })),
    tax: money(l.tax_total),
    taxes: parsed(l.taxes).map((t) => ({ rateId: t.rateId, name: t.name, rate: t.rate, amount: money(t.amount) })),
    total: money(l.total),
  }));
  const fulfillments = fulfillmentRows.flatMap((f) => {
    const items = fulfillmentLines
      .filter((fl) => fl.fulfillment_id === f.id && lineIds.has(fl.order_line_id))
      .map((fl) => ({ lineId: fl.order_line_id, quantity: Number(fl.quantity) }));
    if (items.length === 0) return [];
    return [
      {
        id: f.id,
        locationId: f.location_id,
        status: f.status,
        carrier: f.carrier,
        trackingNumber: f.tracking_number,
        trackingUrl: f.tracking_url,
        shippedAt: isoOrNull(f.shipped_at),
        deliveredAt: isoOrNull(f.delivered_at),
        createdAt: iso(f.created_at),
        items,
        trackingStatus: f.tracking_status,
        estimatedDeliveryAt: isoOrNull(f.estimated_delivery_at),
        trackingEvents: trackingRows
          .filter((e) => e.fulfillment_id === f.id)
          .map((e) => ({ status: e.status, description: e.description, location: e.location, occurredAt: iso(e.occurred_at) })),
        // the one not voided, else the last voided one
        label: labelView(labelRows.filter((l) => l.fulfillment_id === f.id).sort((a, b) => Number(a.status !== 'cancelled') - Number(b.status !== 'cancelled')).at(-1)),
      },
    ];
  });
  const shipping = parsed(o.shipping).map((s) => ({ id: s.id, name: s.name, amount: money(s.amount), tax: money(s.taxTotal), total: money(s.total) }));
  const sum = (pick: (l: OrderLineRow) => string | number) => lineRows.reduce((acc, l) => acc + Number(pick(l)), 0);
  const totals = vendorId
    ? {
        subtotal: money(sum((l) => l.subtotal)),
        discountTotal: money(sum((l) => l.discount)),
        shippingTotal: money(0),
        taxTotal: money(sum((l) => l.tax_total)),
        total: money(sum((l) => l.total)),
        taxes: sumTaxes(lineRows.map((l) => parsed(l.taxes)), money),
        discounts: sumDiscounts(lineRows.map((l) => parsed(l.discounts)), money),
      }
    : {
        subtotal: money(o.subtotal),
        discountTotal: money(o.discount_total),
        shippingTotal: money(o.shipping_total),
        taxTotal: money(o.tax_total),
        total: money(o.total),
        taxes: parsed(o.taxes).map((t) => ({ rateId: t.rateId, name: t.name, rate: t.rate, amount: money(t.amount) })),
        discounts: parsed(o.discounts).map((d) => ({ source: d.source, label: d.label, amount: money(d.amount) })),
      };
  return {
    ...headerFields(o),
    pricesIncludeTax: o.prices_include_tax,
    scope: vendorId ? 'vendor' : 'all',
    shippingAddress: parsed(o.shipping_address),
    billingAddress: parsed(o.billing_address),
    shipping: vendorId ? [] : shipping,
    totals,
    lines,
    fulfillments,
    timeline: timelineRows.map((t) => ({
      id: t.id,
      kind: t.kind,
      message: t.message,
      createdAt: iso(t.created_at),
      visibleToCustomer: t.visible_to_customer,
      actor: { kind: t.actor_kind, id: t.actor_id },
      data: parsed(t.data),
    })),
    placedAt: iso(o.placed_at),
    updatedAt: iso(o.updated_at),
    cancelledAt: isoOrNull(o.cancelled_at),
    completedAt: isoOrNull(o.completed_at),
  };
}

/** A fulfillment's label request as `cw_shipment` keeps it. */
interface LabelRow {
  id: string;
  fulfillment_id: string;
  carrier_id: string;
  service: string;
  status: 'pending' | 'purchased' | 'failed' | 'cancelled';
  attempts: number;
  failure_reason: string | null;
  tracking_number: string | null;
  label_url: string | null;
  label_format: string | null;
  cost_amount: number | null;
  cost_currency_code: string | null;
}

function labelView(row: LabelRow | undefined): AdminOrderView['fulfillments'][number]['label'] {
  if (!row) return null;
  return {
    id: row.id,
    carrier: row.carrier_id,
    service: row.service,
    status: row.status,
    attempts: Number(row.attempts),
    failureReason: row.failure_reason,
    trackingNumber: row.tracking_number,
    url: row.label_url,
    format: row.label_format,
    cost: row.cost_amount === null || !row.cost_currency_code ? null : { amount: Number(row.cost_amount), currencyCode: row.cost_currency_code },
  };
}

/** Filters of an order list; the store's history sets `customerId` only. */
export interface OrderListFilter {
  scope: OrderScope;
  status?: OrderStatus | undefined;
  paymentStatus?: PaymentStatus | undefined;
  fulfillmentStatus?: FulfillmentStatus | undefined;
  from?: string | undefined;
  to?: string | undefined;
  customerId?: string | undefined;
  vendorId?: string | undefined;
  min?: number | undefined;
  max?: number | undefined;
  q?: string | undefined;
}

export interface OrderListPage {
  limit: number;
  offset?: number | undefined;
  cursor?: string | undefined;
  sort: OrderSort;
}

// microseconds: orders placed within one millisecond still page apart
const PLACED_KEY = sql<string>`to_char(o.placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function encodeCursor(sort: OrderSort, key: string, id: string): string {
  return Buffer.from(JSON.stringify(['orders', sort, key, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: OrderSort): { key: string; id: string } {
  try {
    const [kind, s, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const keyOk = typeof key === 'string' && (sort === 'total' ? /^[0-9]{1,19}$/.test(key) : !Number.isNaN(Date.parse(key)));
    if (kind === 'orders' && s === sort && keyOk && typeof id === 'string') return { key: key as string, id };
  } catch {
    // falls through to the error below
  }
  throw OrderErrors.ORDER_CURSOR_INVALID('This cursor was not given out by this list with this sort; start again without it', {
    errors: [{ in: 'query', pointer: '/cursor', rule: 'cursor', message: 'not a cursor of this list' }],
  });
}

/**
 * A page of orders matching `filter`, in `page.sort` order (newest, oldest, or highest total first),
 * with the count of all that match. A vendor's scope lists only orders holding its lines, and each
 * item's total and item count are over those lines.
 */
export async function listOrders(em: EntityManager, filter: OrderListFilter, page: OrderListPage): Promise<OrderPage> {
  const scopeVendor = filter.scope.kind === 'vendor' ? filter.scope.vendorId : null;
  const where: RawBuilder<unknown>[] = [];
  if (scopeVendor) where.push(sql`exists (select 1 from cw_order_line sl where sl.order_id = o.id and sl.vendor_id = ${scopeVendor})`);
  if (filter.vendorId) where.push(sql`exists (select 1 from cw_order_line vl where vl.order_id = o.id and vl.vendor_id = ${filter.vendorId})`);
  if (filter.status) where.push(sql`o.status = ${filter.status}`);
  if (filter.paymentStatus) where.push(sql`o.payment_status = ${filter.paymentStatus}`);
  if (filter.fulfillmentStatus) where.push(sql`o.fulfillment_status = ${filter.fulfillmentStatus}`);
  if (filter.from) where.push(sql`o.placed_at >= ${new Date(filter.from)}`);
  if (filter.to) where.push(sql`o.placed_at < ${new Date(filter.to)}`);
  if (filter.customerId) where.push(sql`o.customer_id = ${filter.customerId}`);
  if (filter.min !== undefined) where.push(sql`o.total >= ${filter.min}`);
  if (filter.max !== undefined) where.push(sql`o.total <= ${filter.max}`);
  if (filter.q) {
    const q = filter.q.trim();
    const byEmail = sql`lower(o.email) like ${likePrefix(q.toLowerCase())}`;
    where.push(/^[0-9]{1,18}$/.test(q) ? sql`(o.number = ${Number(q)} or ${byEmail})` : byEmail);
  }
  const filtered = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const keyed = [...where];
  const after = page.cursor ? decodeCursor(page.cursor, page.sort) : undefined;
  if (after) {
    if (page.sort === 'newest') keyed.push(sql`(o.placed_at, o.id) < (${after.key}::timestamptz, ${after.id})`);
    if (page.sort === 'oldest') keyed.push(sql`(o.placed_at, o.id) > (${after.key}::timestamptz, ${after.id})`);
    if (page.sort === 'total') keyed.push(sql`(o.total, o.id) < (${after.key}::bigint, ${after.id})`);
  }
  const order =
    page.sort === 'oldest' ? sql`o.placed_at asc, o.id asc` : page.sort === 'total' ? sql`o.total desc, o.id desc` : sql`o.placed_at desc, o.id desc`;
  const linesOf = scopeVendor ? sql`and il.vendor_id = ${scopeVendor}` : sql``;
  const found = await rows<
    Omit<OrderRow, 'version'> & {
      shown_total: string | number;
      item_count: number;
      placed_at: DbTime;
      placed_key: string;
    }
  >(
    em,
    sql`select o.id, o.number, o.customer_id, o.email, o.currency_code, o.status, o.payment_status, o.fulfillment_status, o.payment_method,
        o.total, o.placed_at, ${PLACED_KEY} as placed_key,
        (select coalesce(sum(il.total), 0) from cw_order_line il where il.order_id = o.id ${linesOf}) as shown_total,
        (select coalesce(sum(il.quantity), 0)::int from cw_order_line il where il.order_id = o.id ${linesOf}) as item_count
      from cw_order o ${keyed.length ? sql`where ${sql.join(keyed, sql` and `)}` : sql``}
      order by ${order} limit ${page.limit + 1} ${page.offset && !after ? sql`offset ${page.offset}` : sql``}`,
  );
  const [total] = await rows<{ n: number }>(em, sql`select count(*)::int as n from cw_order o ${filtered}`);
  const shown = found.slice(0, page.limit);
  const items = shown.map((o) => ({
    ...headerFields(o),
    itemCount: Number(o.item_count),
    total: { amount: Number(scopeVendor ? o.shown_total : o.total), currencyCode: o.currency_code },
    placedAt: iso(o.placed_at),
  }));
  const last = shown.at(-1);
  const count = Number(total?.n ?? 0);
  if (found.length > page.limit && last) {
    return { items, count, nextCursor: encodeCursor(page.sort, page.sort === 'total' ? String(last.total) : last.placed_key, last.id) };
  }
  return { items, count };
}

/** The columns every view of an order starts with, as the API names them. */
function headerFields(o: Omit<OrderRow, 'total' | 'version'>) {
  return {
    id: o.id,
    number: String(o.number),
    status: o.status,
    paymentStatus: o.payment_status,
    fulfillmentStatus: o.fulfillment_status,
    paymentMethod: o.payment_method,
    email: o.email,
    customerId: o.customer_id,
    currencyCode: o.currency_code,
  };
}
