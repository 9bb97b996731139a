import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from 'typebox';
import type { FieldIssue } from '../errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createAjv(options: ConstructorParameters<typeof Ajv>[0]): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}

/** Bodies: no coercion (JSON has types), defaults applied. */
export const bodyAjv = createAjv({ useDefaults: true, coerceTypes: false });
/** Query strings and path params arrive as text: coerce to the declared types; single values become arrays. */
export const queryAjv = createAjv({ useDefaults: true, coerceTypes: 'array' });
/**
 * Responses: drop every property the schema does not declare, so nothing undeclared leaks
 * (response schemas are closed with `closeObjects` first; `additionalProperties: true` opts out).
 */
export const responseAjv = createAjv({ removeAdditional: true, useDefaults: false, coerceTypes: false });
/** Configuration: defaults filled in, no coercion; verbose so messages can list the allowed keys and values. */
export const configAjv = createAjv({ useDefaults: true, coerceTypes: false, verbose: true });

/**
 * Makes every object schema that does not say otherwise reject unknown properties, so a client that
 * misspells a field hears about it instead of having it silently ignored.
 */
export function closeObjects<T extends TSchema>(schema: T): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = key === 'properties' || key === '$defs' ? mapValues(value, visit) : visit(value);
    if (out.type === 'object' && out.properties && !('additionalProperties' in out) && !('patternProperties' in out)) {
      out.additionalProperties = false;
    }
    return out;
  };
  return visit(schema) as T;
}

function mapValues(obj: unknown, fn: (v: unknown) => unknown): unknown {
  if (typeof obj !== 'object' || obj === null) return obj;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** ajv errors → field issues with a JSON pointer to the offending field and the rule it broke. */
export function toFieldIssues(errors: ErrorObject[] | null | undefined, location: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    let pointer = error.instancePath;
    let message = error.message ?? 'is invalid';
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required') {
      pointer += `/${escapePointer(String(params.missingProperty))}`;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      pointer += `/${escapePointer(String(params.additionalProperty))}`;
      message = 'is not an allowed field';
    } else if (error.keyword === 'type') {
      message = `must be ${String(params.type)}`;
    } else if (error.keyword === 'enum') {
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${pointer}|${error.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ in: location, pointer, rule: error.keyword, message });
  }
  return issues;
}

export type { ValidateFunction };
