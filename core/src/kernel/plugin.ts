import type { Static, TSchema } from 'typebox';
import type { Cradle } from './container.ts';
import type { EntityDefinition, MigrationDefinition } from './db/database.ts';
import type { EventHandler } from './events/event-bus.ts';
import type { EventName } from './events/event-map.ts';
import type { HookFilter, HookName } from './events/hooks.ts';
import type { JobHandler, JobOptions } from './jobs/job-scheduler.ts';
import type { RouteDefinition } from './http/route.ts';
import type { Logger } from './logger.ts';
import type { RuntimeConfig } from './config/define-config.ts';
import type { EntityManager } from '@mikro-orm/sql';

export type ServiceLifetime = 'singleton' | 'scoped' | 'transient';

/** A page, widget or menu entry a plugin adds to the admin dashboard. */
export interface AdminExtension {
  /** Unique within the plugin. */
  id: string;
  kind: 'page' | 'widget' | 'nav-item' | 'settings';
  title: string;
  /** For pages and nav items: where it lives in the dashboard (`/plugins/loyalty`). */
  path?: string;
  /** For widgets: the slot it renders into (`order.details.after`). */
  zone?: string;
  /** The ES module that renders it, as a URL the dashboard can import. */
  entry: string;
  /** The permission a staff member needs to see it. */
  permission?: string;
}

export interface SeedContext {
  em: EntityManager;
  cradle: Cradle;
  logger: Logger;
}

/** Fills the database with data: demo content, or records from a seed file. */
export type Seeder = (context: SeedContext) => Promise<void> | void;
/** Handles one top-level key of a JSON seed file (`{ "users": [...] }`). */
export type SeedDataHandler = (items: unknown, context: SeedContext) => Promise<void> | void;

/**
 * What a plugin (or a core module) receives in `register`. Everything it declares is collected
 * first; the kernel then opens the database with every entity and migration, mounts every
 * route, and only then starts anything.
 */
export interface PluginApi {
  readonly name: string;
  readonly config: Readonly<RuntimeConfig>;
  readonly logger: Logger;
  /** Registers a service under a `Cradle` key; `scoped` (the default) gets the request's EntityManager. */
  service<K extends keyof Cradle>(key: K, factory: (cradle: Cradle) => Cradle[K], options?: { lifetime?: ServiceLifetime }): void;
  /** Registers a ready-made value (a client, a provider instance) under a `Cradle` key. */
  value<K extends keyof Cradle>(key: K, value: Cradle[K]): void;
  entities(...entities: EntityDefinition[]): void;
  /** Migrations run in registration order after core's; names must be unique (prefix them with the plugin). */
  migrations(...migrations: MigrationDefinition[]): void;
  /** Mounts routes under `prefix` (`/store/wishlist`, `/admin/loyalty`, `/webhooks/stripe`). */
  routes(prefix: string, routes: RouteDefinition<any>[]): void;
  filter<N extends HookName>(hook: N, filter: HookFilter<N>, options?: { priority?: number }): void;
  /** `name` identifies the subscriber; deliveries are tracked per `<plugin>/<name>`. */
  subscribe<N extends EventName>(event: N, name: string, handler: EventHandler<N>): void;
  /**
   * Subscribes `name` (tracked as `<plugin>/<name>`) to every event, or to those `accepts` says yes
   * to (only they are fanned out to it); the handler reads `event.name`.
   */
  subscribeAll(name: string, handler: EventHandler, accepts?: (event: string) => boolean): void;
  job<D>(name: string, handler: JobHandler<D>, options?: JobOptions): void;
  adminExtension(extension: AdminExtension): void;
  /** A seeder `cartwright seed demo` runs. */
  demoSeed(name: string, seeder: Seeder): void;
  /** A handler for the key `key` of JSON seed files. */
  seedData(key: string, handler: SeedDataHandler): void;
  /** Runs after the database is migrated, before the server listens. */
  onStart(fn: (cradle: Cradle) => Promise<void> | void): void;
  /** Runs at shutdown, in reverse order of registration. */
  onStop(fn: (cradle: Cradle) => Promise<void> | void): void;
  /** A check `/ready` runs; throw to report not ready. */
  readinessCheck(name: string, check: (cradle: Cradle) => Promise<void>): void;
}

export const PLUGIN_MARK = Symbol.for('cartwright.plugin');

/** A plugin as it sits in the config: a value, built by the plugin's factory from its options. */
export interface PluginInstance<O = unknown> {
  readonly [PLUGIN_MARK]: true;
  readonly name: string;
  readonly version: string;
  readonly optionsSchema: TSchema | undefined;
  readonly options: O;
  register(api: PluginApi, options: O): void | Promise<void>;
}

export interface PluginDefinition<S extends TSchema | undefined> {
  /** The npm package name, e.g. `@cartwright/plugin-stripe`. */
  name: string;
  version: string;
  /** JSON Schema of the options; validated with the rest of the config at start-up. */
  options?: S;
  register(api: PluginApi, options: S extends TSchema ? Static<S> : undefined): void | Promise<void>;
}

/**
 * What the merchant passes to a plugin factory. Keys with a schema default may be left out, and
 * TypeScript cannot tell which those are, so every top-level key is optional here; a missing
 * required option is reported by config validation at start-up, naming the plugin and the key.
 */
export type PluginOptionsInput<S extends TSchema> = Static<S> extends Record<string, unknown> ? Partial<Static<S>> : Static<S>;

export type PluginFactory<S extends TSchema | undefined> = S extends TSchema
  ? (options?: PluginOptionsInput<S>) => PluginInstance<Static<S>>
  : (options?: undefined) => PluginInstance<undefined>;

/**
 * Declares a plugin. The result is a factory: `stripe({ secretKey })` returns the value that goes
 * into `plugins` in the config. It holds no state of its own, so the same plugin can be listed
 * twice with different options.
 *
 * @example
 * ```ts
 * export default definePlugin({
 *   name: '@acme/plugin-hello',
 *   version: '1.0.0',
 *   options: Type.Object({ greeting: Type.String({ default: 'Hello' }) }),
 *   register(api, options) {
 *     api.routes('/store/hello', [defineRoute({ method: 'GET', path: '/', summary: 'Greets',
 *       schema: { response: { 200: Type.Object({ message: Type.String() }) } },
 *       handler: () => ({ message: options.greeting }) })]);
 *   },
 * });
 * ```
 */
export function definePlugin<const S extends TSchema | undefined = undefined>(definition: PluginDefinition<S>): PluginFactory<S> {
  const factory = (options?: unknown): PluginInstance<any> => ({
    [PLUGIN_MARK]: true,
    name: definition.name,
    version: definition.version,
    optionsSchema: definition.options,
    options: options ?? {},
    register: definition.register as PluginInstance<any>['register'],
  });
  return factory as PluginFactory<S>;
}

export function isPluginInstance(value: unknown): value is PluginInstance {
  return typeof value === 'object' && value !== null && PLUGIN_MARK in value;
}
