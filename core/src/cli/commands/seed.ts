import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Commerce } from '../../kernel/commerce.ts';
import { CONFIG_OPTION, parseCommandArgs } from './args.ts';
import { CliError, UsageError, type Command } from './command.ts';
import { ensureSchema, loadStoreConfig, withStore } from './open-store.ts';

/**
 * The default export of a seed script (`cartwright seed ./seed.ts`). It receives the store built
 * from the config, migrated but not listening, and must not stop it.
 *
 * @example
 * ```ts
 * export default async function seed({ commerce }: SeedScriptContext) {
 *   await commerce.withScope((scope) => scope.cradle.userService.create({ email: 'ops@example.com', role: 'staff', password: process.env.OPS_PASSWORD! }));
 * }
 * ```
 */
export interface SeedScriptContext {
  commerce: Commerce;
}

type SeedScript = (context: SeedScriptContext) => unknown;

const SCRIPT_EXTENSIONS = ['.js', '.mjs', '.ts', '.mts'];

type SeedSource =
  | { kind: 'demo' }
  | { kind: 'data'; path: string; document: Record<string, unknown> }
  | { kind: 'script'; path: string; seed: SeedScript };

/** Reads the file before the store is built, so a bad file fails fast without opening the database. */
async function readSeedSource(target: string, cwd: string): Promise<SeedSource> {
  if (target === 'demo') return { kind: 'demo' };
  const path = resolve(cwd, target);
  const extension = extname(path).toLowerCase();
  if (extension !== '.json' && !SCRIPT_EXTENSIONS.includes(extension)) {
    throw new UsageError(`Cannot seed from "${target}": expected demo, a .json file, or a ${SCRIPT_EXTENSIONS.join('/')} script`);
  }
  if (!existsSync(path)) throw new CliError(`Seed file not found: ${path}`);
  if (extension === '.json') {
    let document: unknown;
    try {
      document = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new CliError(`Seed file ${path} is not valid JSON: ${(error as Error).message}`);
    }
    if (!document || typeof document !== 'object' || Array.isArray(document)) {
      throw new CliError(`Seed file ${path} must hold a JSON object whose keys name what to seed, e.g. { "users": [...] }`);
    }
    return { kind: 'data', path, document: document as Record<string, unknown> };
  }
  const seed = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  if (typeof seed !== 'function') {
    throw new CliError(`Seed script ${path} must default-export a function; it is called with { commerce }`);
  }
  return { kind: 'script', path, seed: seed as SeedScript };
}

export const seedCommand: Command = {
  name: 'seed',
  summary: 'Load demo data or a seed file (JSON or script)',
  help: `Usage: cartwright seed <demo|file> [--config <path>]

  cartwright seed demo         Runs the demo seeders of core and every configured plugin
  cartwright seed data.json    Gives each top-level key to the module that handles it,
                               e.g. { "users": [{ "email": "a@example.com", "role": "staff", "password": "…" }] }
  cartwright seed seed.ts      Imports the script (.js, .mjs, .ts, .mts) and calls its default
                               export with { commerce }: the store, migrated but not listening.
                               It can use commerce.withScope(async (scope) => ...) to reach services.

Pending migrations are applied first when database.autoMigrate is on (the default for the
embedded database).

Options:
  -c, --config <path>  Config file (default: cartwright.config.{ts,mts,js,mjs,json} in the current directory)
  -h, --help           Show this help`,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, CONFIG_OPTION, { maxPositionals: 1 });
    const [target] = positionals;
    if (!target) throw new UsageError('Missing what to seed: demo or a file');
    const source = await readSeedSource(target, context.cwd);
    const config = await loadStoreConfig(context, values.config);
    await withStore(config, async (commerce) => {
      await ensureSchema(commerce, context);
      if (source.kind === 'demo') {
        const seeded = await commerce.seedDemo();
        if (seeded.length === 0) context.out('No demo seeders are registered');
        for (const name of seeded) context.out(`Seeded ${name}`);
      } else if (source.kind === 'data') {
        for (const key of await commerce.seedData(source.document)) context.out(`Seeded ${key}`);
      } else {
        await source.seed({ commerce });
        context.out(`Ran seed script ${source.path}`);
      }
    });
    return 0;
  },
};
