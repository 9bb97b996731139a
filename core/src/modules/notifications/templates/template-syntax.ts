/**
 * The template language: logic-less, parsed once, never evaluated. `{{ order.number }}` inserts a
 * value; `{{#if x}}…{{else}}…{{/if}}`, `{{#unless x}}…{{/unless}}` and `{{#each list}}…{{/each}}`
 * (the item is `this`: `{{ this.title }}`) are the only blocks. Values are inserted after parsing,
 * so a value that looks like template syntax (`{{ secret }}`) stays text; names are plain
 * identifiers and own properties only, so `__proto__` and `constructor` can never be reached.
 */

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'value'; path: string[]; at: number }
  | { kind: 'if'; negate: boolean; path: string[]; at: number; then: TemplateNode[]; otherwise: TemplateNode[] }
  | { kind: 'each'; path: string[]; at: number; body: TemplateNode[] };

export class TemplateSyntaxError extends Error {
  /** The character offset of the offending tag. */
  readonly at: number;

  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
}

const FORBIDDEN_NAMES = new Set(['__proto__', 'prototype', 'constructor']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parsePath(expression: string, at: number): string[] {
  const path = expression.split('.');
  for (const name of path) {
    if (!NAME.test(name)) throw new TemplateSyntaxError(`"${expression}" is not a variable name (letters, digits and _, joined by dots)`, at);
    if (FORBIDDEN_NAMES.has(name)) throw new TemplateSyntaxError(`"${name}" may not be used in a template`, at);
  }
  return path;
}

interface OpenBlock {
  node: Extract<TemplateNode, { kind: 'if' | 'each' }>;
  name: 'if' | 'unless' | 'each';
  inElse: boolean;
}

/** Parses a template into nodes; throws `TemplateSyntaxError` (with the character offset) on any malformed tag. */
export function parseTemplate(source: string): TemplateNode[] {
  const root: TemplateNode[] = [];
  const stack: OpenBlock[] = [];
  const target = (): TemplateNode[] => {
    const top = stack.at(-1);
    if (!top) return root;
    if (top.node.kind === 'each') return top.node.body;
    return top.inElse ? top.node.otherwise : top.node.then;
  };
  let position = 0;
  while (position < source.length) {
    const open = source.indexOf('{{', position);
    if (open === -1) {
      target().push({ kind: 'text', text: source.slice(position) });
      break;
    }
    if (open > position) target().push({ kind: 'text', text: source.slice(position, open) });
    const close = source.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateSyntaxError('"{{" is never closed by "}}"', open);
    const tag = source.slice(open + 2, close).trim();
    position = close + 2;
    if (tag.includes('{{')) throw new TemplateSyntaxError('"{{" inside a tag', open);
    const block = /^#(if|unless|each)\s+(\S+)$/.exec(tag);
    if (block) {
      const name = block[1] as OpenBlock['name'];
      const path = parsePath(block[2]!, open);
      const node: OpenBlock['node'] =
        name === 'each' ? { kind: 'each', path, at: open, body: [] } : { kind: 'if', negate: name === 'unless', path, at: open, then: [], otherwise: [] };
      target().push(node);
      stack.push({ node, name, inElse: false });
      continue;
    }
    if (tag === 'else') {
      const top = stack.at(-1);
      if (!top || top.node.kind !== 'if' || top.inElse) throw new TemplateSyntaxError('{{else}} outside an {{#if}} or {{#unless}}', open);
      top.inElse = true;
      continue;
    }
    const end = /^\/(if|unless|each)$/.exec(tag);
    if (end) {
      const top = stack.pop();
      if (!top || top.name !== end[1]) throw new TemplateSyntaxError(`{{/${end[1]}}} closes ${top ? `{{#${top.name}}}` : 'nothing'}`, open);
      continue;
    }
    if (tag.startsWith('#') || tag.startsWith('/') || tag.startsWith('{') || tag.startsWith('>') || tag.startsWith('!')) {
      throw new TemplateSyntaxError(`{{${tag}}} is not part of the template language (values, #if, #unless, #each, else)`, open);
    }
    target().push({ kind: 'value', path: parsePath(tag, open), at: open });
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw new TemplateSyntaxError(`{{#${unclosed.name}}} is never closed`, unclosed.node.at);
  return root;
}

/** Each variable path a template reads, with `this` resolved to `<list>[]` (`order.lines[].title`). */
export function variablesOf(nodes: TemplateNode[], scope: string[] = []): Array<{ path: string; at: number; list: boolean }> {
  const found: Array<{ path: string; at: number; list: boolean }> = [];
  const resolve = (path: string[]) => (path[0] === 'this' ? [...scope, ...path.slice(1)] : path).join('.');
  for (const node of nodes) {
    if (node.kind === 'value') found.push({ path: resolve(node.path), at: node.at, list: false });
    if (node.kind === 'if') found.push({ path: resolve(node.path), at: node.at, list: false }, ...variablesOf(node.then, scope), ...variablesOf(node.otherwise, scope));
    if (node.kind === 'each') {
      const list = resolve(node.path);
      found.push({ path: list, at: node.at, list: true }, ...variablesOf(node.body, [`${list}[]`]));
    }
  }
  return found;
}

/** How a value is written into the output: HTML-escaped, as is (plain text, SMS), or on one line (a subject). */
export type OutputMode = 'html' | 'text' | 'line';

export interface RenderOptions {
  mode: OutputMode;
  /** Turns a value into text (money, dates); undefined for what it cannot show. */
  format: (value: unknown) => string | undefined;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c]!);
}

function lookup(path: string[], scopes: unknown[]): unknown {
  let value: unknown;
  if (path[0] === 'this') {
    value = scopes.at(-1);
    path = path.slice(1);
  } else {
    value = scopes[0];
  }
  for (const name of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}

/** Renders parsed nodes with `data`; each value is escaped for `mode` and is never parsed again. */
export function renderNodes(nodes: TemplateNode[], data: Record<string, unknown>, options: RenderOptions, missing: Set<string>, scopes: unknown[] = [data]): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'value') {
      const value = lookup(node.path, scopes);
      const text = value === undefined || value === null ? undefined : options.format(value);
      if (text === undefined) {
        if (value === undefined) missing.add(node.path.join('.'));
        continue;
      }
      out += options.mode === 'html' ? escapeHtml(text) : options.mode === 'line' ? text.replace(/[\r\n]+/g, ' ') : text;
    } else if (node.kind === 'if') {
      const shown = truthy(lookup(node.path, scopes)) !== node.negate;
      out += renderNodes(shown ? node.then : node.otherwise, data, options, missing, scopes);
    } else {
      const list = lookup(node.path, scopes);
      if (!Array.isArray(list)) continue;
      for (const item of list) out += renderNodes(node.body, data, options, missing, [...scopes, item]);
    }
  }
  return out;
}
