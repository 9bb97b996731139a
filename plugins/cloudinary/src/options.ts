import { Type, type Static } from '@cartwright/core';

export const CloudinaryOptions = Type.Object(
  {
    /** All three credentials at once, as Cloudinary's dashboard shows them: `cloudinary://<api_key>:<api_secret>@<cloud_name>`. */
    url: Type.Optional(Type.String({ pattern: '^cloudinary://[^:/@]+:[^@]+@[^/?#]+$' })),
    cloudName: Type.Optional(Type.String({ minLength: 1 })),
    apiKey: Type.Optional(Type.String({ minLength: 1 })),
    apiSecret: Type.Optional(Type.String({ minLength: 1 })),
    /** Folder (public id prefix) every upload goes under. */
    folder: Type.String({ pattern: '^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$', default: 'cartwright' }),
    /** The Upload API's base URL; change it only for a stand-in in tests. */
    apiBaseUrl: Type.String({ format: 'uri', default: 'https://api.cloudinary.com' }),
    /** The delivery (CDN) base URL: a custom CNAME, or the default shared domain. */
    deliveryBaseUrl: Type.String({ format: 'uri', default: 'https://res.cloudinary.com' }),
    /** How long one API call may take before the upload is given up, in milliseconds. */
    timeoutMs: Type.Integer({ minimum: 1000, default: 30_000 }),
  },
  { additionalProperties: false },
);
export type CloudinaryOptions = Static<typeof CloudinaryOptions>;

export interface CloudinaryCredentials {
  cloudName: string;
  apiKey: string;
  apiSecret: string;
}

/** The credentials from `url` (CLOUDINARY_URL form) or the three separate options; throws naming what is missing. */
export function resolveCredentials(options: Pick<CloudinaryOptions, 'url' | 'cloudName' | 'apiKey' | 'apiSecret'>): CloudinaryCredentials {
  if (options.url) {
    const parsed = new URL(options.url);
    return { cloudName: parsed.hostname, apiKey: decodeURIComponent(parsed.username), apiSecret: decodeURIComponent(parsed.password) };
  }
  const missing = (['cloudName', 'apiKey', 'apiSecret'] as const).filter((key) => !options[key]);
  if (missing.length) {
    throw new Error(`set "url" (cloudinary://<api_key>:<api_secret>@<cloud_name>) or all of cloudName, apiKey and apiSecret (missing: ${missing.join(', ')})`);
  }
  return { cloudName: options.cloudName!, apiKey: options.apiKey!, apiSecret: options.apiSecret! };
}
