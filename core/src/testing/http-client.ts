/** A response as tests read it: status, headers and the parsed body. */
export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A file part of a multipart upload. */
export interface UploadPart {
  bytes: Buffer | Uint8Array;
  filename: string;
  /** The part's Content-Type (a client's claim; default application/octet-stream). */
  contentType?: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON, other content types, exact bytes). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | string[]>;
  /** `manual` returns a 3xx as it is instead of following it. */
  redirect?: 'follow' | 'manual';
}

/** A small HTTP client bound to a running store: real sockets, real HTTP, no in-process shortcuts. */
export class TestClient {
  readonly baseUrl: string;
  #headers: Record<string, string> = {};

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  /** A client that sends these headers on every request (e.g. a bearer token). */
  with(headers: Record<string, string>): TestClient {
    const copy = new TestClient(this.baseUrl);
    copy.#headers = { ...this.#headers, ...headers };
    return copy;
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse<T>> {
    const url = new URL(path, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    const headers: Record<string, string> = { ...this.#headers, ...options.headers };
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url, { method, headers, redirect: options.redirect ?? 'follow', ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, { ...options, ...(body !== undefined ? { body } : {}) });
  }
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, { ...options, ...(body !== undefined ? { body } : {}) });
  }
  put<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PUT', path, { ...options, ...(body !== undefined ? { body } : {}) });
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }

  /** POSTs (or `method`s) a multipart/form-data body: file parts by field name, then text fields. */
  async upload<T = any>(
    path: string,
    parts: { files: Record<string, UploadPart>; fields?: Record<string, string> },
    options: Omit<RequestOptions, 'body' | 'rawBody'> & { method?: string } = {},
  ): Promise<TestResponse<T>> {
    const form = new FormData();
    for (const [field, file] of Object.entries(parts.files)) {
      form.append(field, new Blob([new Uint8Array(file.bytes)], { type: file.contentType ?? 'application/octet-stream' }), file.filename);
    }
    for (const [name, value] of Object.entries(parts.fields ?? {})) form.append(name, value);
    // Response reads the encoded form back into exact bytes (and its boundary) for a plain request
    const encoded = new Response(form);
    const rawBody = Buffer.from(await encoded.arrayBuffer());
    const { method = 'POST', ...rest } = options;
    return this.request<T>(method, path, { ...rest, rawBody, headers: { 'content-type': encoded.headers.get('content-type')!, ...rest.headers } });
  }
}
