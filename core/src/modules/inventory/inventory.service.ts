import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { newId } from '../../kernel/ids.ts';
import { CatalogErrors, type CatalogScope } from '../catalog/index.ts';
import { InventoryErrors } from './inventory.errors.ts';
import { rows, sqlState } from '../../kernel/db/sql.ts';
import { applyStockChange, type MovementReason, type StockLevelRow, type StockVariant } from './stock-ledger.ts';

type Deps = Pick<Cradle, 'em' | 'events' | 'actor' | 'auditLog'>;

/** The reasons an admin may give for changing on-hand stock by hand (the others are written by reservations, sales and transfers). */
export type AdminStockReason = Extract<MovementReason, 'adjustment' | 'receipt' | 'return'>;

export interface StockLocationView {
  id: string;
  name: string;
  code: string;
  isDefault: boolean;
}

export interface StockLevelView {
  variantId: string;
  locationId: string;
  locationName: string;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  allowBackorder: boolean;
}

export interface LowStockView extends StockLevelView {
  sku: string;
  productId: string;
}

export interface MovementView {
  id: string;
  variantId: string;
  locationId: string;
  deltaOnHand: number;
  deltaReserved: number;
  reason: MovementReason;
  actorKind: string;
  actorId: string | null;
  reference: string | null;
  note: string | null;
  createdAt: string;
}

interface LevelRow extends StockLevelRow {
  variant_id: string;
  location_id: string;
  location_name: string;
}

const bodyIssue = (pointer: string, message: string) => [{ in: 'body', pointer, rule: 'stock', message }];

function levelView(row: LevelRow): StockLevelView {
  return {
    variantId: row.variant_id,
    locationId: row.location_id,
    locationName: row.location_name,
    onHand: Number(row.on_hand),
    reserved: Number(row.reserved),
    available: Number(row.on_hand) - Number(row.reserved),
    lowStockThreshold: Number(row.low_stock_threshold),
    allowBackorder: Boolean(row.allow_backorder),
  };
}

const LEVEL_COLUMNS = sql`l.variant_id, l.location_id, loc.name as location_name, l.on_hand, l.reserved, l.low_stock_threshold, l.allow_backorder`;

/**
 * Stock locations and stock levels as the admin manages them. Every change to a level goes through
 * `applyStockChange` (stock-ledger.ts), in one transaction with its movement.
 */
export class InventoryService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  // --- locations -------------------------------------------------------------------------------

  async listLocations(): Promise<StockLocationView[]> {
    const found = await rows<{ id: string; name: string; code: string; is_default: boolean }>(
      this.#deps.em,
      sql`select id, name, code, is_default from cw_stock_location order by is_default desc, name, id`,
    );
    return found.map((l) => ({ id: l.id, name: l.name, code: l.code, isDefault: Boolean(l.is_default) }));
  }

  async createLocation(input: { name: string; code: string; isDefault?: boolean }): Promise<StockLocationView> {
    const id = newId('loc');
    await this.#locationWrite(async (em) => {
      if (input.isDefault) await rows(em, sql`update cw_stock_location set is_default = false where is_default`);
      const now = new Date();
      await rows(
        em,
        sql`insert into cw_stock_location (id, name, code, is_default, created_at, updated_at) values (${id}, ${input.name}, ${input.code}, ${input.isDefault ?? false}, ${now}, ${now})`,
      );
    });
    return this.#location(id);
  }

  async updateLocation(id: string, patch: { name?: string; code?: string; isDefault?: boolean }): Promise<StockLocationView> {
    await this.#locationWrite(async (em) => {
      const [current] = await rows<{ is_default: boolean }>(em, sql`select is_default from cw_stock_location where id = ${id} for update`);
      if (!current) throw InventoryErrors.STOCK_LOCATION_NOT_FOUND(`No stock location ${id}`);
      if (patch.isDefault === false && current.is_default) {
        throw InventoryErrors.STOCK_LOCATION_DEFAULT_REQUIRED('Make another location the default instead', { errors: bodyIssue('/isDefault', 'The default location stays default until another takes its place') });
      }
      if (patch.isDefault === true && !current.is_default) await rows(em, sql`update cw_stock_location set is_default = false where is_default`);
      await rows(
        em,
        sql`update cw_stock_location set name = coalesce(${patch.name ?? null}, name), code = coalesce(${patch.code ?? null}, code),
          is_default = ${patch.isDefault === true || Boolean(current.is_default)}, updated_at = ${new Date()} where id = ${id}`,
      );
    });
    return this.#location(id);
  }

  // --- levels ----------------------------------------------------------------------------------

  /** Adds `delta` to on-hand stock (negative to take away), written to the ledger with `reason`. */
  async adjust(
    scope: CatalogScope,
    input: { variantId: string; locationId?: string; delta: number; reason?: AdminStockReason; note?: string; reference?: string },
  ): Promise<StockLevelView> {
    return this.#deps.em.transactional(async (em) => {
      const variant = await this.#variant(em, scope, input.variantId);
      const locationId = await this.#locationId(em, input.locationId);
      const before = await this.#levelIfAny(em, variant.id, locationId);
      const result = await applyStockChange(em, this.#deps.events, {
        variant,
        locationId,
        deltaOnHand: input.delta,
        deltaReserved: 0,
        reason: input.reason ?? 'adjustment',
        actor: this.#deps.actor,
        reference: input.reference ?? null,
        note: input.note ?? null,
      });
      if (!result.ok) throw this.#insufficient('/delta', `Taking ${-input.delta} would leave on hand below zero or below what is reserved`);
      const after = await this.#level(em, variant.id, locationId);
      this.#audit(em, 'stock_level.adjusted', after, before, { delta: input.delta, reason: input.reason ?? 'adjustment', note: input.note ?? null });
      return after;
    });
  }

  /** Sets on-hand stock (the difference is written to the ledger with `reason`, `adjustment` by default) and the level's settings. */
  async setLevel(
    scope: CatalogScope,
    input: { variantId: string; locationId?: string; onHand: number; lowStockThreshold?: number; allowBackorder?: boolean; reason?: AdminStockReason; note?: string },
  ): Promise<StockLevelView> {
    return this.#deps.em.transactional(async (em) => {
      const variant = await this.#variant(em, scope, input.variantId);
      const locationId = await this.#locationId(em, input.locationId);
      const before = await this.#levelIfAny(em, variant.id, locationId);
      await rows(
        em,
        sql`insert into cw_stock_level (variant_id, location_id, updated_at) values (${variant.id}, ${locationId}, ${new Date()}) on conflict (variant_id, location_id) do nothing`,
      );
      const [current] = await rows<{ on_hand: number }>(
        em,
        sql`select on_hand from cw_stock_level where variant_id = ${variant.id} and location_id = ${locationId} for update`,
      );
      if (input.lowStockThreshold !== undefined || input.allowBackorder !== undefined) {
        try {
          await rows(
            em,
            sql`update cw_stock_level set low_stock_threshold = coalesce(${input.lowStockThreshold ?? null}::int, low_stock_threshold),
              allow_backorder = coalesce(${input.allowBackorder ?? null}::boolean, allow_backorder), updated_at = ${new Date()}
              where variant_id = ${variant.id} and location_id = ${locationId}`,
          );
        } catch (error) {
          if (sqlState(error) === '23514') throw this.#insufficient('/allowBackorder', 'More is reserved than is on hand: backorders stay allowed');
          throw error;
        }
      }
      const delta = input.onHand - Number(current!.on_hand);
      if (delta !== 0) {
        const result = await applyStockChange(em, this.#deps.events, {
          variant,
          locationId,
          deltaOnHand: delta,
          deltaReserved: 0,
          reason: input.reason ?? 'adjustment',
          actor: this.#deps.actor,
          note: input.note ?? null,
        });
        if (!result.ok) throw this.#insufficient('/onHand', `On hand cannot go below what is reserved`);
      }
      const after = await this.#level(em, variant.id, locationId);
      this.#audit(em, 'stock_level.set', after, before, { delta, reason: input.reason ?? 'adjustment', note: input.note ?? null });
      return after;
    });
  }

  /** Moves stock between two locations: two movements in one transaction, sharing a `trf_` reference. */
  async transfer(
    scope: CatalogScope,
    input: { variantId: string; fromLocationId: string; toLocationId: string; quantity: number; note?: string },
  ): Promise<StockLevelView[]> {
    if (input.fromLocationId === input.toLocationId) {
      throw InventoryErrors.STOCK_TRANSFER_INVALID('Pick two different locations', { errors: bodyIssue('/toLocationId', 'The same as fromLocationId') });
    }
    return this.#deps.em.transactional(async (em) => {
      const variant = await this.#variant(em, scope, input.variantId);
      const from = await this.#locationId(em, input.fromLocationId, '/fromLocationId');
      const to = await this.#locationId(em, input.toLocationId, '/toLocationId');
      const before = { from: await this.#levelIfAny(em, variant.id, from), to: await this.#levelIfAny(em, variant.id, to) };
      const reference = newId('trf');
      const base = { variant, deltaReserved: 0, reason: 'transfer' as const, actor: this.#deps.actor, reference, note: input.note ?? null };
      const out = await applyStockChange(em, this.#deps.events, { ...base, locationId: from, deltaOnHand: -input.quantity });
      if (!out.ok) throw this.#insufficient('/quantity', `The source location has fewer than ${input.quantity} unreserved`);
      await applyStockChange(em, this.#deps.events, { ...base, locationId: to, deltaOnHand: input.quantity });
      const after = { from: await this.#level(em, variant.id, from), to: await this.#level(em, variant.id, to) };
      this.#deps.auditLog.record(em, {
        action: 'stock_level.transferred',
        target: { type: 'stock_level', id: variant.id },
        before: { ...before, quantity: input.quantity, reference },
        after: { ...after, quantity: input.quantity, reference, note: input.note ?? null },
      });
      return [after.from, after.to];
    });
  }

  async levels(scope: CatalogScope, variantId: string): Promise<StockLevelView[]> {
    const em = this.#deps.em;
    await this.#variant(em, scope, variantId);
    const found = await rows<LevelRow>(
      em,
      sql`select ${LEVEL_COLUMNS} from cw_stock_level l join cw_stock_location loc on loc.id = l.location_id
        where l.variant_id = ${variantId} order by loc.is_default desc, loc.name, loc.id`,
    );
    return found.map(levelView);
  }

  /** Levels whose available stock is at or below their threshold, the furthest below first. */
  async lowStock(scope: CatalogScope, page: { limit: number; offset: number }): Promise<{ items: LowStockView[]; count: number }> {
    const vendor = scope.kind === 'vendor' ? sql`and p.vendor_id = ${scope.vendorId}` : sql``;
    const from = sql`from cw_stock_level l join cw_stock_location loc on loc.id = l.location_id
      join cw_product_variant v on v.id = l.variant_id join cw_product p on p.id = v.product_id
      where v.deleted_at is null and p.deleted_at is null and l.on_hand - l.reserved <= l.low_stock_threshold ${vendor}`;
    const found = await rows<LevelRow & { sku: string; product_id: string }>(
      this.#deps.em,
      sql`select ${LEVEL_COLUMNS}, v.sku, v.product_id ${from}
        order by l.on_hand - l.reserved - l.low_stock_threshold, v.sku, loc.name limit ${page.limit} offset ${page.offset}`,
    );
    const [total] = await rows<{ n: number }>(this.#deps.em, sql`select count(*)::int as n ${from}`);
    return { items: found.map((r) => ({ ...levelView(r), sku: r.sku, productId: r.product_id })), count: Number(total!.n) };
  }

  /** The ledger of one variant, newest first. */
  async movements(scope: CatalogScope, variantId: string, page: { limit: number; offset: number; locationId?: string }): Promise<{ items: MovementView[]; count: number }> {
    const em = this.#deps.em;
    await this.#variant(em, scope, variantId);
    const where = sql`where variant_id = ${variantId} ${page.locationId ? sql`and location_id = ${page.locationId}` : sql``}`;
    const found = await rows<Record<string, any>>(
      em,
      sql`select id, variant_id, location_id, delta_on_hand, delta_reserved, reason, actor_kind, actor_id, reference, note,
          to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
        from cw_stock_movement ${where} order by created_at desc, id desc limit ${page.limit} offset ${page.offset}`,
    );
    const [total] = await rows<{ n: number }>(em, sql`select count(*)::int as n from cw_stock_movement ${where}`);
    return {
      items: found.map((m) => ({
        id: m.id,
        variantId: m.variant_id,
        locationId: m.location_id,
        deltaOnHand: Number(m.delta_on_hand),
        deltaReserved: Number(m.delta_reserved),
        reason: m.reason,
        actorKind: m.actor_kind,
        actorId: m.actor_id,
        reference: m.reference,
        note: m.note,
        createdAt: m.created_at,
      })),
      count: Number(total!.n),
    };
  }

  // --- helpers ---------------------------------------------------------------------------------

  async #variant(em: EntityManager, scope: CatalogScope, variantId: string): Promise<StockVariant> {
    const [found] = await rows<{ id: string; sku: string; product_id: string; vendor_id: string | null }>(
      em,
      sql`select v.id, v.sku, v.product_id, p.vendor_id from cw_product_variant v join cw_product p on p.id = v.product_id
        where v.id = ${variantId} and v.deleted_at is null and p.deleted_at is null`,
    );
    if (!found || (scope.kind === 'vendor' && found.vendor_id !== scope.vendorId)) throw CatalogErrors.VARIANT_NOT_FOUND(`No variant ${variantId}`);
    return { id: found.id, sku: found.sku, productId: found.product_id, vendorId: found.vendor_id };
  }

  async #locationId(em: EntityManager, id: string | undefined, pointer = '/locationId'): Promise<string> {
    const [found] = await rows<{ id: string }>(
      em,
      id === undefined ? sql`select id from cw_stock_location where is_default` : sql`select id from cw_stock_location where id = ${id}`,
    );
    if (!found) throw InventoryErrors.STOCK_LOCATION_NOT_FOUND(`No stock location ${id ?? '(default)'}`, { errors: [{ in: 'body', pointer, rule: 'exists', message: 'No such location' }] });
    return found.id;
  }

  async #level(em: EntityManager, variantId: string, locationId: string): Promise<StockLevelView> {
    const [found] = await rows<LevelRow>(
      em,
      sql`select ${LEVEL_COLUMNS} from cw_stock_level l join cw_stock_location loc on loc.id = l.location_id
        where l.variant_id = ${variantId} and l.location_id = ${locationId}`,
    );
    return levelView(found!);
  }

  /** A level before a change, or null when the variant had none at the location yet. */
  async #levelIfAny(em: EntityManager, variantId: string, locationId: string): Promise<StockLevelView | null> {
    const [found] = await rows<LevelRow>(
      em,
      sql`select ${LEVEL_COLUMNS} from cw_stock_level l join cw_stock_location loc on loc.id = l.location_id
        where l.variant_id = ${variantId} and l.location_id = ${locationId}`,
    );
    return found ? levelView(found) : null;
  }

  /** The audit entry of a change to one level, committed with it: the level before and after, and what the admin gave as the change. */
  #audit(em: EntityManager, action: string, after: StockLevelView, before: StockLevelView | null, change: Record<string, unknown>): void {
    this.#deps.auditLog.record(em, {
      action,
      target: { type: 'stock_level', id: after.variantId },
      before: before && { ...before },
      after: { ...after, ...change },
    });
  }

  async #location(id: string): Promise<StockLocationView> {
    const found = (await this.listLocations()).find((l) => l.id === id);
    if (!found) throw InventoryErrors.STOCK_LOCATION_NOT_FOUND(`No stock location ${id}`);
    return found;
  }

  async #locationWrite(work: (em: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.#deps.em.transactional(work);
    } catch (error) {
      if (sqlState(error) === '23505') throw InventoryErrors.STOCK_LOCATION_CODE_TAKEN('Another stock location has this code', { errors: bodyIssue('/code', 'Taken') });
      throw error;
    }
  }

  #insufficient(pointer: string, message: string) {
    return InventoryErrors.STOCK_INSUFFICIENT(message, { errors: bodyIssue(pointer, message) });
  }
}
