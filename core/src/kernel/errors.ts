/**
 * Errors that cross the HTTP edge. Expected outcomes inside services are values; an `AppError`
 * is thrown when an operation must stop and the caller must be told why. The problem middleware
 * renders every `AppError` as RFC 9457 problem+json; anything else is a bug and becomes an opaque 500.
 */

/** One invalid input field, addressed by a JSON pointer into the request part it came from. */
export interface FieldIssue {
  /** Where the field was: `body`, `query`, `params` or `headers`. */
  in: string;
  /** RFC 6901 JSON pointer, `''` for the part itself. */
  pointer: string;
  /** The rule that failed, e.g. `required`, `type`, `additionalProperties`, `maxLength`. */
  rule: string;
  message: string;
}

export interface AppErrorOptions {
  status: number;
  code: string;
  message: string;
  /** Whether `message` may be shown to the client. Defaults to true below 500. */
  expose?: boolean;
  errors?: FieldIssue[];
  /** Extra members of the problem document (e.g. `available` for stock conflicts). */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;
  readonly errors: FieldIssue[] | undefined;
  readonly extensions: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(options: AppErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = 'AppError';
    this.status = options.status;
    this.code = options.code;
    this.expose = options.expose ?? options.status < 500;
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

/** A registry entry: each module declares its codes once, in its `*.errors.ts` file. */
export interface ErrorCodeDefinition {
  status: number;
  title: string;
}

export type ErrorCodeMap = Record<string, ErrorCodeDefinition>;

/**
 * Declares a module's error codes and returns a factory per code, so a code is written in one
 * place and `docs/errors.md` can be checked against the registry.
 */
export function defineErrorCodes<const M extends ErrorCodeMap>(codes: M) {
  for (const [code, def] of Object.entries(codes)) {
    const existing = errorRegistry.get(code);
    if (existing && (existing.status !== def.status || existing.title !== def.title)) {
      throw new Error(`Error code ${code} is already defined (${existing.status} "${existing.title}"); pick a module-prefixed code`);
    }
    errorRegistry.set(code, def);
  }
  const factories = {} as {
    [K in keyof M]: (message?: string, extra?: Omit<AppErrorOptions, 'status' | 'code' | 'message'>) => AppError;
  };
  for (const [code, def] of Object.entries(codes)) {
    (factories as Record<string, unknown>)[code] = (message?: string, extra: Omit<AppErrorOptions, 'status' | 'code' | 'message'> = {}) =>
      new AppError({ status: def.status, code, message: message ?? def.title, ...extra });
  }
  return factories;
}

const errorRegistry = new Map<string, ErrorCodeDefinition>();

/** Every error code declared so far, for documentation and the docs/errors.md consistency test. */
export function registeredErrorCodes(): ReadonlyMap<string, ErrorCodeDefinition> {
  return errorRegistry;
}

export const KernelErrors = defineErrorCodes({
  VALIDATION_FAILED: { status: 400, title: 'The request has invalid fields' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  FORBIDDEN: { status: 403, title: 'You are not allowed to do this' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No route matches this method and path' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'This path does not accept this method' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is larger than allowed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body has an unsupported content type' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL: { status: 500, title: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is unavailable' },
  HOOK_VETOED: { status: 422, title: 'The operation was refused' },
});

/** A problem `type` URI per code: stable, documented in docs/errors.md. */
export function problemType(code: string): string {
  return `urn:cartwright:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}
