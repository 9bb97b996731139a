import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createCommerce } from '@cartwright/core';
import { createTestDatabase, eventually } from '@cartwright/core/testing';
import { createNotesPlugin, newControls } from '../../support/notes-plugin.ts';

const childScript = fileURLToPath(new URL('../../support/crash-child.ts', import.meta.url));

/** Runs the child until it reports a commit, then kills it with SIGKILL (no chance to clean up). */
async function commitThenKill(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--conditions=cartwright-source', '--disable-warning=ExperimentalWarning', childScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const noteId = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /committed (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before committing: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return noteId;
}

describe('crash recovery', function () {
  // two cold starts of an on-disk embedded database (initdb, migrations) in separate processes: a
  // contended CI runner once took over a minute; this bounds a hang, it does not measure speed
  this.timeout(300_000);

  it('delivers an event committed by a process killed before dispatch, after restart', async () => {
    const database = await createTestDatabase();
    const tmp = fileURLToPath(new URL('../../.tmp/', import.meta.url));
    mkdirSync(tmp, { recursive: true });
    const dataDir = mkdtempSync(join(tmp, 'crash-'));
    const env: Record<string, string> = database.config.url ? { CRASH_DATABASE_URL: database.config.url } : { CRASH_DATA_DIR: dataDir };
    try {
      const noteId = await commitThenKill(env);

      const controls = newControls();
      const restarted = await createCommerce({
        logging: { level: 'silent' },
        database: database.config.url ? { url: database.config.url } : { dataDir },
        jobs: { enabled: true, processEvery: 100 },
        events: { pollInterval: 50 },
        plugins: [createNotesPlugin(controls)({ prefix: '/fixtures', maxLength: 200 })],
      });
      await restarted.start({ http: false });
      try {
        await eventually(() => expect(controls.deliveries.map((e) => e.payload.noteId)).to.deep.equal([noteId]), { timeout: 120_000 });
      } finally {
        await restarted.stop();
      }
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
