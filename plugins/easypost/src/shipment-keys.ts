import type { Database } from '@cartwright/core';

/**
 * Which EasyPost shipment an idempotency key bought (or is buying) its label on. The carrier records
 * the shipment here BEFORE buying, so a retry with the same key — after a timeout, a crash or a
 * restart — finds that shipment and asks EasyPost about it instead of creating another one; EasyPost
 * itself never sells two labels on one shipment. That is the whole guarantee: one shipment per key,
 * one label per shipment.
 */
export interface ShipmentKeyStore {
  /** The shipment recorded for `key`, or null. */
  find(carrierId: string, key: string): Promise<string | null>;
  /** Records `shipmentId` for `key` unless one is recorded already; answers the shipment that holds the key (the first one wins). */
  claim(carrierId: string, key: string, shipmentId: string): Promise<string>;
}

/** Keys kept in this process only: enough for tests and a single run, lost on restart (the database store is what a store uses). */
export class MemoryShipmentKeys implements ShipmentKeyStore {
  readonly #keys = new Map<string, string>();

  async find(carrierId: string, key: string): Promise<string | null> {
    return this.#keys.get(`${carrierId}\u0000${key}`) ?? null;
  }

  async claim(carrierId: string, key: string, shipmentId: string): Promise<string> {
    const slot = `${carrierId}\u0000${key}`;
    const held = this.#keys.get(slot);
    if (held) return held;
    this.#keys.set(slot, shipmentId);
    return shipmentId;
  }
}

interface EasyPostTables {
  easypost_shipment_key: { carrier_id: string; idempotency_key: string; shipment_id: string; created_at: Date };
}

/** Keys in the store's database (table `easypost_shipment_key`), so they outlive a restart and are shared by every instance of the store. */
export class DatabaseShipmentKeys implements ShipmentKeyStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async find(carrierId: string, key: string): Promise<string | null> {
    const row = await this.#db()
      .selectFrom('easypost_shipment_key')
      .select('shipment_id')
      .where('carrier_id', '=', carrierId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row?.shipment_id ?? null;
  }

  async claim(carrierId: string, key: string, shipmentId: string): Promise<string> {
    const row = await this.#db()
      .insertInto('easypost_shipment_key')
      .values({ carrier_id: carrierId, idempotency_key: key, shipment_id: shipmentId, created_at: new Date() })
      // a no-op update, so the row holding the key comes back whether this insert won or not
      .onConflict((conflict) => conflict.columns(['carrier_id', 'idempotency_key']).doUpdateSet((existing) => ({ carrier_id: existing.ref('excluded.carrier_id') })))
      .returning('shipment_id')
      .executeTakeFirstOrThrow();
    return row.shipment_id;
  }

  #db() {
    return this.#database.fork().getKysely<EasyPostTables>();
  }
}
