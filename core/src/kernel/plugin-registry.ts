import { asFunction, asValue, Lifetime } from 'awilix';
import type { CommerceContainer, Cradle } from './container.ts';
import type { EntityDefinition, MigrationDefinition } from './db/database.ts';
import type { EventBus } from './events/event-bus.ts';
import type { HookRegistry } from './events/hooks.ts';
import type { JobHandler, JobOptions } from './jobs/job-scheduler.ts';
import type { MountedRoute, RouteDefinition } from './http/route.ts';
import { joinPath } from './http/router.ts';
import { defaultAccess } from './http/access.ts';
import type { Logger } from './logger.ts';
import type { AdminExtension, PluginApi, PluginInstance, SeedDataHandler, Seeder } from './plugin.ts';
import type { RuntimeConfig } from './config/define-config.ts';

/** A plugin failed; the message starts with the plugin's name so the merchant knows where to look. */
export class PluginError extends Error {
  readonly plugin: string;
  constructor(plugin: string, phase: string, cause: unknown) {
    super(`Plugin "${plugin}" failed ${phase}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PluginError';
    this.plugin = plugin;
  }
}

type Owned<T> = T & { owner: string };

/** Everything the loaded modules and plugins declared, in load order. */
export class PluginRegistry {
  readonly loaded: Array<{ name: string; version: string }> = [];
  readonly entities: EntityDefinition[] = [];
  readonly migrations: Owned<MigrationDefinition>[] = [];
  readonly routes: MountedRoute[] = [];
  readonly jobs: Array<Owned<{ name: string; handler: JobHandler<any>; options: JobOptions }>> = [];
  readonly adminExtensions: Owned<AdminExtension>[] = [];
  readonly demoSeeds: Owned<{ name: string; seeder: Seeder }>[] = [];
  readonly seedData = new Map<string, Owned<{ handler: SeedDataHandler }>>();
  readonly startHooks: Owned<{ fn: (cradle: Cradle) => Promise<void> | void }>[] = [];
  readonly stopHooks: Owned<{ fn: (cradle: Cradle) => Promise<void> | void }>[] = [];
  readonly readiness: Owned<{ name: string; check: (cradle: Cradle) => Promise<void> }>[] = [];

  private readonly container: CommerceContainer;
  private readonly events: EventBus;
  private readonly hooks: HookRegistry;
  private readonly config: RuntimeConfig;
  private readonly logger: Logger;

  constructor(deps: { container: CommerceContainer; events: EventBus; hooks: HookRegistry; config: RuntimeConfig; logger: Logger }) {
    this.container = deps.container;
    this.events = deps.events;
    this.hooks = deps.hooks;
    this.config = deps.config;
    this.logger = deps.logger;
  }

  /** Runs one plugin's `register`; anything it throws is re-thrown naming the plugin. */
  async load(plugin: PluginInstance<any>): Promise<void> {
    if (this.loaded.some((p) => p.name === plugin.name)) {
      // allowed (plugins are values), but their container keys and routes must not collide
      this.logger.debug({ plugin: plugin.name }, 'plugin listed more than once');
    }
    try {
      await plugin.register(this.#api(plugin.name), plugin.options);
    } catch (error) {
      throw error instanceof PluginError ? error : new PluginError(plugin.name, 'to register', error);
    }
    this.loaded.push({ name: plugin.name, version: plugin.version });
  }

  /** Mounts routes under a prefix; a method and path can be mounted once (built-in routes included). */
  mount(owner: string, prefix: string, routes: RouteDefinition<any>[]): void {
    if (!prefix.startsWith('/')) throw new Error(`route prefix "${prefix}" must start with /`);
    for (const route of routes) {
      const fullPath = joinPath(prefix, route.path);
      const clash = this.routes.find((r) => r.route.method === route.method && r.fullPath === fullPath);
      if (clash) throw new Error(`route ${route.method} ${fullPath} is already mounted by ${clash.owner}`);
      const access = route.access ?? defaultAccess(fullPath);
      if (!access) throw new Error(`route ${route.method} ${fullPath} must declare the permission it needs (access: { permission: '…' })`);
      this.routes.push({ owner, fullPath, route, access });
    }
  }

  #api(owner: string): PluginApi {
    const lifetimes = { singleton: Lifetime.SINGLETON, scoped: Lifetime.SCOPED, transient: Lifetime.TRANSIENT };
    const registeredKeys = () => Object.keys(this.container.registrations);
    return {
      name: owner,
      config: this.config,
      logger: this.logger.child({ plugin: owner }),
      service: (key, factory, options) => {
        if (registeredKeys().includes(String(key))) throw new Error(`container key "${String(key)}" is already registered`);
        this.container.register(String(key), asFunction(factory as (c: Cradle) => unknown, { lifetime: lifetimes[options?.lifetime ?? 'scoped'] }));
      },
      value: (key, value) => {
        if (registeredKeys().includes(String(key))) throw new Error(`container key "${String(key)}" is already registered`);
        this.container.register(String(key), asValue(value));
      },
      entities: (...entities) => this.entities.push(...entities),
      migrations: (...migrations) => {
        for (const m of migrations) {
          if (this.migrations.some((x) => x.name === m.name)) throw new Error(`migration "${m.name}" is already registered`);
          this.migrations.push({ ...m, owner });
        }
      },
      routes: (prefix, routes) => this.mount(owner, prefix, routes),
      filter: (hook, filter, options) => this.hooks.tap(hook, filter, { owner, ...(options?.priority !== undefined ? { priority: options.priority } : {}) }),
      subscribe: (event, name, handler) => this.events.subscribe(event, `${owner}/${name}`, handler),
      subscribeAll: (name, handler, accepts) => this.events.subscribeAll(`${owner}/${name}`, handler, accepts),
      job: (name, handler, options = {}) => {
        const clash = this.jobs.find((j) => j.name === name);
        if (clash) throw new Error(`job "${name}" is already defined by ${clash.owner}`);
        this.jobs.push({ name, handler, options, owner });
      },
      adminExtension: (extension) => this.adminExtensions.push({ ...extension, owner }),
      demoSeed: (name, seeder) => this.demoSeeds.push({ name, seeder, owner }),
      seedData: (key, handler) => {
        if (this.seedData.has(key)) throw new Error(`seed key "${key}" is already handled by ${this.seedData.get(key)!.owner}`);
        this.seedData.set(key, { handler, owner });
      },
      onStart: (fn) => this.startHooks.push({ fn, owner }),
      onStop: (fn) => this.stopHooks.push({ fn, owner }),
      readinessCheck: (name, check) => this.readiness.push({ name, check, owner }),
    };
  }
}
