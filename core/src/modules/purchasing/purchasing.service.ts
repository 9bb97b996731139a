import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import { rows } from '../../kernel/db/sql.ts';
import { actorReference, type Cradle } from '../../kernel/container.ts';
import { newId } from '../../kernel/ids.ts';
import { CatalogErrors } from '../catalog/index.ts';
import { applyStockChange, InventoryErrors } from '../inventory/index.ts';
import { PurchasingErrors } from './purchasing.errors.ts';

type Deps = Pick<Cradle, 'em' | 'events' | 'actor' | 'auditLog'>;

export type PurchaseOrderStatus = 'draft' | 'ordered' | 'partially_received' | 'received' | 'cancelled';

export interface SupplierView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PurchaseOrderLineView {
  id: string;
  variantId: string;
  quantityOrdered: number;
  quantityReceived: number;
  unitCost: number;
}

/** One delivery against a purchase order: when it came, who booked it in, where, and what it brought. */
export interface PurchaseReceiptView {
  id: string;
  receivedAt: string;
  locationId: string;
  actorKind: string;
  actorId: string | null;
  note: string | null;
  lines: { purchaseOrderLineId: string; variantId: string; quantity: number }[];
}

export interface PurchaseOrderView {
  id: string;
  number: string;
  supplierId: string;
  locationId: string;
  status: PurchaseOrderStatus;
  currency: string;
  notes: string | null;
  orderedAt: string | null;
  createdAt: string;
  updatedAt: string;
  lines: PurchaseOrderLineView[];
  /** The deliveries received so far, oldest first. */
  receipts: PurchaseReceiptView[];
}

export interface LineInput {
  variantId: string;
  quantity: number;
  unitCost: number;
}

interface SupplierFields {
  name?: string;
  email?: string | null;
  phone?: string | null;
  notes?: string | null;
}

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
const bodyIssue = (pointer: string, rule: string, message: string) => [{ in: 'body', pointer, rule, message }];

/** Where a purchase order may go from each status; anything else is a 409. */
const TRANSITIONS: Record<'order' | 'receive' | 'cancel', readonly PurchaseOrderStatus[]> = {
  order: ['draft'],
  receive: ['ordered', 'partially_received'],
  cancel: ['draft', 'ordered'],
};

/**
 * Suppliers and purchase orders. A purchase order is drafted, ordered, then received in one or more
 * deliveries; each receipt adds stock through `applyStockChange` (reason `receipt`, referencing the
 * PO number) in the same transaction that records what was received.
 */
export class PurchasingService {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  // --- suppliers -------------------------------------------------------------------------------

  async listSuppliers(page: { limit: number; offset: number }): Promise<{ items: SupplierView[]; count: number }> {
    const em = this.#deps.em;
    const found = await rows<Record<string, any>>(em, sql`select * from cw_supplier order by name, id limit ${page.limit} offset ${page.offset}`);
    const [total] = await rows<{ n: number }>(em, sql`select count(*)::int as n from cw_supplier`);
    return { items: found.map(supplierView), count: Number(total!.n) };
  }

  async getSupplier(id: string): Promise<SupplierView> {
    const [found] = await rows<Record<string, any>>(this.#deps.em, sql`select * from cw_supplier where id = ${id}`);
    if (!found) throw PurchasingErrors.SUPPLIER_NOT_FOUND(`No supplier ${id}`);
    return supplierView(found);
  }

  async createSupplier(input: SupplierFields & { name: string }): Promise<SupplierView> {
    const id = newId('sup');
    const now = new Date();
    await rows(
      this.#deps.em,
      sql`insert into cw_supplier (id, name, email, phone, notes, created_at, updated_at)
        values (${id}, ${input.name}, ${input.email ?? null}, ${input.phone ?? null}, ${input.notes ?? null}, ${now}, ${now})`,
    );
    return this.getSupplier(id);
  }

  async updateSupplier(id: string, patch: SupplierFields): Promise<SupplierView> {
    const current = await this.getSupplier(id);
    const next = { ...current, ...patch };
    await rows(
      this.#deps.em,
      sql`update cw_supplier set name = ${next.name}, email = ${next.email ?? null}, phone = ${next.phone ?? null}, notes = ${next.notes ?? null},
        updated_at = ${new Date()} where id = ${id}`,
    );
    return this.getSupplier(id);
  }

  /** A supplier with purchase orders stays (409): they are the record of what was bought from it. */
  async removeSupplier(id: string): Promise<void> {
    await this.getSupplier(id);
    const [used] = await rows(this.#deps.em, sql`select 1 from cw_purchase_order where supplier_id = ${id} limit 1`);
    if (used) throw PurchasingErrors.SUPPLIER_IN_USE('The supplier has purchase orders; it cannot be deleted');
    await rows(this.#deps.em, sql`delete from cw_supplier where id = ${id}`);
  }

  // --- purchase orders -------------------------------------------------------------------------

  async listPurchaseOrders(filter: { status?: PurchaseOrderStatus; supplierId?: string; limit: number; offset: number }): Promise<{ items: PurchaseOrderView[]; count: number }> {
    const em = this.#deps.em;
    const where = sql`where true ${filter.status ? sql`and status = ${filter.status}` : sql``} ${filter.supplierId ? sql`and supplier_id = ${filter.supplierId}` : sql``}`;
    const found = await rows<{ id: string }>(em, sql`select id from cw_purchase_order ${where} order by created_at desc, id desc limit ${filter.limit} offset ${filter.offset}`);
    const [total] = await rows<{ n: number }>(em, sql`select count(*)::int as n from cw_purchase_order ${where}`);
    const items: PurchaseOrderView[] = [];
    for (const { id } of found) items.push(await this.#view(em, id));
    return { items, count: Number(total!.n) };
  }

  async getPurchaseOrder(id: string): Promise<PurchaseOrderView> {
    return this.#view(this.#deps.em, id);
  }

  async createPurchaseOrder(input: { supplierId: string; locationId?: string; currency: string; notes?: string | null; lines: LineInput[] }): Promise<PurchaseOrderView> {
    const id = newId('po');
    await this.#deps.em.transactional(async (em) => {
      const [supplier] = await rows(em, sql`select 1 from cw_supplier where id = ${input.supplierId}`);
      if (!supplier) {
        throw PurchasingErrors.SUPPLIER_NOT_FOUND(`No supplier ${input.supplierId}`, { errors: bodyIssue('/supplierId', 'exists', 'No such supplier') });
      }
      const locationId = await this.#locationId(em, input.locationId);
      const [seq] = await rows<{ n: string }>(em, sql`select nextval('cw_purchase_order_number_seq')::text as n`);
      const number = `PO-${seq!.n.padStart(5, '0')}`;
      const now = new Date();
      await rows(
        em,
        sql`insert into cw_purchase_order (id, number, supplier_id, location_id, status, currency, notes, created_at, updated_at)
          values (${id}, ${number}, ${input.supplierId}, ${locationId}, 'draft', ${input.currency}, ${input.notes ?? null}, ${now}, ${now})`,
      );
      await this.#insertLines(em, id, input.lines);
    });
    return this.getPurchaseOrder(id);
  }

  /** Replaces every line of a draft purchase order. */
  async replaceLines(id: string, lines: LineInput[]): Promise<PurchaseOrderView> {
    await this.#deps.em.transactional(async (em) => {
      const po = await this.#lock(em, id);
      if (po.status !== 'draft') throw PurchasingErrors.PURCHASE_ORDER_NOT_EDITABLE(`Purchase order ${po.number} is ${po.status}; only a draft can be edited`);
      await rows(em, sql`delete from cw_purchase_order_line where purchase_order_id = ${id}`);
      await this.#insertLines(em, id, lines);
      await rows(em, sql`update cw_purchase_order set updated_at = ${new Date()} where id = ${id}`);
    });
    return this.getPurchaseOrder(id);
  }

  /** draft → ordered. */
  async order(id: string): Promise<PurchaseOrderView> {
    await this.#deps.em.transactional(async (em) => {
      const po = await this.#lock(em, id);
      this.#allow('order', po);
      const now = new Date();
      await rows(em, sql`update cw_purchase_order set status = 'ordered', ordered_at = ${now}, updated_at = ${now} where id = ${id}`);
      this.#audit(em, 'purchase_order.ordered', id, { status: po.status }, { status: 'ordered', orderedAt: now.toISOString() });
    });
    return this.getPurchaseOrder(id);
  }

  /** draft or ordered → cancelled. A purchase order with anything received cannot be cancelled. */
  async cancel(id: string): Promise<PurchaseOrderView> {
    await this.#deps.em.transactional(async (em) => {
      const po = await this.#lock(em, id);
      this.#allow('cancel', po);
      await rows(em, sql`update cw_purchase_order set status = 'cancelled', updated_at = ${new Date()} where id = ${id}`);
      this.#audit(em, 'purchase_order.cancelled', id, { status: po.status }, { status: 'cancelled' });
    });
    return this.getPurchaseOrder(id);
  }

  /**
   * Receives a delivery: records it as a receipt (who, when, where, the note and its lines) and,
   * for each line, adds the quantity to on-hand stock at the PO's location (a `receipt` movement
   * referencing the PO number) and to the line's quantity received, all in one transaction. More than
   * is outstanding on a line is refused (422) and nothing is written.
   */
  async receive(id: string, input: { lines: { lineId: string; quantity: number }[]; note?: string }): Promise<PurchaseOrderView> {
    await this.#deps.em.transactional(async (em) => {
      const po = await this.#lock(em, id);
      this.#allow('receive', po);
      const lines = await rows<{ id: string; variant_id: string; quantity_ordered: number; quantity_received: number }>(
        em,
        sql`select id, variant_id, quantity_ordered, quantity_received from cw_purchase_order_line where purchase_order_id = ${id}`,
      );
      const outstanding = new Map(lines.map((l) => [l.id, Number(l.quantity_ordered) - Number(l.quantity_received)]));
      // check the whole delivery before writing any of it
      input.lines.forEach((entry, i) => {
        const left = outstanding.get(entry.lineId);
        if (left === undefined) {
          throw PurchasingErrors.PURCHASE_ORDER_LINE_NOT_FOUND(`Purchase order ${po.number} has no line ${entry.lineId}`, {
            errors: bodyIssue(`/lines/${i}/lineId`, 'exists', 'No such line on this purchase order'),
          });
        }
        if (entry.quantity > left) {
          const message = `Only ${left} outstanding on this line`;
          throw PurchasingErrors.PURCHASE_ORDER_OVER_RECEIPT(message, { errors: bodyIssue(`/lines/${i}/quantity`, 'outstanding', message) });
        }
        outstanding.set(entry.lineId, left - entry.quantity);
      });
      const variantOf = new Map(lines.map((l) => [l.id, l.variant_id]));
      const receiptId = newId('rcpt');
      const actor = actorReference(this.#deps.actor);
      const receivedAt = new Date();
      await rows(
        em,
        sql`insert into cw_purchase_order_receipt (id, purchase_order_id, location_id, actor_kind, actor_id, note, received_at)
          values (${receiptId}, ${id}, ${po.location_id}, ${actor.kind}, ${actor.id}, ${input.note ?? null}, ${receivedAt})`,
      );
      for (const entry of input.lines) {
        const variant = await this.#stockVariant(em, variantOf.get(entry.lineId)!);
        const result = await applyStockChange(em, this.#deps.events, {
          variant,
          locationId: po.location_id,
          deltaOnHand: entry.quantity,
          deltaReserved: 0,
          reason: 'receipt',
          actor: this.#deps.actor,
          reference: po.number,
          note: input.note ?? null,
        });
        if (!result.ok) throw new Error(`Receiving ${entry.quantity} of ${variant.id} was refused by the stock ledger`);
        await rows(em, sql`update cw_purchase_order_line set quantity_received = quantity_received + ${entry.quantity}::int where id = ${entry.lineId}`);
        await rows(
          em,
          sql`insert into cw_purchase_order_receipt_line (id, receipt_id, purchase_order_line_id, variant_id, quantity)
            values (${newId('rcptl')}, ${receiptId}, ${entry.lineId}, ${variant.id}, ${entry.quantity})`,
        );
      }
      const fully = [...outstanding.values()].every((left) => left === 0);
      const status = fully ? 'received' : 'partially_received';
      await rows(em, sql`update cw_purchase_order set status = ${status}, updated_at = ${new Date()} where id = ${id}`);
      this.#audit(
        em,
        'purchase_order.received',
        id,
        { status: po.status, lines: lines.map((l) => ({ id: l.id, quantityReceived: Number(l.quantity_received) })) },
        {
          status,
          receiptId,
          note: input.note ?? null,
          lines: lines.map((l) => ({ id: l.id, quantityReceived: Number(l.quantity_ordered) - outstanding.get(l.id)! })),
        },
      );
    });
    return this.getPurchaseOrder(id);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The audit entry of a purchase order's transition, committed with it. */
  #audit(em: EntityManager, action: string, id: string, before: Record<string, unknown>, after: Record<string, unknown>): void {
    this.#deps.auditLog.record(em, { action, target: { type: 'purchase_order', id }, before, after });
  }

  #allow(action: keyof typeof TRANSITIONS, po: { number: string; status: PurchaseOrderStatus }): void {
    if (!TRANSITIONS[action].includes(po.status)) {
      throw PurchasingErrors.PURCHASE_ORDER_TRANSITION_INVALID(`Purchase order ${po.number} is ${po.status}; it cannot be ${action === 'order' ? 'ordered' : action === 'receive' ? 'received' : 'cancelled'}`);
    }
  }

  async #lock(em: EntityManager, id: string): Promise<{ number: string; status: PurchaseOrderStatus; location_id: string }> {
    const [po] = await rows<{ number: string; status: PurchaseOrderStatus; location_id: string }>(
      em,
      sql`select number, status, location_id from cw_purchase_order where id = ${id} for update`,
    );
    if (!po) throw PurchasingErrors.PURCHASE_ORDER_NOT_FOUND(`No purchase order ${id}`);
    return po;
  }

  async #insertLines(em: EntityManager, poId: string, lines: LineInput[]): Promise<void> {
    for (const [i, line] of lines.entries()) {
      const [variant] = await rows(
        em,
        sql`select 1 from cw_product_variant v join cw_product p on p.id = v.product_id where v.id = ${line.variantId} and v.deleted_at is null and p.deleted_at is null`,
      );
      if (!variant) throw CatalogErrors.VARIANT_NOT_FOUND(`No variant ${line.variantId}`, { errors: bodyIssue(`/lines/${i}/variantId`, 'exists', 'No such variant') });
      await rows(
        em,
        sql`insert into cw_purchase_order_line (id, purchase_order_id, position, variant_id, quantity_ordered, quantity_received, unit_cost)
          values (${newId('pol')}, ${poId}, ${i}, ${line.variantId}, ${line.quantity}, 0, ${line.unitCost})`,
      );
    }
  }

  async #locationId(em: EntityManager, id: string | undefined): Promise<string> {
    const [found] = await rows<{ id: string }>(
      em,
      id === undefined ? sql`select id from cw_stock_location where is_default` : sql`select id from cw_stock_location where id = ${id}`,
    );
    if (!found) {
      throw InventoryErrors.STOCK_LOCATION_NOT_FOUND(`No stock location ${id ?? '(default)'}`, { errors: bodyIssue('/locationId', 'exists', 'No such location') });
    }
    return found.id;
  }

  async #stockVariant(em: EntityManager, variantId: string) {
    const [found] = await rows<{ id: string; sku: string; product_id: string; vendor_id: string | null }>(
      em,
      sql`select v.id, v.sku, v.product_id, p.vendor_id from cw_product_variant v join cw_product p on p.id = v.product_id where v.id = ${variantId}`,
    );
    if (!found) throw CatalogErrors.VARIANT_NOT_FOUND(`No variant ${variantId}`);
    return { id: found.id, sku: found.sku, productId: found.product_id, vendorId: found.vendor_id };
  }

  async #view(em: EntityManager, id: string): Promise<PurchaseOrderView> {
    const [po] = await rows<Record<string, any>>(em, sql`select * from cw_purchase_order where id = ${id}`);
    if (!po) throw PurchasingErrors.PURCHASE_ORDER_NOT_FOUND(`No purchase order ${id}`);
    const lines = await rows<Record<string, any>>(em, sql`select * from cw_purchase_order_line where purchase_order_id = ${id} order by position, id`);
    const receipts = await rows<Record<string, any>>(
      em,
      sql`select r.id, r.location_id, r.actor_kind, r.actor_id, r.note, r.received_at, l.purchase_order_line_id, l.variant_id, l.quantity
        from cw_purchase_order_receipt r join cw_purchase_order_receipt_line l on l.receipt_id = r.id join cw_purchase_order_line pl on pl.id = l.purchase_order_line_id
        where r.purchase_order_id = ${id} order by r.received_at, r.id, pl.position, l.id`,
    );
    const receiptViews = new Map<string, PurchaseReceiptView>();
    for (const row of receipts) {
      let receipt = receiptViews.get(row.id);
      if (!receipt) {
        receipt = { id: row.id, receivedAt: iso(row.received_at), locationId: row.location_id, actorKind: row.actor_kind, actorId: row.actor_id, note: row.note, lines: [] };
        receiptViews.set(row.id, receipt);
      }
      receipt.lines.push({ purchaseOrderLineId: row.purchase_order_line_id, variantId: row.variant_id, quantity: Number(row.quantity) });
    }
    return {
      id: po.id,
      number: po.number,
      supplierId: po.supplier_id,
      locationId: po.location_id,
      status: po.status,
      currency: po.currency,
      notes: po.notes,
      orderedAt: po.ordered_at ? iso(po.ordered_at) : null,
      createdAt: iso(po.created_at),
      updatedAt: iso(po.updated_at),
      lines: lines.map((l) => ({
        id: l.id,
        variantId: l.variant_id,
        quantityOrdered: Number(l.quantity_ordered),
        quantityReceived: Number(l.quantity_received),
        unitCost: Number(l.unit_cost),
      })),
      receipts: [...receiptViews.values()],
    };
  }
}

function supplierView(row: Record<string, any>): SupplierView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    notes: row.notes,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
