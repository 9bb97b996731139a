import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from '../../kernel/db/sql.ts';
import type { MediaView } from '../media/index.ts';
import type { OrderScope } from '../orders/index.ts';
import type { AdminReturnView, ItemCondition, ReturnKind, ReturnReason, ReturnStatus } from './returns.schemas.ts';

/** A return's header as the service reads it. */
export interface ReturnRecord {
  id: string;
  orderId: string;
  kind: ReturnKind;
  status: ReturnStatus;
  vendorId: string | null;
  vendorIds: string[];
  label: StoredLabel | null;
  itemsAmount: number | null;
  shippingAmount: number;
  refundedAmount: number;
  exchangeOrderId: string | null;
  exchangeTotal: number | null;
}

export interface StoredLabel {
  carrierId: string;
  service: string;
  shipmentId: string;
  trackingNumber: string;
  trackingUrl: string | null;
  labelUrl: string | null;
  labelFormat: string | null;
  cost: { amount: number; currencyCode: string } | null;
}

export interface ReturnLineRecord {
  orderLineId: string;
  quantity: number;
  replacementVariantId: string | null;
  receivedQuantity: number | null;
  amount: number | null;
}

interface HeaderRow {
  id: string;
  order_id: string;
  order_number: string | number;
  currency_code: string;
  kind: ReturnKind;
  status: ReturnStatus;
  reason: ReturnReason;
  note: string | null;
  image_ids: string[] | string;
  vendor_id: string | null;
  vendor_ids: string[] | string;
  decision_note: string | null;
  label: StoredLabel | string | null;
  items_amount: string | number | null;
  shipping_amount: string | number;
  refunded_amount: string | number;
  refund_error: string | null;
  exchange_order_id: string | null;
  exchange_number: string | number | null;
  exchange_order_total: string | number | null;
  exchange_total: string | number | null;
  requested_at: Date | string;
  decided_at: Date | string | null;
  received_at: Date | string | null;
  settled_at: Date | string | null;
}

interface LineRow {
  return_id: string;
  order_line_id: string;
  sku: string;
  product_title: string;
  variant_title: string;
  quantity: number;
  reason: ReturnReason | null;
  replacement_variant_id: string | null;
  received_quantity: number | null;
  condition: ItemCondition | null;
  stock_action: string | null;
  amount: string | number | null;
}

const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const num = (value: string | number | null) => (value === null ? null : Number(value));

/** A vendor sees the returns whose every line is its own (the return's `vendor_id`); staff see all. */
function scopeFilter(scope: OrderScope) {
  return scope.kind === 'vendor' ? sql`and r.vendor_id = ${scope.vendorId}` : sql``;
}

export async function findReturn(tx: EntityManager, id: string, options: { lock?: boolean; scope?: OrderScope; orderId?: string } = {}): Promise<ReturnRecord | undefined> {
  const [row] = await rows<HeaderRow>(
    tx,
    sql`select r.* from cw_return r where r.id = ${id} ${options.orderId ? sql`and r.order_id = ${options.orderId}` : sql``}
      ${options.scope ? scopeFilter(options.scope) : sql``} ${options.lock ? sql`for update` : sql``}`,
  );
  return (
    row && {
      id: row.id,
      orderId: row.order_id,
      kind: row.kind,
      status: row.status,
      vendorId: row.vendor_id,
      vendorIds: parsed(row.vendor_ids),
      label: row.label === null ? null : parsed(row.label),
      itemsAmount: num(row.items_amount),
      shippingAmount: Number(row.shipping_amount),
      refundedAmount: Number(row.refunded_amount),
      exchangeOrderId: row.exchange_order_id,
      exchangeTotal: num(row.exchange_total),
    }
  );
}

export async function returnLines(tx: EntityManager, returnId: string): Promise<ReturnLineRecord[]> {
  const found = await rows<{ order_line_id: string; quantity: number; replacement_variant_id: string | null; received_quantity: number | null; amount: string | number | null }>(
    tx,
    sql`select order_line_id, quantity, replacement_variant_id, received_quantity, amount from cw_return_line where return_id = ${returnId} order by position`,
  );
  return found.map((r) => ({
    orderLineId: r.order_line_id,
    quantity: r.quantity,
    replacementVariantId: r.replacement_variant_id,
    receivedQuantity: r.received_quantity,
    amount: num(r.amount),
  }));
}

export interface ReturnFilter {
  scope: OrderScope;
  ids?: readonly string[];
  orderId?: string | undefined;
  status?: ReturnStatus | undefined;
  vendorId?: string | undefined;
}

/** Returns with their lines and images, newest first; `count` is every match. Three statements whatever the page size. */
export async function loadReturnViews(
  em: EntityManager,
  media: { views(ids: readonly string[]): Promise<Map<string, MediaView>> },
  filter: ReturnFilter,
  page: { limit: number; offset: number } = { limit: 1000, offset: 0 },
): Promise<{ items: AdminReturnView[]; count: number }> {
  const where = sql`where true ${scopeFilter(filter.scope)}
    ${filter.ids ? sql`and r.id in (${sql.join(filter.ids.length ? [...filter.ids] : [''])})` : sql``}
    ${filter.orderId ? sql`and r.order_id = ${filter.orderId}` : sql``}
    ${filter.status ? sql`and r.status = ${filter.status}` : sql``}
    ${filter.vendorId ? sql`and r.vendor_ids @> ${JSON.stringify([filter.vendorId])}::jsonb` : sql``}`;
  const headers = await rows<HeaderRow & { full_count: string | number }>(
    em,
    sql`select r.*, o.number as order_number, o.currency_code, x.number as exchange_number, x.total as exchange_order_total, count(*) over () as full_count
      from cw_return r join cw_order o on o.id = r.order_id left join cw_order x on x.id = r.exchange_order_id
      ${where} order by r.requested_at desc, r.id desc limit ${page.limit} offset ${page.offset}`,
  );
  if (!headers.length) return { items: [], count: 0 };
  const lines = await rows<LineRow>(
    em,
    sql`select rl.return_id, rl.order_line_id, l.sku, l.product_title, l.variant_title, rl.quantity, rl.reason, rl.replacement_variant_id,
        rl.received_quantity, rl.condition, rl.stock_action, rl.amount
      from cw_return_line rl join cw_order_line l on l.id = rl.order_line_id
      where rl.return_id in (${sql.join(headers.map((h) => h.id))}) order by rl.return_id, rl.position`,
  );
  const images = await media.views(headers.flatMap((h) => parsed(h.image_ids)));
  const items = headers.map((h): AdminReturnView => {
    const money = (amount: number) => ({ amount, currencyCode: h.currency_code });
    const label = h.label === null ? null : parsed(h.label);
    return {
      id: h.id,
      orderId: h.order_id,
      orderNumber: String(h.order_number),
      kind: h.kind,
      status: h.status,
      reason: h.reason,
      note: h.note,
      images: parsed(h.image_ids).flatMap((id) => images.get(id) ?? []),
      items: lines
        .filter((l) => l.return_id === h.id)
        .map((l) => ({
          lineId: l.order_line_id,
          sku: l.sku,
          productTitle: l.product_title,
          variantTitle: l.variant_title,
          quantity: l.quantity,
          reason: l.reason,
          replacementVariantId: l.replacement_variant_id,
          receivedQuantity: l.received_quantity,
          condition: l.condition,
          stockAction: l.stock_action,
          amount: l.amount === null ? null : money(Number(l.amount)),
        })),
      decisionNote: h.decision_note,
      label: label && {
        carrierId: label.carrierId,
        service: label.service,
        trackingNumber: label.trackingNumber,
        trackingUrl: label.trackingUrl,
        labelUrl: label.labelUrl,
        labelFormat: label.labelFormat,
      },
      itemsAmount: h.items_amount === null ? null : money(Number(h.items_amount)),
      shippingAmount: money(Number(h.shipping_amount)),
      refundedAmount: money(Number(h.refunded_amount)),
      exchangeOrder:
        h.exchange_order_id && h.exchange_number !== null
          ? { id: h.exchange_order_id, number: String(h.exchange_number), total: money(Number(h.exchange_order_total)), replacementValue: money(Number(h.exchange_total)) }
          : null,
      requestedAt: iso(h.requested_at)!,
      decidedAt: iso(h.decided_at),
      receivedAt: iso(h.received_at),
      settledAt: iso(h.settled_at),
      vendorId: h.vendor_id,
      refundError: h.refund_error,
    };
  });
  return { items, count: Number(headers[0]!.full_count) };
}
