import { expect } from 'chai';
import { CliWorkspace, FIXTURES } from './fixtures/cli-harness.ts';

describe('cartwright CLI: configuration errors', () => {
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
        '  - plugins[0].options.apiKey (plugin "@cartwright-test/required-option"): is required but missing',
        '',
      ].join('\n'),
    );
  });

  it('names a plugin that fails to register, without a stack trace, and exits 1', async () => {
    await workspace.write('cartwright.config.json', JSON.stringify({ plugins: [{ resolve: `${FIXTURES}/failing-register.plugin.mjs` }] }));
    const result = await workspace.run(['openapi']);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.equal('Plugin "@cartwright-test/failing-register" failed to register: cannot reach the vendor sandbox\n');
  });
});
