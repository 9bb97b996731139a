import { timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../kernel/container.ts';
import { rows } from '../../kernel/db/sql.ts';
import { KernelErrors } from '../../kernel/errors.ts';
import { hasPermission } from '../../kernel/http/access.ts';
import type { OrderScope } from './order-views.ts';
import { hashToken } from '../auth/secret-token.ts';
import { OrderErrors } from './orders.errors.ts';

/** Who asks about an order on the store API: its customer, or whoever holds a guest order's token. */
export interface OrderCaller {
  userId: string | null;
  /** From `X-Order-Token`, or `?token=` (the link in the order email). */
  orderToken: string | null;
}

export function orderCallerOf(actor: Actor, headers: Record<string, string | string[] | undefined>, queryToken?: string): OrderCaller {
  const header = headers['x-order-token'];
  const token = (Array.isArray(header) ? header[0] : header)?.trim() || queryToken?.trim() || null;
  return { userId: actor.kind === 'user' ? actor.userId : null, orderToken: token };
}

/**
 * The one rule for store access to an order: a customer's order answers to that customer only, a
 * guest order to its token only. Anything else is "not found" (404), so ids cannot be probed.
 */
export async function requireOrderAccess(em: EntityManager, orderId: string, caller: OrderCaller): Promise<void> {
  const [order] = await rows<{ customer_id: string | null; token_hash: string | null }>(
    em,
    sql`select customer_id, token_hash from cw_order where id = ${orderId}`,
  );
  const allowed =
    order !== undefined &&
    (order.customer_id
      ? order.customer_id === caller.userId
      : order.token_hash !== null && caller.orderToken !== null && timingSafeEqual(Buffer.from(hashToken(caller.orderToken)), Buffer.from(order.token_hash)));
  if (!allowed) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId} that you may see`);
}

/** Admin order routes accept staff with `orders:*` and vendors (scoped by `orderScope`). */
export const ORDER_READ_ACCESS = { permission: ['orders:read', 'vendor:portal'] } as const;
export const ORDER_WRITE_ACCESS = { permission: ['orders:write', 'vendor:portal'] } as const;

/**
 * Staff holding the orders permission see every order; a vendor holding only `vendor:portal` sees
 * the orders holding its lines, and only those lines. The one place the vendor rule for orders lives.
 */
export function orderScope(actor: Actor, need: 'read' | 'write'): OrderScope {
  if (hasPermission(actor, need === 'read' ? 'orders:read' : 'orders:write')) return { kind: 'all' };
  if (actor.kind === 'user' && hasPermission(actor, 'vendor:portal')) return { kind: 'vendor', vendorId: actor.userId };
  throw KernelErrors.FORBIDDEN(`You need the orders:${need} permission`);
}
