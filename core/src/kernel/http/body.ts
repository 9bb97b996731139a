import type { Context } from 'koa';
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
