import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { loadVariantsForSale } from '../catalog/index.ts';
import { OrderErrors, requireOrderAttachments, type OrderRecord } from '../orders/index.ts';
import { emitReturnEvent } from './return-events.ts';
import { ReturnErrors } from './returns.errors.ts';
import type { RequestReturnBody } from './returns.schemas.ts';

type Deps = Pick<Cradle, 'events' | 'orderService' | 'config' | 'catalogPricing' | 'mediaService'>;

/** An order line with what of it was delivered (and when) and what of it is already being returned. */
interface ReturnableLine {
  id: string;
  vendorId: string | null;
  /** Units in delivered fulfillments. */
  delivered: number;
  /** Delivered units whose delivery is within the return window. */
  inWindow: number;
  /** Units in returns that are not rejected or cancelled (received ones count what arrived). */
  inReturns: number;
}

const DAY_MS = 86_400_000;

async function returnableLines(tx: EntityManager, orderId: string, windowStart: Date): Promise<Map<string, ReturnableLine>> {
  const found = await rows<{ id: string; vendor_id: string | null; delivered: string | number; in_window: string | number; in_returns: string | number }>(
    tx,
    sql`select l.id, l.vendor_id,
        coalesce((select sum(fl.quantity) from cw_fulfillment_line fl join cw_fulfillment f on f.id = fl.fulfillment_id
          where fl.order_line_id = l.id and f.status = 'delivered'), 0) as delivered,
        coalesce((select sum(fl.quantity) from cw_fulfillment_line fl join cw_fulfillment f on f.id = fl.fulfillment_id
          where fl.order_line_id = l.id and f.status = 'delivered' and f.delivered_at >= ${windowStart}), 0) as in_window,
        coalesce((select sum(case when r.status in ('requested', 'approved') then rl.quantity else coalesce(rl.received_quantity, 0) end)
          from cw_return_line rl join cw_return r on r.id = rl.return_id
          where rl.order_line_id = l.id and r.status not in ('rejected', 'cancelled')), 0) as in_returns
      from cw_order_line l where l.order_id = ${orderId}`,
  );
  return new Map(
    found.map((r) => [r.id, { id: r.id, vendorId: r.vendor_id, delivered: Number(r.delivered), inWindow: Number(r.in_window), inReturns: Number(r.in_returns) }]),
  );
}

const issue = (index: number, field: string, rule: string, message: string): FieldIssue => ({ in: 'body', pointer: `/items/${index}/${field}`, rule, message });

/**
 * Checks a customer's request against the order as it is now and writes it (`requested`), its
 * timeline entry and `return.requested`, in the caller's transaction. The order row is locked first,
 * so two requests for the same units cannot both pass the quantity check. A unit is returnable when
 * it was delivered, is not in another open or received return, and its delivery is within
 * `returns.windowDays`; units already returned are counted against the oldest deliveries first.
 */
export async function requestReturn(tx: EntityManager, deps: Deps, orderId: string, body: RequestReturnBody, now = new Date()): Promise<string> {
  const order = await deps.orderService.get(tx, orderId, { lock: true });
  if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
  const kind = body.kind ?? 'refund';
  if (kind === 'exchange' && !order.customerId) {
    throw ReturnErrors.RETURN_EXCHANGE_NEEDS_ACCOUNT(`Order ${order.number} was placed as a guest: it can be returned for a refund, not exchanged`, {
      errors: [{ in: 'body', pointer: '/kind', rule: 'customerOrder', message: 'exchange needs an order placed with a customer account' }],
    });
  }
  const { windowDays } = deps.config.returns;
  if (windowDays === 0) {
    throw ReturnErrors.RETURN_WINDOW_CLOSED('This store does not accept returns', {
      errors: [issue(0, 'lineId', 'returnWindow', 'the store accepts no returns')],
      extensions: { windowDays },
    });
  }
  const lines = await returnableLines(tx, orderId, new Date(now.getTime() - windowDays * DAY_MS));
  const replacements = kind === 'exchange' ? await loadVariantsForSale(deps, tx, body.items.flatMap((i) => (i.variantId ? [i.variantId] : [])), order.currencyCode) : new Map();
  const issues: Array<{ code: 'RETURN_ITEMS_INVALID' | 'RETURN_NOT_DELIVERED' | 'RETURN_QUANTITY_EXCEEDED' | 'RETURN_WINDOW_CLOSED'; issue: FieldIssue }> = [];
  const seen = new Set<string>();
  body.items.forEach((item, index) => {
    const line = lines.get(item.lineId);
    if (!line || seen.has(item.lineId)) {
      issues.push({ code: 'RETURN_ITEMS_INVALID', issue: issue(index, 'lineId', 'orderLine', `must name a line of order ${order.number}, once`) });
      return;
    }
    seen.add(item.lineId);
    if (kind === 'exchange') {
      const variant = item.variantId ? replacements.get(item.variantId) : undefined;
      if (!item.variantId) issues.push({ code: 'RETURN_ITEMS_INVALID', issue: issue(index, 'variantId', 'required', 'an exchange names the variant wanted instead') });
      else if (!variant?.onSale || !variant.price) issues.push({ code: 'RETURN_ITEMS_INVALID', issue: issue(index, 'variantId', 'forSale', `variant ${item.variantId} is not for sale in ${order.currencyCode}`) });
      else if (variant.vendorId !== line.vendorId) issues.push({ code: 'RETURN_ITEMS_INVALID', issue: issue(index, 'variantId', 'sameSeller', 'the replacement must be sold by the seller of the returned line') });
    } else if (item.variantId) {
      issues.push({ code: 'RETURN_ITEMS_INVALID', issue: issue(index, 'variantId', 'exchangeOnly', 'a replacement variant is for `kind: exchange` only') });
    }
    if (line.delivered === 0) {
      issues.push({ code: 'RETURN_NOT_DELIVERED', issue: issue(index, 'lineId', 'delivered', `line ${item.lineId} has no delivered units yet`) });
      return;
    }
    const left = line.delivered - line.inReturns;
    if (item.quantity > left) {
      issues.push({ code: 'RETURN_QUANTITY_EXCEEDED', issue: issue(index, 'quantity', 'maximum', `line ${item.lineId} has ${Math.max(0, left)} delivered unit(s) not already returned; ${item.quantity} asked`) });
      return;
    }
    const expired = line.delivered - line.inWindow;
    const leftInWindow = line.inWindow - Math.max(0, line.inReturns - expired);
    if (item.quantity > leftInWindow) {
      issues.push({
        code: 'RETURN_WINDOW_CLOSED',
        issue: issue(index, 'lineId', 'returnWindow', `${leftInWindow} unit(s) of line ${item.lineId} were delivered within the last ${windowDays} day(s); ${item.quantity} asked`),
      });
    }
  });
  if (issues.length) {
    const { code } = issues[0]!;
    const same = issues.filter((i) => i.code === code).map((i) => i.issue);
    throw ReturnErrors[code](same[0]!.message, { errors: same });
  }
  const imageIds = body.imageIds ?? [];
  await requireOrderAttachments(tx, orderId, imageIds, '/imageIds');

  const owners = body.items.map((item) => lines.get(item.lineId)!.vendorId);
  const vendorIds = [...new Set(owners.filter((v): v is string => v !== null))];
  // a return a vendor may handle alone: every line is that vendor's (mixed returns are the store's staff's)
  const vendorId = vendorIds.length === 1 && owners.every((v) => v === vendorIds[0]) ? vendorIds[0]! : null;
  const id = newId('ret');
  await run(
    tx,
    sql`insert into cw_return (id, order_id, kind, status, reason, note, image_ids, vendor_id, vendor_ids, requested_at, updated_at)
      values (${id}, ${orderId}, ${kind}, 'requested', ${body.reason}, ${body.note ?? null}, ${JSON.stringify(imageIds)}::jsonb, ${vendorId},
        ${JSON.stringify(vendorIds)}::jsonb, ${now}, ${now})`,
  );
  await run(
    tx,
    sql`insert into cw_return_line (return_id, order_line_id, position, quantity, reason, replacement_variant_id) values ${sql.join(
      body.items.map((item, position) => sql`(${id}, ${item.lineId}, ${position}, ${item.quantity}, ${item.reason ?? null}, ${item.variantId ?? null})`),
    )}`,
  );
  const units = body.items.reduce((n, i) => n + i.quantity, 0);
  await deps.orderService.addTimeline(tx, orderId, {
    kind: 'return.requested',
    message: `${kind === 'exchange' ? 'Exchange' : 'Return'} of ${units} item(s) requested`,
    visibleToCustomer: true,
    data: { returnId: id },
  });
  emitReturnEvent(deps.events, tx, 'return.requested', order, { id, kind, vendorIds }, {
    reason: body.reason,
    items: body.items.map((i) => ({ lineId: i.lineId, quantity: i.quantity })),
  });
  return id;
}
