import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CONFIG_OPTION, parseCommandArgs } from './args.ts';
import type { Command } from './command.ts';
import { loadStoreConfig, withStore } from './open-store.ts';

const options = { ...CONFIG_OPTION, output: { type: 'string', short: 'o' } } as const;

export const openapiCommand: Command = {
  name: 'openapi',
  summary: 'Print or write the OpenAPI 3.1 document',
  help: `Usage: cartwright openapi [--output <file>] [--config <path>]

Prints the OpenAPI 3.1 document of the configured store (core and plugin routes) as JSON, or
writes it to a file. Starts no server and no jobs, and needs no database server.

Options:
  -o, --output <file>  Write the document to this file instead of standard output
  -c, --config <path>  Config file (default: cartwright.config.{ts,mts,js,mjs,json} in the current directory)
  -h, --help           Show this help`,
  async run(args, context) {
    const { values } = parseCommandArgs(args, options);
    const { input, plugins } = await loadStoreConfig(context, values.config);
    const { url: _unused, ...database } = input.database ?? {};
    const document = await withStore(
      {
        plugins,
        input: {
          ...input,
          // The document is built from route schemas alone: an in-memory database lets it be
          // generated where no database server is reachable (CI) and leaves no data directory.
          database: { ...database, dataDir: 'memory://' },
          // Logs go to stdout, where they would corrupt the JSON.
          ...(values.output === undefined ? { logging: { ...input.logging, level: 'silent' } } : {}),
        },
      },
      async (commerce) => commerce.openapi(),
    );
    const json = `${JSON.stringify(document, null, 2)}\n`;
    if (values.output === undefined) {
      context.out(json.trimEnd());
      return 0;
    }
    const path = resolve(context.cwd, values.output);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, json);
    context.out(`Wrote the OpenAPI document to ${path}`);
    return 0;
  },
};
