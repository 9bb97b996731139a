import { Type, type Static } from '@cartwright/core';

const Centimetres = Type.Number({ exclusiveMinimum: 0, maximum: 1000 });

export const EasyPostOptions = Type.Object(
  {
    /** The carrier's id (on shipping options, fulfillments and in `/webhooks/:id`); a second EasyPost account needs another id. Default `easypost`. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,49}$' })),
    /** What staff see. Default `EasyPost`. */
    name: Type.Optional(Type.String({ minLength: 1 })),
    /** The API key (`EZTK…` test, `EZAK…` production). Default: the environment variable `EASYPOST_API_KEY`; start-up stops without one. */
    apiKey: Type.Optional(Type.String({ minLength: 1 })),
    /** The secret of the store's EasyPost webhook. Default: `EASYPOST_WEBHOOK_SECRET`. Without one the carrier does not take webhooks (tracking is polled). */
    webhookSecret: Type.Optional(Type.String({ minLength: 1 })),
    /** Where the API is. Default `https://api.easypost.com/v2`; change it only for a stand-in in tests. */
    apiBase: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** How long one API call may take, in ms. Default 20000. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
    /** Retries of a call that met a network error, a timeout, a 429 or a 5xx. Default 2. */
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    /** The first retry's delay in ms, doubled for each next one (a 429's Retry-After wins when longer). Default 500. */
    retryBackoffMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    /** The box size sent when a parcel has no dimensions of its own. Default: none (EasyPost rates by weight alone, or predefined packages). */
    defaultParcel: Type.Optional(Type.Object({ lengthCm: Centimetres, widthCm: Centimetres, heightCm: Centimetres }, { additionalProperties: false })),
    /** EasyPost carrier account ids (`ca_…`) to rate and buy with; default: every account of the EasyPost user. */
    carrierAccounts: Type.Optional(Type.Array(Type.String({ pattern: '^ca_' }), { minItems: 1, uniqueItems: true })),
    /** Only these services are offered as rates (`USPS:Priority`, `UPS:Ground`); default: every service EasyPost answers. */
    services: Type.Optional(Type.Array(Type.String({ pattern: '^[^:\\s]+:[^:\\s]+$' }), { minItems: 1, uniqueItems: true })),
    /** The label's file format. Default `PDF`. */
    labelFormat: Type.Optional(Type.Union([Type.Literal('PDF'), Type.Literal('PNG'), Type.Literal('ZPL')])),
  },
  { additionalProperties: false },
);
export type EasyPostOptions = Static<typeof EasyPostOptions>;

/** The options with every default applied. */
export interface ResolvedEasyPostOptions {
  id: string;
  name: string;
  apiKey: string;
  webhookSecret: string | null;
  apiBase: string;
  timeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  defaultParcel: { lengthCm: number; widthCm: number; heightCm: number } | null;
  carrierAccounts: string[] | null;
  services: string[] | null;
  labelFormat: 'PDF' | 'PNG' | 'ZPL';
}

export const DEFAULT_API_BASE = 'https://api.easypost.com/v2';

/** Applies defaults and reads the secrets from the environment when the options leave them out; throws naming what is missing. */
export function resolveOptions(options: EasyPostOptions, env: Record<string, string | undefined> = process.env): ResolvedEasyPostOptions {
  const apiKey = options.apiKey ?? env.EASYPOST_API_KEY;
  if (!apiKey) throw new Error('EasyPost needs an API key: set EASYPOST_API_KEY (or the plugin option apiKey)');
  return {
    id: options.id ?? 'easypost',
    name: options.name ?? 'EasyPost',
    apiKey,
    webhookSecret: options.webhookSecret ?? (env.EASYPOST_WEBHOOK_SECRET || null),
    apiBase: (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, ''),
    timeoutMs: options.timeoutMs ?? 20_000,
    retries: options.retries ?? 2,
    retryBackoffMs: options.retryBackoffMs ?? 500,
    defaultParcel: options.defaultParcel ?? null,
    carrierAccounts: options.carrierAccounts ?? null,
    services: options.services ?? null,
    labelFormat: options.labelFormat ?? 'PDF',
  };
}
