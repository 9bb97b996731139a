/**
 * Where uploaded images live. Core processes every upload (type check, EXIF stripped, responsive
 * renditions) and hands the resulting files to one `MediaStorage`; the storage keeps them and says
 * at which URL each is served.
 */

/** The image formats the store accepts and writes. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';

/** One processed file to store: the sanitised original or one of its renditions. */
export interface MediaFile {
  /**
   * A key for it, unique per upload and never reused: `<mediaId>/original.jpg`, `<mediaId>/480.webp`.
   * Media ids carry 80 random bits, so keys are unguessable, and a key's bytes never change: URLs
   * built from it may be cached forever.
   */
  key: string;
  bytes: Buffer;
  /** `image/jpeg`, `image/webp`, … */
  contentType: string;
  format: ImageFormat;
  width: number;
  height: number;
}

/** A rendition as recorded on the media row (`cw_media.renditions`). */
export interface StoredRendition {
  width: number;
  height: number;
  format: ImageFormat;
  /** The storage's key for it (what `url()` takes). */
  key: string;
  /** Its size in bytes; null when the storage derives it on delivery (nothing was stored). */
  byteSize: number | null;
}

/**
 * A place to keep media files: the local disk (core's default), an image CDN, object storage.
 *
 * **Providing one.** A plugin registers its storage in the container under the key `mediaStorage`;
 * the media module then stores every new upload there. With none registered, core uses its
 * built-in local-disk storage (`localMediaStorage`, files under `media.directory`, served at
 * `media.publicUrl`). Media uploaded earlier stays where it was: each row records the `name` of
 * its storage, and URLs are built by that storage, so keep `name` stable across versions.
 *
 * **Contract.** `put` stores bytes and resolves with the key to record; `url` must be synchronous
 * and pure (no I/O: product listings call it for every image); `delete` is idempotent (deleting a
 * missing key is not an error). Throw a `MediaStorageError` for failures an admin should read
 * (bad credentials, quota): its message is shown in the 502 problem; any other error is logged
 * and answered with a generic 502. Core removes whatever a failed upload had stored already.
 * In detail, each of these is checked by `describeMediaStorageConformance` from
 * `@cartwright/core/testing`, which every implementation should run:
 *
 * - `name` is 1 to 50 characters and never changes.
 * - `put` resolves with a non-empty key; different files get different keys.
 * - `url(key)` returns a string synchronously, the same one on every call (whether or not the key
 *   is still stored), a different one for each key; it is an absolute `http(s)://` URL or a path
 *   from the store's root (`/media/…`, never `//host/…`).
 * - From the moment `put` resolves, that URL answers 200 with exactly the bytes put and
 *   `file.contentType` as its media type, until the key is deleted.
 * - After `delete(keys)` resolves, their URLs answer 404 or 410 (a CDN in front may serve cached
 *   copies until they expire); other keys are untouched. Deleting a key again, a key never stored
 *   (of any shape) or an empty list succeeds.
 * - When the backend refuses or cannot be reached, `put` rejects with a `MediaStorageError` whose
 *   message names the cause and never contains a secret (it is shown to admins and vendors).
 *
 * @example
 * ```ts
 * import { definePlugin, type MediaStorage } from '@cartwright/core';
 *
 * class BucketStorage implements MediaStorage {
 *   readonly name = 'bucket';
 *   async put(file) { await bucket.upload(file.key, file.bytes, file.contentType); return { key: file.key }; }
 *   async delete(keys) { await bucket.deleteMany(keys); }
 *   url(key) { return `https://cdn.example.com/${key}`; }
 * }
 *
 * export default definePlugin({
 *   name: '@acme/plugin-bucket', version: '1.0.0',
 *   register(api) { api.value('mediaStorage', new BucketStorage()); },
 * });
 * ```
 */
export interface MediaStorage {
  /** Recorded on each row it stores (`cw_media.storage`), e.g. `local`, `cloudinary`. At most 50 characters. */
  readonly name: string;
  /** Stores one file; resolves with the key to record for it (the suggested `file.key`, or the storage's own). */
  put(file: MediaFile): Promise<{ key: string }>;
  /** Deletes stored files by the keys `put` returned. Deleting a key that does not exist succeeds. */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * The public URL of a stored key (or of a key from `deliveryRendition`): absolute `http(s)://`
   * or root-relative (`/media/…`). Synchronous, pure (no I/O, the same URL on every call).
   */
  url(key: string): string;
  /**
   * Optional, for image CDNs that resize on delivery. When present, core stores only the original
   * and asks for each rendition's key here instead of encoding and uploading it (its `byteSize` is
   * then null). The returned key is passed to `url`, never to `delete`.
   *
   * Synchronous and pure like `url`, with a different key for each width and format. Its URL serves
   * the original converted to `rendition.format` (as that format's media type) and resized to
   * `rendition.width` wide, keeping the aspect ratio; core never asks for a rendition wider than the
   * original. Deleting the original stops its renditions being served too.
   */
  deliveryRendition?(original: { key: string; width: number; height: number; format: ImageFormat }, rendition: { width: number; height: number; format: ImageFormat }): string;
}

/** A storage failure whose message an admin may read (it is shown in the 502 problem). */
export class MediaStorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaStorageError';
  }
}
