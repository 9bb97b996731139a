/**
 * What a product attribute value must look like, written once: the catalog calls
 * `checkAttributeValue` for every value a product is given. Pure; a broken rule is a value.
 */
import type { FieldIssue } from '../../kernel/errors.ts';
import type { AttributeType } from './attribute.entity.ts';

/** An attribute definition as other modules see it. */
export interface AttributeDefinition {
  id: string;
  code: string;
  name: string;
  type: AttributeType;
  /** The allowed values of an `enum` attribute, in display order; empty for other types. */
  enumValues: string[];
  unit: string | null;
  filterable: boolean;
}

/** The longest text value a `text` attribute takes. */
export const MAX_TEXT_ATTRIBUTE_LENGTH = 1000;

export const ATTRIBUTE_CODE_PATTERN = '^[a-z][a-z0-9_]*$';

export type AttributeValueCheck = { ok: true; value: string | number | boolean } | { ok: false; rule: string };

/**
 * Checks one value against its definition. `rule` names what failed: `type` (wrong JSON type),
 * `minLength`/`maxLength` (text blank or over 1000 characters), `finite` (NaN or ±Infinity),
 * `enum` (not one of the allowed values). Text is stored trimmed.
 */
export function checkAttributeValue(def: Pick<AttributeDefinition, 'type' | 'enumValues'>, value: unknown): AttributeValueCheck {
  switch (def.type) {
    case 'text': {
      if (typeof value !== 'string') return { ok: false, rule: 'type' };
      const text = value.trim();
      if (!text) return { ok: false, rule: 'minLength' };
      if (text.length > MAX_TEXT_ATTRIBUTE_LENGTH) return { ok: false, rule: 'maxLength' };
      return { ok: true, value: text };
    }
    case 'number':
      if (typeof value !== 'number') return { ok: false, rule: 'type' };
      return Number.isFinite(value) ? { ok: true, value } : { ok: false, rule: 'finite' };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, rule: 'type' };
    case 'enum':
      if (typeof value !== 'string') return { ok: false, rule: 'type' };
      return def.enumValues.includes(value) ? { ok: true, value } : { ok: false, rule: 'enum' };
    default:
      return { ok: false, rule: 'type' };
  }
}

/** The message for a failed `checkAttributeValue`, for a field issue. */
export function describeAttributeRule(def: Pick<AttributeDefinition, 'type' | 'enumValues'>, rule: string): string {
  switch (rule) {
    case 'type':
      return `must be a ${def.type === 'enum' || def.type === 'text' ? 'string' : def.type}`;
    case 'minLength':
      return 'must not be blank';
    case 'maxLength':
      return `must be at most ${MAX_TEXT_ATTRIBUTE_LENGTH} characters`;
    case 'finite':
      return 'must be a finite number';
    case 'enum':
      return `must be one of ${def.enumValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return 'is not valid';
  }
}

/**
 * The enum values of a definition, checked: required and non-empty for `enum`, forbidden for the
 * other types; each trimmed, non-blank and unique. Returns the issues, or the normalised list.
 */
export function checkEnumValues(type: AttributeType, values: string[] | undefined): { ok: true; values: string[] } | { ok: false; issues: FieldIssue[] } {
  const issue = (pointer: string, rule: string, message: string): FieldIssue => ({ in: 'body', pointer, rule, message });
  if (type !== 'enum') {
    if (values?.length) return { ok: false, issues: [issue('/enumValues', 'forbidden', `is only allowed for enum attributes, not ${type}`)] };
    return { ok: true, values: [] };
  }
  if (!values?.length) return { ok: false, issues: [issue('/enumValues', 'required', 'must list at least one value for an enum attribute')] };
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const normalised = values.map((raw, index) => {
    const value = raw.trim();
    if (!value) issues.push(issue(`/enumValues/${index}`, 'minLength', 'must not be blank'));
    else if (seen.has(value)) issues.push(issue(`/enumValues/${index}`, 'uniqueItems', `"${value}" is listed twice`));
    seen.add(value);
    return value;
  });
  return issues.length ? { ok: false, issues } : { ok: true, values: normalised };
}
