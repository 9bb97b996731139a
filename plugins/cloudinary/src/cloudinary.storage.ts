import { createHash } from 'node:crypto';
import { MediaStorageError, type ImageFormat, type MediaFile, type MediaStorage } from '@cartwright/core';
import type { CloudinaryCredentials } from './options.ts';

/**
 * Cloudinary's signature of an API call: SHA-1 (hex) of the parameters except `file`, `cloud_name`,
 * `resource_type` and `api_key`, sorted by name and joined as `a=1&b=2`, followed by the API secret.
 */
export function signParameters(params: Record<string, string>, apiSecret: string): string {
  const excluded = new Set(['file', 'cloud_name', 'resource_type', 'api_key', 'signature']);
  const toSign = Object.keys(params)
    .filter((name) => !excluded.has(name) && params[name] !== '')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  return createHash('sha1').update(toSign + apiSecret).digest('hex');
}

/** What Cloudinary's Upload API answers (the fields this storage reads). */
interface UploadResponse {
  public_id: string;
  version: number;
  format: string;
}

const KEY_VERSION = /^v(\d+)\/(.+)\.([a-z0-9]+)$/;

/**
 * A `MediaStorage` on Cloudinary. Core's sanitised original (EXIF already removed) is uploaded
 * through the signed Upload API; responsive sizes are not uploaded but delivered as URL
 * transformations (`c_limit,w_480` with the format from the extension), which Cloudinary derives on
 * first request and caches on its CDN. Keys are `v<version>/<public_id>.<format>`, so URLs never change.
 */
export class CloudinaryStorage implements MediaStorage {
  readonly name = 'cloudinary';
  readonly #credentials: CloudinaryCredentials;
  readonly #folder: string;
  readonly #apiBase: string;
  readonly #deliveryBase: string;
  readonly #timeoutMs: number;

  constructor(options: { credentials: CloudinaryCredentials; folder: string; apiBaseUrl: string; deliveryBaseUrl: string; timeoutMs: number }) {
    this.#credentials = options.credentials;
    this.#folder = options.folder;
    this.#apiBase = options.apiBaseUrl.replace(/\/+$/, '');
    this.#deliveryBase = `${options.deliveryBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(options.credentials.cloudName)}/image/upload`;
    this.#timeoutMs = options.timeoutMs;
  }

  async put(file: MediaFile): Promise<{ key: string }> {
    const publicId = `${this.#folder}/${file.key.replace(/\.[a-z0-9]+$/, '')}`;
    const form = this.#signedForm({ public_id: publicId, overwrite: 'false' });
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.key.split('/').pop()!);
    const uploaded = (await this.#call('upload', form)) as UploadResponse;
    return { key: `v${uploaded.version}/${uploaded.public_id}.${uploaded.format}` };
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const match = KEY_VERSION.exec(key);
      if (!match) continue;
      const result = (await this.#call('destroy', this.#signedForm({ public_id: match[2]!, invalidate: 'true' }))) as { result?: string };
      // "not found" is a success: deleting is idempotent
      if (result.result !== 'ok' && result.result !== 'not found') throw new MediaStorageError(`Cloudinary did not delete ${match[2]}: ${String(result.result)}`);
    }
  }

  url(key: string): string {
    return `${this.#deliveryBase}/${key}`;
  }

  deliveryRendition(original: { key: string }, rendition: { width: number; format: ImageFormat }): string {
    const extension = rendition.format === 'jpeg' ? 'jpg' : rendition.format;
    return `c_limit,w_${rendition.width}/${original.key.replace(/\.[a-z0-9]+$/, `.${extension}`)}`;
  }

  #signedForm(params: Record<string, string>): FormData {
    const all = { ...params, timestamp: String(Math.floor(Date.now() / 1000)) };
    const form = new FormData();
    for (const [name, value] of Object.entries(all)) form.append(name, value);
    form.append('api_key', this.#credentials.apiKey);
    form.append('signature', signParameters(all, this.#credentials.apiSecret));
    return form;
  }

  async #call(action: 'upload' | 'destroy', form: FormData): Promise<unknown> {
    const endpoint = `${this.#apiBase}/v1_1/${encodeURIComponent(this.#credentials.cloudName)}/image/${action}`;
    let response: Response;
    try {
      response = await fetch(endpoint, { method: 'POST', body: form, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : (error as Error).message;
      throw new MediaStorageError(`Cloudinary could not be reached (${reason})`, { cause: error });
    }
    const text = await response.text();
    let body: { error?: { message?: string } } & Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      throw new MediaStorageError(`Cloudinary answered ${action} with HTTP ${response.status} and no JSON`);
    }
    if (!response.ok || body.error) {
      const message = body.error?.message ?? `HTTP ${response.status}`;
      const hint = response.status === 401 ? ' (check the plugin\'s API key and secret)' : '';
      throw new MediaStorageError(`Cloudinary refused the ${action} (HTTP ${response.status}): ${message}${hint}`);
    }
    return body;
  }
}
