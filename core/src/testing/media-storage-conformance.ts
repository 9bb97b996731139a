import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { newId } from '../kernel/ids.ts';
import { IMAGE_TYPES } from '../modules/media/image-processing.ts';
import { MediaStorageError, type ImageFormat, type MediaFile, type MediaStorage } from '../modules/media/media-storage.ts';
import { globalRunner, type ConformanceRunner } from './conformance-runner.ts';

/** What fetching a URL gave: the kit reads only these. */
export interface FetchedMedia {
  status: number;
  bytes: Buffer;
  /** The Content-Type header, or null when there was none. */
  contentType: string | null;
}

/** A storage to check, prepared fresh for one run of the kit. */
export interface MediaStorageUnderTest {
  storage: MediaStorage;
  /**
   * GETs a URL the storage built (`url(key)`; root-relative ones are resolved against the server
   * that serves them, e.g. a test store's URL). A gone file answers 404 or 410.
   */
  fetchStored(url: string): Promise<FetchedMedia>;
  /**
   * Optional: the same storage set up to fail (wrong credentials, unreachable service, unwritable
   * directory). The kit checks its `put` rejects with a `MediaStorageError`; without it that test
   * is reported as pending.
   */
  failing?: MediaStorage;
  /** Strings that must never appear in a `MediaStorageError` message (API secrets, tokens). */
  secrets?: readonly string[];
  teardown(): Promise<void>;
}

export type { ConformanceRunner };

export interface ConformanceOptions {
  /** Defaults to the global `describe`, `it`, `before` and `after` that mocha (and jasmine-style runners) define. */
  runner?: ConformanceRunner;
}

/** Absolute http(s) URL, or a path from the root (`/media/…`, not the protocol-relative `//host/…`). */
function isAbsoluteOrRootRelative(url: string): boolean {
  if (url.startsWith('/')) return !url.startsWith('//');
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

function mediaType(contentType: string | null): string | null {
  return contentType === null ? null : contentType.split(';')[0]!.trim().toLowerCase();
}

function digest(bytes: Buffer): string {
  return `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}…`;
}

async function image(format: ImageFormat, width: number, height: number, colour: string): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  // noise, so every file's bytes are its own
  return sharp({ create: { width, height, channels: 3, background: colour, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .toFormat(format)
    .toBuffer();
}

/** A file as core hands it to `put`: a fresh media id, core's key shape, real image bytes. */
async function mediaFile(mediaId: string, name: string, format: ImageFormat, width: number, height: number, colour: string): Promise<MediaFile> {
  const type = IMAGE_TYPES[format];
  return { key: `${mediaId}/${name}.${type.extension}`, bytes: await image(format, width, height, colour), contentType: type.mimeType, format, width, height };
}

/**
 * Declares the tests every `MediaStorage` must pass: the contract in `media-storage.ts`, checked
 * against a real instance. `setup` runs once before the tests (give it a fresh folder, bucket
 * prefix or stand-in), `teardown` once after them; the kit deletes what it stored before that.
 *
 * @example
 * ```ts
 * import { describeMediaStorageConformance } from '@cartwright/core/testing';
 *
 * describeMediaStorageConformance('BucketStorage', async () => {
 *   const bucket = await startBucketStandIn();
 *   return {
 *     storage: new BucketStorage({ endpoint: bucket.url, key: 'test' }),
 *     fetchStored: async (url) => {
 *       const response = await fetch(url);
 *       return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') };
 *     },
 *     failing: new BucketStorage({ endpoint: bucket.url, key: 'wrong' }),
 *     teardown: () => bucket.stop(),
 *   };
 * });
 * ```
 */
export function describeMediaStorageConformance(name: string, setup: () => Promise<MediaStorageUnderTest>, options: ConformanceOptions = {}): void {
  const { describe, it, before, after } = options.runner ?? globalRunner();

  describe(`MediaStorage conformance: ${name}`, () => {
    let subject: MediaStorageUnderTest | undefined;
    /** Every key put resolved with, deleted again after the tests. */
    const putKeys = new Set<string>();
    const under = (): MediaStorageUnderTest => {
      if (!subject) throw new Error(`the setup of "${name}" did not complete`);
      return subject;
    };
    const storage = () => under().storage;

    const put = async (file: MediaFile): Promise<string> => {
      const result = await storage().put(file);
      assert.equal(typeof result?.key, 'string', `put(${file.key}) must resolve with { key: string }`);
      assert.notEqual(result.key, '', `put(${file.key}) resolved with an empty key`);
      putKeys.add(result.key);
      return result.key;
    };

    const urlOf = (key: string): string => {
      const url: unknown = storage().url(key);
      assert.equal(typeof url, 'string', `url(${key}) must return a string synchronously (it returned ${url instanceof Promise ? 'a Promise' : typeof url})`);
      return url as string;
    };

    const expectServed = async (key: string, file: MediaFile) => {
      const url = urlOf(key);
      const fetched = await under().fetchStored(url);
      assert.equal(fetched.status, 200, `GET ${url} (the URL of ${key}) answered ${fetched.status}`);
      assert.equal(mediaType(fetched.contentType), file.contentType, `GET ${url} must answer Content-Type ${file.contentType}`);
      assert.ok(fetched.bytes.equals(file.bytes), `GET ${url} must answer exactly the bytes put (${digest(file.bytes)}); it answered ${digest(fetched.bytes)}`);
    };

    const expectGone = async (url: string, what: string) => {
      const { status } = await under().fetchStored(url);
      assert.ok(status === 404 || status === 410, `after delete, GET ${url} (${what}) must answer 404 or 410; it answered ${status}`);
    };

    const firstId = newId('med');
    const secondId = newId('med');
    let original: MediaFile;
    let rendition: MediaFile;
    let other: MediaFile;
    let stored: { original: string; rendition: string; other: string } | undefined;
    /** The keys the put test resolved with (the later tests build on them). */
    const keysPut = () => {
      if (!stored) throw new Error('no keys: the put test failed');
      return stored;
    };

    before(async () => {
      subject = await setup();
      original = await mediaFile(firstId, 'original', 'jpeg', 120, 80, '#b0413e');
      rendition = await mediaFile(firstId, '60', 'webp', 60, 40, '#3e6fb0');
      other = await mediaFile(secondId, 'original', 'png', 90, 60, '#3eb05a');
    });

    after(async () => {
      try {
        if (subject && putKeys.size) await subject.storage.delete([...putKeys]);
      } finally {
        await subject?.teardown();
      }
    });

    it('has a name of 1 to 50 characters that does not change', async () => {
      const { name: storageName } = storage();
      assert.equal(typeof storageName, 'string');
      assert.ok(storageName.length >= 1 && storageName.length <= 50, `name "${storageName}" must be 1 to 50 characters (cw_media.storage)`);
      assert.equal(storage().name, storageName);
    });

    it('put resolves with a non-empty key for each file, a different one for each file', async () => {
      const keys = { original: await put(original), rendition: await put(rendition), other: await put(other) };
      stored = keys;
      assert.equal(new Set(Object.values(keys)).size, 3, `three files must get three keys; got ${JSON.stringify(keys)}`);
    });

    it('url is synchronous and pure: the same absolute or root-relative URL on every call, one per key', async () => {
      const keys = keysPut();
      for (const key of Object.values(keys)) {
        const url = urlOf(key);
        assert.ok(isAbsoluteOrRootRelative(url), `url(${key}) must be an absolute http(s) URL or start with a single "/"; it is "${url}"`);
        assert.equal(urlOf(key), url, `url(${key}) must answer the same URL on every call`);
      }
      const urls = Object.values(keys).map(urlOf);
      assert.equal(new Set(urls).size, urls.length, `different keys must have different URLs: ${urls.join(', ')}`);
    });

    it('serves exactly the bytes put, with the file\'s content type, as soon as put resolves', async () => {
      const keys = keysPut();
      await expectServed(keys.original, original);
      await expectServed(keys.rendition, rendition);
      await expectServed(keys.other, other);
    });

    it('delete removes the files it is given, and only those; url still builds the same URL', async () => {
      const keys = keysPut();
      const before = urlOf(keys.rendition);
      await storage().delete([keys.rendition]);
      assert.equal(urlOf(keys.rendition), before, 'url() must not depend on whether the key is stored (no lookups)');
      await expectGone(before, keys.rendition);
      await expectServed(keys.original, original);
      await expectServed(keys.other, other);
    });

    it('delete is idempotent: a deleted key again, keys never stored and an empty list all succeed', async () => {
      const keys = keysPut();
      await storage().delete([keys.rendition]);
      await storage().delete([keys.rendition, keys.rendition]);
      // in core's key shape, in the storage's own shape (another media id), and neither
      const lookalike = keys.other.includes(secondId) ? [keys.other.replace(secondId, newId('med'))] : [];
      await storage().delete([`${newId('med')}/original.jpg`, ...lookalike, 'no/such/key.png']);
      await storage().delete([]);
      await expectServed(keys.other, other);
    });

    it('delete removes several keys at once', async () => {
      const keys = keysPut();
      await storage().delete([keys.original, keys.other]);
      await expectGone(urlOf(keys.original), keys.original);
      await expectGone(urlOf(keys.other), keys.other);
    });

    it('put reports a failing backend as a MediaStorageError an admin can read (skipped when the setup gives no failing instance)', async function (this: unknown) {
      const failing = under().failing;
      if (!failing) {
        // no failing instance given: nothing to check (mocha shows it as pending when skip exists)
        const context = this as { skip?: () => void } | undefined;
        if (typeof context?.skip === 'function') return context.skip();
        return;
      }
      const file = await mediaFile(newId('med'), 'original', 'png', 40, 30, '#777777');
      let failure: unknown;
      try {
        const { key } = await failing.put(file);
        putKeys.add(key);
      } catch (error) {
        failure = error;
      }
      assert.ok(failure !== undefined, 'put on the failing storage resolved; it must reject');
      assert.ok(failure instanceof MediaStorageError, `put must reject with a MediaStorageError; it rejected with ${String(failure)}`);
      assert.ok(failure.message.trim().length > 0, 'the MediaStorageError needs a message (it is shown to the admin)');
      for (const secret of under().secrets ?? []) {
        assert.ok(!failure.message.includes(secret), `the message shown to admins must not contain a secret: "${failure.message}"`);
      }
    });

    describe('deliveryRendition, for image CDNs that resize on delivery (skipped for storages without it)', () => {
      let cdn: Required<Pick<MediaStorage, 'deliveryRendition'>> & MediaStorage;
      let source: MediaFile;
      let sourceKey: string;
      const wanted = [
        { width: 60, height: 40, format: 'webp' as const },
        { width: 60, height: 40, format: 'jpeg' as const },
        { width: 90, height: 60, format: 'webp' as const },
      ];

      before(async function (this: unknown) {
        const candidate = storage();
        if (typeof candidate.deliveryRendition !== 'function') {
          const context = this as { skip?: () => void } | undefined;
          if (typeof context?.skip === 'function') return context.skip();
          return;
        }
        cdn = candidate as typeof cdn;
        source = await mediaFile(newId('med'), 'original', 'jpeg', 120, 80, '#a05030');
        sourceKey = await put(source);
      });

      const renditionKey = (r: (typeof wanted)[number]): string => {
        const key: unknown = cdn.deliveryRendition({ key: sourceKey, width: source.width, height: source.height, format: source.format }, r);
        assert.equal(typeof key, 'string', `deliveryRendition must return a key synchronously (it returned ${key instanceof Promise ? 'a Promise' : typeof key})`);
        return key as string;
      };

      it('is synchronous and pure, with a key of its own for each width and format', async () => {
        if (!cdn) return;
        const renditionKeys = wanted.map(renditionKey);
        assert.deepEqual(wanted.map(renditionKey), renditionKeys, 'deliveryRendition must answer the same key for the same arguments');
        assert.equal(new Set([sourceKey, ...renditionKeys]).size, wanted.length + 1, `each width and format needs its own key: ${renditionKeys.join(', ')}`);
        for (const key of renditionKeys) {
          const url = urlOf(key);
          assert.ok(isAbsoluteOrRootRelative(url), `url(${key}) must be an absolute http(s) URL or start with a single "/"; it is "${url}"`);
        }
      });

      it('serves each rendition in its format, resized to its width', async () => {
        if (!cdn) return;
        const { default: sharp } = await import('sharp');
        for (const r of wanted) {
          const url = urlOf(renditionKey(r));
          const fetched = await under().fetchStored(url);
          assert.equal(fetched.status, 200, `GET ${url} answered ${fetched.status}`);
          assert.equal(mediaType(fetched.contentType), IMAGE_TYPES[r.format].mimeType, `GET ${url} must answer Content-Type ${IMAGE_TYPES[r.format].mimeType}`);
          const meta = await sharp(fetched.bytes).metadata();
          assert.equal(meta.format, r.format, `GET ${url} must answer a ${r.format} image`);
          assert.equal(meta.width, r.width, `GET ${url} must answer an image ${r.width} pixels wide`);
          assert.ok(Math.abs((meta.height ?? 0) - r.height) <= 1, `GET ${url} must keep the aspect ratio (height ${r.height}); it is ${meta.height}`);
        }
      });

      it('stops serving the renditions once the original is deleted', async () => {
        if (!cdn) return;
        await cdn.delete([sourceKey]);
        await expectGone(urlOf(sourceKey), sourceKey);
        for (const r of wanted) await expectGone(urlOf(renditionKey(r)), `${r.width} ${r.format} rendition of ${sourceKey}`);
      });
    });
  });
}
