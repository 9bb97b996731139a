import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { AppError, KernelErrors } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import type { Logger } from '../../kernel/logger.ts';
import { Media, type MediaPurpose, type MediaRecord } from './media.entity.ts';
import { MediaErrors } from './media.errors.ts';
import { MediaStorageError, type MediaFile, type MediaStorage, type StoredRendition } from './media-storage.ts';
import { IMAGE_TYPES, processImage } from './image-processing.ts';
import type { AdminMediaView, MediaView } from './media.schema.ts';

/** What `viewOf` needs of a media row (camelCase; other modules select it joined to their own rows). */
export interface MediaRow {
  id: string;
  mimeType: string;
  width: number;
  height: number;
  byteSize: number;
  storage: string;
  storageKey: string;
  /** As stored (jsonb); a JSON string is accepted too. */
  renditions: StoredRendition[] | string;
  alt: string;
}

export interface UploadInput {
  bytes: Buffer;
  /** As the client named it: kept for the admin, never trusted for the type. */
  filename: string;
  purpose: MediaPurpose;
  ownerId: string | null;
  alt?: string;
}

/** Limits a query to one owner's media (a vendor's); `undefined` ownerId sees everything. */
export interface MediaScope {
  ownerId?: string;
}

const MAX_ALT = 300;

/** The storage new uploads go to: a plugin's `mediaStorage` when one is registered, else core's local disk. */
export function activeMediaStorage(cradle: Cradle): MediaStorage {
  // the cradle answers hasOwn for registered keys; resolving an unregistered one would throw
  return Object.hasOwn(cradle, 'mediaStorage') && cradle.mediaStorage ? cradle.mediaStorage : cradle.localMediaStorage;
}

/**
 * Uploads and their records. Images are checked and processed before anything is stored, stored
 * before the row is inserted, and the stored files are deleted again if the insert fails: an
 * upload either lands whole (row and every file) or leaves nothing behind.
 */
export class MediaService {
  readonly #em: EntityManager;
  readonly #config: RuntimeConfig['media'];
  readonly #events: EventBus;
  readonly #logger: Logger;
  readonly #storage: MediaStorage;
  readonly #storages: ReadonlyMap<string, MediaStorage>;

  constructor(cradle: Cradle) {
    this.#em = cradle.em;
    this.#config = cradle.config.media;
    this.#events = cradle.events;
    this.#logger = cradle.logger;
    this.#storage = activeMediaStorage(cradle);
    this.#storages = new Map<string, MediaStorage>([
      [cradle.localMediaStorage.name, cradle.localMediaStorage],
      [this.#storage.name, this.#storage],
    ]);
  }

  /** The storage new uploads go to. */
  get storage(): MediaStorage {
    return this.#storage;
  }

  /**
   * Checks, processes and stores an image, then records it. Throws `MEDIA_TOO_LARGE`,
   * `MEDIA_UNSUPPORTED_TYPE`, `MEDIA_UNREADABLE`, `MEDIA_DIMENSIONS_TOO_LARGE` or
   * `MEDIA_STORAGE_FAILED`; nothing is stored or recorded when it throws. Call it outside a
   * transaction of your own: files cannot roll back with it.
   */
  async upload(input: UploadInput): Promise<MediaView> {
    const max = this.#config.maxUploadBytes;
    if (input.bytes.length > max) {
      throw MediaErrors.MEDIA_TOO_LARGE(`The file is ${formatBytes(input.bytes.length)}; the limit is ${formatBytes(max)}`, {
        extensions: { limit: max, size: input.bytes.length },
      });
    }
    const alt = (input.alt ?? '').trim();
    if (alt.length > MAX_ALT) {
      throw KernelErrors.VALIDATION_FAILED(`alt must be at most ${MAX_ALT} characters`, {
        errors: [{ in: 'body', pointer: '/alt', rule: 'maxLength', message: `must NOT have more than ${MAX_ALT} characters` }],
      });
    }
    const storage = this.#storage;
    const image = await processImage(input.bytes, input.filename, {
      widths: this.#config.widths,
      encodeRenditions: typeof storage.deliveryRendition !== 'function',
    });
    const id = newId('med');
    const extension = IMAGE_TYPES[image.format].extension;
    const stored: string[] = [];
    let storageKey: string;
    const renditions: StoredRendition[] = [];
    try {
      storageKey = await this.#put(storage, stored, {
        key: `${id}/original.${extension}`,
        bytes: image.original,
        contentType: image.mimeType,
        format: image.format,
        width: image.width,
        height: image.height,
      });
      const original = { key: storageKey, width: image.width, height: image.height, format: image.format };
      for (const rendition of image.renditions) {
        const { width, height, format } = rendition;
        if (rendition.bytes === null) {
          renditions.push({ width, height, format, key: storage.deliveryRendition!(original, { width, height, format }), byteSize: null });
          continue;
        }
        const type = IMAGE_TYPES[format];
        const key = await this.#put(storage, stored, { key: `${id}/${width}.${type.extension}`, bytes: rendition.bytes, contentType: type.mimeType, format, width, height });
        renditions.push({ width, height, format, key, byteSize: rendition.bytes.length });
      }
    } catch (error) {
      await this.#discard(storage, stored, id);
      throw this.#storageFailure(storage, error);
    }
    try {
      const record = await this.#em.transactional(async (em) => {
        const media = em.create(Media, {
          id,
          ownerId: input.ownerId,
          purpose: input.purpose,
          mimeType: image.mimeType,
          originalFilename: truncate(input.filename || `upload.${extension}`, 255),
          byteSize: image.original.length,
          width: image.width,
          height: image.height,
          storage: storage.name,
          storageKey,
          renditions,
          alt,
          createdAt: new Date(),
        });
        this.#events.emit(em, 'media.uploaded', { mediaId: id, ownerId: input.ownerId, purpose: input.purpose, storage: storage.name });
        await em.flush();
        return media;
      });
      return this.viewOf(record);
    } catch (error) {
      await this.#discard(storage, stored, id);
      throw error;
    }
  }

  /** The API view of a row another module already selected. Synchronous, no database access. */
  viewOf(row: MediaRow): MediaView {
    const storage = this.#storages.get(row.storage);
    if (!storage) throw new Error(`media ${row.id} is held by the storage "${row.storage}", which no configured plugin provides`);
    const renditions = (typeof row.renditions === 'string' ? JSON.parse(row.renditions) : row.renditions) as StoredRendition[];
    return {
      id: row.id,
      url: storage.url(row.storageKey),
      mimeType: row.mimeType,
      width: row.width,
      height: row.height,
      byteSize: row.byteSize,
      alt: row.alt,
      sizes: [...renditions]
        .sort((a, b) => a.width - b.width || a.format.localeCompare(b.format))
        .map((r) => ({ width: r.width, height: r.height, format: r.format, url: storage.url(r.key) })),
    };
  }

  adminViewOf(record: MediaRecord): AdminMediaView {
    return {
      ...this.viewOf(record),
      purpose: record.purpose,
      ownerId: record.ownerId ?? null,
      originalFilename: record.originalFilename,
      createdAt: record.createdAt.toISOString(),
    };
  }

  /** Throws `MEDIA_NOT_FOUND` naming every id that does not exist. One query. */
  async requireExisting(ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids)];
    if (!wanted.length) return;
    const found = await this.#em.find(Media, { id: { $in: wanted } }, { fields: ['id'] });
    const known = new Set(found.map((m) => m.id));
    const missing = wanted.filter((id) => !known.has(id));
    if (missing.length) {
      throw MediaErrors.MEDIA_NOT_FOUND(`No media ${missing.join(', ')}`, { extensions: { missing } });
    }
  }

  /** The views of the media that exist among `ids` (missing ids are absent from the map). One query. */
  async views(ids: readonly string[]): Promise<Map<string, MediaView>> {
    const wanted = [...new Set(ids)];
    if (!wanted.length) return new Map();
    const rows = await this.#em.find(Media, { id: { $in: wanted } });
    return new Map(rows.map((row) => [row.id, this.viewOf(row)]));
  }

  async list(query: { limit: number; offset: number; purpose?: MediaPurpose | undefined }, scope: MediaScope = {}): Promise<{ items: MediaRecord[]; count: number }> {
    const [items, count] = await this.#em.findAndCount(
      Media,
      { ...(scope.ownerId !== undefined ? { ownerId: scope.ownerId } : {}), ...(query.purpose ? { purpose: query.purpose } : {}) },
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: query.limit, offset: query.offset },
    );
    return { items, count };
  }

  /** One media record; another owner's answers like a missing one. */
  async get(id: string, scope: MediaScope = {}): Promise<MediaRecord> {
    const media = await this.#em.findOne(Media, { id, ...(scope.ownerId !== undefined ? { ownerId: scope.ownerId } : {}) });
    if (!media) throw MediaErrors.MEDIA_NOT_FOUND(`No media ${id}`, { extensions: { missing: [id] } });
    return media;
  }

  async updateAlt(id: string, alt: string, scope: MediaScope = {}): Promise<MediaRecord> {
    return this.#em.transactional(async (em) => {
      const media = await em.findOne(Media, { id, ...(scope.ownerId !== undefined ? { ownerId: scope.ownerId } : {}) });
      if (!media) throw MediaErrors.MEDIA_NOT_FOUND(`No media ${id}`, { extensions: { missing: [id] } });
      const trimmed = alt.trim();
      if (trimmed === media.alt) return media;
      media.alt = trimmed;
      this.#events.emit(em, 'media.updated', { mediaId: id, fields: ['alt'] });
      await em.flush();
      return media;
    });
  }

  /**
   * Deletes a media record, then its files. Refused with `MEDIA_IN_USE` while a row elsewhere
   * (a product image) still references it.
   */
  async remove(id: string, scope: MediaScope = {}): Promise<void> {
    let removed: MediaRecord;
    try {
      removed = await this.#em.transactional(async (em) => {
        const media = await em.findOne(Media, { id, ...(scope.ownerId !== undefined ? { ownerId: scope.ownerId } : {}) });
        if (!media) throw MediaErrors.MEDIA_NOT_FOUND(`No media ${id}`, { extensions: { missing: [id] } });
        em.remove(media);
        this.#events.emit(em, 'media.deleted', { mediaId: id });
        await em.flush();
        return media;
      });
    } catch (error) {
      // 23503 for NO ACTION references, 23001 for RESTRICT ones (the catalog's product images)
      if (error instanceof ForeignKeyConstraintViolationException || (error as { code?: unknown }).code === '23001') {
        const table = (error as { table?: unknown }).table;
        throw MediaErrors.MEDIA_IN_USE(`Media ${id} is still used${typeof table === 'string' ? ` (by ${table})` : ''}; remove it from there first`);
      }
      throw error;
    }
    // the row is gone for good: a file that fails to go now is an orphan, not a broken reference
    const storage = this.#storages.get(removed.storage);
    const keys = [removed.storageKey, ...removed.renditions.filter((r) => r.byteSize !== null).map((r) => r.key)];
    if (!storage) {
      this.#logger.warn({ mediaId: id, storage: removed.storage, keys }, 'media deleted; its storage is not configured, so its files stay');
      return;
    }
    await storage.delete(keys).catch((error) => this.#logger.warn({ err: error, mediaId: id, keys }, 'media deleted; some of its files could not be'));
  }

  async #put(storage: MediaStorage, stored: string[], file: MediaFile): Promise<string> {
    const { key } = await storage.put(file);
    stored.push(key);
    return key;
  }

  async #discard(storage: MediaStorage, keys: string[], id: string): Promise<void> {
    if (!keys.length) return;
    await storage.delete(keys).catch((error) => this.#logger.error({ err: error, mediaId: id, keys }, 'failed upload: could not remove its stored files'));
  }

  #storageFailure(storage: MediaStorage, error: unknown): Error {
    if (error instanceof AppError) return error;
    if (error instanceof MediaStorageError) {
      return MediaErrors.MEDIA_STORAGE_FAILED(`The media storage "${storage.name}" failed: ${error.message}`, { expose: true, cause: error });
    }
    this.#logger.error({ err: error, storage: storage.name }, 'media storage failed');
    return MediaErrors.MEDIA_STORAGE_FAILED(`The media storage "${storage.name}" failed; the upload was not kept`, { expose: true, cause: error });
  }
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : text.slice(0, length);
}

/** 16.2 MB, 15 MB, 900 KB (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  const round = (value: number) => Math.round(value * 10) / 10;
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
