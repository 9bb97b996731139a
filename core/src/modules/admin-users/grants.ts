import type { Actor } from '../../kernel/container.ts';
import { canGrant, isGrantable } from '../auth/permissions.ts';
import { AdminErrors } from './admin-users.errors.ts';

/** Checks a list of permissions to put on a role or an API key: known names only, and only ones the caller holds. */
export function checkGrants(actor: Actor, permissions: readonly string[], pointer = '/permissions'): string[] {
  const unknown = permissions.filter((p) => !isGrantable(p));
  if (unknown.length) {
    throw AdminErrors.PERMISSION_UNKNOWN(`Not in the permission catalogue: ${unknown.join(', ')}`, {
      errors: unknown.map((p) => ({ in: 'body', pointer: `${pointer}/${permissions.indexOf(p)}`, rule: 'catalogue', message: `"${p}" is not a known permission` })),
    });
  }
  const notHeld = permissions.filter((p) => !canGrant(actor, p));
  if (notHeld.length) throw AdminErrors.PERMISSION_NOT_HELD(`You do not hold ${notHeld.join(', ')}`, { extensions: { permissions: notHeld } });
  return [...new Set(permissions)];
}
