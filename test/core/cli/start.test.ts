import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { expect } from 'chai';
import { createCommerce } from '@cartwright/core';
import { eventually } from '@cartwright/core/testing';
import markerJob, { MARKER_JOB } from './fixtures/marker-job.plugin.ts';
import { CliWorkspace, FIXTURES, freePort, jsonConfig } from './fixtures/cli-harness.ts';

const withPostgres = Boolean(process.env.DATABASE_URL);

/** The error code of a TCP connection to 127.0.0.1:`port`, or `connected` when something listens there. */
function connectionError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

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

  it('keeps answering a request in flight after SIGTERM, refusing new connections, and exits 0 once it is answered', async () => {
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

    // the process is stopping (it no longer accepts connections) while the request is still being worked on
    await server.waitForOutput(/^slow request still running after SIGTERM$/m);
    await eventually(async () => expect(await connectionError(Number(new URL(base).port))).to.equal('ECONNREFUSED'));
    expect(server.child.exitCode).to.equal(null);
    server.child.kill('SIGUSR2');

    expect(await response).to.deep.equal({ status: 200, body: { finished: true, answeredAfterSigterm: true } });
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

  (withPostgres ? it : it.skip)('start --worker runs a job enqueued by another process, binds no HTTP port, and stops on SIGTERM (needs PostgreSQL, the only database two processes can share: skipped when DATABASE_URL is unset)', async () => {
    const port = await freePort();
    workspace = await CliWorkspace.create({
      files: {
        'cartwright.config.mjs': [
          "import { defineConfig } from '@cartwright/core';",
          `import markerJob from '${FIXTURES}/marker-job.plugin.ts';`,
          'export default defineConfig({',
          `  http: { host: '127.0.0.1', port: ${port} },`,
          '  database: { autoMigrate: true },',
          "  plugins: [markerJob({ markerFile: new URL('./marker.json', import.meta.url).pathname })],",
          '});',
        ].join('\n'),
      },
    });
    const worker = workspace.spawn(['start', '--worker']);
    await worker.waitForOutput(/worker started, running background jobs and event delivery \(no HTTP\)$/m);

    // an API node with job processing off: it only enqueues
    const enqueuer = await createCommerce({
      database: { url: workspace.env.DATABASE_URL! },
      jobs: { enabled: false },
      logging: { level: 'silent' },
      plugins: [markerJob({ markerFile: workspace.path('enqueuer-marker.json') })],
    });
    try {
      await enqueuer.start({ http: false });
      expect(enqueuer.jobs.processing).to.equal(false);
      await enqueuer.jobs.now(MARKER_JOB, { word: 'from-the-api-node' });
    } finally {
      await enqueuer.stop();
    }

    await worker.waitForOutput(/^marker job ran: from-the-api-node$/m);
    expect(JSON.parse(await readFile(workspace.path('marker.json'), 'utf8'))).to.deep.equal({ word: 'from-the-api-node', pid: worker.child.pid });
    expect(existsSync(workspace.path('enqueuer-marker.json'))).to.equal(false);
    expect(worker.stdout).to.not.contain('http://');
    expect(await connectionError(port)).to.equal('ECONNREFUSED');

    worker.child.kill('SIGTERM');
    const result = await worker.exit();
    expect(result.code, result.stderr).to.equal(0);
  });
});
