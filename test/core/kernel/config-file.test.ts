import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ConfigError, loadConfigFile } from '@cartwright/core';
import { rejectionOf } from '../../support/rejection.ts';

const TMP = fileURLToPath(new URL('../../.tmp/', import.meta.url));
const FIXTURE_PLUGIN = fileURLToPath(new URL('../cli/fixtures/failing-register.plugin.mjs', import.meta.url));

describe('configuration files', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    mkdirSync(TMP, { recursive: true });
    dir = mkdtempSync(join(TMP, 'config-'));
    delete process.env.PORT;
    delete process.env.DATABASE_URL;
    delete process.env.LOG_LEVEL;
    delete process.env.CW_TEST_STORE_NAME;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const key of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'CW_TEST_STORE_NAME']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('finds cartwright.config.ts in the working directory and reads .env first', async () => {
    writeFileSync(join(dir, '.env'), 'CW_TEST_STORE_NAME=From dotenv\nPORT=9123\n');
    writeFileSync(
      join(dir, 'cartwright.config.ts'),
      `export default { store: { name: process.env.CW_TEST_STORE_NAME ?? 'unset' } };\n`,
    );
    const loaded = await loadConfigFile(dir);
    expect(loaded.source).to.equal(join(dir, 'cartwright.config.ts'));
    expect(loaded.input.store).to.deep.equal({ name: 'From dotenv' });
    expect(loaded.input.http?.port).to.equal(9123);
  });

  it('finds cartwright.config.js in the working directory, as an ES module or as CommonJS', async () => {
    // test/.tmp lies inside the repository, whose package.json says "type": "module"
    writeFileSync(join(dir, 'cartwright.config.js'), `export default { store: { name: 'ESM shop' } };\n`);
    const esm = await loadConfigFile(dir);
    expect(esm.source).to.equal(join(dir, 'cartwright.config.js'));
    expect(esm.input.store).to.deep.equal({ name: 'ESM shop' });

    const commonjs = join(dir, 'commonjs-project');
    mkdirSync(commonjs);
    writeFileSync(join(commonjs, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    writeFileSync(join(commonjs, 'cartwright.config.js'), `module.exports = { store: { name: 'CommonJS shop' } };\n`);
    const cjs = await loadConfigFile(commonjs);
    expect(cjs.source).to.equal(join(commonjs, 'cartwright.config.js'));
    expect(cjs.input.store).to.deep.equal({ name: 'CommonJS shop' });
  });

  it('does not let .env override a variable that is already set', async () => {
    process.env.PORT = '9555';
    writeFileSync(join(dir, '.env'), 'PORT=9123\n');
    writeFileSync(join(dir, 'cartwright.config.json'), JSON.stringify({ http: { port: 9000 } }));
    expect((await loadConfigFile(dir)).input.http?.port).to.equal(9555);
  });

  it('lets DATABASE_URL and LOG_LEVEL from the environment win over the file', async () => {
    process.env.DATABASE_URL = 'postgres://shop@db.internal:5432/shop';
    process.env.LOG_LEVEL = 'warn';
    writeFileSync(join(dir, 'cartwright.config.json'), JSON.stringify({ database: { url: 'postgres://other/x' }, logging: { level: 'debug' } }));
    const { input } = await loadConfigFile(dir);
    expect(input.database?.url).to.equal('postgres://shop@db.internal:5432/shop');
    expect(input.logging?.level).to.equal('warn');
  });

  it('loads an explicit --config path before the default names', async () => {
    writeFileSync(join(dir, 'cartwright.config.json'), JSON.stringify({ store: { name: 'default' } }));
    writeFileSync(join(dir, 'staging.json'), JSON.stringify({ store: { name: 'staging' } }));
    expect((await loadConfigFile(dir, 'staging.json')).input.store).to.deep.equal({ name: 'staging' });
    const missing = await rejectionOf(loadConfigFile(dir, 'nope.json'));
    expect(missing).to.be.instanceOf(ConfigError);
    expect(missing.message).to.include(`--config (core): file not found: ${join(dir, 'nope.json')}`);
  });

  it('resolves { resolve, options } plugin references in JSON configs to plugin instances', async () => {
    writeFileSync(join(dir, 'cartwright.config.json'), JSON.stringify({ plugins: [{ resolve: FIXTURE_PLUGIN, options: {} }] }));
    const { plugins } = await loadConfigFile(dir);
    expect(plugins.map((p) => p.name)).to.have.length(1);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ plugins: [{ resolve: '@acme/not-installed' }] }));
    const error = await rejectionOf(loadConfigFile(dir, bad));
    expect(error.message).to.match(/plugins\[0\]\.resolve \(plugin "@acme\/not-installed"\): cannot load the plugin: Cannot find module '@acme\/not-installed'$/);
  });

  it('explains a config module without a default export and a JSON file that does not parse', async () => {
    writeFileSync(join(dir, 'cartwright.config.mjs'), 'export const config = {};\n');
    expect((await rejectionOf(loadConfigFile(dir))).message).to.include('must export the configuration as its default export');
    rmSync(join(dir, 'cartwright.config.mjs'));
    writeFileSync(join(dir, 'cartwright.config.json'), '{ "store": ');
    expect((await rejectionOf(loadConfigFile(dir))).message).to.include('(file) (core): not valid JSON');
  });

  it('runs with defaults when there is no config file at all', async () => {
    const loaded = await loadConfigFile(dir);
    expect(loaded.source).to.equal(undefined);
    expect(loaded.plugins).to.deep.equal([]);
  });
});
