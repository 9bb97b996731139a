import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { defineRoute, type RouteDefinition } from './route.ts';
import { KernelErrors } from '../errors.ts';
import { renderDocsPage } from './docs-page.ts';

export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

const CheckResult = Type.Object({ name: Type.String(), ok: Type.Boolean() });

/** Liveness, readiness and the API description: mounted at the root, outside `/store` and `/admin`. */
export function systemRoutes(deps: { probes: () => ReadinessProbe[]; openapi: () => Record<string, unknown> }): RouteDefinition<any>[] {
  // the routes are fixed once the store is built: serialise the description and the page once
  let described: { json: string; etag: string; page: string } | undefined;
  const description = () => {
    if (!described) {
      const json = JSON.stringify(deps.openapi());
      described = { json, etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`, page: renderDocsPage(deps.openapi()) };
    }
    return described;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/health',
      summary: 'Liveness: the process is up and serving requests',
      tags: ['operations'],
      schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      handler: () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      path: '/ready',
      summary: 'Readiness: the database, the job queue and every plugin check answer',
      description: 'Load balancers should stop routing to a node that answers 503 here.',
      tags: ['operations'],
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks: Type.Array(CheckResult) }),
          503: null,
        },
      },
      handler: async ({ cradle }) => {
        const checks = await Promise.all(
          deps.probes().map(async (probe) => {
            try {
              await probe.check();
              return { name: probe.name, ok: true };
            } catch (error) {
              // the reason goes to the log only: /ready is public and errors can name internal hosts
              cradle.logger.warn({ check: probe.name, err: error }, 'readiness check failed');
              return { name: probe.name, ok: false };
            }
          }),
        );
        const failing = checks.filter((c) => !c.ok);
        if (failing.length) {
          throw KernelErrors.SERVICE_UNAVAILABLE(`Not ready: ${failing.map((c) => c.name).join(', ')} failing`, {
            expose: true,
            extensions: { checks },
            headers: { 'Retry-After': '5' },
          });
        }
        return { status: 'ready' as const, checks };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      summary: 'The OpenAPI 3.1 description of this API',
      tags: ['operations'],
      schema: { response: { 200: Type.Object({}, { additionalProperties: true }), 304: null } },
      handler: ({ ctx }) => {
        const { json, etag } = description();
        ctx.set('ETag', etag);
        ctx.set('Cache-Control', 'no-cache');
        if (ctx.get('if-none-match') === etag) {
          ctx.status = 304;
          ctx.body = '';
          return;
        }
        ctx.type = 'application/json; charset=utf-8';
        ctx.body = json;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/docs',
      summary: 'A readable API reference page, served locally',
      tags: ['operations'],
      schema: { response: { 200: null } },
      handler: ({ ctx }) => {
        ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = description().page;
      },
    }),
  ];
}
