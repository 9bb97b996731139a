import { definePlugin } from '../../kernel/plugin.ts';
import { Media, MEDIA_PURPOSES, type MediaPurpose } from './media.entity.ts';
import { MediaService } from './media.service.ts';
import { LocalDiskStorage } from './local-disk.storage.ts';
import type { MediaStorage } from './media-storage.ts';
import { localMediaFileRoutes, localMediaMountPath, mediaAdminRoutes } from './media.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    mediaService: MediaService;
    /** Core's local-disk storage: the default for new uploads, and the server of files stored on disk. */
    localMediaStorage: LocalDiskStorage;
    /**
     * The storage for new uploads, registered by a storage plugin (`api.value('mediaStorage', …)`).
     * Absent unless a plugin provides one; core then uses `localMediaStorage`. Read it through `mediaService.storage`.
     */
    mediaStorage?: MediaStorage;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    'media.uploaded': { mediaId: string; ownerId: string | null; purpose: MediaPurpose; storage: string };
    /** `fields` names what changed (`alt`). */
    'media.updated': { mediaId: string; fields: string[] };
    'media.deleted': { mediaId: string };
  }
}

/** Image uploads (`/admin/media`), their processing and storage, and the local files under `media.publicUrl`. */
export const mediaModule = definePlugin({
  name: '@cartwright/core/media',
  version: '0.1.0',
  register(api) {
    api.entities(Media);
    api.service('localMediaStorage', (cradle) => new LocalDiskStorage(cradle.config.media), { lifetime: 'singleton' });
    api.service('mediaService', (cradle) => new MediaService(cradle));
    api.routes('/admin/media', mediaAdminRoutes(api.config.media));
    api.routes(localMediaMountPath(api.config.media.publicUrl), localMediaFileRoutes);
  },
});

export { Media, MEDIA_PURPOSES, MediaService, LocalDiskStorage };
export type { MediaPurpose };
export type { MediaRecord } from './media.entity.ts';
export { activeMediaStorage, formatBytes, type MediaRow, type MediaScope, type UploadInput } from './media.service.ts';
export { MediaStorageError, type MediaStorage, type MediaFile, type StoredRendition, type ImageFormat } from './media-storage.ts';
export { MediaViewSchema, AdminMediaView, type MediaView } from './media.schema.ts';
export { MediaErrors } from './media.errors.ts';
export { processImage, sniffImageType, renditionWidths, renditionFormats, IMAGE_TYPES, MAX_INPUT_PIXELS, type ProcessedImage } from './image-processing.ts';
