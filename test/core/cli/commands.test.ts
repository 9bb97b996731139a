import { expect } from 'chai';
import { coreMigrations } from '../../../core/migrations/index.ts';
import { CliWorkspace, FIXTURES, jsonConfig } from './fixtures/cli-harness.ts';

describe('cartwright CLI: store commands', function () {
  // each test runs a few real processes; on a fresh embedded database the first one initialises it
  this.timeout(180_000);

  let workspace: CliWorkspace;
  afterEach(async () => {
    await workspace?.dispose();
  });

  it('migrate applies pending migrations once, and other commands refuse to run before them when autoMigrate is off', async () => {
    workspace = await CliWorkspace.create({ files: { 'cartwright.config.json': jsonConfig({ database: { autoMigrate: false } }) } });

    const refused = await workspace.run(['user:create', '--email', 'early@example.com', '--role', 'admin']);
    expect(refused.code).to.equal(1);
    const names = coreMigrations.map((m) => m.name);
    expect(refused.stderr.startsWith(`The database has ${names.length} pending migration(s): ${names.join(', ')}.\nRun \`cartwright migrate\` first`), refused.stderr).to.equal(true);

    const first = await workspace.run(['migrate']);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.equal(names.map((name) => `Applied migration ${name}\n`).join(''));

    const second = await workspace.run(['migrate']);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.equal('Nothing to migrate\n');
  });

  it('user:create prints a generated password once, and refuses a duplicate email and a weak password', async () => {
    workspace = await CliWorkspace.create({ files: { 'cartwright.config.json': jsonConfig() } });

    const created = await workspace.run(['user:create', '--email', 'Owner@Example.com', '--role', 'admin', '--name', 'Owner']);
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.match(/^Created admin account owner@example\.com \(id usr_\w+, status active\)$/m);
    const passwords = [...created.stdout.matchAll(/^Generated password \(shown only once, store it now\): (\S+)$/gm)];
    expect(passwords).to.have.length(1);
    expect(passwords[0]![1]).to.have.length.of.at.least(10);

    const duplicate = await workspace.run(['user:create', '--email', 'owner@example.com', '--role', 'staff']);
    expect(duplicate.code).to.equal(1);
    expect(duplicate.stdout).to.not.contain('Created');
    expect(duplicate.stderr).to.equal('An account with owner@example.com already exists\n');

    const weak = await workspace.run(['user:create', '--email', 'clerk@example.com', '--role', 'staff', '--password', 'short']);
    expect(weak.code).to.equal(1);
    expect(weak.stderr).to.equal('The password must be at least 10 characters long\n');
  });

  it('seed loads a JSON file into the modules that handle its keys, and runs a seed script with { commerce }', async () => {
    workspace = await CliWorkspace.create({
      files: {
        'cartwright.config.json': jsonConfig(),
        'seed.json': JSON.stringify({ users: [{ email: 'seeded@example.com', role: 'vendor', password: 'a sufficiently long passphrase' }] }),
      },
    });

    const seeded = await workspace.run(['seed', 'seed.json']);
    expect(seeded.code, seeded.stderr).to.equal(0);
    expect(seeded.stdout).to.match(/^Seeded users$/m);

    const script = await workspace.run(['seed', `${FIXTURES}/find-user.seed.mjs`]);
    expect(script.code, script.stderr).to.equal(0);
    expect(script.stdout).to.contain('found seeded@example.com (vendor)\n');
    expect(script.stdout).to.contain(`Ran seed script ${FIXTURES}/find-user.seed.mjs`);
  });

  it('openapi prints the OpenAPI 3.1 document', async () => {
    // openapi builds its store on an in-memory database: no database of the workspace's own is needed
    workspace = await CliWorkspace.create({ files: { 'cartwright.config.json': jsonConfig({ store: { name: 'Test shop' } }) }, database: false });

    const printed = await workspace.run(['openapi']);
    expect(printed.code, printed.stderr).to.equal(0);
    const document = JSON.parse(printed.stdout);
    expect(document.openapi).to.equal('3.1.0');
    expect(document.info.title).to.equal('Test shop API');
    expect(document.paths['/health']).to.have.property('get');
  });
});
