import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import { applyStockChange } from '../inventory/index.ts';
import { OrderErrors } from './orders.errors.ts';
import { findOrder, type OrderRecord } from './order-records.ts';
import type { OrderService } from './order.service.ts';

type Deps = Pick<Cradle, 'reservationService' | 'events' | 'actor'> & { orderService: OrderService };

/** Who cancels: a customer before anything is fulfilled, staff before delivery, the system when an unpaid order's hold expires. */
export type CancelledBy = 'customer' | 'staff' | 'system';

/**
 * Refuses a cancellation the caller may not make. Runs on the locked order, so of two racing
 * cancellations the second sees `cancelled` and is refused (409): stock is given back once.
 */
export function requireCancellable(order: OrderRecord, by: CancelledBy): void {
  if (order.status === 'cancelled' || order.status === 'completed') {
    throw OrderErrors.ORDER_TRANSITION_INVALID(`Order ${order.number} is already ${order.status}`, {
      extensions: { status: 'order', from: order.status, to: 'cancelled' },
    });
  }
  const tooLate = by === 'customer' ? order.fulfillmentStatus !== 'not_fulfilled' : ['delivered', 'returned'].includes(order.fulfillmentStatus);
  if (tooLate) {
    throw OrderErrors.ORDER_NOT_CANCELLABLE(
      by === 'customer'
        ? `Order ${order.number} is already ${order.fulfillmentStatus.replace('_', ' ')}; contact the store, or request a return once it arrives`
        : `Order ${order.number} is already ${order.fulfillmentStatus}; use a return instead`,
      { extensions: { fulfillmentStatus: order.fulfillmentStatus } },
    );
  }
}

/**
 * Cancels the order in `tx`: the status (with a timeline entry), the stock its reservation still
 * holds (released), the stock already sold to it by fulfillments (returned to where it was sold
 * from, ledger `return`), and fulfillments not yet shipped (cancelled). Money is settled by the
 * caller after commit. Answers false, changing nothing, when `onlyIf` refuses the locked order.
 */
export async function cancelInTransaction(
  tx: EntityManager,
  deps: Deps,
  orderId: string,
  options: { by: CancelledBy; reason?: string | undefined; message?: string; onlyIf?: (order: OrderRecord) => boolean },
): Promise<boolean> {
  const order = await findOrder(tx, orderId, { lock: true });
  if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
  if (options.onlyIf && !options.onlyIf(order)) return false;
  requireCancellable(order, options.by);
  const reason = options.reason?.trim() || null;
  await deps.orderService.transition(
    tx,
    orderId,
    { order: 'cancelled' },
    {
      kind: 'order.cancelled',
      message: options.message ?? `Order cancelled${options.by === 'customer' ? ' by the customer' : ''}${reason ? `: ${reason}` : ''}`,
      visibleToCustomer: true,
      data: { by: options.by, ...(reason ? { reason } : {}) },
    },
  );
  await deps.reservationService.release(tx, orderId);
  await returnSoldStock(tx, deps, orderId);
  await run(tx, sql`update cw_fulfillment set status = 'cancelled' where order_id = ${orderId} and status = 'created'`);
  return true;
}

/** Puts back what fulfillments of the order took out of stock and has not come back yet. */
async function returnSoldStock(tx: EntityManager, deps: Deps, orderId: string): Promise<void> {
  const sold = await rows<{ variant_id: string; location_id: string; units: number; sku: string; product_id: string; vendor_id: string | null }>(
    tx,
    sql`select m.variant_id, m.location_id, (-sum(m.delta_on_hand))::int as units, v.sku, v.product_id, p.vendor_id
      from cw_stock_movement m join cw_product_variant v on v.id = m.variant_id join cw_product p on p.id = v.product_id
      where m.reference = ${orderId} and m.reason in ('sale', 'return')
      group by m.variant_id, m.location_id, v.sku, v.product_id, p.vendor_id having sum(m.delta_on_hand) < 0
      order by m.variant_id, m.location_id`,
  );
  for (const line of sold) {
    const result = await applyStockChange(tx, deps.events, {
      variant: { id: line.variant_id, sku: line.sku, productId: line.product_id, vendorId: line.vendor_id },
      locationId: line.location_id,
      deltaOnHand: Number(line.units),
      deltaReserved: 0,
      reason: 'return',
      actor: deps.actor,
      reference: orderId,
      note: 'order cancelled',
    });
    // adding to on hand cannot break a level's rules
    if (!result.ok) throw new Error(`Could not return ${line.units} of ${line.variant_id} for cancelled order ${orderId}`);
  }
}
