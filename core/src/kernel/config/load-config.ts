import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import { isPluginInstance, type PluginInstance } from '../plugin.ts';
import type { CommerceConfigInput, PluginReference } from './define-config.ts';
import { ConfigError } from './validate-config.ts';

export const CONFIG_FILE_NAMES = ['cartwright.config.ts', 'cartwright.config.mts', 'cartwright.config.js', 'cartwright.config.mjs', 'cartwright.config.json'];

/** Finds the config file: the explicit path, else the first known name in `cwd`. */
export function findConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit) {
    const path = isAbsolute(explicit) ? explicit : resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError([{ path: '--config', owner: 'core', message: `file not found: ${path}` }]);
    return path;
  }
  return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

/** Reads `.env` into `process.env` without overriding variables that are already set. */
export function loadDotEnv(cwd: string): void {
  const path = resolve(cwd, '.env');
  if (existsSync(path)) process.loadEnvFile(path);
}

export interface LoadedConfig {
  input: CommerceConfigInput;
  plugins: PluginInstance[];
  source: string | undefined;
}

/** Loads the config file (TypeScript runs through Node's type stripping) and resolves plugin references. */
export async function loadConfigFile(cwd: string, explicit?: string): Promise<LoadedConfig> {
  loadDotEnv(cwd);
  const source = findConfigFile(cwd, explicit);
  let input: CommerceConfigInput = {};
  if (source) {
    if (source.endsWith('.json')) {
      try {
        input = JSON.parse(await readFile(source, 'utf8')) as CommerceConfigInput;
      } catch (error) {
        throw new ConfigError([{ path: '(file)', owner: 'core', message: `not valid JSON: ${(error as Error).message}` }], source);
      }
    } else {
      const mod = (await import(pathToFileURL(source).href)) as { default?: CommerceConfigInput };
      if (!mod.default || typeof mod.default !== 'object') {
        throw new ConfigError([{ path: '(file)', owner: 'core', message: 'must export the configuration as its default export (export default defineConfig({...}))' }], source);
      }
      input = mod.default;
    }
  }
  const plugins = await resolvePlugins(input.plugins ?? [], source ? dirname(source) : cwd, source);
  return { input: applyEnvironment(input), plugins, source };
}

async function resolvePlugins(entries: Array<PluginInstance | PluginReference>, baseDir: string, source?: string): Promise<PluginInstance[]> {
  const require = createRequire(resolve(baseDir, 'noop.js'));
  const plugins: PluginInstance[] = [];
  for (const [index, entry] of entries.entries()) {
    if (isPluginInstance(entry)) {
      plugins.push(entry);
      continue;
    }
    const ref = entry as PluginReference;
    if (!ref || typeof ref.resolve !== 'string') {
      throw new ConfigError([{ path: `plugins[${index}]`, owner: 'core', message: 'expected a plugin or { "resolve": "<package>", "options": {...} }' }], source);
    }
    let factory: unknown;
    try {
      const target = ref.resolve.startsWith('.') ? resolve(baseDir, ref.resolve) : require.resolve(ref.resolve);
      factory = ((await import(pathToFileURL(target).href)) as { default?: unknown }).default;
    } catch (error) {
      throw new ConfigError([{ path: `plugins[${index}].resolve`, owner: ref.resolve, message: `cannot load the plugin: ${(error as Error).message.split('\n')[0]}` }], source);
    }
    const instance = typeof factory === 'function' ? (factory as (o: unknown) => unknown)(ref.options ?? {}) : undefined;
    if (!isPluginInstance(instance)) {
      throw new ConfigError([{ path: `plugins[${index}].resolve`, owner: ref.resolve, message: 'the package does not default-export a plugin factory' }], source);
    }
    plugins.push(instance);
  }
  return plugins;
}

/** Secrets and deployment settings come from the environment: they win over the file. */
export function applyEnvironment(input: CommerceConfigInput, env: NodeJS.ProcessEnv = process.env): CommerceConfigInput {
  const out: CommerceConfigInput = {
    ...input,
    http: { ...input.http },
    database: { ...input.database },
    logging: { ...input.logging },
    auth: { ...input.auth, jwt: { ...input.auth?.jwt } },
  };
  if (env.JWT_SECRET) out.auth!.jwt!.secret = env.JWT_SECRET;
  if (env.JWT_PRIVATE_KEY) out.auth!.jwt!.privateKey = env.JWT_PRIVATE_KEY;
  if (env.JWT_PUBLIC_KEY) out.auth!.jwt!.publicKey = env.JWT_PUBLIC_KEY;
  if (env.DATABASE_URL) out.database!.url = env.DATABASE_URL;
  if (env.NOTIFICATIONS_SECRET) out.notifications = { ...input.notifications, unsubscribe: { ...input.notifications?.unsubscribe, secret: env.NOTIFICATIONS_SECRET } };
  if (env.PORT && /^\d+$/.test(env.PORT)) out.http!.port = Number(env.PORT);
  if (env.LOG_LEVEL) out.logging!.level = env.LOG_LEVEL as never;
  return out;
}
