import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { VariantAvailability, VariantAvailabilitySource } from '../catalog/index.ts';
import { rows } from '../../kernel/db/sql.ts';

/**
 * Availability from stock levels, summed over every location: a variant can be sold when more is on
 * hand than reserved, or when one of its levels allows backorders. A variant with no stock level at
 * all is not tracked (made to order, digital goods) and can always be sold.
 */
export class TrackedAvailability implements VariantAvailabilitySource {
  async availability(em: EntityManager, variantIds: readonly string[]): Promise<Map<string, VariantAvailability>> {
    const result = new Map<string, VariantAvailability>(variantIds.map((id) => [id, { available: true, quantity: null }]));
    if (variantIds.length === 0) return result;
    const levels = await rows<{ variant_id: string; available: string | number; backorder: boolean }>(
      em,
      sql`select variant_id, sum(on_hand - reserved) as available, bool_or(allow_backorder) as backorder
        from cw_stock_level where variant_id in (${sql.join([...variantIds])}) group by variant_id`,
    );
    for (const level of levels) {
      const quantity = Number(level.available);
      result.set(level.variant_id, { available: quantity > 0 || Boolean(level.backorder), quantity, backorder: Boolean(level.backorder) });
    }
    return result;
  }

  inStockCondition(): string {
    // no level rows: one row of nulls, so untracked variants count as in stock
    return `coalesce((select bool_or(sl.allow_backorder) or sum(sl.on_hand - sl.reserved) > 0 from cw_stock_level sl where sl.variant_id = v.id), true)`;
  }
}
