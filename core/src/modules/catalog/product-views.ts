import { sql, type RawBuilder } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { iso, json, rows, toAmount, toNumber } from './catalog-sql.ts';
import type { CatalogPricing, StoredPrice } from './pricing.ts';
import type { AdminProductView, ImageView, ProductStatus } from './product.schemas.ts';
import type { VariantAvailability } from './variant-availability.ts';

interface ProductRow {
  id: string;
  title: string;
  slug: string;
  description_markdown: string;
  description_html: string;
  status: ProductStatus;
  brand_id: string | null;
  vendor_id: string | null;
  featured: boolean;
  meta_title: string | null;
  meta_description: string | null;
  tax_class: string | null;
  rating_average: string | number | null;
  rating_count: number;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface VariantRow {
  id: string;
  product_id: string;
  sku: string;
  barcode: string | null;
  title: string;
  option_values: unknown;
  weight_grams: number | null;
  length_mm: number | null;
  width_mm: number | null;
  height_mm: number | null;
  prices: unknown;
}

export interface ImageRow {
  id: string;
  product_id: string;
  variant_ids: unknown;
  media_id: string;
  position: number;
  alt: string;
  mime_type: string;
  width: number;
  height: number;
  byte_size: number;
  storage: string;
  storage_key: string;
  renditions: unknown;
  media_alt: string;
}

type Deps = Pick<Cradle, 'mediaService' | 'variantAvailability'>;

interface AttributeValueRow {
  code: string;
  name: string;
  type: string;
  unit: string | null;
  text_value: string | null;
  number_value: string | number | null;
  boolean_value: boolean | null;
}

/** `[{ option, value }]` as stored on a variant → `{ Size: 'M' }`. */
export function optionMap(stored: unknown): Record<string, string> {
  return Object.fromEntries(json<Array<{ option: string; value: string }>>(stored).map((o) => [o.option, o.value]));
}

export function storedPrices(value: unknown): StoredPrice[] {
  return json<Array<{ currencyCode: string; amount: string | number; compareAtAmount: string | number | null }>>(value ?? []).map((p) => ({
    currencyCode: p.currencyCode,
    amount: toAmount(p.amount)!,
    compareAtAmount: toAmount(p.compareAtAmount),
  }));
}

/** Product images joined with their media rows, in gallery order. */
export function imageQuery(productIds: readonly string[], firstOnly = false) {
  return sql`select ${sql.raw(firstOnly ? 'distinct on (i.product_id)' : '')} i.id, i.product_id, i.variant_ids, i.media_id, i.position, i.alt,
      m.mime_type, m.width, m.height, m.byte_size, m.storage, m.storage_key, m.renditions, m.alt as media_alt
    from cw_product_image i join cw_media m on m.id = i.media_id
    where i.product_id = any(${productIds})
    order by i.product_id, i.position`;
}

export function imageView(deps: Pick<Deps, 'mediaService'>, row: ImageRow): ImageView {
  const media = deps.mediaService.viewOf({
    id: row.media_id,
    mimeType: row.mime_type,
    width: row.width,
    height: row.height,
    byteSize: row.byte_size,
    storage: row.storage,
    storageKey: row.storage_key,
    renditions: json(row.renditions),
    alt: row.media_alt,
  });
  return {
    id: row.id,
    mediaId: row.media_id,
    alt: row.alt || media.alt,
    position: row.position,
    url: media.url,
    width: media.width,
    height: media.height,
    mimeType: media.mimeType,
    sizes: media.sizes.map((s) => ({ width: s.width, height: s.height, format: s.format, url: s.url })),
    variantIds: json<string[]>(row.variant_ids),
  };
}

/**
 * One statement per page of products: each product's variants with prices, options, brand,
 * categories and tags (names joined from the taxonomy tables, read-only), attribute values and old
 * slugs ride along as JSON. Images come in a second statement (`imageQuery`): folded in as one more
 * JSON column they made a product page measurably slower under load (see bench/ and decision 0012).
 */
function productViewQuery(from: RawBuilder<unknown>, withPreviousSlugs = true) {
  return sql`select p.id, p.title, p.slug, p.description_markdown, p.description_html, p.status, p.brand_id, p.vendor_id, p.featured, p.meta_title,
      p.meta_description, p.tax_class, p.rating_average, p.rating_count, ${iso('p.published_at')} as published_at, ${iso('p.created_at')} as created_at,
      ${iso('p.updated_at')} as updated_at, ${iso('p.deleted_at')} as deleted_at,
      (select json_build_object('id', b.id, 'name', b.name, 'slug', b.slug) from cw_brand b where b.id = p.brand_id) as brand,
      (select coalesce(json_agg(json_build_object('id', v.id, 'product_id', v.product_id, 'sku', v.sku, 'barcode', v.barcode, 'title', v.title,
          'option_values', v.option_values, 'weight_grams', v.weight_grams, 'length_mm', v.length_mm, 'width_mm', v.width_mm, 'height_mm', v.height_mm,
          'prices', coalesce((select json_agg(json_build_object('currencyCode', vp.currency_code, 'amount', vp.amount, 'compareAtAmount', vp.compare_at_amount)
                    order by vp.currency_code) from cw_variant_price vp where vp.variant_id = v.id), '[]'))
        order by v.position, v.id), '[]')
        from cw_product_variant v where v.product_id = p.id and v.deleted_at is null) as variants,
      (select coalesce(json_agg(json_build_object('name', o.name,
          'values', coalesce((select json_agg(ov.value order by ov.position) from cw_product_option_value ov where ov.option_id = o.id), '[]'))
        order by o.position), '[]')
        from cw_product_option o where o.product_id = p.id) as options,
      (select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'slug', c.slug) order by c.path), '[]')
        from cw_product_category pc join cw_category c on c.id = pc.category_id where pc.product_id = p.id) as categories,
      (select coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'slug', t.slug) order by lower(t.name)), '[]')
        from cw_product_tag pt join cw_tag t on t.id = pt.tag_id where pt.product_id = p.id) as tags,
      (select coalesce(json_agg(json_build_object('code', a.code, 'name', a.name, 'type', a.type, 'unit', a.unit,
          'text_value', pa.text_value, 'number_value', pa.number_value, 'boolean_value', pa.boolean_value) order by a.name), '[]')
        from cw_product_attribute pa join cw_attribute a on a.id = pa.attribute_id where pa.product_id = p.id) as attributes,
      ${withPreviousSlugs ? sql`(select coalesce(json_agg(s.slug order by s.created_at desc), '[]') from cw_product_slug s where s.product_id = p.id and s.slug <> p.slug)` : sql`'[]'::json`} as previous_slugs
    ${from}`;
}

interface ProductWithParts extends ProductRow {
  brand: unknown;
  variants: unknown;
  options: unknown;
  categories: unknown;
  tags: unknown;
  attributes: unknown;
  previous_slugs: unknown;
}

/**
 * Whole products (variants, prices in `currency`, options, taxonomy, attributes, images,
 * availability) for a set of ids: two statements, plus the availability source's one when stock is
 * tracked, whatever the number of products. The view is the admin one; store routes' response
 * schemas drop the fields shoppers do not see.
 */
export async function loadProductViews(
  em: EntityManager,
  deps: Deps,
  pricing: CatalogPricing,
  productIds: readonly string[],
  currency: string,
): Promise<Map<string, AdminProductView>> {
  if (productIds.length === 0) return new Map();
  const ids = [...productIds];
  const [products, images] = await Promise.all([
    rows<ProductWithParts>(em, productViewQuery(sql`from cw_product p where p.id = any(${ids})`)),
    rows<ImageRow>(em, imageQuery(ids)),
  ]);
  const views = await toViews(em, deps, pricing, products, images, currency);
  return new Map(views.map((view) => [view.id, view]));
}

/**
 * A published product by id or current slug (a statement for the product, one for its images);
 * when a slug is not current, the product that had it before, to redirect to. Ids (`prod_…`) and slugs (no `_`) cannot collide.
 */
export async function findStoreProduct(
  em: EntityManager,
  deps: Deps,
  pricing: CatalogPricing,
  idOrSlug: string,
  currency: string,
): Promise<{ view: AdminProductView } | { movedTo: string } | undefined> {
  const byId = idOrSlug.includes('_');
  const [product] = await rows<ProductWithParts>(
    em,
    productViewQuery(
      sql`from cw_product p where ${byId ? sql`p.id = ${idOrSlug}` : sql`p.slug = ${idOrSlug}`} and p.status = 'published' and p.deleted_at is null`,
      false,
    ),
  );
  if (product) {
    const images = await rows<ImageRow>(em, imageQuery([product.id]));
    const [view] = await toViews(em, deps, pricing, [product], images, currency);
    return { view: view! };
  }
  if (byId) return undefined;
  // old links are rare next to current ones: only a miss pays for the history lookup
  const [moved] = await rows<{ slug: string }>(
    em,
    sql`select p.slug from cw_product_slug s join cw_product p on p.id = s.product_id
      where s.slug = ${idOrSlug} and p.status = 'published' and p.deleted_at is null`,
  );
  return moved ? { movedTo: moved.slug } : undefined;
}

async function toViews(
  em: EntityManager,
  deps: Deps,
  pricing: CatalogPricing,
  products: ProductWithParts[],
  images: ImageRow[],
  currency: string,
): Promise<AdminProductView[]> {
  const imagesOf = new Map<string, ImageRow[]>();
  for (const image of images) imagesOf.set(image.product_id, [...(imagesOf.get(image.product_id) ?? []), image]);
  const variantsOf = new Map(products.map((p) => [p.id, json<VariantRow[]>(p.variants)]));
  const availability = await deps.variantAvailability.availability(
    em,
    [...variantsOf.values()].flat().map((v) => v.id),
  );
  return products.map((product) => {
    const variants = variantsOf.get(product.id)!.map((v) => variantView(v, pricing, currency, availability));
    const shown = variants.flatMap((v) => (v.price ? [v.price.amount] : []));
    return {
      id: product.id,
      title: product.title,
      slug: product.slug,
      status: product.status,
      descriptionMarkdown: product.description_markdown,
      descriptionHtml: product.description_html,
      brand: json<{ id: string; name: string; slug: string } | null>(product.brand),
      categories: json(product.categories),
      tags: json(product.tags),
      attributes: json<AttributeValueRow[]>(product.attributes).map((a) => ({
        code: a.code,
        name: a.name,
        type: a.type,
        unit: a.unit,
        value: a.type === 'number' ? Number(a.number_value) : a.type === 'boolean' ? a.boolean_value! : a.text_value!,
      })),
      options: json(product.options),
      variants,
      images: (imagesOf.get(product.id) ?? []).map((row) => imageView(deps, row)),
      featured: product.featured,
      metaTitle: product.meta_title,
      metaDescription: product.meta_description,
      taxClass: product.tax_class,
      priceRange: shown.length ? { min: { amount: Math.min(...shown), currencyCode: currency }, max: { amount: Math.max(...shown), currencyCode: currency } } : null,
      available: variants.some((v) => v.availability.available),
      rating: { average: toNumber(product.rating_average), count: product.rating_count },
      vendorId: product.vendor_id,
      previousSlugs: json(product.previous_slugs),
      publishedAt: product.published_at,
      createdAt: product.created_at,
      updatedAt: product.updated_at,
      deletedAt: product.deleted_at,
    };
  });
}

function variantView(row: VariantRow, pricing: CatalogPricing, currency: string, availability: Map<string, VariantAvailability>) {
  const prices = storedPrices(row.prices);
  const price = pricing.shownPrice(prices, currency);
  return {
    id: row.id,
    sku: row.sku,
    barcode: row.barcode,
    title: row.title,
    options: optionMap(row.option_values),
    weightGrams: row.weight_grams,
    lengthMm: row.length_mm,
    widthMm: row.width_mm,
    heightMm: row.height_mm,
    price,
    prices,
    availability: availability.get(row.id) ?? { available: false, quantity: 0 },
  };
}
