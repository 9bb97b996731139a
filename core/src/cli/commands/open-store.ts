import { createCommerce, type Commerce } from '../../kernel/commerce.ts';
import type { CommerceConfigInput, RuntimeConfig } from '../../kernel/config/define-config.ts';
import { loadConfigFile } from '../../kernel/config/load-config.ts';
import { validateConfig } from '../../kernel/config/validate-config.ts';
import type { PluginInstance } from '../../kernel/plugin.ts';
import { CliError, type CliContext } from './command.ts';

export interface StoreConfig {
  input: CommerceConfigInput;
  plugins: PluginInstance[];
  /** The validated configuration, for decisions taken before the store is built. */
  runtime: RuntimeConfig;
}

/**
 * Loads and validates the configuration without building the store. Validating here, with the
 * file's path, makes config errors name the file (createCommerce is not told where the config came from)
 * and lets commands refuse early, before the database is opened.
 */
export async function loadStoreConfig(context: CliContext, configPath: string | undefined): Promise<StoreConfig> {
  const { input, plugins, source } = await loadConfigFile(context.cwd, configPath);
  return { input, plugins, runtime: validateConfig(input, plugins, source) };
}

export function buildStore({ input, plugins }: Pick<StoreConfig, 'input' | 'plugins'>): Promise<Commerce> {
  return createCommerce({ ...input, plugins });
}

/** Builds the store, runs `fn`, and always stops the store so the process can exit on its own. */
export async function withStore<T>(config: Pick<StoreConfig, 'input' | 'plugins'>, fn: (commerce: Commerce) => Promise<T>): Promise<T> {
  const commerce = await buildStore(config);
  let result: T;
  try {
    result = await fn(commerce);
  } catch (error) {
    await commerce.stop().catch(() => undefined);
    throw error;
  }
  await commerce.stop();
  return result;
}

/**
 * Brings the schema up to date the way `start` does: applies pending migrations when
 * `database.autoMigrate` is on (the default for the embedded database), otherwise refuses to
 * work on an outdated schema.
 */
export async function ensureSchema(commerce: Commerce, context: CliContext): Promise<void> {
  const autoMigrate = commerce.config.database.autoMigrate ?? commerce.database.kind === 'embedded';
  if (autoMigrate) {
    for (const name of await commerce.migrate()) context.out(`Applied migration ${name}`);
    return;
  }
  const pending = await commerce.database.pendingMigrations();
  if (pending.length) {
    throw new CliError(
      `The database has ${pending.length} pending migration(s): ${pending.join(', ')}.\nRun \`cartwright migrate\` first, or set database.autoMigrate to true.`,
    );
  }
}
