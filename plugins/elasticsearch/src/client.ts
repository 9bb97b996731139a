import { AppError } from '@cartwright/core';
import { Client, type errors, type ClientOptions } from '@elastic/elasticsearch';
import { ElasticsearchErrors } from './errors.ts';
import type { ResolvedElasticsearchOptions } from './options.ts';

/** The client the provider talks through: the options' node, credentials, timeout and retries over any extra client options. */
export function createClient(options: ResolvedElasticsearchOptions): Client {
  const clientOptions: ClientOptions = {
    ...options.clientOptions,
    node: options.node,
    requestTimeout: options.requestTimeoutMs,
    maxRetries: options.maxRetries,
    ...(options.auth ? { auth: options.auth } : {}),
  };
  return new Client(clientOptions);
}

/** The node URL without credentials, for messages and logs. */
export function displayNode(node: string): string {
  try {
    const url = new URL(node);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return node;
  }
}

/** Answers that mean the cluster is unwell rather than the request wrong: worth retrying later. */
const UNAVAILABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Transport failures, by name: a `Connection` class from the CommonJS build (a mock) throws that build's classes. */
const UNREACHABLE_ERRORS = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError', 'RequestAbortedError']);

const isResponseError = (error: unknown): error is InstanceType<typeof errors.ResponseError> => error instanceof Error && error.name === 'ResponseError';

/** Whether Elasticsearch answered this status for the failed request. */
export const statusOf = (error: unknown): number | undefined => (isResponseError(error) ? error.statusCode : undefined);

/** Why a request failed, in a sentence a person can act on. */
export function reasonOf(error: unknown): string {
  if (isResponseError(error)) {
    const body = error.body as { error?: { type?: string; reason?: string; root_cause?: Array<{ reason?: string }> } | string } | undefined;
    const cause = typeof body?.error === 'object' ? (body.error.root_cause?.[0]?.reason ?? body.error.reason ?? body.error.type) : body?.error;
    return `answered ${error.statusCode ?? 'without a status'}${cause ? `: ${cause}` : ''}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A failed client call as the plugin's error: the cluster unreachable, timing out or answering
 * 429/5xx after the client's retries is `ELASTICSEARCH_UNAVAILABLE` (naming the node); any other
 * refusal is `ELASTICSEARCH_REQUEST_REJECTED`. AppErrors pass through.
 */
export function appErrorOf(error: unknown, node: string, doing: string): AppError {
  if (error instanceof AppError) return error;
  const status = statusOf(error);
  const unavailable = (error instanceof Error && UNREACHABLE_ERRORS.has(error.name)) || (status !== undefined && UNAVAILABLE_STATUSES.has(status));
  const message = `Elasticsearch at ${displayNode(node)} ${unavailable ? 'could not be reached' : 'refused the request'} while ${doing}: ${reasonOf(error)}`;
  return unavailable ? ElasticsearchErrors.ELASTICSEARCH_UNAVAILABLE(message, { cause: error }) : ElasticsearchErrors.ELASTICSEARCH_REQUEST_REJECTED(message, { cause: error });
}
