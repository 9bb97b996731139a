import { expect } from 'chai';
import { CliWorkspace, FIXTURES, freePort, jsonConfig } from './fixtures/cli-harness.ts';

const withPostgres = Boolean(process.env.DATABASE_URL);

describe('cartwright CLI: start', function () {
  this.timeout(180_000);

  let workspace: CliWorkspace;
  afterEach(async () => {
    await workspace?.dispose();
  });

  it('listens on --port over PORT and the config, prints its URLs, answers /health, and exits 0 on SIGTERM', async () => {
    workspace = await CliWorkspace.create({ files: { 'cartwright.config.json': jsonConfig({ http: { port: 1 } }) } });
    const port = await freePort();
    const server = workspace.spawn(['start', '--port', String(port), '--host', '127.0.0.1'], { PORT: '2' });

    await server.waitForOutput(/^ {2}Health +\S+$/m);
    const base = `http://127.0.0.1:${port}`;
    expect(server.stdout).to.contain(
      [`  API       ${base}`, `  API docs  ${base}/docs`, `  OpenAPI   ${base}/openapi.json`, `  Health    ${base}/health`].join('\n'),
    );
    const health = await fetch(`${base}/health`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.deep.equal({ status: 'ok' });

    server.child.kill('SIGTERM');
    const result = await server.exit();
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.equal('');
  });

  it('lets a request in flight finish on SIGTERM before exiting 0', async () => {
    workspace = await CliWorkspace.create({
      files: {
        'cartwright.config.mjs': [
          "import { defineConfig } from '@cartwright/core';",
          `import slowRoute from '${FIXTURES}/slow-route.plugin.mjs';`,
          'export default defineConfig({ database: { autoMigrate: true }, plugins: [slowRoute()] });',
        ].join('\n'),
      },
    });
    const server = workspace.spawn(['start', '--port', '0', '--host', '127.0.0.1']);
    const [, base] = (await server.waitForOutput(/^ {2}API +(\S+)$/m)) as unknown as [string, string];

    const response = fetch(`${base}/test/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await server.waitForOutput(/^slow request started$/m);
    server.child.kill('SIGTERM');

    expect(await response).to.deep.equal({ status: 200, body: { finished: true } });
    const result = await server.exit();
    expect(result.code, result.stderr).to.equal(0);
  });

  (withPostgres ? it.skip : it)('start --worker refuses the embedded database with a message asking for PostgreSQL (embedded only: skipped when DATABASE_URL is set)', async () => {
    workspace = await CliWorkspace.create({ files: { 'cartwright.config.json': jsonConfig() }, database: false });
    const result = await workspace.run(['start', '--worker']);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.match(/^A worker needs PostgreSQL: set DATABASE_URL \(or database\.url in the config\)\.\nThe embedded database \(PGlite\) can be opened by only one process/);
    expect(result.stderr).to.not.match(/\n\s+at /);
  });

  (withPostgres ? it : it.skip)('start --worker runs jobs without HTTP and stops on SIGTERM (needs PostgreSQL: skipped when DATABASE_URL is unset)', async () => {
    workspace = await CliWorkspace.create({ files: { 'cartwright.config.json': jsonConfig() } });
    const worker = workspace.spawn(['start', '--worker']);
    await worker.waitForOutput(/worker started, running background jobs and event delivery \(no HTTP\)$/m);
    expect(worker.stdout).to.not.contain('http://');

    worker.child.kill('SIGTERM');
    const result = await worker.exit();
    expect(result.code, result.stderr).to.equal(0);
  });
});
