import type { Context } from 'koa';
import type { Static, TSchema } from 'typebox';
import type { Actor, Cradle } from '../container.ts';
import type { RouteAccess } from './access.ts';
import type { Readable } from 'node:stream';
import type { MultipartOptions, StreamBodyOptions, UploadedFile } from './body.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The JSON Schemas of one route. Input is validated against them; responses are shaped by them. */
export interface RouteSchema {
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** Status code → response body schema; `null` for an empty body (204). */
  response: Record<number, TSchema | null>;
}

type Input<T> = T extends TSchema ? Static<T> : Record<string, never>;
type SuccessCodes<S extends RouteSchema> = Extract<keyof S['response'], 200 | 201 | 202 | 203 | 204 | 206>;
type ResponseBody<S extends RouteSchema, C> = C extends keyof S['response']
  ? S['response'][C] extends TSchema
    ? Static<S['response'][C]>
    : undefined
  : never;

export interface RouteRequest<S extends RouteSchema> {
  params: Input<S['params']>;
  query: Input<S['query']>;
  body: Input<S['body']>;
  /** The request scope: services resolved here share this request's EntityManager and actor. */
  cradle: Cradle;
  /** Who is calling (already checked against the route's `access`). */
  actor: Actor;
  requestId: string;
  /** The raw request body, for routes declared with `rawBody: true` (webhook signatures). */
  rawBody: Buffer | undefined;
  /** The uploaded files, for routes declared with `multipart` (their text fields are `body`); empty otherwise. */
  files: UploadedFile[];
  /** The request body as a byte stream, for routes declared with `stream` (counted against its `maxBytes`); undefined otherwise. */
  stream: Readable | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** The Koa context, for what the route abstraction does not cover (streams, cookies). */
  ctx: Context;
}

/** A response with a status other than the route's first success code, or with headers. */
export interface Reply<S extends RouteSchema, C extends keyof S['response'] = keyof S['response']> {
  readonly [REPLY]: true;
  status: C;
  body: ResponseBody<S, C>;
  headers?: Record<string, string>;
}

const REPLY = Symbol('cartwright.reply');

export function reply<S extends RouteSchema, C extends keyof S['response'] & number>(
  status: C,
  body: ResponseBody<S, C>,
  headers?: Record<string, string>,
): Reply<S, C> {
  return { [REPLY]: true, status, body, ...(headers ? { headers } : {}) };
}

export function isReply(value: unknown): value is Reply<RouteSchema> {
  return typeof value === 'object' && value !== null && REPLY in value;
}

export interface RouteDefinition<S extends RouteSchema = RouteSchema> {
  method: HttpMethod;
  /** Koa-style path relative to the prefix it is mounted under: `/:id/items`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  schema: S;
  /** Keep the unparsed body on `rawBody` (signature verification needs the exact bytes). */
  rawBody?: boolean;
  /** Overrides `http.bodyLimit` for this route, in bytes. */
  bodyLimit?: number;
  /** The body is `multipart/form-data`: files arrive on `files`, text fields on `body` (validated by `schema.body`). */
  multipart?: MultipartOptions;
  /** The body is read by the handler as it arrives, from `stream` (large uploads such as CSV files): never buffered or parsed here. */
  stream?: StreamBodyOptions;
  /**
   * Who may call it. Defaults to `public` outside `/admin`; every `/admin` route must name the
   * permission it needs, or the store refuses to start.
   */
  access?: RouteAccess;
  /**
   * How the audit log names this route's action when the handler records none itself. Every
   * successful `/admin` write (not GET) leaves an audit entry: a service that knows the record's
   * before and after states writes its own with `auditLog.record(em, …)` in its transaction; when it
   * writes none, the router records a generic one after the response is ready, named `action` here
   * (`review.approved`), else `<METHOD> <route pattern>` (`POST /admin/reviews/:id/approve`), with the
   * route's params and JSON body (secrets redacted) as `after`.
   *
   * ```ts
   * defineRoute({ method: 'POST', path: '/:id/approve', audit: { action: 'review.approved' }, access: { permission: 'reviews:moderate' }, … })
   * ```
   *
   * `false`: no generic entry, for a write method that changes nothing (a preview) or whose handler
   * records every change it makes itself, and so, when it changes nothing, rightly leaves none (an
   * import of unchanged rows).
   */
  audit?: { action: string } | false;
  /** Returns the body of the route's first success status, a `reply(...)`, or nothing after writing `ctx.body` itself. */
  handler(
    request: RouteRequest<S>,
  ): Promise<ResponseBody<S, SuccessCodes<S>> | Reply<S> | void> | ResponseBody<S, SuccessCodes<S>> | Reply<S> | void;
}

/** Identity function that makes TypeScript infer handler types from the route's schemas. */
export function defineRoute<const S extends RouteSchema>(route: RouteDefinition<S>): RouteDefinition<S> {
  return route;
}

/** A route as mounted: its full path and the plugin or module that declared it. */
export interface MountedRoute {
  owner: string;
  fullPath: string;
  route: RouteDefinition<any>;
  access: RouteAccess;
}

/** What the router tells the audit log about a successful `/admin` write, for its generic entry. */
export interface AdminActionReport {
  /** The route's declared `audit.action`, if any. */
  declaredAction: string | undefined;
  method: HttpMethod;
  /** The mounted path pattern: `/admin/orders/:id/cancel`. */
  routePath: string;
  params: Record<string, string>;
  /** The parsed JSON body, when the route takes one (`undefined` when it takes none or not as JSON). */
  body: unknown;
  /** The request's content type, recorded instead of a body that is not JSON (uploads, streams). */
  contentType: string | undefined;
  /** Whether the body was JSON (false for multipart, streamed and raw bodies). */
  jsonBody: boolean;
  status: number;
  responseBody: unknown;
}

/**
 * The part of the audit log the router relies on (the `auditLog` service, scoped to the request):
 * whether a handler recorded an entry, and a generic entry for a write that recorded none.
 */
export interface AdminActionAudit {
  readonly recorded: boolean;
  recordFallback(report: AdminActionReport): Promise<void>;
}
