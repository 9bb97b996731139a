import type { Actor } from '../../kernel/container.ts';
import { hasPermission } from '../../kernel/http/access.ts';
import { KernelErrors } from '../../kernel/errors.ts';
import type { CatalogScope } from '../catalog/index.ts';

/** Stock routes accept staff with `inventory:write` and vendors (scoped to their own products' variants). */
export const STOCK_ACCESS = { permission: ['inventory:write', 'vendor:portal'] } as const;
/** Locations are the store's, not a vendor's: staff only. */
export const LOCATION_ACCESS = { permission: 'inventory:write' } as const;

/** Staff with `inventory:write` reach every variant; a vendor reaches its own products' variants. */
export function inventoryScope(actor: Actor): CatalogScope {
  if (hasPermission(actor, 'inventory:write')) return { kind: 'all' };
  if (actor.kind === 'user' && hasPermission(actor, 'vendor:portal')) return { kind: 'vendor', vendorId: actor.userId };
  throw KernelErrors.FORBIDDEN('You need the inventory:write permission');
}
