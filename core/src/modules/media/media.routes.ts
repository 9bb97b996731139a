import { Type } from 'typebox';
import type { Actor } from '../../kernel/container.ts';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import { KernelErrors } from '../../kernel/errors.ts';
import { hasPermission } from '../../kernel/http/access.ts';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { MediaErrors } from './media.errors.ts';
import { formatBytes, type MediaScope } from './media.service.ts';
import { AdminMediaView, MediaList, MediaListQuery, MediaParams, UpdateMediaBody, UploadMediaFields } from './media.schema.ts';

const READ = ['products:read', 'vendor:portal'] as const;
const WRITE = ['products:write', 'vendor:portal'] as const;

/** Staff holding `staffPermission` see every media; a vendor (vendor:portal only) sees only what it uploaded. */
function scopeFor(actor: Actor, staffPermission: string): MediaScope {
  if (hasPermission(actor, staffPermission)) return {};
  if (actor.kind === 'user') return { ownerId: actor.userId };
  throw KernelErrors.FORBIDDEN(`You need the ${staffPermission} permission`, { extensions: { permission: staffPermission } });
}

/** `/admin/media`: upload, list, describe and delete images. */
export function mediaAdminRoutes(config: RuntimeConfig['media']) {
  const limit = config.maxUploadBytes;
  return [
    defineRoute({
      method: 'POST',
      path: '/',
      summary: 'Upload an image',
      description:
        `multipart/form-data with the image in \`file\` (at most ${formatBytes(limit)}), and optionally \`alt\` and \`purpose\`. ` +
        'JPEG, PNG, WebP, GIF (first frame) and AVIF are accepted, recognised by their bytes whatever the file is called. ' +
        'The stored original has its metadata (EXIF, GPS) removed; responsive sizes are written in WebP and a fallback format.',
      tags: ['media'],
      access: { permission: WRITE },
      multipart: {
        fileField: 'file',
        maxFileBytes: limit,
        fileTooLarge: (max, declared) =>
          MediaErrors.MEDIA_TOO_LARGE(
            declared !== undefined
              ? `The upload is ${formatBytes(declared)}; the limit is ${formatBytes(max)} per file`
              : `The file is larger than the limit of ${formatBytes(max)}`,
            { extensions: { limit: max } },
          ),
      },
      schema: { body: UploadMediaFields, response: { 201: AdminMediaView } },
      handler: async ({ actor, body, files, cradle }) => {
        const [file] = files;
        const { mediaService } = cradle;
        const view = await mediaService.upload({
          bytes: file!.bytes,
          filename: file!.filename,
          purpose: body.purpose ?? 'product',
          ownerId: actor.kind === 'user' ? actor.userId : null,
          ...(body.alt !== undefined ? { alt: body.alt } : {}),
        });
        return reply(201, mediaService.adminViewOf(await mediaService.get(view.id)), { Location: `/admin/media/${view.id}` });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/',
      summary: 'List images, newest first (a vendor sees its own)',
      tags: ['media'],
      access: { permission: READ },
      schema: { query: MediaListQuery, response: { 200: MediaList } },
      handler: async ({ actor, query, cradle }) => {
        const { items, count } = await cradle.mediaService.list(
          { limit: query.limit ?? 20, offset: query.offset ?? 0, purpose: query.purpose },
          scopeFor(actor, 'products:read'),
        );
        return { items: items.map((item) => cradle.mediaService.adminViewOf(item)), count };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/:id',
      summary: 'One image with its sizes',
      tags: ['media'],
      access: { permission: READ },
      schema: { params: MediaParams, response: { 200: AdminMediaView } },
      handler: async ({ actor, params, cradle }) =>
        cradle.mediaService.adminViewOf(await cradle.mediaService.get(params.id, scopeFor(actor, 'products:read'))),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/:id',
      summary: "Change an image's alt text",
      tags: ['media'],
      access: { permission: WRITE },
      schema: { params: MediaParams, body: UpdateMediaBody, response: { 200: AdminMediaView } },
      handler: async ({ actor, params, body, cradle }) =>
        cradle.mediaService.adminViewOf(await cradle.mediaService.updateAlt(params.id, body.alt, scopeFor(actor, 'products:write'))),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/:id',
      summary: 'Delete an image and its files (refused while a product uses it)',
      tags: ['media'],
      access: { permission: WRITE },
      schema: { params: MediaParams, response: { 204: null } },
      handler: async ({ actor, params, cradle }) => {
        await cradle.mediaService.remove(params.id, scopeFor(actor, 'products:write'));
      },
    }),
  ];
}

const FileParams = Type.Object({ id: Type.String(), file: Type.String() });

/** The public files of the local-disk storage: immutable, so cached for a year by browsers and CDNs. */
export const localMediaFileRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id/:file',
    summary: 'A stored image file (local-disk storage)',
    description: 'Served with `Cache-Control: public, max-age=31536000, immutable`, an ETag and Last-Modified; 304 for a matching If-None-Match.',
    tags: ['media'],
    access: 'public',
    schema: { params: FileParams, response: { 200: null, 304: null } },
    handler: async ({ params, cradle, ctx }) => {
      const file = await cradle.localMediaStorage.open(`${params.id}/${params.file}`);
      if (!file) throw KernelErrors.NOT_FOUND(`No media file at ${ctx.path}`);
      ctx.status = 200;
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
      // storefronts on other origins embed these images
      ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
      ctx.set('ETag', `"${file.stats.size.toString(16)}-${Math.floor(file.stats.mtimeMs).toString(16)}"`);
      ctx.lastModified = file.stats.mtime;
      ctx.type = file.contentType;
      if (ctx.fresh) return reply(304, undefined);
      ctx.length = file.stats.size;
      ctx.body = file.stream();
      return undefined;
    },
  }),
];

/** Where the local files are served: `media.publicUrl` itself, or its path when it is a CDN's absolute URL. */
export function localMediaMountPath(publicUrl: string): string {
  const path = publicUrl.startsWith('/') ? publicUrl : new URL(publicUrl).pathname;
  return path.replace(/\/+$/, '') || '/media';
}
