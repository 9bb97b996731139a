import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from '../../kernel/db/sql.ts';
import { findOrder } from './order-records.ts';

/**
 * An order as the audit log shows it before and after a staff change: its statuses and total. Read
 * with `lock` before the change, so the state recorded is the one the change started from.
 */
export async function orderStateForAudit(tx: EntityManager, orderId: string, options: { lock?: boolean } = {}): Promise<Record<string, unknown> | null> {
  const order = await findOrder(tx, orderId, options);
  if (!order) return null;
  return { status: order.status, paymentStatus: order.paymentStatus, fulfillmentStatus: order.fulfillmentStatus, total: order.total };
}

/** The same with the order's lines, for changes to them (an edit). */
export async function orderLinesForAudit(tx: EntityManager, orderId: string, options: { lock?: boolean } = {}): Promise<Record<string, unknown> | null> {
  const state = await orderStateForAudit(tx, orderId, options);
  if (!state) return null;
  const lines = await rows<{ id: string; variant_id: string | null; sku: string | null; quantity: number; total: string | number }>(
    tx,
    sql`select id, variant_id, sku, quantity, total from cw_order_line where order_id = ${orderId} order by position`,
  );
  return { ...state, lines: lines.map((l) => ({ lineId: l.id, variantId: l.variant_id, sku: l.sku, quantity: Number(l.quantity), total: Number(l.total) })) };
}
