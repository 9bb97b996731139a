import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { formatDecimal } from '../money/index.ts';
import { applyStockChange } from '../inventory/index.ts';
import type { OrderRecord, OrderScope } from '../orders/index.ts';
import { lockReturn } from './return-decisions.ts';
import { emitReturnEvent } from './return-events.ts';
import { createExchangeOrder } from './return-exchange.ts';
import { returnLines, type ReturnRecord } from './return-records.ts';
import { returnedUnitsValue } from './refund-amounts.ts';
import { ReturnErrors } from './returns.errors.ts';
import type { ItemCondition, ReceiveBody } from './returns.schemas.ts';

type Deps = Pick<
  Cradle,
  'events' | 'actor' | 'orderService' | 'catalogPricing' | 'mediaService' | 'taxCalculator' | 'ruleBasedTaxCalculator' | 'reservationService' | 'paymentProviders' | 'paymentService'
>;

/** What is left to do outside the transaction: money to give back on the original order (0: nothing). */
export interface Receipt {
  refundDue: number;
  lines: Array<{ lineId: string; quantity: number }>;
}

interface OrderLineRow {
  id: string;
  variant_id: string | null;
  total: string | number;
  quantity: number;
  sku: string;
  variant_live: boolean | null;
  product_id: string | null;
  vendor_id: string | null;
}

const invalid = (pointer: string, rule: string, message: string): FieldIssue => ({ in: 'body', pointer, rule, message });

async function requireLocations(tx: EntityManager, body: ReceiveBody): Promise<string> {
  const asked = [...new Set([body.locationId, ...body.items.map((i) => i.locationId)].filter((id): id is string => Boolean(id)))];
  const known = new Set(asked.length ? (await rows<{ id: string }>(tx, sql`select id from cw_stock_location where id in (${sql.join(asked)})`)).map((r) => r.id) : []);
  const issues: FieldIssue[] = [];
  if (body.locationId && !known.has(body.locationId)) issues.push(invalid('/locationId', 'exists', `no stock location ${body.locationId}`));
  body.items.forEach((item, index) => {
    if (item.locationId && !known.has(item.locationId)) issues.push(invalid(`/items/${index}/locationId`, 'exists', `no stock location ${item.locationId}`));
  });
  if (issues.length) throw ReturnErrors.RETURN_RECEIPT_INVALID(issues[0]!.message, { errors: issues });
  return body.locationId ?? (await rows<{ id: string }>(tx, sql`select id from cw_stock_location where is_default`))[0]!.id;
}

/**
 * approved → received, in the caller's transaction: what arrived of each line and in which
 * condition; resellable units go back into stock (`return` movement), damaged or unsellable ones are
 * written off (a `write_off` movement that leaves the level as it is: the units left stock with
 * their sale); what the received units are worth (decision 0017). An exchange places its exchange
 * order here too, and is settled at once unless money is owed back. Answers the refund still due.
 */
export async function receiveReturn(tx: EntityManager, deps: Deps, returnId: string, scope: OrderScope, body: ReceiveBody): Promise<Receipt> {
  const { order, ret } = await lockReturn(tx, deps, returnId, { scope, expect: ['approved'], to: 'received' });
  const lines = await returnLines(tx, returnId);
  const byLine = new Map(lines.map((l) => [l.orderLineId, l]));
  const issues: FieldIssue[] = [];
  const given = new Set<string>();
  body.items.forEach((item, index) => {
    const line = byLine.get(item.lineId);
    if (!line || given.has(item.lineId)) issues.push(invalid(`/items/${index}/lineId`, 'returnLine', 'must name a line of this return, once'));
    else if (item.quantity > line.quantity) issues.push(invalid(`/items/${index}/quantity`, 'maximum', `at most ${line.quantity} unit(s) of this line were to come back`));
    given.add(item.lineId);
  });
  for (const line of lines) if (!given.has(line.orderLineId)) issues.push(invalid('/items', 'required', `line ${line.orderLineId} of the return is missing`));
  if (body.refundShipping !== undefined && body.refundShipping > 0 && ret.kind !== 'refund') {
    issues.push(invalid('/refundShipping', 'refundOnly', 'shipping is given back on refunds only'));
  }
  if (issues.length) throw ReturnErrors.RETURN_RECEIPT_INVALID(issues[0]!.message, { errors: issues });
  const shipping = body.refundShipping ?? 0;
  if (shipping > 0) {
    const [paid] = await rows<{ shipping_total: string | number; given_back: string | number }>(
      tx,
      sql`select o.shipping_total, coalesce((select sum(shipping_amount) from cw_return where order_id = o.id and id <> ${returnId}), 0) as given_back
        from cw_order o where o.id = ${order.id}`,
    );
    const left = Number(paid!.shipping_total) - Number(paid!.given_back);
    if (shipping > left) {
      throw ReturnErrors.RETURN_RECEIPT_INVALID(`At most ${formatDecimal(left, order.currencyCode)} ${order.currencyCode} of shipping is left to give back`, {
        errors: [invalid('/refundShipping', 'maximum', `must be at most ${left}`)],
      });
    }
  }
  const defaultLocation = await requireLocations(tx, body);

  const orderLines = new Map(
    (
      await rows<OrderLineRow & { returned_before: string | number }>(
        tx,
        sql`select l.id, l.variant_id, l.total, l.quantity, l.sku, (v.deleted_at is null) as variant_live, v.product_id, l.vendor_id,
            coalesce((select sum(rl.received_quantity) from cw_return_line rl join cw_return r on r.id = rl.return_id
              where rl.order_line_id = l.id and r.id <> ${returnId} and r.status in ('received', 'refunded', 'exchanged')), 0) as returned_before
          from cw_order_line l left join cw_product_variant v on v.id = l.variant_id
          where l.id in (${sql.join(lines.map((l) => l.orderLineId))})`,
      )
    ).map((r) => [r.id, r]),
  );
  const now = new Date();
  let itemsAmount = 0;
  const received: Array<{ lineId: string; quantity: number; condition: ItemCondition }> = [];
  for (const item of body.items) {
    const line = orderLines.get(item.lineId)!;
    const amount = returnedUnitsValue({ total: Number(line.total), quantity: line.quantity }, Number(line.returned_before), item.quantity);
    itemsAmount += amount;
    const locationId = item.locationId ?? defaultLocation;
    let stockAction: 'restocked' | 'written_off' | 'none' = 'none';
    // a variant deleted since the sale has no stock to go back into
    if (item.quantity > 0 && line.variant_id && line.variant_live) {
      const resellable = item.condition === 'resellable';
      const changed = await applyStockChange(tx, deps.events, {
        variant: { id: line.variant_id, sku: line.sku, productId: line.product_id!, vendorId: line.vendor_id },
        locationId,
        deltaOnHand: resellable ? item.quantity : 0,
        deltaReserved: 0,
        reason: resellable ? 'return' : 'write_off',
        actor: deps.actor,
        reference: returnId,
        note: resellable ? `${item.quantity} unit(s) returned` : `${item.quantity} unit(s) returned ${item.condition}, written off`,
      });
      if (!changed.ok) throw new Error(`stock change refused for a return of ${line.variant_id}`);
      stockAction = resellable ? 'restocked' : 'written_off';
    }
    await run(
      tx,
      sql`update cw_return_line set received_quantity = ${item.quantity}, condition = ${item.condition}, stock_action = ${stockAction},
        location_id = ${stockAction === 'none' ? null : locationId}, amount = ${amount} where return_id = ${returnId} and order_line_id = ${item.lineId}`,
    );
    received.push({ lineId: item.lineId, quantity: item.quantity, condition: item.condition });
  }
  await run(
    tx,
    sql`update cw_return set status = 'received', items_amount = ${itemsAmount}, shipping_amount = ${shipping}, received_at = ${now}, updated_at = ${now}
      where id = ${returnId}`,
  );
  const units = received.reduce((n, r) => n + r.quantity, 0);
  await deps.orderService.addTimeline(tx, order.id, {
    kind: 'return.received',
    message: `Return received: ${units} item(s) worth ${formatDecimal(itemsAmount, order.currencyCode)} ${order.currencyCode}`,
    visibleToCustomer: true,
    data: { returnId, items: received },
  });
  emitReturnEvent(deps.events, tx, 'return.received', order, ret, { itemsAmount, items: received });
  await markReturnedWhenAllBack(tx, deps, order);

  const refundLines = received.filter((r) => r.quantity > 0).map(({ lineId, quantity }) => ({ lineId, quantity }));
  if (ret.kind === 'refund') {
    const due = itemsAmount + shipping;
    if (due === 0) await settleReturn(tx, deps, order, ret, { refunded: 0 });
    return { refundDue: due, lines: refundLines };
  }
  const replacements = lines.flatMap((l) => {
    const quantity = received.find((r) => r.lineId === l.orderLineId)!.quantity;
    return quantity > 0 ? [{ variantId: l.replacementVariantId!, quantity, lineId: l.orderLineId }] : [];
  });
  const exchange = await createExchangeOrder(tx, deps, order, returnId, replacements, itemsAmount);
  await run(tx, sql`update cw_return set exchange_order_id = ${exchange.id}, exchange_total = ${exchange.replacementValue} where id = ${returnId}`);
  const owed = Math.max(0, itemsAmount - exchange.replacementValue);
  const settled = { ...ret, exchangeOrderId: exchange.id, exchangeTotal: exchange.replacementValue, itemsAmount };
  if (owed === 0) await settleReturn(tx, deps, order, settled, { refunded: 0 });
  return { refundDue: owed, lines: [] };
}

/**
 * received → refunded (refund) or exchanged (exchange), once the money due went back (or none was
 * due): the customer's timeline entry and `return.refunded` / `return.exchanged`.
 */
export async function settleReturn(tx: EntityManager, deps: Pick<Deps, 'events' | 'orderService'>, order: OrderRecord, ret: ReturnRecord, money: { refunded: number }): Promise<void> {
  const now = new Date();
  const status = ret.kind === 'refund' ? 'refunded' : 'exchanged';
  await run(
    tx,
    sql`update cw_return set status = ${status}, refunded_amount = ${money.refunded}, refund_error = null, settled_at = ${now}, updated_at = ${now} where id = ${ret.id}`,
  );
  const amount = `${formatDecimal(money.refunded, order.currencyCode)} ${order.currencyCode}`;
  if (ret.kind === 'refund') {
    await deps.orderService.addTimeline(tx, order.id, { kind: 'return.refunded', message: `Return refunded: ${amount}`, visibleToCustomer: true, data: { returnId: ret.id } });
    emitReturnEvent(deps.events, tx, 'return.refunded', order, ret, { amount: money.refunded, itemsAmount: ret.itemsAmount ?? 0, shippingAmount: ret.shippingAmount });
    return;
  }
  const [exchange] = await rows<{ number: string | number; total: string | number }>(tx, sql`select number, total from cw_order where id = ${ret.exchangeOrderId}`);
  await deps.orderService.addTimeline(tx, order.id, {
    kind: 'return.exchanged',
    message: `Exchanged: replacement order ${exchange!.number}${money.refunded > 0 ? `, ${amount} refunded` : ''}`,
    visibleToCustomer: true,
    data: { returnId: ret.id, exchangeOrderId: ret.exchangeOrderId },
  });
  emitReturnEvent(deps.events, tx, 'return.exchanged', order, ret, {
    exchangeOrderId: ret.exchangeOrderId!,
    exchangeOrderNumber: String(exchange!.number),
    credit: ret.itemsAmount ?? 0,
    replacementValue: ret.exchangeTotal ?? 0,
    amountDue: Number(exchange!.total),
    refunded: money.refunded,
  });
}

/** A delivered order whose every unit came back is `returned` (the fulfillment state machine allows it only from shipped or delivered). */
async function markReturnedWhenAllBack(tx: EntityManager, deps: Pick<Deps, 'orderService'>, order: OrderRecord): Promise<void> {
  if (order.fulfillmentStatus !== 'delivered') return;
  const [count] = await rows<{ units: string | number; back: string | number }>(
    tx,
    sql`select (select coalesce(sum(quantity), 0) from cw_order_line where order_id = ${order.id}) as units,
      (select coalesce(sum(rl.received_quantity), 0) from cw_return_line rl join cw_return r on r.id = rl.return_id
        where r.order_id = ${order.id} and r.status in ('received', 'refunded', 'exchanged')) as back`,
  );
  if (Number(count!.back) < Number(count!.units)) return;
  await deps.orderService.transition(tx, order.id, { fulfillment: 'returned' }, { kind: 'fulfillment.returned', message: 'Every item was returned', visibleToCustomer: true });
}
