import Router from '@koa/router';
import type { Context } from 'koa';
import type { TSchema } from 'typebox';
import { KernelErrors } from '../errors.ts';
import { asValue } from 'awilix';
import type { Actor, CommerceContainer } from '../container.ts';
import { authorize, isAdminPath, requireAdminPermission } from './access.ts';
import { isReply, type AdminActionAudit, type AdminActionReport, type MountedRoute, type RouteDefinition } from './route.ts';
import type { Readable } from 'node:stream';
import { openBodyStream, parseJsonBody, readMultipartBody, readRawBody, type UploadedFile } from './body.ts';
import { bodyAjv, closeObjects, queryAjv, responseAjv, toFieldIssues, type ValidateFunction } from './validation.ts';

interface CompiledRoute {
  params?: ValidateFunction;
  query?: ValidateFunction;
  body?: ValidateFunction;
  responses: Map<number, ValidateFunction | null>;
  successStatus: number;
}

/**
 * Route definitions are module constants shared by every store in a process (tests start hundreds):
 * each is compiled once. (ajv's own cache is keyed by schema object, and `closeObjects` makes new ones.)
 */
const compiledRoutes = new WeakMap<RouteDefinition<any>, CompiledRoute>();

function compile(route: RouteDefinition<any>): CompiledRoute {
  let compiled = compiledRoutes.get(route);
  if (!compiled) {
    compiled = compileSchemas(route);
    compiledRoutes.set(route, compiled);
  }
  return compiled;
}

function compileSchemas(route: RouteDefinition<any>): CompiledRoute {
  const s = route.schema;
  const responses = new Map<number, ValidateFunction | null>();
  for (const [code, schema] of Object.entries(s.response as Record<string, TSchema | null>)) {
    responses.set(Number(code), schema ? responseAjv.compile(closeObjects(schema)) : null);
  }
  const successStatus = [...responses.keys()].filter((c) => c >= 200 && c < 300).sort()[0] ?? 200;
  return {
    ...(s.params ? { params: queryAjv.compile(s.params) } : {}),
    ...(s.query ? { query: queryAjv.compile(closeObjects(s.query)) } : {}),
    ...(s.body ? { body: bodyAjv.compile(closeObjects(s.body)) } : {}),
    responses,
    successStatus,
  };
}

function check(validate: ValidateFunction | undefined, value: unknown, location: string): void {
  if (validate && !validate(value)) {
    const errors = toFieldIssues(validate.errors, location);
    const first = errors[0];
    throw KernelErrors.VALIDATION_FAILED(
      first ? `${location}${first.pointer || ''} ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}` : undefined,
      { errors },
    );
  }
}

/** Koa gives repeated query keys as arrays and single ones as strings; ajv's coercion handles both. */
function plainQuery(ctx: Context): Record<string, unknown> {
  return { ...(ctx.query as Record<string, unknown>) };
}

function shapeResponse(compiled: CompiledRoute, status: number, body: unknown, route: RouteDefinition<any>): unknown {
  const validate = compiled.responses.get(status);
  if (validate === undefined) throw new Error(`${route.method} ${route.path} answered ${status}, which its schema does not declare`);
  if (validate === null) return undefined;
  // a JSON round trip turns entities and dates into plain data before undeclared fields are removed
  const data = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  if (!validate(data)) {
    throw new Error(`${route.method} ${route.path} answered a ${status} body that breaks its schema: ${JSON.stringify(validate.errors)}`);
  }
  return data;
}

/** Asks the registered authenticator who is calling, and makes that the scope's actor. */
async function identify(scope: CommerceContainer, ctx: Context): Promise<Actor> {
  if (!scope.hasRegistration('authenticator')) return scope.cradle.actor;
  const actor = await scope.cradle.authenticator.authenticate({
    authorization: ctx.get('authorization') || undefined,
    ip: ctx.ip,
    userAgent: ctx.get('user-agent') || undefined,
  });
  scope.register({ actor: asValue(actor) });
  return actor;
}

/**
 * After a successful admin write whose handler recorded no audit entry, the generic one. The change
 * has committed: a failure here is logged with the request id and the response stands.
 */
async function auditIfUnrecorded(scope: CommerceContainer, ctx: Context, report: AdminActionReport): Promise<void> {
  if (!scope.hasRegistration('auditLog')) return;
  try {
    const audit = scope.resolve<AdminActionAudit>('auditLog');
    if (!audit.recorded) await audit.recordFallback(report);
  } catch (error) {
    const logger = scope.cradle.logger;
    logger.error(
      { err: error, requestId: ctx.state.requestId, route: `${report.method} ${report.routePath}` },
      'the audit entry of an admin action could not be written',
    );
  }
}

export function buildRouter(routes: MountedRoute[], options: { bodyLimit: number }): Router {
  const router = new Router();
  for (const mounted of routes) {
    const { route } = mounted;
    requireAdminPermission(mounted.owner, route.method, mounted.fullPath, mounted.access);
    const compiled = compile(route);
    const needsBody = route.method !== 'GET' && route.method !== 'DELETE' && (route.schema.body || route.rawBody);
    const auditsWrites = isAdminPath(mounted.fullPath) && route.method !== 'GET' && route.audit !== false;
    const jsonBody = !route.multipart && !route.stream && !(route.rawBody && !route.schema.body);
    router.register(mounted.fullPath, [route.method], async (ctx: Context) => {
      const scope = ctx.state.scope as CommerceContainer;
      const actor = await identify(scope, ctx);
      authorize(actor, mounted.access);
      const params = { ...ctx.params };
      check(compiled.params, params, 'params');
      const query = plainQuery(ctx);
      check(compiled.query, query, 'query');
      let rawBody: Buffer | undefined;
      let body: unknown;
      let files: UploadedFile[] = [];
      let stream: Readable | undefined;
      if (route.multipart) ({ fields: body, files } = await readMultipartBody(ctx, route.multipart));
      else if (route.stream) stream = openBodyStream(ctx, route.stream);
      else if (needsBody) {
        rawBody = await readRawBody(ctx, { limit: route.bodyLimit ?? options.bodyLimit });
        if (route.schema.body) body = parseJsonBody(ctx, rawBody);
      }
      if (route.schema.body) {
        if (body === undefined) body = {};
        check(compiled.body, body, 'body');
      }
      const result = await route.handler({
        params,
        query,
        body,
        cradle: scope.cradle,
        actor,
        requestId: ctx.state.requestId as string,
        rawBody,
        files,
        stream,
        headers: ctx.headers,
        ctx,
      });
      // unless the handler streamed or replied itself, the result becomes the response
      if (!(ctx.respond === false || (ctx.body !== undefined && result === undefined))) {
        const status = isReply(result) ? Number(result.status) : compiled.successStatus;
        const payload = isReply(result) ? result.body : result;
        if (isReply(result)) for (const [name, value] of Object.entries(result.headers ?? {})) ctx.set(name, value);
        ctx.status = status;
        const shaped = shapeResponse(compiled, status, payload, route);
        if (shaped !== undefined) ctx.body = shaped;
      }
      if (auditsWrites && ctx.status >= 200 && ctx.status < 300) {
        await auditIfUnrecorded(scope, ctx, {
          declaredAction: route.audit ? route.audit.action : undefined,
          method: route.method,
          routePath: mounted.fullPath,
          params,
          body: jsonBody ? body : undefined,
          contentType: ctx.get('content-type') || undefined,
          jsonBody,
          status: ctx.status,
          responseBody: ctx.body,
        });
      }
    });
  }
  return router;
}

export function joinPath(prefix: string, path: string): string {
  const full = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '');
  return full === '' ? '/' : full;
}
