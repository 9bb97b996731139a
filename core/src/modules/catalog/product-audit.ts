import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from './catalog-sql.ts';

/** The product fields an update can change that the audit log shows before and after (attributes and options are only named). */
const AUDITED_FIELDS = ['title', 'slug', 'status', 'descriptionMarkdown', 'brandId', 'featured', 'metaTitle', 'metaDescription', 'vendorId', 'taxClass', 'categoryIds', 'tagIds'] as const;

type AuditedField = (typeof AUDITED_FIELDS)[number];

/** The fields of `patch` the audit log shows, in a stable order. */
export function auditedFields(patch: Partial<Record<AuditedField, unknown>>): AuditedField[] {
  return AUDITED_FIELDS.filter((field) => patch[field] !== undefined);
}

/** The product's values of `fields`, read in the caller's transaction (before the update, and after it). */
export async function productFieldsForAudit(em: EntityManager, productId: string, fields: readonly AuditedField[]): Promise<Record<string, unknown>> {
  const [row] = await rows<Record<string, unknown>>(
    em,
    sql`select p.title, p.slug, p.status, p.description_markdown as "descriptionMarkdown", p.brand_id as "brandId", p.featured,
        p.meta_title as "metaTitle", p.meta_description as "metaDescription", p.vendor_id as "vendorId", p.tax_class as "taxClass",
        coalesce((select array_agg(c.category_id order by c.category_id) from cw_product_category c where c.product_id = p.id), '{}') as "categoryIds",
        coalesce((select array_agg(t.tag_id order by t.tag_id) from cw_product_tag t where t.product_id = p.id), '{}') as "tagIds"
      from cw_product p where p.id = ${productId}`,
  );
  return Object.fromEntries(fields.map((field) => [field, row?.[field] ?? null]));
}
