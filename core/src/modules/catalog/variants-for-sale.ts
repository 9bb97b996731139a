import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { json, rows } from './catalog-sql.ts';
import type { ShownPrice } from './pricing.ts';
import type { ImageView } from './product.schemas.ts';
import { imageQuery, imageView, optionMap, storedPrices, type ImageRow } from './product-views.ts';

/** A variant as a cart, a wishlist or checkout sees it: what it is, whether it is on sale, its price now. */
export interface VariantForSale {
  variantId: string;
  productId: string;
  productTitle: string;
  productSlug: string;
  variantTitle: string;
  sku: string;
  options: Record<string, string>;
  vendorId: string | null;
  /** The product's tax class; `null`: the store's default class. */
  taxClass: string | null;
  weightGrams: number | null;
  /** Published, and neither the product nor the variant is deleted. */
  onSale: boolean;
  /** The price a shopper pays in the requested currency (see `CatalogPricing.shownPrice`); `null`: none. */
  price: ShownPrice | null;
  /** The variant's own first image, else the product's first. */
  thumbnail: ImageView | null;
}

type Deps = Pick<Cradle, 'catalogPricing' | 'mediaService'>;

interface Row {
  id: string;
  product_id: string;
  product_title: string;
  slug: string;
  title: string;
  sku: string;
  option_values: unknown;
  vendor_id: string | null;
  tax_class: string | null;
  weight_grams: number | null;
  on_sale: boolean;
  prices: unknown;
}

/**
 * Variants by id with their current catalog price in `currency`: the one place carts, wishlists and
 * checkout learn what a variant costs, so a price never comes from anywhere else (and never from the
 * client). Two statements whatever the number of variants. Ids that name no variant at all (purged)
 * are absent from the map; deleted or unpublished ones are present with `onSale: false`.
 */
export async function loadVariantsForSale(
  deps: Deps,
  em: EntityManager,
  variantIds: readonly string[],
  currency: string,
): Promise<Map<string, VariantForSale>> {
  const ids = [...new Set(variantIds)];
  if (ids.length === 0) return new Map();
  const found = await rows<Row>(
    em,
    sql`select v.id, v.product_id, p.title as product_title, p.slug, v.title, v.sku, v.option_values, p.vendor_id, p.tax_class, v.weight_grams,
        (p.status = 'published' and p.deleted_at is null and v.deleted_at is null) as on_sale,
        coalesce((select json_agg(json_build_object('currencyCode', vp.currency_code, 'amount', vp.amount, 'compareAtAmount', vp.compare_at_amount))
          from cw_variant_price vp where vp.variant_id = v.id), '[]') as prices
      from cw_product_variant v join cw_product p on p.id = v.product_id
      where v.id = any(${ids})`,
  );
  const images = found.length ? await rows<ImageRow>(em, imageQuery([...new Set(found.map((r) => r.product_id))])) : [];
  const result = new Map<string, VariantForSale>();
  for (const row of found) {
    const gallery = images.filter((image) => image.product_id === row.product_id);
    const own = gallery.find((image) => json<string[]>(image.variant_ids).includes(row.id));
    const thumbnail = own ?? gallery[0];
    result.set(row.id, {
      variantId: row.id,
      productId: row.product_id,
      productTitle: row.product_title,
      productSlug: row.slug,
      variantTitle: row.title,
      sku: row.sku,
      options: optionMap(row.option_values),
      vendorId: row.vendor_id,
      taxClass: row.tax_class,
      weightGrams: row.weight_grams,
      onSale: row.on_sale,
      price: deps.catalogPricing.shownPrice(storedPrices(row.prices), currency),
      thumbnail: thumbnail ? imageView(deps, thumbnail) : null,
    });
  }
  return result;
}
