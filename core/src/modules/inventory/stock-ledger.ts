import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { actorReference, type Actor } from '../../kernel/container.ts';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { newId } from '../../kernel/ids.ts';
import { rows } from '../../kernel/db/sql.ts';
import { notifyBackInStock } from './back-in-stock.ts';

/**
 * Why stock moved. `write_off`: units that came back unsellable (a damaged return); recorded with no
 * change to the level, because the units left on-hand stock with their `sale` and do not come back.
 */
export type MovementReason = 'adjustment' | 'reservation' | 'release' | 'sale' | 'return' | 'receipt' | 'transfer' | 'write_off';
export const MOVEMENT_REASONS: readonly MovementReason[] = ['adjustment', 'reservation', 'release', 'sale', 'return', 'receipt', 'transfer', 'write_off'];

/** The variant a change is about, with what a low-stock alert names. */
export interface StockVariant {
  id: string;
  sku: string;
  productId: string;
  vendorId: string | null;
}

export interface StockChange {
  variant: StockVariant;
  locationId: string;
  deltaOnHand: number;
  deltaReserved: number;
  reason: MovementReason;
  actor: Actor;
  reference?: string | null;
  note?: string | null;
  /** The caller read this level in its transaction, so it need not be created first. */
  levelExists?: boolean;
}

export interface StockLevelRow {
  on_hand: number;
  reserved: number;
  low_stock_threshold: number;
  allow_backorder: boolean;
}

/** A change either applies (with the level after it) or is refused because stock would go below zero or below what is reserved. */
export type StockChangeResult = { ok: true; level: StockLevelRow } | { ok: false };

/**
 * The one way a stock level changes. The level is changed by a conditional UPDATE (never read, then
 * written), so concurrent changes cannot overdraw it; the movement is written in the same transaction,
 * so the ledger sums to the level. A change that takes available stock from above the level's
 * threshold to at or below it emits `inventory.low_stock` once; further decreases do not. A change
 * that raises availability may make the variant sellable again, which notifies back-in-stock
 * subscribers (back-in-stock.ts).
 * Must run inside a transaction (`em` is the transaction's).
 */
export async function applyStockChange(em: EntityManager, events: EventBus, change: StockChange): Promise<StockChangeResult> {
  const { variant, locationId, deltaOnHand: dh, deltaReserved: dr } = change;
  const now = new Date();
  if (!change.levelExists) {
    await rows(
      em,
      sql`insert into cw_stock_level (variant_id, location_id, updated_at) values (${variant.id}, ${locationId}, ${now})
        on conflict (variant_id, location_id) do nothing`,
    );
  }
  const actor = actorReference(change.actor);
  // one statement: the movement is written only when the level's conditional update took
  const [level] = await rows<StockLevelRow>(
    em,
    sql`with changed as (
        update cw_stock_level set on_hand = on_hand + ${dh}::int, reserved = reserved + ${dr}::int, updated_at = ${now}
        where variant_id = ${variant.id} and location_id = ${locationId}
          and on_hand + ${dh}::int >= 0 and reserved + ${dr}::int >= 0
          and (allow_backorder or reserved + ${dr}::int <= on_hand + ${dh}::int)
        returning on_hand, reserved, low_stock_threshold, allow_backorder
      ), moved as (
        insert into cw_stock_movement (id, variant_id, location_id, delta_on_hand, delta_reserved, reason, actor_kind, actor_id, reference, note, created_at)
        select ${newId('mov')}, ${variant.id}, ${locationId}, ${dh}, ${dr}, ${change.reason}, ${actor.kind}, ${actor.id}, ${change.reference ?? null}, ${change.note ?? null}, ${now}
        from changed
      )
      select on_hand, reserved, low_stock_threshold, allow_backorder from changed`,
  );
  if (!level) return { ok: false };
  const available = level.on_hand - level.reserved;
  const before = available - (dh - dr);
  if (before > level.low_stock_threshold && available <= level.low_stock_threshold) {
    events.emit(em, 'inventory.low_stock', {
      variantId: variant.id,
      productId: variant.productId,
      sku: variant.sku,
      locationId,
      available,
      threshold: level.low_stock_threshold,
      vendorId: variant.vendorId,
    });
  }
  // a transfer's incoming leg only restores what its outgoing leg took, so it never restocks the variant
  if (dh - dr > 0 && change.reason !== 'transfer') await notifyBackInStock(em, events, variant, dh - dr);
  return { ok: true, level };
}
