import { Type, type Static } from 'typebox';

const ImageFormatSchema = Type.Union([Type.Literal('jpeg'), Type.Literal('png'), Type.Literal('webp'), Type.Literal('gif'), Type.Literal('avif')]);

/** An image as every API response shows it: the original and its responsive sizes. */
export const MediaViewSchema = Type.Object({
  id: Type.String(),
  /** The sanitised original (EXIF removed), in its own format. */
  url: Type.String(),
  mimeType: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  byteSize: Type.Integer(),
  alt: Type.String(),
  /** Renditions, by width then format: for `srcset` and `<picture>` sources. */
  sizes: Type.Array(Type.Object({ width: Type.Integer(), height: Type.Integer(), format: ImageFormatSchema, url: Type.String() })),
});
export type MediaView = Static<typeof MediaViewSchema>;

// the same list as MEDIA_PURPOSES (media.entity.ts) and the column's check constraint
export const MediaPurposeSchema = Type.Union([
  Type.Literal('product'),
  Type.Literal('avatar'),
  Type.Literal('complaint'),
  Type.Literal('return'),
  Type.Literal('brand'),
  Type.Literal('other'),
]);

/** The admin's view adds who uploaded it and what for. */
export const AdminMediaView = Type.Object({
  ...MediaViewSchema.properties,
  purpose: MediaPurposeSchema,
  ownerId: Type.Union([Type.String(), Type.Null()]),
  originalFilename: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type AdminMediaView = Static<typeof AdminMediaView>;

export const AltText = Type.String({ maxLength: 300, description: 'Describes the image for screen readers and search engines' });

/** The text fields beside the `file` part of an upload. */
export const UploadMediaFields = Type.Object({
  alt: Type.Optional(AltText),
  purpose: Type.Optional(Type.Union([Type.Literal('product'), Type.Literal('brand'), Type.Literal('other')], { default: 'product' })),
});

export const UpdateMediaBody = Type.Object({ alt: AltText });
export const MediaParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const MediaListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  purpose: Type.Optional(MediaPurposeSchema),
});
export const MediaList = Type.Object({ items: Type.Array(AdminMediaView), count: Type.Integer() });
