import { sql, type RawBuilder } from 'kysely';
import { actorReference, type Actor } from '../../kernel/container.ts';
import { orderScope, type OrderScope } from '../orders/index.ts';
import type { ComplaintParty } from './complaint-states.ts';

/**
 * Which complaints a caller reaches: the customer (or guest token holder) those of an order they
 * were let into by `requireOrderAccess`; staff all of them; a vendor those it owns (every line named
 * is its own). Anything outside answers 404, like a complaint that does not exist.
 */
export type ComplaintAccess = { kind: 'order'; orderId: string } | OrderScope;

/** The admin side's access, by the orders permission rule (`orders:read`/`orders:write`, or `vendor:portal` for a vendor's own). */
export function adminComplaintAccess(actor: Actor, need: 'read' | 'write'): ComplaintAccess {
  return orderScope(actor, need);
}

/** The one place the access rule becomes SQL, over `c` (a complaint). */
export function complaintsReachable(access: ComplaintAccess): RawBuilder<unknown> {
  switch (access.kind) {
    case 'order':
      return sql`c.order_id = ${access.orderId}`;
    case 'vendor':
      return sql`c.vendor_id = ${access.vendorId}`;
    default:
      return sql`true`;
  }
}

export interface ComplaintAuthor {
  kind: ComplaintParty;
  /** The user or API key; null for a guest. */
  id: string | null;
}

/** Who writes through this access: the customer on the store side, a vendor in its scope, staff otherwise. */
export function authorOf(access: ComplaintAccess, actor: Actor): ComplaintAuthor {
  const kind: ComplaintParty = access.kind === 'order' ? 'customer' : access.kind === 'vendor' ? 'vendor' : 'staff';
  return { kind, id: actor.kind === 'user' || actor.kind === 'apiKey' ? actorReference(actor).id : null };
}
