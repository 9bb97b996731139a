/** Where a command reads and writes: injectable so commands can be run in-process. */
export interface CliContext {
  /** Where the config file, `.env` and relative file arguments are looked up. */
  cwd: string;
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  summary: string;
  /** The full `--help` text. */
  help: string;
  /** Returns the exit code; throws `UsageError` for bad arguments and `CliError` for expected failures. */
  run(args: string[], context: CliContext): Promise<number>;
}

/** Bad command-line arguments: reported with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected failure (a missing file, pending migrations, a port in use): message only, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
