import { AppError } from '../kernel/errors.ts';
import { ConfigError } from '../kernel/config/validate-config.ts';
import { PluginError } from '../kernel/plugin-registry.ts';
import { DataDirectoryInUseError } from '../kernel/db/embedded-database.ts';
import { CORE_VERSION } from '../kernel/version.ts';
import { wantsHelp } from './commands/args.ts';
import { CliError, UsageError, type CliContext, type Command } from './commands/command.ts';
import { migrateCommand } from './commands/migrate.ts';
import { openapiCommand } from './commands/openapi.ts';
import { searchReindexCommand } from './commands/search-reindex.ts';
import { seedCommand } from './commands/seed.ts';
import { startCommand } from './commands/start.ts';
import { userCreateCommand } from './commands/user-create.ts';

export type { CliContext } from './commands/command.ts';
export type { SeedScriptContext } from './commands/seed.ts';

export const COMMANDS: readonly Command[] = [startCommand, migrateCommand, seedCommand, userCreateCommand, openapiCommand, searchReindexCommand];

const USAGE = `Usage: cartwright <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(16)}${c.summary}`).join('\n')}

Options:
  -h, --help     Show this help; \`cartwright <command> --help\` shows a command's options
  -v, --version  Print the version

The configuration is read from cartwright.config.{ts,mts,js,mjs,json} in the current directory
(or --config <path>) and from .env; DATABASE_URL, PORT and LOG_LEVEL in the environment override it.`;

function processContext(): CliContext {
  return {
    cwd: process.cwd(),
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}

/** Messages the operator can act on are shown alone; anything else is a bug and keeps its stack. */
function report(error: unknown, command: Command, context: CliContext): number {
  if (error instanceof UsageError) {
    context.err(`${error.message}\n\n${command.help}`);
    return 2;
  }
  if (error instanceof ConfigError || error instanceof CliError || error instanceof DataDirectoryInUseError || (error instanceof AppError && error.expose)) {
    context.err(error.message);
    return 1;
  }
  if (error instanceof PluginError) {
    context.err(error.message);
    // the plugin's own bug is in the cause; show where it is when asked for detail
    const cause = error.cause instanceof Error ? error.cause.stack : undefined;
    if (cause && /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '')) context.err(`Caused by: ${cause}`);
    return 1;
  }
  context.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
}

/** Runs the `cartwright` command line and returns the exit code. */
export async function main(argv: string[], context: CliContext = processContext()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    context.err(USAGE);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === args[0]) : undefined;
    context.out(topic ? topic.help : USAGE);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    context.out(CORE_VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    context.err(`Unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (wantsHelp(args)) {
    context.out(command.help);
    return 0;
  }
  try {
    return await command.run(args, context);
  } catch (error) {
    return report(error, command, context);
  }
}
