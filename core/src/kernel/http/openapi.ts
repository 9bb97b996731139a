import type { TSchema } from 'typebox';
import type { MountedRoute } from './route.ts';
import type { MultipartOptions } from './body.ts';
import { closeObjects } from './validation.ts';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonObject = Record<string, unknown>;

/** Symbols and TypeBox internals out; plain JSON Schema in. */
function plain(schema: TSchema): JsonObject {
  return JSON.parse(JSON.stringify(schema)) as JsonObject;
}

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri-reference' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'Stable error code, listed in docs/errors.md' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['in', 'pointer', 'rule', 'message'],
        properties: {
          in: { type: 'string', enum: ['body', 'query', 'params', 'headers'] },
          pointer: { type: 'string', description: 'RFC 6901 JSON pointer to the field' },
          rule: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
};

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationIdFor(route: MountedRoute): string {
  if (route.route.operationId) return route.route.operationId;
  const words = `${route.route.method.toLowerCase()} ${route.fullPath}`
    .replace(/:([A-Za-z0-9_]+)/g, 'by $1')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function parameters(schema: TSchema | undefined, location: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const s = plain(schema) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop as JsonObject & { description?: string };
    return {
      name,
      in: location,
      required: location === 'path' ? true : (s.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** A multipart body: its text fields (the route's body schema) and the file field, as binary strings. */
function multipartSchema(body: TSchema | undefined, options: MultipartOptions): JsonObject {
  const fields = (body ? plain(closeObjects(body)) : { type: 'object', properties: {} }) as JsonObject & { properties?: JsonObject; required?: string[] };
  const file = { type: 'string', format: 'binary', description: `At most ${options.maxFileBytes} bytes` };
  const maxFiles = options.maxFiles ?? 1;
  return {
    ...fields,
    properties: { ...fields.properties, [options.fileField]: maxFiles > 1 ? { type: 'array', items: file, minItems: 1, maxItems: maxFiles } : file },
    required: [...(fields.required ?? []), options.fileField],
  };
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable',
  503: 'Unavailable',
};

/** The OpenAPI 3.1 document, built from the same route schemas that validate requests. */
export function buildOpenApiDocument(routes: MountedRoute[], info: OpenApiInfo): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  const tags = new Set<string>();
  for (const mounted of routes) {
    const { route } = mounted;
    const path = toOpenApiPath(mounted.fullPath);
    const routeTags = route.tags?.length ? route.tags : [mounted.owner];
    routeTags.forEach((t) => tags.add(t));
    const responses: JsonObject = {};
    for (const [code, schema] of Object.entries(route.schema.response as Record<string, TSchema | null>)) {
      const status = Number(code);
      const isProblem = status >= 400;
      responses[code] = {
        description: STATUS_TEXT[status] ?? `Status ${code}`,
        ...(schema
          ? { content: { [isProblem ? 'application/problem+json' : 'application/json']: { schema: plain(schema) } } }
          : {}),
      };
    }
    responses['4XX'] ??= { $ref: '#/components/responses/Problem' };
    responses['5XX'] ??= { $ref: '#/components/responses/Problem' };
    const operation: JsonObject = {
      operationId: operationIdFor(mounted),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: routeTags,
      parameters: [...parameters(route.schema.params, 'path'), ...parameters(route.schema.query, 'query')],
      ...(route.stream
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                route.stream.contentTypes.map((type) => [type, { schema: { type: 'string', description: `At most ${route.stream!.maxBytes} bytes, read as it arrives` } }]),
              ),
            },
          }
        : route.multipart
        ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: multipartSchema(route.schema.body, route.multipart) } } } }
        : route.schema.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: plain(closeObjects(route.schema.body)) } } } }
          : {}),
      responses,
      ...(mounted.access === 'public'
        ? {}
        : {
            security: [{ bearerAuth: [] }],
            ...(typeof mounted.access === 'object' ? { 'x-permission': mounted.access.permission } : {}),
          }),
    };
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An access token (JWT) from /auth/login, or an API key (ck_…)' },
      },
      schemas: { Problem: PROBLEM_SCHEMA },
      responses: {
        Problem: {
          description: 'An error, as RFC 9457 problem details',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    },
  };
}
