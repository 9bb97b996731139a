import type { Context, Next } from 'koa';
import { AppError, KernelErrors, problemType, registeredErrorCodes } from '../errors.ts';
import type { Logger } from '../logger.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId?: string;
  errors?: Array<{ in: string; pointer: string; rule: string; message: string }>;
  [extension: string]: unknown;
}

/** Maps what a dependency throws (koa, http-errors) onto our codes, so every error is one shape. */
function normalise(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
  if (status === 404) return KernelErrors.NOT_FOUND();
  if (status === 405) return KernelErrors.METHOD_NOT_ALLOWED();
  if (status === 413) return KernelErrors.PAYLOAD_TOO_LARGE();
  if (status === 415) return KernelErrors.UNSUPPORTED_MEDIA_TYPE();
  if (status >= 400 && status < 500) {
    return new AppError({ status, code: 'BAD_REQUEST', message: (error as Error).message || 'Bad request' });
  }
  return KernelErrors.INTERNAL(undefined, { cause: error, expose: false });
}

export function toProblem(error: AppError, ctx: Context, requestId: string | undefined): ProblemDocument {
  const title = registeredErrorCodes().get(error.code)?.title ?? (error.expose ? error.message : 'Error');
  return {
    ...error.extensions,
    type: problemType(error.code),
    title,
    status: error.status,
    detail: error.expose ? error.message : 'An unexpected error occurred. Quote the request id when reporting it.',
    instance: ctx.path,
    code: error.code,
    ...(requestId ? { requestId } : {}),
    ...(error.errors?.length ? { errors: error.errors } : {}),
  };
}

/** The one place errors become responses: RFC 9457 problem+json, 5xx details hidden and logged. */
export function problemMiddleware(logger: Logger) {
  return async function renderProblems(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) throw KernelErrors.ROUTE_NOT_FOUND(`No route for ${ctx.method} ${ctx.path}`);
        if (ctx.status === 405) throw KernelErrors.METHOD_NOT_ALLOWED(`${ctx.path} accepts ${ctx.response.get('Allow')}`);
        if (ctx.status === 501) throw KernelErrors.METHOD_NOT_ALLOWED(`${ctx.method} is not supported`);
      }
    } catch (thrown) {
      const error = normalise(thrown);
      const requestId = ctx.state.requestId as string | undefined;
      // an exposed 5xx (503 not ready, 502 from a provider) is an expected state, not a bug
      if (error.status >= 500 && !error.expose) {
        (ctx.state.logger as Logger | undefined ?? logger).error({ err: thrown, requestId }, 'request failed');
      }
      ctx.status = error.status;
      for (const [name, value] of Object.entries(error.headers ?? {})) ctx.set(name, value);
      ctx.body = toProblem(error, ctx, requestId);
      ctx.type = PROBLEM_CONTENT_TYPE;
    }
  };
}
