import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { createUnitOfWorkScope, type CommerceContainer } from '../container.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives each request an id (a well-formed incoming X-Request-Id is kept, so traces join up across
 * services), a child logger, and its own container scope with a fresh EntityManager.
 */
export function requestContext(container: CommerceContainer, database: Database, logger: Logger) {
  return async function withRequestContext(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    ctx.state.requestId = requestId;
    ctx.state.logger = log;
    ctx.set('X-Request-Id', requestId);
    const scope = createUnitOfWorkScope(container, {
      em: database.fork(),
      requestId,
      clientIp: ctx.ip || null,
      actor: { kind: 'anonymous' },
      logger: log,
    });
    ctx.state.scope = scope;
    // disposed when the response is done rather than when the middleware returns, so a streamed
    // body (server-sent events) keeps its services until the client goes away
    ctx.res.once('close', () => void scope.dispose());
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
    }
  };
}

/** Headers that make an API safer to expose; the docs page loosens the CSP for its own styles. */
export function securityHeaders() {
  return async function setSecurityHeaders(ctx: Context, next: Next): Promise<void> {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Resource-Policy', 'same-site');
    ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}

/** Counts in-flight requests so shutdown can wait for them to finish. */
export class InFlightTracker {
  #count = 0;
  #waiters: Array<() => void> = [];

  middleware() {
    return async (_ctx: Context, next: Next): Promise<void> => {
      this.#count++;
      try {
        await next();
      } finally {
        this.#count--;
        if (this.#count === 0) for (const resolve of this.#waiters.splice(0)) resolve();
      }
    };
  }

  get count(): number {
    return this.#count;
  }

  /** Resolves once no request is in flight, or after `timeoutMs` (returns whether it drained). */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.#waiters.push(() => resolve(true)));
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    return result;
  }
}
