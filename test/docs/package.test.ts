import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const node = process.execPath;

describe('the published @cartwright/core package', function () {
  this.timeout(120_000);

  before(async () => {
    await run('npm', ['run', 'build', '--silent', '-w', 'core'], { cwd: root });
  });

  it('packs compiled JavaScript, type declarations and the CLI, not the TypeScript sources', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '-w', 'core'], { cwd: root });
    const files: string[] = JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
    expect(files).to.include.members(['package.json', 'README.md', 'bin/cartwright.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/testing/index.js', 'dist/src/testing/media-storage-conformance.d.ts', 'dist/migrations/index.js']);
    expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).to.deep.equal([]);
  });

  it('runs from the compiled files without the source condition (as users get it from npm)', async () => {
    const script = `
      const { createCommerce, CORE_VERSION } = await import('@cartwright/core');
      const url = import.meta.resolve('@cartwright/core');
      const testing = await import('@cartwright/core/testing');
      const store = await createCommerce({ database: { dataDir: 'memory://' }, logging: { level: 'silent' }, jobs: { enabled: false } });
      const started = await store.start({ port: 0, host: '127.0.0.1' });
      const health = await (await fetch(started.url + '/health')).json();
      await store.stop();
      console.log(JSON.stringify({ url, health, CORE_VERSION, kit: typeof testing.describeMediaStorageConformance }));`;
    const { stdout } = await run(node, ['--input-type=module', '-e', script], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.url).to.match(/\/core\/dist\/src\/index\.js$/);
    expect(result.health).to.deep.equal({ status: 'ok' });
    expect(result.CORE_VERSION).to.equal('0.1.0');
    expect(result.kit, 'the conformance kits ship compiled in @cartwright/core/testing').to.equal('function');
  });

  it('runs the cartwright command from the compiled files', async () => {
    const { stdout } = await run(node, ['core/bin/cartwright.js', '--help'], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(stdout).to.include('user:create');
  });
});
