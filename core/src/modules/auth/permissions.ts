import type { EntityManager } from '@mikro-orm/sql';
import type { Actor } from '../../kernel/container.ts';
import { hasPermission } from '../../kernel/http/access.ts';

/**
 * Every named permission a role or an API key may hold, with what it allows. Roles and keys may
 * also hold `<area>:*` (every permission of an area in this list) or `*` (everything). Plugins that
 * guard their admin routes with a permission of their own document it in their README.
 */
export const PERMISSION_CATALOGUE = {
  'products:read': 'Read products, categories, brands and tags in the admin',
  'products:write': 'Create, change and delete products, categories, brands, tags and media',
  'orders:read': 'Read orders, returns and complaints',
  'orders:write': 'Change orders: notes, fulfillments, cancellations, returns',
  'orders:refund': 'Refund payments',
  'reviews:moderate': 'Approve, hide and answer reviews',
  'users:read': 'List and read accounts, and the roles',
  'users:write': 'Change roles and status of accounts, approve vendors',
  'roles:write': 'Create, change and delete custom roles',
  'customers:read': 'Read customer profiles, addresses and order history',
  'inventory:write': 'Adjust stock, locations, suppliers and purchase orders',
  'promotions:write': 'Create and change promotions and coupons',
  'content:write': 'Create and change CMS pages and blog posts',
  'settings:write': 'Change store settings, shipping, notifications and webhooks',
  'audit:read': 'Read the admin audit log',
  'api-keys:write': 'Create, list and revoke API keys',
  'vendor:portal': 'Use the vendor portal (routes scope a vendor to its own records)',
} as const;

export type PermissionName = keyof typeof PERMISSION_CATALOGUE;

const AREAS = new Set(Object.keys(PERMISSION_CATALOGUE).map((name) => name.split(':')[0]!));

/** Whether a role or API key may hold this: a catalogue name, `<known area>:*`, or `*`. */
export function isGrantable(permission: string): boolean {
  if (permission === '*' || permission in PERMISSION_CATALOGUE) return true;
  const [area, rest] = permission.split(':');
  return rest === '*' && AREAS.has(area!);
}

/**
 * Whether `actor` may hand `permission` to a role or an API key: only what it holds itself, so
 * `roles:write` or `api-keys:write` can never be turned into more access than the granter has.
 */
export function canGrant(actor: Actor, permission: string): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'user' && actor.kind !== 'apiKey') return false;
  if (permission === '*') return actor.permissions.includes('*');
  if (permission.endsWith(':*')) return actor.permissions.includes('*') || actor.permissions.includes(permission);
  return hasPermission(actor, permission);
}

/** The built-in roles, seeded by migration `core/0005-roles-audit-api-keys`; they cannot be deleted or re-scoped. */
export const BUILT_IN_ROLES = ['admin', 'staff', 'customer', 'vendor'] as const;

/**
 * A user's current role and its permissions, read from `cw_role` on every request (one primary-key
 * join), so a role change, an approval or a change to a role's permissions applies on the caller's next request.
 * `undefined` when the account no longer exists or is disabled.
 */
export async function loadUserAccess(em: EntityManager, userId: string): Promise<{ role: string; permissions: string[] } | undefined> {
  const rows = await em.execute<Array<{ role: string; status: string; permissions: string[] | string }>>(
    'select u.role, u.status, r.permissions from cw_user u join cw_role r on r.name = u.role where u.id = ?',
    [userId],
  );
  const row = rows[0];
  // a disabled account's tokens stop here too, not only through the session revocation that disabling
  // normally does: that runs after the status change commits, and a status set another way skips it
  if (!row || row.status === 'disabled') return undefined;
  // an account awaiting approval (a new vendor) may sign in and see its profile, but its role grants nothing yet
  if (row.status === 'pending') return { role: row.role, permissions: [] };
  return { role: row.role, permissions: typeof row.permissions === 'string' ? JSON.parse(row.permissions) : row.permissions };
}
