import type { CoreConfig } from './config.schema.ts';
import type { PluginInstance } from '../plugin.ts';

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A plugin named by package, for JSON configs: its default export is called with `options`. */
export interface PluginReference {
  resolve: string;
  options?: Record<string, unknown>;
}

/** What a merchant writes: any part of the configuration; everything left out takes its default. */
export type CommerceConfigInput = DeepPartial<Omit<CoreConfig, 'plugins'>> & {
  plugins?: Array<PluginInstance<any> | PluginReference>;
};

/** The complete configuration a running store uses: defaults filled in, plugins resolved. */
export type RuntimeConfig = Omit<CoreConfig, 'plugins'> & {
  plugins: PluginInstance<any>[];
  /** The file the configuration came from, if any (for messages). */
  source?: string;
};

/** Types a configuration file's export. */
export function defineConfig(config: CommerceConfigInput): CommerceConfigInput {
  return config;
}
