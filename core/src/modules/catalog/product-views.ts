import { sql } from 'kysely';
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

type Deps = Pick<Cradle, 'mediaService' | 'brandService' | 'categoryService' | 'tagService' | 'variantAvailability'>;

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

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Whole products (variants, prices in `currency`, options, taxonomy, attributes, images,
 * availability) for a set of ids in a fixed number of queries, whatever the number of products.
 * The view is the admin one; store routes' response schemas drop the fields shoppers do not see.
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
  const [products, variants, options, links, attributes, images, slugs] = await Promise.all([
    rows<ProductRow>(
      em,
      sql`select id, title, slug, description_markdown, description_html, status, brand_id, vendor_id, featured, meta_title, meta_description,
          rating_average, rating_count, ${iso('published_at')} as published_at, ${iso('created_at')} as created_at,
          ${iso('updated_at')} as updated_at, ${iso('deleted_at')} as deleted_at
        from cw_product where id = any(${ids})`,
    ),
    rows<VariantRow>(
      em,
      sql`select v.id, v.product_id, v.sku, v.barcode, v.title, v.option_values, v.weight_grams, v.length_mm, v.width_mm, v.height_mm,
          coalesce((select json_agg(json_build_object('currencyCode', vp.currency_code, 'amount', vp.amount, 'compareAtAmount', vp.compare_at_amount)
                    order by vp.currency_code) from cw_variant_price vp where vp.variant_id = v.id), '[]') as prices
        from cw_product_variant v where v.product_id = any(${ids}) and v.deleted_at is null
        order by v.product_id, v.position, v.id`,
    ),
    rows<{ product_id: string; name: string; values: unknown }>(
      em,
      sql`select o.product_id, o.name, coalesce(json_agg(ov.value order by ov.position) filter (where ov.id is not null), '[]') as values
        from cw_product_option o left join cw_product_option_value ov on ov.option_id = o.id
        where o.product_id = any(${ids}) group by o.product_id, o.id, o.name, o.position order by o.product_id, o.position`,
    ),
    rows<{ product_id: string; kind: 'category' | 'tag'; id: string }>(
      em,
      sql`select product_id, 'category' as kind, category_id as id from cw_product_category where product_id = any(${ids})
        union all select product_id, 'tag' as kind, tag_id as id from cw_product_tag where product_id = any(${ids})`,
    ),
    rows<{ product_id: string; code: string; name: string; type: string; unit: string | null; text_value: string | null; number_value: string | null; boolean_value: boolean | null }>(
      em,
      sql`select pa.product_id, a.code, a.name, a.type, a.unit, pa.text_value, pa.number_value, pa.boolean_value
        from cw_product_attribute pa join cw_attribute a on a.id = pa.attribute_id
        where pa.product_id = any(${ids}) order by pa.product_id, a.name`,
    ),
    rows<ImageRow>(em, imageQuery(ids)),
    rows<{ product_id: string; slug: string }>(
      em,
      sql`select s.product_id, s.slug from cw_product_slug s join cw_product p on p.id = s.product_id
        where s.product_id = any(${ids}) and s.slug <> p.slug order by s.created_at desc`,
    ),
  ]);
  const variantsByProduct = groupBy(variants, (v) => v.product_id);
  const linksByProduct = groupBy(links, (l) => l.product_id);
  const [brands, categories, tags, availability] = await Promise.all([
    deps.brandService.summaries(products.flatMap((p) => (p.brand_id ? [p.brand_id] : []))),
    deps.categoryService.summaries(links.filter((l) => l.kind === 'category').map((l) => l.id)),
    deps.tagService.summaries(links.filter((l) => l.kind === 'tag').map((l) => l.id)),
    deps.variantAvailability.availability(em, variants.map((v) => v.id)),
  ]);
  const optionsByProduct = groupBy(options, (o) => o.product_id);
  const attributesByProduct = groupBy(attributes, (a) => a.product_id);
  const imagesByProduct = groupBy(images, (i) => i.product_id);
  const slugsByProduct = groupBy(slugs, (s) => s.product_id);

  const views = new Map<string, AdminProductView>();
  for (const product of products) {
    const productVariants = (variantsByProduct.get(product.id) ?? []).map((v) => variantView(v, pricing, currency, availability));
    const shown = productVariants.flatMap((v) => (v.price ? [v.price.amount] : []));
    const productLinks = linksByProduct.get(product.id) ?? [];
    views.set(product.id, {
      id: product.id,
      title: product.title,
      slug: product.slug,
      status: product.status,
      descriptionMarkdown: product.description_markdown,
      descriptionHtml: product.description_html,
      brand: product.brand_id ? (brands.get(product.brand_id) ?? null) : null,
      categories: productLinks.filter((l) => l.kind === 'category').flatMap((l) => categories.get(l.id) ?? []).map(({ id, name, slug }) => ({ id, name, slug })),
      tags: productLinks.filter((l) => l.kind === 'tag').flatMap((l) => tags.get(l.id) ?? []).map(({ id, name, slug }) => ({ id, name, slug })),
      attributes: (attributesByProduct.get(product.id) ?? []).map((a) => ({
        code: a.code,
        name: a.name,
        type: a.type,
        unit: a.unit,
        value: a.type === 'number' ? Number(a.number_value) : a.type === 'boolean' ? a.boolean_value! : a.text_value!,
      })),
      options: (optionsByProduct.get(product.id) ?? []).map((o) => ({ name: o.name, values: json<string[]>(o.values) })),
      variants: productVariants,
      images: (imagesByProduct.get(product.id) ?? []).map((row) => imageView(deps, row)),
      featured: product.featured,
      metaTitle: product.meta_title,
      metaDescription: product.meta_description,
      priceRange: shown.length ? { min: { amount: Math.min(...shown), currencyCode: currency }, max: { amount: Math.max(...shown), currencyCode: currency } } : null,
      available: productVariants.some((v) => v.availability.available),
      rating: { average: toNumber(product.rating_average), count: product.rating_count },
      vendorId: product.vendor_id,
      previousSlugs: (slugsByProduct.get(product.id) ?? []).map((s) => s.slug),
      publishedAt: product.published_at,
      createdAt: product.created_at,
      updatedAt: product.updated_at,
      deletedAt: product.deleted_at,
    });
  }
  return views;
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
