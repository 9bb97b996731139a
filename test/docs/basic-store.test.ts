import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { CommerceConfigInput } from '@cartwright/core';
import { CliWorkspace, REPO_ROOT } from '../core/cli/fixtures/cli-harness.ts';

const EXAMPLE = join(REPO_ROOT, 'examples/basic-store');
const CONFIG = join(EXAMPLE, 'cartwright.config.ts');

/** Bounds a hung store; it is not a measure of speed (a fresh embedded store applies every migration first). */
const DEADLINE_MS = 240_000;

describe('examples/basic-store', function () {
  this.timeout(2 * DEADLINE_MS);

  let workspace: CliWorkspace | undefined;
  afterEach(async () => {
    await workspace?.dispose();
  });

  it('is configured for port 9000 on the embedded database, and `npm start` seeds the demo catalog before starting', async () => {
    // the file as the merchant wrote it, before DATABASE_URL or PORT from the environment apply
    const { default: config } = (await import(pathToFileURL(CONFIG).href)) as { default: CommerceConfigInput };
    expect(config.http?.port).to.equal(9000);
    expect(config.database?.url, 'no database URL: the embedded database').to.equal(undefined);
    const { scripts } = JSON.parse(await readFile(join(EXAMPLE, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).to.match(/cartwright seed demo && cartwright start$/);
  });

  // Starts the store the way `npm start` does after seeding (the seed is covered by the catalog's
  // demo-seed test), from another directory through --config, on a free port instead of 9000.
  it('starts from its config file, prints its URLs, answers /health and /docs, and exits 0 on SIGTERM', async () => {
    workspace = await CliWorkspace.create({ database: 'embedded' });
    const server = workspace.spawn(['start', '--config', CONFIG], { PORT: '0' });

    const [, port] = (await server.waitForOutput(/^ {2}Health +http:\/\/localhost:(\d+)\/health$/m, DEADLINE_MS)) as unknown as [string, string];
    const base = `http://localhost:${port}`;
    expect(server.stdout).to.contain(
      ['Basic Store is listening', `  API       ${base}`, `  API docs  ${base}/docs`, `  OpenAPI   ${base}/openapi.json`, `  Health    ${base}/health`].join('\n'),
    );
    // the store listens on every interface (0.0.0.0); 127.0.0.1 reaches it wherever localhost resolves
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.deep.equal({ status: 'ok' });
    const docs = await fetch(`http://127.0.0.1:${port}/docs`);
    expect(docs.status).to.equal(200);
    expect(docs.headers.get('content-type')).to.match(/^text\/html/);
    expect(await docs.text()).to.contain('Basic Store');

    server.child.kill('SIGTERM');
    const result = await server.exit(DEADLINE_MS);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.equal('');
  });
});
