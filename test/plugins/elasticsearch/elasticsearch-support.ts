import type { SearchDocument, SearchQuery } from '@cartwright/core';
import { createRequire } from 'node:module';
import type { ClientOptions } from '@elastic/elasticsearch';
import { ElasticsearchSearchProvider, resolveOptions, type ElasticsearchOptions } from '@cartwright/plugin-elasticsearch';

// the mock is CommonJS (its module.exports is the class) and recognises only the CommonJS build's error classes
const require = createRequire(import.meta.url);
const { errors } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');
type ResolverFn = import('@elastic/elasticsearch-mock').ResolverFn;
const Mock = require('@elastic/elasticsearch-mock') as typeof import('@elastic/elasticsearch-mock').default;

/** An answer with this status and body (the mock answers 200 otherwise). */
export const answerStatus = (statusCode: number, body: unknown) => new errors.ResponseError({ body, statusCode, headers: {}, warnings: [], meta: {} as never });

export const NODE = 'http://search.internal.test:9200';
export const ALIAS = 'cartwright-products';
export const LIVE_INDEX = 'cartwright-products-1700000000000';

/** One request the client sent, as the mock saw it (ndjson bodies as arrays of lines). */
export interface SeenRequest {
  method: string;
  path: string;
  querystring: Record<string, string>;
  body: any;
}

type Answer = (request: SeenRequest) => unknown;

/**
 * The official `@elastic/elasticsearch-mock` behind a real client: requests go through the client's
 * serializer, transport and retries, and are recorded; each answer is registered per method and path.
 */
export class MockCluster {
  readonly mock = new Mock();
  readonly seen: SeenRequest[] = [];

  on(method: string, path: string, answer: Answer): this {
    this.mock.clear({ method, path });
    this.mock.add({ method, path }, (pattern) => {
      const params = pattern as unknown as SeenRequest;
      this.seen.push({ method: params.method, path: params.path, querystring: params.querystring, body: params.body });
      return answer(params) as ReturnType<ResolverFn>;
    });
    return this;
  }

  requests(method: string, path?: string | RegExp): SeenRequest[] {
    return this.seen.filter((r) => r.method === method && (path === undefined || (typeof path === 'string' ? r.path === path : path.test(r.path))));
  }

  /** The alias exists, on `LIVE_INDEX`, and (during a reindex) the reindex alias on `building`. */
  withAliases(building?: string): this {
    this.on('HEAD', `/_alias/${ALIAS}`, () => '');
    return this.on('GET', `/_alias/${ALIAS},${ALIAS}-reindex`, () => ({
      [LIVE_INDEX]: { aliases: { [ALIAS]: { is_write_index: true } } },
      ...(building ? { [building]: { aliases: { [`${ALIAS}-reindex`]: {} } } } : {}),
    }));
  }

  /** Bulk requests succeed for every action, except the ids `refuse` answers a status for. */
  acceptBulk(refuse: (op: string, id: string) => { status: number; type: string; reason: string } | undefined = () => undefined): this {
    return this.on('POST', '/_bulk', (request) => {
      const items: unknown[] = [];
      const lines = request.body as Array<Record<string, { _index: string; _id: string }>>;
      for (let i = 0; i < lines.length; i++) {
        const [op] = Object.keys(lines[i]!);
        const { _index, _id } = lines[i]![op!]!;
        const refused = refuse(op!, _id);
        items.push({ [op!]: refused ? { _index, _id, status: refused.status, error: { type: refused.type, reason: refused.reason } } : { _index, _id, status: op === 'delete' ? 200 : 201, result: 'created' } });
        if (op !== 'delete') i += 1;
      }
      return { took: 1, errors: items.some((item) => Object.values(item as object)[0].status >= 400), items };
    });
  }

  unavailable(method: string, path: string): this {
    return this.on(method, path, () => answerStatus(503, { error: { type: 'unavailable', reason: 'cluster is starting' }, status: 503 }));
  }

  unreachable(method: string, path: string): this {
    return this.on(method, path, () => new errors.ConnectionError('connect ECONNREFUSED 10.0.0.9:9200'));
  }

  /** The mock's connection class: the CommonJS build's, which the client (ES module build) takes as it is. */
  connection(): NonNullable<ClientOptions['Connection']> {
    return this.mock.getConnection() as unknown as NonNullable<ClientOptions['Connection']>;
  }
}

export function mockedOptions(cluster: MockCluster, options: Partial<ElasticsearchOptions> = {}): ElasticsearchOptions {
  return { node: NODE, maxRetries: 0, ...options, clientOptions: { Connection: cluster.connection(), ...options.clientOptions } };
}

export function mockedProvider(cluster: MockCluster, options: { language?: string; maxRetries?: number; boosts?: { inStock: number; featured: number; popularity: number } } = {}): ElasticsearchSearchProvider {
  const resolved = resolveOptions(mockedOptions(cluster, { maxRetries: options.maxRetries ?? 0 }), {});
  return new ElasticsearchSearchProvider({
    options: resolved,
    language: options.language ?? 'english',
    boosts: options.boosts ?? { inStock: 0, featured: 0, popularity: 0 },
  });
}

export function doc(id: string, overrides: Partial<SearchDocument> = {}): SearchDocument {
  return {
    id,
    slug: id.replace(/^prod_/, ''),
    title: `Product ${id}`,
    description: '',
    brand: null,
    categories: [],
    tags: [],
    attributes: [],
    skus: [],
    prices: { EUR: { min: 1000, max: 1000 } },
    inStock: true,
    featured: false,
    popularity: 0,
    rating: null,
    ratingCount: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function searchQuery(overrides: Partial<SearchQuery> = {}): SearchQuery {
  return { filters: {}, currency: 'EUR', sort: 'relevance', facets: [], limit: 20, offset: 0, ...overrides };
}

/** A search answer with these ids (and scores), this total and these aggregations. */
export function searchAnswer(hits: Array<[string, number]>, total = hits.length, extra: Record<string, unknown> = {}) {
  return { took: 1, timed_out: false, hits: { total: { value: total, relation: 'eq' }, max_score: null, hits: hits.map(([id, score]) => ({ _index: LIVE_INDEX, _id: id, _score: score })) }, ...extra };
}

export async function* batchesOf(...batches: SearchDocument[][]): AsyncIterable<readonly SearchDocument[]> {
  for (const batch of batches) yield batch;
}
