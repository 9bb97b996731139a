/**
 * What every upload goes through before anything is stored: the type is read from the bytes (the
 * file name is only a claim), the pixel count is bounded before decoding, the image is turned
 * upright and re-encoded without its metadata (EXIF, GPS, XMP), and responsive renditions are made.
 */
import type { Metadata, Sharp } from 'sharp';
import { MediaErrors } from './media.errors.ts';
import type { ImageFormat } from './media-storage.ts';

export const IMAGE_TYPES: Readonly<Record<ImageFormat, { mimeType: string; extension: string; label: string }>> = {
  jpeg: { mimeType: 'image/jpeg', extension: 'jpg', label: 'a JPEG image' },
  png: { mimeType: 'image/png', extension: 'png', label: 'a PNG image' },
  webp: { mimeType: 'image/webp', extension: 'webp', label: 'a WebP image' },
  gif: { mimeType: 'image/gif', extension: 'gif', label: 'a GIF image' },
  avif: { mimeType: 'image/avif', extension: 'avif', label: 'an AVIF image' },
};

const ACCEPTED = 'JPEG, PNG, WebP, GIF or AVIF';

/** Decompression bombs: a small file that decodes to gigabytes is refused from its header. */
export const MAX_INPUT_PIXELS = 100_000_000;

/** What a file name's extension claims, for messages. */
const CLAIMED_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'a JPEG image',
  jpeg: 'a JPEG image',
  jfif: 'a JPEG image',
  png: 'a PNG image',
  webp: 'a WebP image',
  gif: 'a GIF image',
  avif: 'an AVIF image',
  svg: 'an SVG image',
  heic: 'a HEIC image',
  tif: 'a TIFF image',
  tiff: 'a TIFF image',
  bmp: 'a BMP image',
  pdf: 'a PDF document',
  txt: 'a text file',
};

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

/** The image format of the bytes by their signature, or what they look like instead (for the message). */
export function sniffImageType(bytes: Buffer): { format: ImageFormat } | { format: null; looksLike: string } {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { format: 'jpeg' };
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { format: 'png' };
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return { format: 'gif' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { format: 'webp' };
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    // ISO BMFF: the major brand, then compatible brands up to the end of the ftyp box
    const boxEnd = Math.min(bytes.readUInt32BE(0), bytes.length, 64);
    const brands = [ascii(bytes, 8, 12)];
    for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(ascii(bytes, at, at + 4));
    if (brands.includes('avif') || brands.includes('avis')) return { format: 'avif' };
    if (brands.some((b) => ['heic', 'heix', 'hevc', 'mif1'].includes(b))) return { format: null, looksLike: 'a HEIC image' };
    return { format: null, looksLike: 'a video or other ISO media file' };
  }
  if (ascii(bytes, 0, 5) === '%PDF-') return { format: null, looksLike: 'a PDF document' };
  if (bytes.length >= 4 && (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*')) return { format: null, looksLike: 'a TIFF image' };
  if (ascii(bytes, 0, 4) === 'PK\x03\x04') return { format: null, looksLike: 'a ZIP archive (or an office document)' };
  const head = bytes.subarray(0, 1024).toString('utf8');
  if (/<svg[\s>]/i.test(head)) return { format: null, looksLike: 'an SVG image (refused: SVG can carry scripts)' };
  if (/^\s*<(!doctype html|html)/i.test(head)) return { format: null, looksLike: 'an HTML document' };
  if (bytes.length === 0) return { format: null, looksLike: 'an empty file' };
  const isText = !bytes.subarray(0, 1024).includes(0) && !head.includes('\uFFFD');
  return { format: null, looksLike: isText ? 'text' : 'unrecognised binary data' };
}

function claimOf(filename: string): string | undefined {
  const dot = filename.lastIndexOf('.');
  if (dot < 0) return undefined;
  return CLAIMED_BY_EXTENSION[filename.slice(dot + 1).toLowerCase()];
}

export interface ProcessedImage {
  format: ImageFormat;
  mimeType: string;
  /** Upright (EXIF orientation applied), in pixels. */
  width: number;
  height: number;
  /** The original re-encoded in its own format, with no metadata. */
  original: Buffer;
  renditions: Array<{ width: number; height: number; format: ImageFormat; bytes: Buffer | null }>;
}

export interface ProcessOptions {
  /** Rendition widths (`media.widths`); each is capped at the original's width, never upscaled. */
  widths: readonly number[];
  /** False when the storage derives renditions on delivery: only their dimensions are computed. */
  encodeRenditions: boolean;
}

const ENCODE: Record<ImageFormat, (image: Sharp, role: 'original' | 'rendition') => Sharp> = {
  jpeg: (image, role) => image.jpeg({ quality: role === 'original' ? 90 : 82, progressive: true }),
  png: (image) => image.png({ compressionLevel: 8 }),
  webp: (image, role) => image.webp({ quality: role === 'original' ? 90 : 80 }),
  gif: (image) => image.gif(),
  avif: (image, role) => image.avif({ quality: role === 'original' ? 70 : 55, effort: 4 }),
};

/**
 * The formats each rendition width is written in: WebP, plus a fallback for clients without WebP:
 * the original's own format for JPEG and PNG, otherwise PNG when the image has transparency and
 * JPEG when it has none (an AVIF or GIF fallback would not help those clients).
 */
export function renditionFormats(format: ImageFormat, hasAlpha: boolean): ImageFormat[] {
  return ['webp', format === 'jpeg' || format === 'png' ? format : hasAlpha ? 'png' : 'jpeg'];
}

/** The rendition widths for an original of `width`: each configured width capped at it, without duplicates, ascending. */
export function renditionWidths(widths: readonly number[], width: number): number[] {
  return [...new Set(widths.map((w) => Math.min(w, width)))].sort((a, b) => a - b);
}

/**
 * Checks and processes an upload. Throws `MEDIA_UNSUPPORTED_TYPE` (not one of the accepted image
 * types, whatever its name says), `MEDIA_DIMENSIONS_TOO_LARGE` or `MEDIA_UNREADABLE`.
 */
export async function processImage(bytes: Buffer, filename: string, options: ProcessOptions): Promise<ProcessedImage> {
  const sniffed = sniffImageType(bytes);
  if (sniffed.format === null) {
    const claim = claimOf(filename);
    const named = claim ? `"${filename}" is named as ${claim}, but its bytes are ${sniffed.looksLike}` : `The file's bytes are ${sniffed.looksLike}`;
    throw MediaErrors.MEDIA_UNSUPPORTED_TYPE(`${named}; the store accepts ${ACCEPTED} images`, {
      extensions: { detected: sniffed.looksLike, ...(claim ? { claimed: claim } : {}), accepted: Object.values(IMAGE_TYPES).map((t) => t.mimeType) },
    });
  }
  const format = sniffed.format;
  // loaded on the first upload: a store that never receives one never loads the native library
  const { default: sharp } = await import('sharp');
  const input = () => sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).autoOrient();
  let metadata: Metadata;
  try {
    // the header only: the pixel limit is checked below, with a message that names it
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw unreadable(format, error);
  }
  const sharpFormat = metadata.format === 'heif' && metadata.compression === 'av1' ? 'avif' : metadata.format;
  if (sharpFormat !== format || !metadata.width || !metadata.height) throw unreadable(format, `decoder saw ${String(metadata.format)}`);
  if (metadata.width * metadata.height > MAX_INPUT_PIXELS) {
    throw MediaErrors.MEDIA_DIMENSIONS_TOO_LARGE(
      `The image is ${metadata.width}×${metadata.height} pixels (${megapixels(metadata.width * metadata.height)}); the limit is ${megapixels(MAX_INPUT_PIXELS)}`,
      { extensions: { width: metadata.width, height: metadata.height, maxPixels: MAX_INPUT_PIXELS } },
    );
  }
  try {
    // GIFs: the first frame only (sharp reads one page unless asked for all)
    const original = await ENCODE[format](input(), 'original').toBuffer({ resolveWithObject: true });
    const { width, height } = original.info;
    const renditions: ProcessedImage['renditions'] = [];
    for (const targetWidth of renditionWidths(options.widths, width)) {
      for (const renditionFormat of renditionFormats(format, metadata.hasAlpha ?? false)) {
        if (!options.encodeRenditions) {
          renditions.push({ width: targetWidth, height: Math.max(1, Math.round((height * targetWidth) / width)), format: renditionFormat, bytes: null });
          continue;
        }
        const encoded = await ENCODE[renditionFormat](input().resize({ width: targetWidth, withoutEnlargement: true }), 'rendition').toBuffer({
          resolveWithObject: true,
        });
        renditions.push({ width: encoded.info.width, height: encoded.info.height, format: renditionFormat, bytes: encoded.data });
      }
    }
    return { format, mimeType: IMAGE_TYPES[format].mimeType, width, height, original: original.data, renditions };
  } catch (error) {
    throw unreadable(format, error);
  }
}

function unreadable(format: ImageFormat, cause: unknown) {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return MediaErrors.MEDIA_UNREADABLE(`The file starts like ${IMAGE_TYPES[format].label} but cannot be decoded (${reason.split('\n')[0]})`, { cause });
}

function megapixels(pixels: number): string {
  return `${Math.round(pixels / 100_000) / 10} megapixels`;
}
