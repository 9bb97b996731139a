import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import { applyStockChange, type StockVariant } from './stock-ledger.ts';

type Deps = Pick<Cradle, 'events' | 'actor' | 'config'>;

export interface ReservationLine {
  variantId: string;
  quantity: number;
  /** Where to reserve; the default location when absent. */
  locationId?: string;
}

/** Reserving either holds every line or none; a refusal names the first line that could not be held. */
export type ReserveResult = { ok: true } | { ok: false; variantId: string; requested: number; available: number };
/** Releasing or committing acts on what the reference still holds; nothing held is a value, not an error. */
export type SettleResult = { ok: true; units: number } | { ok: false; reason: 'nothing_reserved' };
/** Committing some lines sells every unit asked for, or nothing; a refusal names the first line stock could not cover. */
export type CommitLinesResult = { ok: true; units: number } | { ok: false; variantId: string };
/** What one sweep of due reservations gave back. */
export interface ExpiryResult {
  references: string[];
  units: number;
}

/** A stock level a hold may draw on. */
interface HeldLevel {
  locationId: string;
  available: number;
  allowBackorder: boolean;
}

/**
 * How often a hold re-sizes itself at a level that concurrent holds drew on before moving to the
 * next location. A refusal means another hold took units there since the read, so every retry
 * follows real progress; the bound only stops a level drained a unit at a time by many writers
 * from keeping one hold busy, and what it could not take there is tried at the next location.
 */
const HOLD_ATTEMPTS_PER_LEVEL = 5;

/** How many due references one sweep claims per round; a sweep keeps going while rounds come back full. */
const EXPIRY_BATCH = 200;

class LineShort extends Error {
  readonly variantId: string;
  constructor(variantId: string) {
    super('line short');
    this.variantId = variantId;
  }
}

class LineRefused extends Error {
  readonly refusal: Extract<ReserveResult, { ok: false }>;
  constructor(refusal: Extract<ReserveResult, { ok: false }>) {
    super('line refused');
    this.refusal = refusal;
  }
}

/**
 * Holds stock for an order while it is paid for. The reference (the order's id: checkout's, an order
 * edit's or a return exchange's replacement order) ties the holds together in the ledger: what a reference still holds is the sum of its movements'
 * `delta_reserved`. `cw_stock_reservation` only keeps each reference's deadline; `expireDue` (the
 * `inventory.expire-reservations` job) releases what is past it. Every method joins the caller's
 * transaction through `em` (a savepoint when one is open).
 *
 * Every write that settles a reference first takes its `cw_stock_reservation` row (deleting or
 * upserting it), then the stock levels: one lock order, so expiry, commit and release of one
 * reference take turns instead of deadlocking, and whoever comes second finds nothing held.
 *
 * @example
 * const held = await cradle.reservationService.reserve(em, { reference: order.id, lines: [{ variantId, quantity: 2 }] });
 * if (!held.ok) return outOfStock(held.variantId, held.available);
 * // a slow payment: await cradle.reservationService.extend(em, order.id, new Date(Date.now() + 10 * 60_000));
 * // … later, once paid: await cradle.reservationService.commit(em, order.id);
 */
export class ReservationService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /**
   * Holds every line or none until `expiresAt` (default: now + `inventory.reservationTtlMinutes`).
   * Reserving again under a held reference adds to what it holds and moves its deadline. `null`
   * writes no deadline: the hold lasts until it is committed or released (an order confirmed before
   * payment), unless the reference already has a deadline. Inside an
   * open transaction the holds are made in a savepoint, so a refusal leaves that transaction as it
   * was; a caller that rolls its whole transaction back on a refusal (checkout) passes
   * `{ savepoint: false }` to save the two round trips, accepting that a refusal may leave some
   * lines held in the transaction it is about to roll back.
   */
  async reserve(
    em: EntityManager,
    request: { reference: string; lines: readonly ReservationLine[]; expiresAt?: Date | null },
    options: { savepoint?: boolean } = {},
  ): Promise<ReserveResult> {
    const expiresAt = request.expiresAt === undefined ? new Date(Date.now() + this.#deps.config.inventory.reservationTtlMinutes * 60_000) : request.expiresAt;
    const merged = new Map<string, ReservationLine>();
    for (const line of request.lines) {
      const key = `${line.variantId}\u0000${line.locationId ?? ''}`;
      const prior = merged.get(key);
      merged.set(key, { ...line, quantity: (prior?.quantity ?? 0) + line.quantity });
    }
    // a fixed order, so two reservations of the same variants cannot deadlock
    const lines = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, line]) => line);
    const work = async (tx: EntityManager) => {
      // the deadline row first (see the lock order above); a refused line rolls it back with the rest
      if (expiresAt) {
        await run(
          tx,
          sql`insert into cw_stock_reservation (reference, expires_at, created_at) values (${request.reference}, ${expiresAt}, ${new Date()})
            on conflict (reference) do update set expires_at = excluded.expires_at`,
        );
      }
      const stock = await this.#stockOf(tx, [...new Set(lines.map((line) => line.variantId))]);
      for (const line of lines) {
        const found = stock.get(line.variantId);
        if (!found) throw new LineRefused({ ok: false, variantId: line.variantId, requested: line.quantity, available: 0 });
        const levels = line.locationId ? found.levels.filter((level) => level.locationId === line.locationId) : found.levels;
        await this.#hold(tx, found.variant, levels, line, request.reference);
      }
    };
    try {
      await (options.savepoint === false && em.isInTransaction() ? work(em) : em.transactional(work));
      return { ok: true };
    } catch (error) {
      if (error instanceof LineRefused) return error.refusal;
      throw error;
    }
  }

  /** Gives back what the reference still holds (a cart abandoned, a payment failed). */
  release(em: EntityManager, reference: string): Promise<SettleResult> {
    return em.transactional(async (tx) => {
      await this.#forget(tx, reference);
      return this.#settle(tx, reference, 'release', null);
    });
  }

  /** Turns what the reference holds into a sale: on hand and reserved both go down. */
  commit(em: EntityManager, reference: string): Promise<SettleResult> {
    return em.transactional(async (tx) => {
      await this.#forget(tx, reference);
      return this.#settle(tx, reference, 'sale', null);
    });
  }

  /**
   * Moves the deadline of a reservation that still holds stock (checkout calls it when a payment is
   * slow). False when there is none: never reserved, already settled, or already expired by the job.
   * A reservation past its deadline that the job has not reached yet still holds its stock, so it can
   * still be extended.
   */
  async extend(em: EntityManager, reference: string, expiresAt: Date): Promise<boolean> {
    return (await run(em, sql`update cw_stock_reservation set expires_at = ${expiresAt} where reference = ${reference}`)) > 0;
  }

  /**
   * Releases (reason `release`, note `expired`) every reservation whose deadline is at or before
   * `now`. Each reference is claimed by deleting its row conditionally, in its own transaction with
   * the release, so concurrent sweeps and a concurrent commit or release never settle it twice.
   */
  async expireDue(em: EntityManager, now: Date = new Date()): Promise<ExpiryResult> {
    const result: ExpiryResult = { references: [], units: 0 };
    const skipped = new Set<string>();
    for (;;) {
      // only a list of candidates: the conditional delete below decides who settles each one
      const due = await rows<{ reference: string }>(
        em,
        sql`select reference from cw_stock_reservation where expires_at <= ${now} order by expires_at, reference limit ${EXPIRY_BATCH}`,
      );
      const fresh = due.filter((d) => !skipped.has(d.reference));
      for (const { reference } of fresh) {
        skipped.add(reference);
        const settled = await em.transactional(async (tx) => {
          const claimed = await rows(tx, sql`delete from cw_stock_reservation where reference = ${reference} and expires_at <= ${now} returning reference`);
          if (claimed.length === 0) return undefined;
          const released = await this.#settle(tx, reference, 'release', 'expired');
          // in the same transaction: whoever placed the reference (an unpaid order) learns it lapsed
          this.#deps.events.emit(tx, 'inventory.reservation_expired', { reference });
          return released;
        });
        if (settled?.ok) {
          result.references.push(reference);
          result.units += settled.units;
        }
      }
      if (due.length < EXPIRY_BATCH || fresh.length === 0) return result;
    }
  }

  /**
   * Removes the reference's deadline, so `expireDue` never releases it: the stock stays held until
   * it is committed or released (an order confirmed without payment, such as cash on delivery).
   */
  async keepUntilSettled(em: EntityManager, reference: string): Promise<void> {
    await this.#forget(em, reference);
  }

  /**
   * Turns part of what the reference holds into a sale (a fulfillment of some lines): for each line,
   * units held at `locationId` first, then at the reference's other locations. Units the reference
   * does not hold (never reserved, or already released) are sold from `locationId` (default location
   * when absent) if stock allows; otherwise nothing is changed and the line is named.
   */
  commitLines(
    em: EntityManager,
    reference: string,
    lines: readonly { variantId: string; quantity: number; locationId?: string }[],
  ): Promise<CommitLinesResult> {
    return em
      .transactional(async (tx) => {
        const heldRows = await this.#lockHeld(tx, reference);
        const [defaultLocation] = await rows<{ id: string }>(tx, sql`select id from cw_stock_location where is_default`);
        let units = 0;
        for (const line of lines) {
          const variant = await this.#anyVariant(tx, line.variantId);
          if (!variant) throw new LineShort(line.variantId);
          const home = line.locationId ?? defaultLocation!.id;
          const held = heldRows
            .filter((h) => h.variant_id === line.variantId)
            .sort((a, b) => (a.location_id === home ? -1 : b.location_id === home ? 1 : 0));
          let left = line.quantity;
          for (const h of held) {
            const take = Math.min(left, Number(h.held));
            if (take <= 0) continue;
            const result = await applyStockChange(tx, this.#deps.events, {
              variant, locationId: h.location_id, deltaOnHand: -take, deltaReserved: -take, reason: 'sale', actor: this.#deps.actor, reference, levelExists: true,
            });
            if (!result.ok) throw new Error(`Stock level of ${line.variantId} at ${h.location_id} no longer covers reservation ${reference}`);
            h.held = Number(h.held) - take;
            left -= take;
          }
          if (left > 0) {
            const result = await applyStockChange(tx, this.#deps.events, {
              variant, locationId: home, deltaOnHand: -left, deltaReserved: 0, reason: 'sale', actor: this.#deps.actor, reference, note: 'not reserved',
            });
            if (!result.ok) throw new LineShort(line.variantId);
          }
          units += line.quantity;
        }
        return { ok: true as const, units };
      })
      .catch((error: unknown) => {
        if (error instanceof LineShort) return { ok: false as const, variantId: error.variantId };
        throw error;
      });
  }

  /**
   * Gives back part of what the reference holds (an order edited down): for each line, up to
   * `quantity` units, from the reference's locations in id order. Units it does not hold are
   * skipped (an untracked variant was never held). Returns the units released.
   */
  releaseLines(em: EntityManager, reference: string, lines: readonly { variantId: string; quantity: number }[]): Promise<number> {
    return em.transactional(async (tx) => {
      const heldRows = await this.#lockHeld(tx, reference);
      let units = 0;
      for (const line of lines) {
        const variant = await this.#anyVariant(tx, line.variantId);
        if (!variant) continue;
        let left = line.quantity;
        for (const h of heldRows.filter((row) => row.variant_id === line.variantId)) {
          const take = Math.min(left, Number(h.held));
          if (take <= 0) continue;
          const result = await applyStockChange(tx, this.#deps.events, {
            variant, locationId: h.location_id, deltaOnHand: 0, deltaReserved: -take, reason: 'release', actor: this.#deps.actor, reference, levelExists: true,
          });
          if (!result.ok) throw new Error(`Stock level of ${line.variantId} at ${h.location_id} no longer covers reservation ${reference}`);
          left -= take;
          units += take;
        }
      }
      return units;
    });
  }

  /**
   * Locks a reference for a partial settlement and answers what it holds per variant and location.
   * The deadline row first, without deleting it, so the rest stays held (see the lock order above).
   */
  async #lockHeld(tx: EntityManager, reference: string): Promise<Array<{ variant_id: string; location_id: string; held: number }>> {
    await rows(tx, sql`select reference from cw_stock_reservation where reference = ${reference} for update`);
    await rows(
      tx,
      sql`select 1 from cw_stock_level where (variant_id, location_id) in
        (select variant_id, location_id from cw_stock_movement where reference = ${reference})
        order by variant_id, location_id for update`,
    );
    return rows(
      tx,
      sql`select variant_id, location_id, sum(delta_reserved)::int as held from cw_stock_movement where reference = ${reference}
        group by variant_id, location_id having sum(delta_reserved) > 0 order by variant_id, location_id`,
    );
  }

  async #forget(tx: EntityManager, reference: string): Promise<void> {
    await run(tx, sql`delete from cw_stock_reservation where reference = ${reference}`);
  }

  /** Must run in a transaction that already holds (or deleted) the reference's deadline row. */
  async #settle(tx: EntityManager, reference: string, reason: 'release' | 'sale', note: string | null): Promise<SettleResult> {
    // lock the levels too: references reserved before deadlines existed have no row to serialise on
    await rows(
      tx,
      sql`select 1 from cw_stock_level where (variant_id, location_id) in
        (select variant_id, location_id from cw_stock_movement where reference = ${reference})
        order by variant_id, location_id for update`,
    );
    const held = await rows<{ variant_id: string; location_id: string; held: number; sku: string; product_id: string; vendor_id: string | null }>(
      tx,
      sql`select m.variant_id, m.location_id, sum(m.delta_reserved)::int as held, v.sku, v.product_id, p.vendor_id
        from cw_stock_movement m join cw_product_variant v on v.id = m.variant_id join cw_product p on p.id = v.product_id
        where m.reference = ${reference} group by m.variant_id, m.location_id, v.sku, v.product_id, p.vendor_id
        having sum(m.delta_reserved) > 0 order by m.variant_id, m.location_id`,
    );
    if (held.length === 0) return { ok: false, reason: 'nothing_reserved' } as const;
    let units = 0;
    for (const line of held) {
      const quantity = Number(line.held);
      const result = await applyStockChange(tx, this.#deps.events, {
        variant: { id: line.variant_id, sku: line.sku, productId: line.product_id, vendorId: line.vendor_id },
        locationId: line.location_id,
        deltaOnHand: reason === 'sale' ? -quantity : 0,
        deltaReserved: -quantity,
        reason,
        actor: this.#deps.actor,
        reference,
        note,
        levelExists: true,
      });
      // held units are counted in both on_hand and reserved, so settling them cannot break a level's rules
      if (!result.ok) throw new Error(`Stock level of ${line.variant_id} at ${line.location_id} no longer covers reservation ${reference}`);
      units += quantity;
    }
    return { ok: true, units } as const;
  }

  /** A variant as the ledger names it, deleted or not (an order may ship a variant taken off sale since). */
  async #anyVariant(em: EntityManager, variantId: string): Promise<StockVariant | undefined> {
    const [found] = await rows<{ id: string; sku: string; product_id: string; vendor_id: string | null }>(
      em,
      sql`select v.id, v.sku, v.product_id, p.vendor_id from cw_product_variant v join cw_product p on p.id = v.product_id where v.id = ${variantId}`,
    );
    return found && { id: found.id, sku: found.sku, productId: found.product_id, vendorId: found.vendor_id };
  }

  /**
   * Holds one line over `levels` (the variant's, or the one at the line's location): the default
   * location first, then by location id (a fixed order, so concurrent holds lock levels in the same
   * order). A variant with no stock level anywhere is not tracked and needs no hold.
   */
  async #hold(tx: EntityManager, variant: StockVariant, levels: readonly HeldLevel[], line: ReservationLine, reference: string): Promise<void> {
    if (levels.length === 0 && !line.locationId) return;
    let remaining = line.quantity;
    for (const level of levels) {
      let available = level.available;
      for (let attempt = 0; attempt < HOLD_ATTEMPTS_PER_LEVEL; attempt++) {
        const take = level.allowBackorder ? remaining : Math.min(remaining, Math.max(0, available));
        if (take <= 0) break;
        const result = await applyStockChange(tx, this.#deps.events, {
          variant,
          locationId: level.locationId,
          deltaOnHand: 0,
          deltaReserved: take,
          reason: 'reservation',
          actor: this.#deps.actor,
          reference,
          levelExists: true,
        });
        if (result.ok) {
          remaining -= take;
          break;
        }
        // a concurrent hold took some of it since it was read: the whole update was refused, so size
        // the attempt again from what is left now instead of passing over a level that still has stock
        available = await this.#availableAt(tx, variant.id, level.locationId);
      }
      if (remaining === 0) return;
    }
    const [left] = await rows<{ available: number | string | null }>(
      tx,
      sql`select sum(greatest(on_hand - reserved, 0)) as available from cw_stock_level where variant_id = ${variant.id}
        ${line.locationId ? sql`and location_id = ${line.locationId}` : sql``}`,
    );
    // what this line held before running short is given back when the refusal rolls the holds back
    const available = Number(left?.available ?? 0) + (line.quantity - remaining);
    throw new LineRefused({ ok: false, variantId: variant.id, requested: line.quantity, available });
  }

  async #availableAt(tx: EntityManager, variantId: string, locationId: string): Promise<number> {
    const [level] = await rows<{ available: number | string }>(
      tx,
      sql`select on_hand - reserved as available from cw_stock_level where variant_id = ${variantId} and location_id = ${locationId}`,
    );
    return Number(level?.available ?? 0);
  }

  /** The variants on sale among `variantIds`, each with its stock levels in holding order, in one query. */
  async #stockOf(em: EntityManager, variantIds: readonly string[]): Promise<Map<string, { variant: StockVariant; levels: HeldLevel[] }>> {
    const found = await rows<{
      id: string;
      sku: string;
      product_id: string;
      vendor_id: string | null;
      location_id: string | null;
      available: number | string | null;
      allow_backorder: boolean | null;
    }>(
      em,
      sql`select v.id, v.sku, v.product_id, p.vendor_id, l.location_id, l.on_hand - l.reserved as available, l.allow_backorder
        from cw_product_variant v join cw_product p on p.id = v.product_id
          left join cw_stock_level l on l.variant_id = v.id left join cw_stock_location s on s.id = l.location_id
        where v.id in (${sql.join(variantIds.map((id) => sql`${id}`))}) and v.deleted_at is null and p.deleted_at is null
        order by v.id, s.is_default desc, l.location_id`,
    );
    const stock = new Map<string, { variant: StockVariant; levels: HeldLevel[] }>();
    for (const row of found) {
      let entry = stock.get(row.id);
      if (!entry) {
        entry = { variant: { id: row.id, sku: row.sku, productId: row.product_id, vendorId: row.vendor_id }, levels: [] };
        stock.set(row.id, entry);
      }
      if (row.location_id !== null) entry.levels.push({ locationId: row.location_id, available: Number(row.available), allowBackorder: row.allow_backorder === true });
    }
    return stock;
  }
}
