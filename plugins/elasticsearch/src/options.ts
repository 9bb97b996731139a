import { Type, type Static } from '@cartwright/core';
import type { ClientOptions } from '@elastic/elasticsearch';

export const ElasticsearchOptions = Type.Object(
  {
    /** The cluster's URL (`https://search.example.com:9200`). Default: the environment variable `ELASTICSEARCH_URL`; start-up stops without one. */
    node: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** An API key, or a user and password. Default: `ELASTICSEARCH_API_KEY`, else `ELASTICSEARCH_USERNAME` and `ELASTICSEARCH_PASSWORD`; none for a cluster without security. */
    auth: Type.Optional(
      Type.Union([
        Type.Object({ apiKey: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      ]),
    ),
    /** The alias searches and writes go through; concrete indices are named `<indexPrefix>-<timestamp>`. Default `cartwright-products`. */
    indexPrefix: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,180}$' })),
    /** How long one request may take, in ms. Default 10000. */
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 300_000 })),
    /** Retries of a request that met a connection error, a timeout or a 502/503/504 (the client's `maxRetries`). Default 3. */
    maxRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    /** The catalog's language as a PostgreSQL text search configuration name (`english`, `german`, `simple`…). Default: the store's `search.language`. */
    language: Type.Optional(Type.String({ pattern: '^[a-z_]{1,63}$' })),
    /**
     * More `@elastic/elasticsearch` client options (`tls` with the cluster's CA, a `Connection` class
     * such as `@elastic/elasticsearch-mock`'s in tests); `node`, `auth`, `requestTimeoutMs` and
     * `maxRetries` above win over the same keys here.
     */
    clientOptions: Type.Optional(Type.Unsafe<Partial<ClientOptions>>({ type: 'object' })),
  },
  { additionalProperties: false },
);
export type ElasticsearchOptions = Static<typeof ElasticsearchOptions>;

/** The options with every default applied, except the language (the store's when left out). */
export interface ResolvedElasticsearchOptions {
  node: string;
  auth: { apiKey: string } | { username: string; password: string } | null;
  indexPrefix: string;
  requestTimeoutMs: number;
  maxRetries: number;
  language: string | null;
  clientOptions: Partial<ClientOptions>;
}

export const DEFAULT_INDEX_PREFIX = 'cartwright-products';

/** Applies defaults and reads the node and credentials from the environment when the options leave them out; throws naming what is missing. */
export function resolveOptions(options: ElasticsearchOptions, env: Record<string, string | undefined> = process.env): ResolvedElasticsearchOptions {
  const node = options.node ?? env.ELASTICSEARCH_URL;
  if (!node) throw new Error('Elasticsearch needs the cluster URL: set ELASTICSEARCH_URL (or the plugin option node)');
  if (!/^https?:\/\//.test(node)) throw new Error(`ELASTICSEARCH_URL must be an http(s) URL, not "${node}"`);
  return {
    node,
    auth: options.auth ?? authFromEnv(env),
    indexPrefix: options.indexPrefix ?? DEFAULT_INDEX_PREFIX,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    maxRetries: options.maxRetries ?? 3,
    language: options.language ?? null,
    clientOptions: options.clientOptions ?? {},
  };
}

function authFromEnv(env: Record<string, string | undefined>): ResolvedElasticsearchOptions['auth'] {
  if (env.ELASTICSEARCH_API_KEY) return { apiKey: env.ELASTICSEARCH_API_KEY };
  const { ELASTICSEARCH_USERNAME: username, ELASTICSEARCH_PASSWORD: password } = env;
  if (username && password) return { username, password };
  if (username || password) throw new Error('Elasticsearch needs both ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD, or ELASTICSEARCH_API_KEY');
  return null;
}
