import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { run } from '../../kernel/db/sql.ts';
import { OrderErrors, type OrderRecord, type OrderScope } from '../orders/index.ts';
import { findReturn, type ReturnRecord, type StoredLabel } from './return-records.ts';
import { emitReturnEvent } from './return-events.ts';
import { ReturnErrors } from './returns.errors.ts';
import type { ReturnStatus } from './returns.schemas.ts';

type Deps = Pick<Cradle, 'events' | 'orderService'>;

/**
 * The order, then the return, both locked (the order first, as every return write does, so a
 * request and a decision on the same order take turns). A return out of the caller's scope is not found.
 */
export async function lockReturn(
  tx: EntityManager,
  deps: Deps,
  returnId: string,
  options: { scope?: OrderScope; orderId?: string; expect?: ReturnStatus[]; to?: ReturnStatus },
): Promise<{ order: OrderRecord; ret: ReturnRecord }> {
  const found = await findReturn(tx, returnId, { scope: options.scope, orderId: options.orderId });
  if (!found) throw ReturnErrors.RETURN_NOT_FOUND(`No return ${returnId}`);
  const order = await deps.orderService.get(tx, found.orderId, { lock: true });
  if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${found.orderId}`);
  const ret = (await findReturn(tx, returnId, { lock: true }))!;
  if (options.expect && !options.expect.includes(ret.status)) {
    throw ReturnErrors.RETURN_TRANSITION_INVALID(`Return ${returnId} is ${ret.status}${options.to ? `; it cannot become ${options.to}` : ''}`, {
      extensions: { status: ret.status, ...(options.to ? { to: options.to } : {}) },
    });
  }
  return { order, ret };
}

/** requested → approved (admin or the owning vendor), with an optional note the customer sees. */
export async function approveReturn(tx: EntityManager, deps: Deps, returnId: string, scope: OrderScope, note: string | undefined): Promise<ReturnRecord> {
  const { order, ret } = await lockReturn(tx, deps, returnId, { scope, expect: ['requested'], to: 'approved' });
  const now = new Date();
  await run(tx, sql`update cw_return set status = 'approved', decision_note = ${note ?? null}, decided_at = ${now}, updated_at = ${now} where id = ${returnId}`);
  await deps.orderService.addTimeline(tx, order.id, {
    kind: 'return.approved',
    message: `Return approved${note ? `: ${note}` : ''}`,
    visibleToCustomer: true,
    data: { returnId },
  });
  emitReturnEvent(deps.events, tx, 'return.approved', order, ret, { note: note ?? null });
  return { ...ret, status: 'approved' };
}

/** requested → rejected, always with the reason the customer is told. */
export async function rejectReturn(tx: EntityManager, deps: Deps, returnId: string, scope: OrderScope, note: string): Promise<void> {
  const { order, ret } = await lockReturn(tx, deps, returnId, { scope, expect: ['requested'], to: 'rejected' });
  const now = new Date();
  await run(tx, sql`update cw_return set status = 'rejected', decision_note = ${note}, decided_at = ${now}, updated_at = ${now} where id = ${returnId}`);
  await deps.orderService.addTimeline(tx, order.id, { kind: 'return.rejected', message: `Return rejected: ${note}`, visibleToCustomer: true, data: { returnId } });
  emitReturnEvent(deps.events, tx, 'return.rejected', order, ret, { note });
}

/** The customer withdraws a request nobody has decided on yet (requested → cancelled); its units are free to return again. */
export async function cancelReturn(tx: EntityManager, deps: Deps, orderId: string, returnId: string): Promise<void> {
  const { order, ret } = await lockReturn(tx, deps, returnId, { orderId, expect: ['requested'], to: 'cancelled' });
  await run(tx, sql`update cw_return set status = 'cancelled', updated_at = ${new Date()} where id = ${returnId}`);
  await deps.orderService.addTimeline(tx, order.id, { kind: 'return.cancelled', message: 'Return request withdrawn', visibleToCustomer: true, data: { returnId } });
  emitReturnEvent(deps.events, tx, 'return.cancelled', order, ret, {});
}

/** Keeps the label a carrier sold for the return; a second label for the same return is never stored over the first. */
export async function storeLabel(tx: EntityManager, deps: Deps, returnId: string, label: StoredLabel): Promise<void> {
  const { order, ret } = await lockReturn(tx, deps, returnId, {});
  if (ret.label) return;
  await run(tx, sql`update cw_return set label = ${JSON.stringify(label)}::jsonb, updated_at = ${new Date()} where id = ${returnId}`);
  await deps.orderService.addTimeline(tx, order.id, {
    kind: 'return.label_created',
    message: `Return label ready: ${label.trackingNumber}`,
    visibleToCustomer: true,
    data: { returnId, carrierId: label.carrierId, trackingNumber: label.trackingNumber },
  });
  emitReturnEvent(deps.events, tx, 'return.label_created', order, ret, {
    carrierId: label.carrierId,
    trackingNumber: label.trackingNumber,
    trackingUrl: label.trackingUrl,
    labelUrl: label.labelUrl,
  });
}
