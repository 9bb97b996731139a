import type { Actor } from '../../kernel/container.ts';
import { hasPermission } from '../../kernel/http/access.ts';
import { KernelErrors } from '../../kernel/errors.ts';

/** What an admin caller may touch in the catalog: everything, or one vendor's own products. */
export type CatalogScope = { kind: 'all' } | { kind: 'vendor'; vendorId: string };

/** Admin product routes accept staff with `products:*` and vendors (scoped by `catalogScope`). */
export const PRODUCT_READ_ACCESS = { permission: ['products:read', 'vendor:portal'] } as const;
export const PRODUCT_WRITE_ACCESS = { permission: ['products:write', 'vendor:portal'] } as const;

/**
 * Staff holding the products permission see every product; a vendor holding only `vendor:portal`
 * sees and changes its own products and nothing else. The one place the vendor rule lives.
 */
export function catalogScope(actor: Actor, need: 'read' | 'write'): CatalogScope {
  if (hasPermission(actor, need === 'read' ? 'products:read' : 'products:write')) return { kind: 'all' };
  if (actor.kind === 'user' && hasPermission(actor, 'vendor:portal')) return { kind: 'vendor', vendorId: actor.userId };
  throw KernelErrors.FORBIDDEN(`You need the products:${need} permission`);
}
