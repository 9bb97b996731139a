import { KernelErrors } from '../errors.ts';
import type { Actor } from '../container.ts';

/**
 * Who may call a route. `public`: anyone; `authenticated`: a signed-in user; `{ permission }`: a user
 * or API key holding that named permission, or any one of a list (`*` holds all; a list lets a route
 * serve staff and, scoped by its handler, vendors). Every `/admin` route must name a permission.
 */
export type RouteAccess = 'public' | 'authenticated' | { permission: string | readonly string[] };

/** The credentials of a request, as the authenticator sees them. */
export interface Credentials {
  authorization: string | undefined;
  ip: string;
  userAgent: string | undefined;
}

/**
 * Resolves credentials to an actor: `anonymous` when there are none, a 401 `AppError` when they are
 * present but invalid (a wrong token must never silently become an anonymous request).
 */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Actor>;
}

export function hasPermission(actor: Actor, permission: string): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'user' && actor.kind !== 'apiKey') return false;
  const [area] = permission.split(':');
  return actor.permissions.some((p) => p === '*' || p === permission || p === `${area}:*`);
}

/** Throws 401 for a missing identity and 403 for a missing permission. */
export function authorize(actor: Actor, access: RouteAccess): void {
  if (access === 'public') return;
  if (actor.kind === 'anonymous') {
    throw KernelErrors.UNAUTHENTICATED('Sign in, or send an access token in the Authorization header', {
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
  if (access === 'authenticated') {
    if (actor.kind === 'user' || actor.kind === 'system') return;
    throw KernelErrors.FORBIDDEN('This route is for signed-in users, not API keys');
  }
  const accepted = typeof access.permission === 'string' ? [access.permission] : access.permission;
  if (!accepted.some((permission) => hasPermission(actor, permission))) {
    const named = accepted.length === 1 ? `the ${accepted[0]} permission` : `one of the permissions ${accepted.join(', ')}`;
    throw KernelErrors.FORBIDDEN(`You need ${named}`, { extensions: { permission: accepted.length === 1 ? accepted[0] : accepted } });
  }
}

/**
 * The signed-in user of a route declared `access: 'authenticated'` (the router has already refused
 * anyone else, so reaching the throw is a route declared with the wrong access).
 */
export function signedInUser(actor: Actor): { userId: string; sessionId: string; role: string } {
  if (actor.kind !== 'user') throw new Error('this route must be declared access: \'authenticated\'');
  return actor;
}

/** The access a route gets when it declares none. Admin routes have no default: they must say. */
export function defaultAccess(fullPath: string): RouteAccess | undefined {
  return isAdminPath(fullPath) ? undefined : 'public';
}

export function isAdminPath(fullPath: string): boolean {
  return fullPath === '/admin' || fullPath.startsWith('/admin/');
}

/**
 * Refuses an `/admin` route whose access is not a named permission (`public` or `authenticated`
 * would open the back office to anyone, or to every customer). Names the route and its owner.
 */
export function requireAdminPermission(owner: string, method: string, fullPath: string, access: RouteAccess): void {
  if (!isAdminPath(fullPath) || typeof access === 'object') return;
  throw new Error(
    `Plugin "${owner}" mounts ${method} ${fullPath} with access: '${access}': every /admin route must declare the permission it needs (access: { permission: '…' })`,
  );
}
