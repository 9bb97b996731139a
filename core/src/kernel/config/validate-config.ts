import type { ErrorObject } from 'ajv';
import { CoreConfigSchema } from './config.schema.ts';
import { configAjv } from '../http/validation.ts';
import { isPluginInstance, type PluginInstance } from '../plugin.ts';
import type { CommerceConfigInput, RuntimeConfig } from './define-config.ts';

export interface ConfigIssue {
  /** Dotted key path from the config root: `http.port`, `plugins[1].options.secretKey`. */
  path: string;
  /** `core` or the plugin's package name. */
  owner: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], source?: string) {
    const lines = issues.map((i) => `  - ${i.path} (${i.owner === 'core' ? 'core' : `plugin "${i.owner}"`}): ${i.message}`);
    super(`Invalid configuration${source ? ` in ${source}` : ''}:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const validateCore = configAjv.compile(CoreConfigSchema);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  return node;
}

function dotted(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += /^\d+$/.test(key) ? `[${key}]` : path ? `.${key}` : key;
  }
  return path;
}

/** What a schema accepts, in the words the other messages use: `string`, `integer or string`, `one of "a", "b"`. */
function expectedType(schema: unknown): string | undefined {
  const node = schema as { type?: unknown; const?: unknown; anyOf?: unknown[] } | undefined;
  if (!node) return undefined;
  if (typeof node.type === 'string') return node.type;
  if (Array.isArray(node.type)) return node.type.join(' or ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (Array.isArray(node.anyOf)) {
    const branches = node.anyOf as Array<{ const?: unknown }>;
    if (branches.every((b) => b?.const !== undefined)) return `one of ${branches.map((b) => JSON.stringify(b.const)).join(', ')}`;
    const types = branches.map(expectedType);
    if (types.every(Boolean)) return [...new Set(types)].join(' or ');
  }
  return undefined;
}

function describe(errors: ErrorObject[], data: unknown, base: string, owner: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const e of errors) {
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'required') {
      const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const expected = expectedType(parent?.properties?.[String(p.missingProperty)]);
      issues.push({
        path: dotted(base, `${e.instancePath}/${String(p.missingProperty)}`),
        owner,
        message: `is required but missing${expected ? ` (expected ${expected})` : ''}`,
      });
    } else if (e.keyword === 'additionalProperties') {
      const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      issues.push({
        path: dotted(base, `${e.instancePath}/${String(p.additionalProperty)}`),
        owner,
        message: `is not a known option${allowed.length ? ` (known: ${allowed.join(', ')})` : ''}`,
      });
    } else if (e.keyword === 'type') {
      issues.push({
        path: dotted(base, e.instancePath),
        owner,
        message: `expected ${String(p.type)}, got ${typeOf(valueAt(data, e.instancePath))}`,
      });
    } else if (e.keyword === 'anyOf' || e.keyword === 'const') {
      // a union of literals reports every branch; the enum-like summary below is clearer
      if (e.keyword === 'anyOf') {
        const options = ((e.schema as Array<{ const?: unknown }>) ?? []).map((s) => JSON.stringify(s.const)).filter(Boolean);
        issues.push({ path: dotted(base, e.instancePath), owner, message: `expected one of ${options.join(', ')}` });
      }
    } else {
      issues.push({ path: dotted(base, e.instancePath), owner, message: e.message ?? 'is invalid' });
    }
  }
  return issues;
}

/** Copies plain objects and arrays (defaults are written into the copy); keeps functions and class instances as they are. */
function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneData(v)])) as T;
  }
  return value;
}

/**
 * Validates the core part and each plugin's options, fills in every default, and returns the
 * complete runtime configuration, or throws a `ConfigError` listing every problem at once.
 */
export function validateConfig(input: CommerceConfigInput, plugins: PluginInstance[], source?: string): RuntimeConfig {
  const { plugins: _ignored, ...core } = cloneData(input) as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  if (!validateCore(core)) issues.push(...describe(validateCore.errors ?? [], core, '', 'core'));
  const cors = (core as { http?: { cors?: { origins?: string[]; credentials?: boolean } } }).http?.cors;
  if (cors?.credentials && cors.origins?.includes('*')) {
    // browsers refuse `*` with credentials, and reflecting every origin instead would hand any site the shopper's session
    issues.push({ path: 'http.cors.origins', owner: 'core', message: 'cannot contain "*" when http.cors.credentials is true; list the allowed origins' });
  }

  const resolved: PluginInstance[] = [];
  plugins.forEach((plugin, index) => {
    if (!isPluginInstance(plugin)) {
      issues.push({ path: `plugins[${index}]`, owner: 'core', message: 'expected a plugin (the value returned by a plugin factory)' });
      return;
    }
    const options = cloneData(plugin.options ?? {});
    if (plugin.optionsSchema) {
      const validate = configAjv.compile(plugin.optionsSchema);
      if (!validate(options)) issues.push(...describe(validate.errors ?? [], options, `plugins[${index}].options`, plugin.name));
    }
    resolved.push({ ...plugin, options });
  });

  if (issues.length) throw new ConfigError(issues, source);
  return { ...(core as Omit<RuntimeConfig, 'plugins'>), plugins: resolved, ...(source ? { source } : {}) };
}
