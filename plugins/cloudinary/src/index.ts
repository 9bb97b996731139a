import { definePlugin } from '@cartwright/core';
import { CloudinaryStorage } from './cloudinary.storage.ts';
import { CloudinaryOptions, resolveCredentials } from './options.ts';

export { CloudinaryStorage, signParameters } from './cloudinary.storage.ts';
export { CloudinaryOptions, resolveCredentials, type CloudinaryCredentials } from './options.ts';

export const PLUGIN_NAME = '@cartwright/plugin-cloudinary';

/**
 * Stores uploaded media on Cloudinary instead of the local disk: registers a `MediaStorage` under
 * the container key `mediaStorage`. Existing local media keeps being served from disk.
 *
 * @example
 * ```ts
 * cloudinary({ url: process.env.CLOUDINARY_URL, folder: 'my-shop' })
 * ```
 */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  options: CloudinaryOptions,
  register(api, options) {
    api.value(
      'mediaStorage',
      new CloudinaryStorage({
        credentials: resolveCredentials(options),
        folder: options.folder,
        apiBaseUrl: options.apiBaseUrl,
        deliveryBaseUrl: options.deliveryBaseUrl,
        timeoutMs: options.timeoutMs,
      }),
    );
  },
});
