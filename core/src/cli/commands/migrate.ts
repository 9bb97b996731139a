import { CONFIG_OPTION, parseCommandArgs } from './args.ts';
import type { Command } from './command.ts';
import { loadStoreConfig, withStore } from './open-store.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations',
  help: `Usage: cartwright migrate [--config <path>]

Applies every pending migration of core and of the configured plugins, in order, and prints
the name of each one applied (or "Nothing to migrate").

Options:
  -c, --config <path>  Config file (default: cartwright.config.{ts,mts,js,mjs,json} in the current directory)
  -h, --help           Show this help`,
  async run(args, context) {
    const { values } = parseCommandArgs(args, CONFIG_OPTION);
    const config = await loadStoreConfig(context, values.config);
    const applied = await withStore(config, (commerce) => commerce.migrate());
    if (applied.length === 0) context.out('Nothing to migrate');
    for (const name of applied) context.out(`Applied migration ${name}`);
    return 0;
  },
};
