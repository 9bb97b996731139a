import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import type { OrderService } from './order.service.ts';
import { findOrder, type OrderRecord } from './order-records.ts';
import type { CreateFulfillmentBody, ShipBody } from './order.schemas.ts';
import type { FulfillmentStatus } from './order.types.ts';
import { orderLineStates, type OrderScope } from './order-views.ts';
import { OrderErrors } from './orders.errors.ts';

type Deps = Pick<Cradle, 'reservationService' | 'actor'> & { orderService: OrderService };

/**
 * The order's fulfillment status from its fulfillments (cancelled ones do not count):
 * nothing in a fulfillment → not_fulfilled; some units → partially_fulfilled; every unit →
 * fulfilled, then shipped once every fulfillment is shipped (or delivered), then delivered once every
 * fulfillment is delivered. A partly fulfilled order stays partially_fulfilled while its parts ship.
 */
export async function derivedFulfillmentStatus(tx: EntityManager, orderId: string): Promise<FulfillmentStatus> {
  const lines = await orderLineStates(tx, orderId);
  const fulfilled = lines.reduce((n, l) => n + Math.min(l.fulfilled, l.quantity), 0);
  const units = lines.reduce((n, l) => n + l.quantity, 0);
  if (fulfilled === 0) return 'not_fulfilled';
  if (fulfilled < units) return 'partially_fulfilled';
  const statuses = (await rows<{ status: string }>(tx, sql`select status from cw_fulfillment where order_id = ${orderId} and status <> 'cancelled'`)).map(
    (f) => f.status,
  );
  if (statuses.every((s) => s === 'delivered')) return 'delivered';
  if (statuses.every((s) => s === 'shipped' || s === 'delivered')) return 'shipped';
  return 'fulfilled';
}

function requireFulfillable(order: OrderRecord | undefined, orderId: string): OrderRecord {
  if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
  if (order.status !== 'confirmed') {
    throw OrderErrors.ORDER_NOT_FULFILLABLE(`Order ${order.number} is ${order.status}; only a confirmed order can be fulfilled`, {
      extensions: { status: order.status },
    });
  }
  return order;
}

const itemIssue = (index: number, field: 'lineId' | 'quantity', rule: string, message: string): FieldIssue => ({
  in: 'body',
  pointer: `/items/${index}/${field}`,
  rule,
  message,
});

/**
 * Puts units of some lines into a new fulfillment from a stock location, and sells them: what the
 * order's reservation holds for those variants is committed (ledger `sale`). Quantities may not
 * exceed what is left unfulfilled per line (422 naming the item); a vendor may fulfil its own lines only.
 */
export async function createFulfillment(
  tx: EntityManager,
  deps: Deps,
  orderId: string,
  body: CreateFulfillmentBody,
  scope: OrderScope,
): Promise<string> {
  const order = requireFulfillable(await findOrder(tx, orderId, { lock: true }), orderId);
  const lines = new Map((await orderLineStates(tx, orderId)).map((l) => [l.id, l]));
  const wanted = new Map<string, number>();
  const issues: FieldIssue[] = [];
  body.items.forEach((item, index) => {
    const line = lines.get(item.lineId);
    if (!line || (scope.kind === 'vendor' && line.vendorId !== scope.vendorId)) {
      issues.push(itemIssue(index, 'lineId', 'exists', `Order ${order.number} has no line ${item.lineId}${scope.kind === 'vendor' ? ' of yours' : ''}`));
      return;
    }
    const total = (wanted.get(item.lineId) ?? 0) + item.quantity;
    const left = line.quantity - line.fulfilled;
    if (total > left) {
      issues.push(itemIssue(index, 'quantity', 'maximum', `Line ${item.lineId} (${line.sku}) has ${left} unit(s) left to fulfil; ${total} asked`));
      return;
    }
    wanted.set(item.lineId, total);
  });
  if (issues.length) throw OrderErrors.ORDER_FULFILLMENT_INVALID(issues[0]!.message, { errors: issues });
  let locationId = body.locationId;
  if (locationId) {
    const [location] = await rows(tx, sql`select id from cw_stock_location where id = ${locationId}`);
    if (!location) {
      throw OrderErrors.ORDER_FULFILLMENT_INVALID(`There is no stock location ${locationId}`, {
        errors: [{ in: 'body', pointer: '/locationId', rule: 'exists', message: `no stock location ${locationId}` }],
      });
    }
  } else {
    locationId = (await rows<{ id: string }>(tx, sql`select id from cw_stock_location where is_default`))[0]!.id;
  }
  const id = newId('ful');
  const now = new Date();
  await run(
    tx,
    sql`insert into cw_fulfillment (id, order_id, location_id, status, carrier, tracking_number, tracking_url, created_at)
      values (${id}, ${orderId}, ${locationId}, 'created', ${body.carrier ?? null}, ${body.trackingNumber ?? null}, ${body.trackingUrl ?? null}, ${now})`,
  );
  await run(tx, sql`insert into cw_fulfillment_line (fulfillment_id, order_line_id, quantity) values ${sql.join([...wanted].map(([lineId, q]) => sql`(${id}, ${lineId}, ${q})`))}`);
  // lines whose variant was purged since the order was placed have nothing left to take from stock
  const stockLines = [...wanted].flatMap(([lineId, quantity]) => {
    const variantId = lines.get(lineId)!.variantId;
    return variantId ? [{ variantId, quantity, locationId: locationId! }] : [];
  });
  if (stockLines.length) {
    const committed = await deps.reservationService.commitLines(tx, orderId, stockLines);
    if (!committed.ok) {
      throw OrderErrors.ORDER_FULFILLMENT_STOCK_SHORT(`Not enough stock of variant ${committed.variantId} at location ${locationId} for this fulfillment`, {
        extensions: { variantId: committed.variantId, locationId },
      });
    }
  }
  const units = [...wanted.values()].reduce((a, b) => a + b, 0);
  await deps.orderService.transition(
    tx,
    orderId,
    { fulfillment: await derivedFulfillmentStatus(tx, orderId) },
    { kind: 'fulfillment.created', message: `${units} item(s) packed for shipping`, visibleToCustomer: true, data: { fulfillmentId: id, locationId } },
  );
  return id;
}

interface FulfillmentRow {
  id: string;
  status: 'created' | 'shipped' | 'delivered' | 'cancelled';
  carrier: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
}

async function lockedFulfillment(tx: EntityManager, orderId: string, fulfillmentId: string, scope: OrderScope): Promise<FulfillmentRow> {
  const [row] = await rows<FulfillmentRow>(
    tx,
    sql`select id, status, carrier, tracking_number, tracking_url from cw_fulfillment f where id = ${fulfillmentId} and order_id = ${orderId}
      ${scope.kind === 'vendor' ? sql`and exists (select 1 from cw_fulfillment_line fl join cw_order_line l on l.id = fl.order_line_id
        where fl.fulfillment_id = f.id and l.vendor_id = ${scope.vendorId})` : sql``}
      for update`,
  );
  if (!row) throw OrderErrors.ORDER_FULFILLMENT_NOT_FOUND(`Order ${orderId} has no fulfillment ${fulfillmentId}`);
  return row;
}

/** created → shipped, with tracking given now or at creation; the order follows (see `derivedFulfillmentStatus`). */
export async function shipFulfillment(tx: EntityManager, deps: Deps, orderId: string, fulfillmentId: string, body: ShipBody, scope: OrderScope): Promise<void> {
  requireFulfillable(await findOrder(tx, orderId, { lock: true }), orderId);
  const f = await lockedFulfillment(tx, orderId, fulfillmentId, scope);
  if (f.status !== 'created') {
    throw OrderErrors.ORDER_TRANSITION_INVALID(`Fulfillment ${fulfillmentId} is ${f.status}; only a created one can be shipped`, {
      extensions: { status: 'fulfillment', from: f.status, to: 'shipped' },
    });
  }
  await markShipped(tx, deps, orderId, f, body);
}

/** shipped → delivered; the order follows, and completes when it is also paid (OrderService.transition). */
export async function deliverFulfillment(tx: EntityManager, deps: Deps, orderId: string, fulfillmentId: string, scope: OrderScope): Promise<void> {
  requireFulfillable(await findOrder(tx, orderId, { lock: true }), orderId);
  const f = await lockedFulfillment(tx, orderId, fulfillmentId, scope);
  if (f.status !== 'shipped') {
    throw OrderErrors.ORDER_TRANSITION_INVALID(`Fulfillment ${fulfillmentId} is ${f.status}; only a shipped one can be delivered`, {
      extensions: { status: 'fulfillment', from: f.status, to: 'delivered' },
    });
  }
  await markDelivered(tx, deps, orderId, fulfillmentId);
}

/** The units a fulfillment holds (a vendor's fulfillments only: 404 otherwise), for a label bought after packing. */
export async function fulfillmentItems(tx: EntityManager, orderId: string, fulfillmentId: string, scope: OrderScope): Promise<Array<{ lineId: string; quantity: number }>> {
  await lockedFulfillment(tx, orderId, fulfillmentId, scope);
  const items = await rows<{ order_line_id: string; quantity: number }>(tx, sql`select order_line_id, quantity from cw_fulfillment_line where fulfillment_id = ${fulfillmentId}`);
  return items.map((item) => ({ lineId: item.order_line_id, quantity: Number(item.quantity) }));
}

const PROGRESS: Record<FulfillmentRow['status'], number> = { created: 0, shipped: 1, delivered: 2, cancelled: -1 };

/**
 * What a carrier's tracking says about a fulfillment: a parcel in transit ships a created
 * fulfillment, a delivered one delivers it (shipping it first when staff never did). Never moves a
 * fulfillment backwards, nor one that is cancelled or of an order that is not confirmed; answers
 * whether it moved. The caller locks nothing before (the order is locked first, as everywhere).
 */
export async function advanceFulfillmentByCarrier(
  tx: EntityManager,
  deps: Deps,
  orderId: string,
  fulfillmentId: string,
  to: 'shipped' | 'delivered',
): Promise<boolean> {
  const order = await findOrder(tx, orderId, { lock: true });
  if (order?.status !== 'confirmed') return false;
  const f = await lockedFulfillment(tx, orderId, fulfillmentId, { kind: 'all' });
  if (PROGRESS[f.status] < 0 || PROGRESS[f.status] >= PROGRESS[to]) return false;
  if (f.status === 'created') await markShipped(tx, deps, orderId, f, {});
  if (to === 'delivered') await markDelivered(tx, deps, orderId, fulfillmentId);
  return true;
}

async function markShipped(tx: EntityManager, deps: Deps, orderId: string, f: FulfillmentRow, body: ShipBody): Promise<void> {
  const carrier = body.carrier ?? f.carrier;
  const trackingNumber = body.trackingNumber ?? f.tracking_number;
  const trackingUrl = body.trackingUrl ?? f.tracking_url;
  await run(
    tx,
    sql`update cw_fulfillment set status = 'shipped', shipped_at = ${new Date()}, carrier = ${carrier}, tracking_number = ${trackingNumber},
      tracking_url = ${trackingUrl} where id = ${f.id}`,
  );
  const tracking = [carrier, trackingNumber].filter(Boolean).join(' ');
  await deps.orderService.transition(
    tx,
    orderId,
    { fulfillment: await derivedFulfillmentStatus(tx, orderId) },
    {
      kind: 'fulfillment.shipped',
      message: tracking ? `Shipped with ${tracking}` : 'Shipped',
      visibleToCustomer: true,
      data: { fulfillmentId: f.id, carrier, trackingNumber, trackingUrl },
    },
  );
}

async function markDelivered(tx: EntityManager, deps: Deps, orderId: string, fulfillmentId: string): Promise<void> {
  await run(tx, sql`update cw_fulfillment set status = 'delivered', delivered_at = ${new Date()} where id = ${fulfillmentId}`);
  await deps.orderService.transition(
    tx,
    orderId,
    { fulfillment: await derivedFulfillmentStatus(tx, orderId) },
    { kind: 'fulfillment.delivered', message: 'Delivered', visibleToCustomer: true, data: { fulfillmentId } },
  );
}
