import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { rows } from '../../kernel/db/sql.ts';
import type { StockVariant } from './stock-ledger.ts';

/**
 * Tells waiting shoppers that a variant can be bought again. Called by `applyStockChange` after a
 * change that raised a level's availability by `raisedBy`, in the change's transaction: when the
 * variant's stock summed over all locations went from none (and no backorders) to some, every
 * pending subscription is marked notified and gets one `inventory.back_in_stock` event.
 *
 * The claim is a conditional UPDATE (`notified_at is null`), so two restocks racing at two locations
 * cannot notify a subscription twice: the second waits for the first's row locks, then finds none pending.
 */
export async function notifyBackInStock(em: EntityManager, events: EventBus, variant: StockVariant, raisedBy: number): Promise<number> {
  const [total] = await rows<{ available: number | string; backorder: boolean }>(
    em,
    sql`select coalesce(sum(on_hand - reserved), 0) as available, coalesce(bool_or(allow_backorder), false) as backorder
      from cw_stock_level where variant_id = ${variant.id}`,
  );
  const available = Number(total!.available);
  // a backorderable variant was already sellable, so there is nothing to announce
  if (total!.backorder || available <= 0 || available - raisedBy > 0) return 0;
  const notified = await rows<{ id: string; email: string; user_id: string | null; product_title: string }>(
    em,
    sql`update cw_stock_subscription s set notified_at = ${new Date()}
      from cw_product p
      where s.variant_id = ${variant.id} and s.notified_at is null and p.id = s.product_id
      returning s.id, s.email, s.user_id, p.title as product_title`,
  );
  for (const subscription of notified) {
    events.emit(em, 'inventory.back_in_stock', {
      subscriptionId: subscription.id,
      variantId: variant.id,
      productId: variant.productId,
      sku: variant.sku,
      productTitle: subscription.product_title,
      email: subscription.email,
      userId: subscription.user_id,
      available,
    });
  }
  return notified.length;
}
