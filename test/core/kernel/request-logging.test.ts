import { expect } from 'chai';
import { CliWorkspace } from '../cli/fixtures/cli-harness.ts';

interface LogLine {
  msg: string;
  requestId?: string;
  [key: string]: unknown;
}

/** The pino lines (JSON) of a process's standard output; the CLI's own lines (URLs) are plain text. */
function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('request logging', function () {
  // bounds a hung child; the store applies its migrations first
  this.timeout(180_000);

  let workspace: CliWorkspace;
  afterEach(async () => {
    await workspace?.dispose();
  });

  it('tags every log line of a request with its id, the one sent back in X-Request-Id (a store started by the CLI)', async () => {
    workspace = await CliWorkspace.create({
      files: {
        'cartwright.config.mjs': [
          "import { defineConfig, definePlugin, defineRoute, Type } from '@cartwright/core';",
          'const logging = definePlugin({',
          "  name: '@cartwright-test/logging-route',",
          "  version: '0.0.0',",
          '  register(api) {',
          "    api.routes('/test', [defineRoute({ method: 'GET', path: '/log', summary: 'Logs through the request logger',",
          '      schema: { response: { 204: null } },',
          "      handler: ({ cradle }) => { cradle.logger.info({ step: 'handler' }, 'fixture handler ran'); return undefined; } })]);",
          '  },',
          '});',
          'export default defineConfig({ database: { autoMigrate: true }, plugins: [logging()] });',
        ].join('\n'),
      },
    });
    const server = workspace.spawn(['start', '--port', '0', '--host', '127.0.0.1'], { LOG_LEVEL: 'info' });
    const [, base] = (await server.waitForOutput(/^ {2}API +(\S+)$/m)) as unknown as [string, string];

    const generated = await fetch(`${base}/test/log`);
    expect(generated.status).to.equal(204);
    const generatedId = generated.headers.get('x-request-id')!;
    expect(generatedId).to.match(/^[0-9a-f-]{36}$/);

    // a well-formed incoming id is kept, so traces join up across services
    const incomingId = 'trace-from-the-gateway-0042';
    const forwarded = await fetch(`${base}/test/log`, { headers: { 'x-request-id': incomingId } });
    expect(forwarded.status).to.equal(204);
    expect(forwarded.headers.get('x-request-id')).to.equal(incomingId);

    for (const id of [generatedId, incomingId]) await server.waitForOutput(new RegExp(`"requestId":"${id}".*"msg":"request"`));
    const lines = logLines(server.stdout);
    for (const id of [generatedId, incomingId]) {
      const ofRequest = lines.filter((line) => line.requestId === id);
      expect(ofRequest.map((line) => line.msg)).to.deep.equal(['fixture handler ran', 'request']);
      expect(ofRequest[0]).to.include({ step: 'handler' });
      expect(ofRequest[1]).to.include({ method: 'GET', path: '/test/log', status: 204 });
    }
    // and no line of a request goes out without its id
    expect(lines.filter((line) => line.msg === 'fixture handler ran' || line.msg === 'request').every((line) => line.requestId !== undefined)).to.equal(true);

    server.child.kill('SIGTERM');
    const result = await server.exit();
    expect(result.code, result.stderr).to.equal(0);
  });
});
