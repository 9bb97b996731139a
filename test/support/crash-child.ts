// Child process for the crash test: commits a note and its event with event delivery switched
// off, reports the ids, then waits to be killed before anything is dispatched.
import { createCommerce } from '@cartwright/core';
import { createNotesPlugin, newControls } from './notes-plugin.ts';

const commerce = await createCommerce({
  logging: { level: 'silent' },
  database: process.env.CRASH_DATABASE_URL ? { url: process.env.CRASH_DATABASE_URL, autoMigrate: true } : { dataDir: process.env.CRASH_DATA_DIR! },
  jobs: { enabled: false },
  plugins: [createNotesPlugin(newControls())({ prefix: '/fixtures', maxLength: 200 })],
});
await commerce.start({ http: false, jobs: false });
const note = await commerce.withScope((scope) => scope.cradle.noteService.create('written before the crash'));
process.stdout.write(`committed ${note.id}\n`);
setInterval(() => {}, 1_000);
