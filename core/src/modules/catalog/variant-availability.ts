import type { EntityManager } from '@mikro-orm/sql';

export interface VariantAvailability {
  /** Whether the variant can be bought now. */
  available: boolean;
  /** How many can be bought now; `null` when stock is not tracked (made to order, digital goods). */
  quantity: number | null;
  /** More may be sold than `quantity` (a level allows backorders); absent: no. */
  backorder?: boolean;
}

/**
 * Where the catalog learns whether variants can be sold. The catalog asks for a page of variants at
 * once (one query per page, never one per variant) and filters `inStock` lists with a SQL condition
 * on the variant table aliased `v`, so the filter runs inside the listing query.
 */
export interface VariantAvailabilitySource {
  availability(em: EntityManager, variantIds: readonly string[]): Promise<Map<string, VariantAvailability>>;
  /** A SQL boolean expression over `v` (cw_product_variant) that is true when the variant can be sold. */
  inStockCondition(): string;
}

/**
 * A store that does not track stock: every live variant can be sold, in any quantity. This is what
 * a catalog has until the inventory module counts stock for it.
 */
export class UntrackedAvailability implements VariantAvailabilitySource {
  async availability(_em: EntityManager, variantIds: readonly string[]): Promise<Map<string, VariantAvailability>> {
    return new Map(variantIds.map((id) => [id, { available: true, quantity: null }]));
  }

  inStockCondition(): string {
    return 'true';
  }
}
