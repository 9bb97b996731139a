import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import sharp, { type Metadata } from 'sharp';

export interface StandInAsset {
  publicId: string;
  version: number;
  format: string;
  width: number;
  height: number;
  bytes: Buffer;
}

/** One API call as the stand-in saw it. */
export interface StandInCall {
  action: string;
  params: Record<string, string>;
  signatureValid: boolean;
  status: number;
}

/**
 * A local stand-in of Cloudinary's Upload API (`POST /v1_1/<cloud>/image/upload` and `/destroy`),
 * checking each request as Cloudinary documents it: a known api_key, a timestamp under an hour
 * old, and `signature` = SHA-1 hex of the sorted parameters (less file, cloud_name, resource_type
 * and api_key) joined as `a=1&b=2`, followed by the API secret. It answers with Cloudinary's
 * documented JSON, errors included (`{ "error": { "message": … } }`), and keeps assets in memory.
 * It also delivers them as Cloudinary's CDN does (`GET /<cloud>/image/upload/[c_limit,w_<n>/]v<version>/<public_id>.<ext>`,
 * pass its `url` as the plugin's `deliveryBaseUrl`): the stored bytes unchanged for their own
 * format without a transformation, else converted to the extension's format and fitted within the width.
 */
export async function startCloudinaryStandIn(account: { cloudName: string; apiKey: string; apiSecret: string }) {
  const assets = new Map<string, StandInAsset>();
  const calls: StandInCall[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => answer(res, 500, { error: { message: String(error) } }));
  });

  function answer(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  async function readForm(req: IncomingMessage): Promise<{ params: Record<string, string>; file?: { bytes: Buffer; filename: string } }> {
    return new Promise((resolve, reject) => {
      const params: Record<string, string> = {};
      let file: { bytes: Buffer; filename: string } | undefined;
      const parser = busboy({ headers: req.headers });
      parser.on('field', (name, value) => (params[name] = value));
      parser.on('file', (_name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => (file = { bytes: Buffer.concat(chunks), filename: info.filename ?? '' }));
      });
      parser.on('close', () => resolve({ params, ...(file ? { file } : {}) }));
      parser.on('error', reject);
      req.pipe(parser);
    });
  }

  const DELIVERY_TYPES: Record<string, { sharp: 'jpeg' | 'png' | 'webp' | 'gif' | 'avif'; mime: string }> = {
    jpg: { sharp: 'jpeg', mime: 'image/jpeg' },
    png: { sharp: 'png', mime: 'image/png' },
    webp: { sharp: 'webp', mime: 'image/webp' },
    gif: { sharp: 'gif', mime: 'image/gif' },
    avif: { sharp: 'avif', mime: 'image/avif' },
  };

  async function deliver(req: IncomingMessage, res: ServerResponse, path: string) {
    const notFound = () => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Resource not found');
    };
    const match = /^(?:c_limit,w_([1-9][0-9]*)\/)?v(\d+)\/(.+)\.([a-z0-9]+)$/.exec(path);
    if (req.method !== 'GET' || !match) return notFound();
    const [, width, version, publicId, extension] = match as unknown as [string, string | undefined, string, string, string];
    const asset = assets.get(publicId);
    const type = DELIVERY_TYPES[extension];
    if (!asset || String(asset.version) !== version || !type) return notFound();
    let bytes = asset.bytes;
    if (width || extension !== asset.format) {
      let image = sharp(asset.bytes);
      if (width) image = image.resize({ width: Number(width), withoutEnlargement: true });
      bytes = await image.toFormat(type.sharp).toBuffer();
    }
    res.writeHead(200, { 'content-type': type.mime, 'content-length': bytes.length });
    res.end(bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const delivery = new RegExp(`^/${encodeURIComponent(account.cloudName)}/image/upload/(.+)$`).exec(req.url ?? '');
    if (delivery) return deliver(req, res, delivery[1]!);
    const match = /^\/v1_1\/([^/]+)\/image\/(upload|destroy)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return answer(res, 404, { error: { message: 'Resource not found' } });
    const [, cloud, action] = match as unknown as [string, string, string];
    const { params, file } = await readForm(req);
    const call: StandInCall = { action, params, signatureValid: false, status: 0 };
    calls.push(call);
    const fail = (status: number, message: string) => {
      call.status = status;
      answer(res, status, { error: { message } });
    };
    if (decodeURIComponent(cloud) !== account.cloudName) return fail(401, `Invalid cloud_name ${cloud}`);
    if (params.api_key !== account.apiKey) return fail(401, `Unknown API key ${params.api_key ?? ''}`);
    const toSign = Object.keys(params)
      .filter((name) => !['file', 'cloud_name', 'resource_type', 'api_key', 'signature'].includes(name))
      .sort()
      .map((name) => `${name}=${params[name]}`)
      .join('&');
    const expected = createHash('sha1').update(toSign + account.apiSecret).digest('hex');
    call.signatureValid = params.signature === expected;
    if (!call.signatureValid) return fail(401, `Invalid Signature ${params.signature ?? ''}. String to sign - '${toSign}'.`);
    const timestamp = Number(params.timestamp);
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 3600) {
      return fail(400, `Stale request - reported time is ${params.timestamp} which is more than 1 hour ago`);
    }

    if (action === 'destroy') {
      const existed = assets.delete(params.public_id ?? '');
      call.status = 200;
      return answer(res, 200, { result: existed ? 'ok' : 'not found' });
    }
    if (!file) return fail(400, 'Missing required parameter - file');
    let meta: Metadata;
    try {
      meta = await sharp(file.bytes).metadata();
    } catch {
      return fail(400, 'Invalid image file');
    }
    const publicId = params.public_id || randomBytes(10).toString('hex');
    const existing = assets.get(publicId);
    const format = meta.format === 'jpeg' ? 'jpg' : meta.format === 'heif' ? 'avif' : String(meta.format);
    const asset = existing && params.overwrite === 'false'
      ? existing
      : { publicId, version: Math.floor(Date.now() / 1000), format, width: meta.width!, height: meta.height!, bytes: file.bytes };
    assets.set(publicId, asset);
    call.status = 200;
    const path = `v${asset.version}/${publicId}.${asset.format}`;
    answer(res, 200, {
      asset_id: createHash('md5').update(publicId).digest('hex'),
      public_id: publicId,
      version: asset.version,
      version_id: randomBytes(16).toString('hex'),
      signature: createHash('sha1').update(`public_id=${publicId}&version=${asset.version}${account.apiSecret}`).digest('hex'),
      width: asset.width,
      height: asset.height,
      format: asset.format,
      resource_type: 'image',
      created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      tags: [],
      bytes: asset.bytes.length,
      type: 'upload',
      etag: createHash('md5').update(asset.bytes).digest('hex'),
      placeholder: false,
      url: `http://res.cloudinary.com/${account.cloudName}/image/upload/${path}`,
      secure_url: `https://res.cloudinary.com/${account.cloudName}/image/upload/${path}`,
      asset_folder: '',
      display_name: publicId.split('/').pop(),
      original_filename: file.filename.replace(/\.[^.]*$/, ''),
      api_key: account.apiKey,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    assets,
    calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
