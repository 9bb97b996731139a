import { asValue, createContainer, InjectionMode, type AwilixContainer } from 'awilix';
import type { EntityManager } from '@mikro-orm/sql';
import type { RuntimeConfig } from './config/define-config.ts';
import type { Database } from './db/database.ts';
import type { EventBus } from './events/event-bus.ts';
import type { HookRegistry } from './events/hooks.ts';
import type { JobScheduler } from './jobs/job-scheduler.ts';
import type { Logger } from './logger.ts';
import type { Authenticator } from './http/access.ts';

/**
 * Who is making the request. The registered `authenticator` sets it from the Authorization header;
 * everything else reads it. `permissions` holds named permissions (`products:write`), `*` for all.
 */
export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; role: string; sessionId: string; permissions: readonly string[] }
  | { kind: 'apiKey'; keyId: string; permissions: readonly string[] }
  | { kind: 'system'; name: string };

/** Who acted, as records that outlive the request store it (audit log, stock ledger). */
export function actorReference(actor: Actor): { kind: Actor['kind']; id: string | null } {
  switch (actor.kind) {
    case 'user':
      return { kind: 'user', id: actor.userId };
    case 'apiKey':
      return { kind: 'apiKey', id: actor.keyId };
    case 'system':
      return { kind: 'system', id: actor.name };
    default:
      return { kind: 'anonymous', id: null };
  }
}

/**
 * Everything the container holds, by key. Modules and plugins add their services by interface
 * merging, so `cradle.someService` is typed wherever it is resolved:
 *
 * ```ts
 * declare module '@cartwright/core' {
 *   interface Cradle { wishlistService: WishlistService }
 * }
 * ```
 */
export interface Cradle {
  config: RuntimeConfig;
  logger: Logger;
  database: Database;
  events: EventBus;
  hooks: HookRegistry;
  jobs: JobScheduler;
  /** In a request, job or delivery scope: that unit of work's own EntityManager. */
  em: EntityManager;
  /** In a request scope: the request id (also in logs and the X-Request-Id header). */
  requestId: string;
  /** In a request scope: the client's address (X-Forwarded-For when http.trustProxy); null elsewhere. */
  clientIp: string | null;
  actor: Actor;
  /** Turns a request's credentials into an actor; registered by the identity module. */
  authenticator: Authenticator;
}

export type CommerceContainer = AwilixContainer<Cradle>;

export function createCommerceContainer(): CommerceContainer {
  return createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
}

/**
 * A child scope for one unit of work (a request, a job run, a CLI command) with its own
 * EntityManager fork, so identity maps never leak between units of work.
 */
export function createUnitOfWorkScope(
  container: CommerceContainer,
  values: { em: EntityManager; requestId: string; actor: Actor; clientIp?: string | null; logger?: Logger },
): CommerceContainer {
  const scope = container.createScope<Cradle>();
  scope.register({
    em: asValue(values.em),
    requestId: asValue(values.requestId),
    clientIp: asValue(values.clientIp ?? null),
    actor: asValue(values.actor),
    ...(values.logger ? { logger: asValue(values.logger) } : {}),
  });
  return scope;
}
