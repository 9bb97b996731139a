import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDiskStorage } from '../../../core/src/modules/media/index.ts';
import { createTestStore, describeMediaStorageConformance } from '@cartwright/core/testing';

// core's own storage, as the store serves it: files under media.directory, GET <media.publicUrl>/<key>
describeMediaStorageConformance('LocalDiskStorage (served by a test store)', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'cw-media-conformance-'));
  const store = await createTestStore({ media: { directory } });
  const storage = await store.commerce.withScope(async (scope) => scope.cradle.localMediaStorage);
  // a "directory" whose parent is a regular file: every write fails with ENOTDIR
  writeFileSync(join(directory, 'not-a-directory'), '');
  return {
    storage,
    fetchStored: async (url) => {
      const response = await fetch(new URL(url, store.url));
      return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') };
    },
    failing: new LocalDiskStorage({ directory: join(directory, 'not-a-directory', 'media'), publicUrl: '/media' }),
    secrets: [directory],
    teardown: async () => {
      await store.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});
