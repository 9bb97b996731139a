import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './command.ts';

/** The `--config` option every command that opens the store accepts. */
export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const;

/** Whether `--help`/`-h` appears before any `--` terminator (checked before parsing, so help wins over bad arguments). */
export function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Strict `parseArgs`: an unknown flag, a missing value or too many positionals is a `UsageError`. */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig>(args: string[], options: O, { maxPositionals = 0 } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
  const extra = parsed.positionals.slice(maxPositionals);
  if (extra.length) throw new UsageError(`Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(' ')}`);
  return parsed;
}

export function requireOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`Missing required option ${flag}`);
  return value;
}

export function parsePort(value: string, flag = '--port'): number {
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`${flag} must be an integer from 0 to 65535, got "${value}"`);
  return port;
}
