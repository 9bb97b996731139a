import { expect } from 'chai';
import { COMMANDS, main, type CliContext } from '@cartwright/core/cli';
import { CliWorkspace } from './fixtures/cli-harness.ts';

/** Runs the CLI in this process, for what needs no store (help and argument errors). */
async function runInProcess(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const context: CliContext = { cwd: process.cwd(), out: (text) => (stdout += `${text}\n`), err: (text) => (stderr += `${text}\n`) };
  const code = await main(argv, context);
  return { code, stdout, stderr };
}

describe('cartwright CLI: usage', () => {
  // neither test opens a store, so they can share a directory
  let workspace: CliWorkspace;
  before(async () => {
    workspace = await CliWorkspace.create({ database: false });
  });
  after(async () => {
    await workspace?.dispose();
  });

  it('lists every command with --help and exits 0', async () => {
    const result = await workspace.run(['--help']);
    expect(result.code).to.equal(0);
    expect(result.stderr).to.equal('');
    for (const name of ['start', 'migrate', 'seed', 'user:create', 'openapi']) expect(result.stdout).to.match(new RegExp(`^  ${name} `, 'm'));
  });

  it('prints the usage on stderr and exits 2 for an unknown command', async () => {
    const result = await workspace.run(['deploy']);
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.contain('Unknown command "deploy"').and.contain('Usage: cartwright <command>');
  });

  for (const name of ['start', 'migrate', 'seed', 'user:create', 'openapi']) {
    it(`prints the usage of ${name} with --help and exits 0`, async () => {
      const result = await runInProcess([name, '--help']);
      expect(result.code).to.equal(0);
      expect(result.stderr).to.equal('');
      expect(result.stdout).to.match(new RegExp(`^Usage: cartwright ${name}\\b`));
      expect(result.stdout).to.contain('-h, --help');
    });
  }

  it('shows help for --help even next to arguments it would reject', async () => {
    const result = await runInProcess(['user:create', '--bogus', '-h']);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/^Usage: cartwright user:create/);
  });

  it('prints a command\'s help with `cartwright help <command>`', async () => {
    const result = await runInProcess(['help', 'seed']);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal(`${COMMANDS.find((c) => c.name === 'seed')!.help}\n`);
  });

  it('rejects an unknown flag with the command\'s usage on stderr and exit code 2', async () => {
    const result = await runInProcess(['migrate', '--force']);
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.contain("Unknown option '--force'").and.contain('Usage: cartwright migrate');
  });

  it('rejects missing required options and bad values with exit code 2', async () => {
    const noEmail = await runInProcess(['user:create', '--role', 'admin']);
    expect(noEmail.code).to.equal(2);
    expect(noEmail.stderr).to.match(/^Missing required option --email\n\nUsage: cartwright user:create/);

    const badPort = await runInProcess(['start', '--port', 'http']);
    expect(badPort.code).to.equal(2);
    expect(badPort.stderr).to.match(/^--port must be an integer from 0 to 65535, got "http"/);

    const noTarget = await runInProcess(['seed']);
    expect(noTarget.code).to.equal(2);
    expect(noTarget.stderr).to.match(/^Missing what to seed: demo or a file/);

    const workerPort = await runInProcess(['start', '--worker', '--port', '9000']);
    expect(workerPort.code).to.equal(2);
    expect(workerPort.stderr).to.match(/^--port and --host do not apply to --worker/);
  });

  it('exits 2 with the usage when no command is given', async () => {
    const result = await runInProcess([]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/^Usage: cartwright <command>/);
  });
});
