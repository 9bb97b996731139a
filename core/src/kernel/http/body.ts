import { Transform, type Readable } from 'node:stream';
import type { Context } from 'koa';
import busboy from 'busboy';
import { KernelErrors } from '../errors.ts';

export interface ReadBodyOptions {
  limit: number;
}

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/**
 * Reads the whole request body, refusing more than `limit` bytes before buffering them
 * (Content-Length is checked first, the stream is counted as it arrives).
 */
export async function readRawBody(ctx: Context, { limit }: ReadBodyOptions): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw KernelErrors.PAYLOAD_TOO_LARGE(`The request body is ${declared} bytes; the limit is ${limit} bytes`, {
      extensions: { limit },
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      ctx.req.unpipe();
      ctx.req.resume();
      throw KernelErrors.PAYLOAD_TOO_LARGE(`The request body is larger than the limit of ${limit} bytes`, {
        extensions: { limit },
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body: 415 for another content type, 400 with the position for malformed JSON. */
export function parseJsonBody(ctx: Context, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  if (!isJsonType(ctx.get('content-type'))) {
    throw KernelErrors.UNSUPPORTED_MEDIA_TYPE(
      `Send the body as application/json (got ${ctx.get('content-type') || 'no content type'})`,
      { headers: { 'Accept-Post': 'application/json' } },
    );
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw KernelErrors.MALFORMED_JSON(`The request body is not valid JSON: ${(error as Error).message}`, {
      errors: [{ in: 'body', pointer: '', rule: 'json', message: (error as Error).message }],
    });
  }
}

/** A file from a `multipart/form-data` body. Its name and type are the client's claims: check the bytes. */
export interface UploadedFile {
  /** The form field it came in. */
  field: string;
  filename: string;
  /** The Content-Type the client sent for the part. */
  declaredType: string;
  bytes: Buffer;
}

/** A route's `multipart` option: its body is `multipart/form-data` with file(s) in one field and text fields beside. */
export interface MultipartOptions {
  /** The form field that carries the file(s). */
  fileField: string;
  /** The largest file accepted, in bytes: reading stops as soon as a file passes it. */
  maxFileBytes: number;
  /** How many files the field may carry (default 1); at least one is required. */
  maxFiles?: number;
  /** The error for a file over `maxFileBytes` (default `PAYLOAD_TOO_LARGE`); `declaredBytes` is the request's Content-Length when that alone gave it away. */
  fileTooLarge?: (limit: number, declaredBytes: number | undefined) => Error;
}

const MULTIPART_FIELD_BYTES = 16 * 1024;
const MULTIPART_FIELDS = 20;
// boundaries, part headers and the text fields, on top of the files themselves
const MULTIPART_OVERHEAD_BYTES = MULTIPART_FIELDS * MULTIPART_FIELD_BYTES + 64 * 1024;

const multipartIssue = (pointer: string, rule: string, message: string) =>
  KernelErrors.VALIDATION_FAILED(`body${pointer} ${message}`, { errors: [{ in: 'body', pointer, rule, message }] });

/**
 * Reads a `multipart/form-data` body with busboy: text fields as strings, files as Buffers. A
 * Content-Length over the limits is refused before anything is read; a file that grows past
 * `maxFileBytes` stops the parse at once, and the rest of the request is discarded unread into memory.
 */
export async function readMultipartBody(
  ctx: Context,
  options: MultipartOptions,
): Promise<{ fields: Record<string, string>; files: UploadedFile[] }> {
  const contentType = ctx.get('content-type');
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw KernelErrors.UNSUPPORTED_MEDIA_TYPE(`Send the body as multipart/form-data (got ${contentType || 'no content type'})`, {
      headers: { 'Accept-Post': 'multipart/form-data' },
    });
  }
  const maxFiles = options.maxFiles ?? 1;
  const tooLarge = (declared: number | undefined) =>
    options.fileTooLarge?.(options.maxFileBytes, declared) ??
    KernelErrors.PAYLOAD_TOO_LARGE(`A file is larger than the limit of ${options.maxFileBytes} bytes`, { extensions: { limit: options.maxFileBytes } });
  const declared = Number(ctx.get('content-length') || NaN);
  if (Number.isFinite(declared) && declared > options.maxFileBytes * maxFiles + MULTIPART_OVERHEAD_BYTES) {
    ctx.req.resume();
    throw tooLarge(declared);
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let settled = false;
    const parser = busboy({
      headers: ctx.req.headers,
      limits: {
        fileSize: options.maxFileBytes,
        files: maxFiles,
        fields: MULTIPART_FIELDS,
        fieldSize: MULTIPART_FIELD_BYTES,
        parts: maxFiles + MULTIPART_FIELDS,
      },
    });
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      // stop parsing and let the rest of the request drain without keeping it
      ctx.req.unpipe(parser);
      ctx.req.resume();
      reject(error);
    };
    parser.on('file', (field, stream, info) => {
      if (field !== options.fileField) {
        stream.resume();
        return fail(multipartIssue(`/${field}`, 'additionalProperties', `is not a file field (send the file as "${options.fileField}")`));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        chunks.length = 0;
        fail(tooLarge(undefined));
      });
      stream.on('end', () => {
        if (!settled && !stream.truncated) {
          files.push({ field, filename: info.filename ?? '', declaredType: info.mimeType, bytes: Buffer.concat(chunks) });
        }
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(multipartIssue(`/${name}`, 'maxLength', `must be at most ${MULTIPART_FIELD_BYTES} bytes`));
      fields[name] = value;
    });
    parser.on('filesLimit', () => fail(multipartIssue(`/${options.fileField}`, 'maxItems', `must hold at most ${maxFiles} file(s)`)));
    parser.on('fieldsLimit', () => fail(multipartIssue('', 'maxProperties', `must have at most ${MULTIPART_FIELDS} fields`)));
    parser.on('partsLimit', () => fail(multipartIssue('', 'maxProperties', `must have at most ${maxFiles + MULTIPART_FIELDS} parts`)));
    parser.on('error', (error: Error) => fail(multipartIssue('', 'multipart', `is not a well-formed multipart/form-data body: ${error.message}`)));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      if (!files.length) {
        reject(multipartIssue(`/${options.fileField}`, 'required', 'is required (a file part of the multipart/form-data body)'));
      } else resolve({ fields, files });
    });
    ctx.req.on('error', (error) => fail(error));
    ctx.req.pipe(parser);
  });
}

/** A route's `stream` option: the handler reads the body itself, as it arrives. */
export interface StreamBodyOptions {
  /** The media types accepted (`text/csv`); another Content-Type is refused with 415. */
  contentTypes: readonly string[];
  /** The largest body accepted, in bytes: a larger Content-Length is refused before reading, and the stream fails once it passes the limit. */
  maxBytes: number;
}

/**
 * The request body as a stream of bytes that fails with PAYLOAD_TOO_LARGE as soon as more than
 * `maxBytes` have arrived. Content type and Content-Length are checked before anything is read.
 */
export function openBodyStream(ctx: Context, options: StreamBodyOptions): Readable {
  const contentType = ctx.get('content-type');
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (!options.contentTypes.includes(mime)) {
    ctx.req.resume();
    throw KernelErrors.UNSUPPORTED_MEDIA_TYPE(`Send the body as ${options.contentTypes.join(' or ')} (got ${contentType || 'no content type'})`, {
      headers: { 'Accept-Post': options.contentTypes.join(', ') },
    });
  }
  const tooLarge = () =>
    KernelErrors.PAYLOAD_TOO_LARGE(`The request body is larger than the limit of ${options.maxBytes} bytes`, { extensions: { limit: options.maxBytes } });
  const declared = Number(ctx.get('content-length') || NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    ctx.req.resume();
    throw tooLarge();
  }
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > options.maxBytes) {
        // stop reading: the rest of the request is discarded, not kept
        ctx.req.unpipe(counted);
        ctx.req.resume();
        done(tooLarge());
        return;
      }
      done(null, chunk);
    },
  });
  ctx.req.on('error', (error) => counted.destroy(error));
  return ctx.req.pipe(counted);
}
