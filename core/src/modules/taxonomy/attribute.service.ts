import type { EntityManager } from '@mikro-orm/sql';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import type { AuditLog } from '../audit/index.ts';
import { Attribute, type AttributeRecord, type AttributeType } from './attribute.entity.ts';
import { checkEnumValues, type AttributeDefinition } from './attribute-rules.ts';
import type { LookupOptions } from './category.service.ts';
import { TaxonomyErrors } from './taxonomy.errors.ts';
import { blankToNull, likeContaining, uniqueOr } from './taxonomy-sql.ts';

export interface AttributeInput {
  code: string;
  name: string;
  type: AttributeType;
  enumValues?: string[] | undefined;
  unit?: string | null | undefined;
  filterable?: boolean | undefined;
}

/** Everything but the code, which is immutable: products and storefront filters refer to it. */
export type AttributeChange = Partial<Omit<AttributeInput, 'code'>>;

export interface AttributeListQuery {
  /** Case-insensitive substring of the code or the name. */
  q?: string | undefined;
  type?: AttributeType | undefined;
  filterable?: boolean | undefined;
  limit: number;
  offset: number;
}

function snapshot(attribute: AttributeRecord) {
  return {
    code: attribute.code,
    name: attribute.name,
    type: attribute.type,
    enumValues: [...attribute.enumValues],
    unit: attribute.unit ?? null,
    filterable: attribute.filterable,
  };
}

export function toAttributeDefinition(attribute: AttributeRecord): AttributeDefinition {
  return {
    id: attribute.id,
    code: attribute.code,
    name: attribute.name,
    type: attribute.type,
    enumValues: [...attribute.enumValues],
    unit: attribute.unit ?? null,
    filterable: attribute.filterable,
  };
}

function invalid(issues: FieldIssue[]) {
  const [first] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return TaxonomyErrors.ATTRIBUTE_INVALID(`${first!.in}${first!.pointer} ${first!.message}${more}`, { errors: issues });
}

const codeTaken = (code: string) =>
  TaxonomyErrors.ATTRIBUTE_CODE_TAKEN(`Another attribute already has the code "${code}"`, {
    errors: [{ in: 'body', pointer: '/code', rule: 'unique', message: 'is already used by another attribute' }],
  });

/**
 * Attribute definitions. A definition's code never changes; its type cannot change once a product
 * has a value for it, and an enum value a product still uses cannot be removed. Product values
 * live in the catalog's `cw_product_attribute` (enum and text values in `text_value`).
 */
export class AttributeService {
  readonly #em: EntityManager;
  readonly #events: EventBus;
  readonly #audit: AuditLog;

  constructor({ em, events, auditLog }: { em: EntityManager; events: EventBus; auditLog: AuditLog }) {
    this.#em = em;
    this.#events = events;
    this.#audit = auditLog;
  }

  /** By code, A to Z. */
  async list(query: AttributeListQuery): Promise<{ items: AttributeRecord[]; count: number }> {
    const where: Record<string, unknown> = {};
    const q = query.q?.trim();
    if (q) where.$or = [{ code: { $ilike: likeContaining(q) } }, { name: { $ilike: likeContaining(q) } }];
    if (query.type) where.type = query.type;
    if (query.filterable !== undefined) where.filterable = query.filterable;
    const [items, count] = await this.#em.findAndCount(Attribute, where, { orderBy: { code: 'asc' }, limit: query.limit, offset: query.offset });
    return { items, count };
  }

  async get(id: string): Promise<AttributeRecord> {
    const attribute = await this.#em.findOne(Attribute, { id });
    if (!attribute) throw TaxonomyErrors.ATTRIBUTE_NOT_FOUND(`No attribute has the id "${id}"`);
    return attribute;
  }

  async create(input: AttributeInput): Promise<AttributeRecord> {
    const enumValues = checkEnumValues(input.type, input.enumValues);
    if (!enumValues.ok) throw invalid(enumValues.issues);
    return uniqueOr(
      this.#em.transactional(async (em) => {
        if ((await em.execute('select 1 from cw_attribute where code = ?', [input.code])).length) throw codeTaken(input.code);
        const now = new Date();
        const attribute = em.create(Attribute, {
          id: newId('attr'),
          code: input.code,
          name: input.name.trim(),
          type: input.type,
          enumValues: enumValues.values,
          unit: blankToNull(input.unit),
          filterable: input.filterable ?? false,
          createdAt: now,
          updatedAt: now,
        });
        this.#audit.record(em, { action: 'attribute.created', target: { type: 'attribute', id: attribute.id }, before: null, after: snapshot(attribute) });
        this.#events.emit(em, 'attribute.created', { attributeId: attribute.id, code: attribute.code });
        return attribute;
      }),
      () => codeTaken(input.code),
    );
  }

  async update(id: string, change: AttributeChange): Promise<AttributeRecord> {
    return this.#em.transactional(async (em) => {
      // locked: a concurrent change of the same definition must see this one's result
      const [locked] = await em.execute('select id from cw_attribute where id = ? for update', [id]);
      const attribute = locked ? await em.findOne(Attribute, { id }, { refresh: true }) : null;
      if (!attribute) throw TaxonomyErrors.ATTRIBUTE_NOT_FOUND(`No attribute has the id "${id}"`);
      const before = snapshot(attribute);
      const type = change.type ?? attribute.type;
      const typeChanges = type !== attribute.type;
      // a type change away from enum drops the values unless the request lists some (which is refused)
      const requested = change.enumValues ?? (typeChanges && type !== 'enum' ? [] : typeChanges ? undefined : attribute.enumValues);
      const enumValues = checkEnumValues(type, requested);
      if (!enumValues.ok) throw invalid(enumValues.issues);

      if (typeChanges && (await em.execute('select 1 from cw_product_attribute where attribute_id = ? limit 1', [id])).length) {
        throw TaxonomyErrors.ATTRIBUTE_TYPE_LOCKED(`Products have values for "${attribute.code}"; its type stays ${attribute.type}`, {
          errors: [{ in: 'body', pointer: '/type', rule: 'immutable', message: 'cannot change while products have values for this attribute' }],
        });
      }
      if (!typeChanges && type === 'enum') {
        const removed = attribute.enumValues.filter((v) => !enumValues.values.includes(v));
        if (removed.length) {
          const used = await em.execute<Array<{ text_value: string }>>(
            'select distinct text_value from cw_product_attribute where attribute_id = ? and text_value in (?) order by text_value',
            [id, removed],
          );
          if (used.length) {
            const values = used.map((r) => r.text_value);
            throw TaxonomyErrors.ATTRIBUTE_ENUM_VALUE_IN_USE(`Products still use ${values.map((v) => JSON.stringify(v)).join(', ')}; change those products first`, {
              extensions: { values },
              errors: [{ in: 'body', pointer: '/enumValues', rule: 'inUse', message: `must keep ${values.map((v) => JSON.stringify(v)).join(', ')}` }],
            });
          }
        }
      }

      const fields: string[] = [];
      if (change.name !== undefined && change.name.trim() !== attribute.name) {
        attribute.name = change.name.trim();
        fields.push('name');
      }
      if (typeChanges) {
        attribute.type = type;
        fields.push('type');
      }
      if (JSON.stringify(enumValues.values) !== JSON.stringify(attribute.enumValues)) {
        attribute.enumValues = enumValues.values;
        fields.push('enumValues');
      }
      if (change.unit !== undefined && blankToNull(change.unit) !== (attribute.unit ?? null)) {
        attribute.unit = blankToNull(change.unit);
        fields.push('unit');
      }
      if (change.filterable !== undefined && change.filterable !== attribute.filterable) {
        attribute.filterable = change.filterable;
        fields.push('filterable');
      }
      if (!fields.length) return attribute;
      attribute.updatedAt = new Date();
      this.#audit.record(em, { action: 'attribute.updated', target: { type: 'attribute', id }, before, after: snapshot(attribute) });
      this.#events.emit(em, 'attribute.updated', { attributeId: id, code: attribute.code, fields });
      return attribute;
    });
  }

  /** Deletes a definition together with every product's value for it (the value rows cascade). */
  async remove(id: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      const attribute = await em.findOne(Attribute, { id });
      if (!attribute) throw TaxonomyErrors.ATTRIBUTE_NOT_FOUND(`No attribute has the id "${id}"`);
      em.remove(attribute);
      this.#audit.record(em, { action: 'attribute.deleted', target: { type: 'attribute', id }, before: snapshot(attribute), after: null });
      this.#events.emit(em, 'attribute.deleted', { attributeId: id, code: attribute.code });
    });
  }

  // ---- for other modules (the catalog) ----

  /** The definitions whose code is among `codes`, by code; unknown codes are absent. One query. */
  async byCodes(codes: string[], options: LookupOptions = {}): Promise<Map<string, AttributeDefinition>> {
    if (!codes.length) return new Map();
    const em = options.em ?? this.#em;
    const rows = await em.find(Attribute, { code: { $in: [...new Set(codes)] } });
    return new Map(rows.map((a) => [a.code, toAttributeDefinition(a)]));
  }

  /** Every filterable definition, by code: what storefront filters and search facets offer. One query. */
  async filterable(options: LookupOptions = {}): Promise<AttributeDefinition[]> {
    const em = options.em ?? this.#em;
    const rows = await em.find(Attribute, { filterable: true }, { orderBy: { code: 'asc' } });
    return rows.map(toAttributeDefinition);
  }
}

export function toAttributeView(attribute: AttributeRecord) {
  return { ...toAttributeDefinition(attribute), createdAt: attribute.createdAt.toISOString(), updatedAt: attribute.updatedAt.toISOString() };
}
