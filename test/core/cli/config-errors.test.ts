import { mkdir } from 'node:fs/promises';
import { expect } from 'chai';
import { CliWorkspace, FIXTURES } from './fixtures/cli-harness.ts';

describe('cartwright CLI: configuration errors', function () {
  // bounds hung children; `openapi` builds a whole store in memory
  this.timeout(180_000);

  let workspace: CliWorkspace;
  beforeEach(async () => {
    workspace = await CliWorkspace.create({ database: false });
  });
  afterEach(async () => {
    await workspace.dispose();
  });

  it('lists every invalid key of the config file at once, without a stack trace, and exits 1', async () => {
    await workspace.write('cartwright.config.json', JSON.stringify({ http: { port: 'abc' }, colour: 'blue' }));
    const result = await workspace.run(['migrate']);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.equal(
      [
        `Invalid configuration in ${workspace.path('cartwright.config.json')}:`,
        '  - colour (core): is not a known option (known: store, http, database, events, jobs, auth, catalog, tax, inventory, carts, shipping, notifications, returns, media, search, webhooks, logging, plugins)',
        '  - http.port (core): expected integer, got string',
        '',
      ].join('\n'),
    );
  });

  it('names the plugin and the key of a missing plugin option (TypeScript config)', async () => {
    await workspace.write(
      'cartwright.config.ts',
      [
        "import { defineConfig } from '@cartwright/core';",
        `import requiredOption from '${FIXTURES}/required-option.plugin.ts';`,
        'export default defineConfig({ plugins: [requiredOption({} as { apiKey: string })] });',
      ].join('\n'),
    );
    const result = await workspace.run(['user:create', '--email', 'a@example.com', '--role', 'admin']);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(
      [
        `Invalid configuration in ${workspace.path('cartwright.config.ts')}:`,
        '  - plugins[0].options.apiKey (plugin "@cartwright-test/required-option"): is required but missing (expected string)',
        '',
      ].join('\n'),
    );
  });

  it('reads the file named by --config or -c instead of the one in the working directory', async () => {
    await workspace.write('cartwright.config.json', JSON.stringify({ store: { name: 'Default Shop' } }));
    await mkdir(workspace.path('configs'));
    await workspace.write('configs/staging.json', JSON.stringify({ store: { name: 'Staging Shop' } }));
    await workspace.write('configs/broken.mjs', "export default { http: { port: 'eighty' } };\n");

    const staging = await workspace.run(['openapi', '--config', 'configs/staging.json']);
    expect(staging.code, staging.stderr).to.equal(0);
    expect((JSON.parse(staging.stdout) as { info: { title: string } }).info.title).to.equal('Staging Shop API');

    const broken = await workspace.run(['migrate', '-c', 'configs/broken.mjs']);
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.equal(`Invalid configuration in ${workspace.path('configs/broken.mjs')}:\n  - http.port (core): expected integer, got string\n`);

    const missing = await workspace.run(['openapi', '--config', 'configs/nope.json']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.equal(`Invalid configuration:\n  - --config (core): file not found: ${workspace.path('configs/nope.json')}\n`);
  });

  it('names a plugin that fails to register, without a stack trace, and exits 1', async () => {
    await workspace.write('cartwright.config.json', JSON.stringify({ plugins: [{ resolve: `${FIXTURES}/failing-register.plugin.mjs` }] }));
    const result = await workspace.run(['openapi']);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.equal('Plugin "@cartwright-test/failing-register" failed to register: cannot reach the vendor sandbox\n');
  });
});
