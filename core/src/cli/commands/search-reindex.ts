import { runReindex } from '../../modules/search/sync/reindex.ts';
import { CONFIG_OPTION, parseCommandArgs } from './args.ts';
import { CliError, type Command } from './command.ts';
import { ensureSchema, loadStoreConfig, withStore } from './open-store.ts';

export const searchReindexCommand: Command = {
  name: 'search:reindex',
  summary: 'Rebuild the search index from the catalog',
  help: `Usage: cartwright search:reindex [--config <path>]

Rebuilds the search index of the configured provider (search.provider) from every published
product, printing progress after each batch and the totals at the end. Search keeps answering
from the current index until the new one is complete. Refuses while another reindex runs (one
started from the admin, POST /admin/search/reindex, or by another process).

Options:
  -c, --config <path>  Config file (default: cartwright.config.{ts,mts,js,mjs,json} in the current directory)
  -h, --help           Show this help`,
  async run(args, context) {
    const { values } = parseCommandArgs(args, CONFIG_OPTION);
    const config = await loadStoreConfig(context, values.config);
    const result = await withStore(config, async (commerce) => {
      await ensureSchema(commerce, context);
      return commerce.withScope(async ({ cradle }) => {
        try {
          const provider = await cradle.searchProviders.active();
          context.out(`Reindexing with ${provider.name} (search.provider ${provider.id})`);
          return await runReindex(cradle.em, cradle, (documents) => context.out(`Indexed ${documents} products`));
        } catch (error) {
          throw new CliError(`The reindex failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    });
    if (!result.started) {
      throw new CliError(`A reindex started at ${result.runningSince} is still running; wait for it to finish (GET /admin/search/status shows it)`);
    }
    const { indexed, removed } = result.progress;
    context.out(`Reindexed ${indexed} product${indexed === 1 ? '' : 's'}; removed ${removed} that ${removed === 1 ? 'is' : 'are'} no longer published`);
    return 0;
  },
};
