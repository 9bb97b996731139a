import { mkdir, rm, rmdir, stat, writeFile, rename } from 'node:fs/promises';
import { createReadStream, type Stats } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MediaStorageError, type MediaFile, type MediaStorage } from './media-storage.ts';
import { IMAGE_TYPES } from './image-processing.ts';

/** The shape of every key core hands out: `<mediaId>/<name>.<extension>`; nothing else is ever read from disk. */
const KEY_PATTERN = /^med_[0-9a-z]{26}\/(?:original|[1-9][0-9]{0,4})\.(?:jpg|png|webp|gif|avif)$/;

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(IMAGE_TYPES).map((type) => [type.extension, type.mimeType]),
);

const WRITE_FAILURES: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'part of its path is a file, not a directory',
  EEXIST: 'part of its path is a file, not a directory',
};

/**
 * A file system error as a `MediaStorageError` the admin reads in the 502 problem: what went wrong
 * and its code, never the server's paths (vendors upload too). Other errors pass unchanged.
 */
function writeFailure(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return error;
  return new MediaStorageError(`could not write to media.directory: ${WRITE_FAILURES[code] ?? 'the file system refused'} (${code})`, { cause: error });
}

/**
 * Core's default `MediaStorage`: files under `media.directory`, served by the store itself at
 * `media.publicUrl` with immutable cache headers (put a CDN in front for scale; see docs/admin/media.md).
 */
export class LocalDiskStorage implements MediaStorage {
  readonly name = 'local';
  readonly directory: string;
  readonly #publicUrl: string;

  constructor(options: { directory: string; publicUrl: string }) {
    this.directory = resolve(options.directory);
    this.#publicUrl = options.publicUrl.replace(/\/+$/, '');
  }

  async put(file: MediaFile): Promise<{ key: string }> {
    const path = this.#pathOf(file.key);
    if (!path) throw new Error(`"${file.key}" is not a media key`);
    // written aside and renamed, so a reader never sees half a file
    const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(partial, file.bytes, { flag: 'wx' });
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true }).catch(() => undefined);
      throw writeFailure(error);
    }
    return { key: file.key };
  }

  async delete(keys: readonly string[]): Promise<void> {
    const folders = new Set<string>();
    for (const key of keys) {
      const path = this.#pathOf(key);
      if (!path) continue;
      await rm(path, { force: true });
      folders.add(dirname(path));
    }
    // a media's folder holds only its own files: remove it once empty
    for (const folder of folders) await rmdir(folder).catch(() => undefined);
  }

  url(key: string): string {
    return `${this.#publicUrl}/${key}`;
  }

  /** The file of a key, for serving it: undefined for anything that is not a stored media key. */
  async open(key: string): Promise<{ stats: Stats; contentType: string; stream: () => NodeJS.ReadableStream } | undefined> {
    const path = this.#pathOf(key);
    if (!path) return undefined;
    let stats: Stats;
    try {
      stats = await stat(path);
    } catch {
      return undefined;
    }
    if (!stats.isFile()) return undefined;
    const extension = key.slice(key.lastIndexOf('.') + 1);
    return { stats, contentType: CONTENT_TYPES[extension]!, stream: () => createReadStream(path) };
  }

  #pathOf(key: string): string | undefined {
    if (!KEY_PATTERN.test(key)) return undefined;
    const path = resolve(this.directory, ...key.split('/'));
    // the pattern already rules out `..`; this keeps the rule if the pattern ever loosens
    return path.startsWith(this.directory + sep) ? path : undefined;
  }
}
