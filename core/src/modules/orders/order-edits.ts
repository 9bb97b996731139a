import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows, run } from '../../kernel/db/sql.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import type { NormalisedAddress } from '../addresses/address-rules.ts';
import { activeTaxCalculator } from '../carts/index.ts';
import { loadVariantsForSale } from '../catalog/index.ts';
import { computeTotals, type TotalsAdjuster } from '../totals/index.ts';
import { findOrder, insertTimeline } from './order-records.ts';
import type { OrderShippingSnapshot } from './order.types.ts';
import { OrderErrors } from './orders.errors.ts';

export interface OrderEdit {
  /** New quantities of existing lines; 0 removes the line. */
  lines?: Array<{ lineId: string; quantity: number }>;
  /** Variants to add, at today's catalog price. */
  add?: Array<{ variantId: string; quantity: number }>;
  reason: string;
}

type Deps = Pick<
  Cradle,
  'events' | 'actor' | 'reservationService' | 'catalogPricing' | 'mediaService' | 'taxCalculator' | 'ruleBasedTaxCalculator' | 'paymentProviders'
>;

interface LineRow {
  id: string;
  position: number;
  variant_id: string | null;
  quantity: number;
  unit_price: string | number;
  discount: string | number;
  discounts: unknown;
  tax_class: string | null;
}

const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/**
 * Changes the lines of an order nothing has been paid or packed for yet, in the caller's
 * transaction: quantities (0 removes a line) and new lines at today's price. Kept lines keep the
 * price they were sold at and their discounts, scaled to the new quantity (rounded down, never
 * above what was given); shipping and fees stay as charged. Tax is worked out again for the
 * order's address. Stock follows: more is held for increases (409 when there is not enough, and
 * nothing changes), the difference is released for decreases. Pending pay-on-delivery attempts are
 * replaced by the caller after commit (`paymentService.reissuePending`).
 */
export async function editOrderInTransaction(tx: EntityManager, deps: Deps, orderId: string, edit: OrderEdit): Promise<{ oldTotal: number; newTotal: number }> {
  const order = await findOrder(tx, orderId, { lock: true });
  if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${orderId}`);
  await requireEditable(tx, deps, order);
  const [header] = await rows<{ shipping: unknown; shipping_address: unknown; prices_include_tax: boolean }>(
    tx,
    sql`select shipping, shipping_address, prices_include_tax from cw_order where id = ${orderId}`,
  );
  const lines = await rows<LineRow>(
    tx,
    sql`select id, position, variant_id, quantity, unit_price, discount, discounts, tax_class from cw_order_line where order_id = ${orderId} order by position`,
  );

  const issues: FieldIssue[] = [];
  const quantities = new Map(lines.map((line) => [line.id, line.quantity]));
  (edit.lines ?? []).forEach((change, index) => {
    if (!quantities.has(change.lineId)) issues.push({ in: 'body', pointer: `/lines/${index}/lineId`, rule: 'orderLine', message: 'is not a line of this order' });
    else quantities.set(change.lineId, change.quantity);
  });
  const additions = edit.add ?? [];
  const variants = await loadVariantsForSale(deps, tx, additions.map((a) => a.variantId), order.currencyCode);
  additions.forEach((addition, index) => {
    const variant = variants.get(addition.variantId);
    if (!variant?.onSale || !variant.price) {
      issues.push({ in: 'body', pointer: `/add/${index}/variantId`, rule: 'forSale', message: `is not on sale with a price in ${order.currencyCode}` });
    } else if (lines.some((line) => line.variant_id === addition.variantId) || additions.findIndex((a) => a.variantId === addition.variantId) !== index) {
      issues.push({ in: 'body', pointer: `/add/${index}/variantId`, rule: 'unique', message: 'is already a line of the order: change its quantity instead' });
    }
  });
  const kept = lines.filter((line) => quantities.get(line.id)! > 0);
  if (kept.length + additions.length === 0) issues.push({ in: 'body', pointer: '/lines', rule: 'minItems', message: 'would leave no line: cancel the order instead' });
  if (issues.length) throw OrderErrors.ORDER_EDIT_INVALID(`The edit cannot be applied: ${issues[0]!.pointer} ${issues[0]!.message}`, { errors: issues });

  await moveStock(tx, deps, orderId, lines, quantities, additions, order.status === 'confirmed');

  const newLines = additions.map((addition, index) => ({ id: newId('oli'), position: (lines.at(-1)?.position ?? -1) + 1 + index, addition }));
  const shipping = parsed<OrderShippingSnapshot[]>(header!.shipping);
  const address = parsed<NormalisedAddress>(header!.shipping_address);
  const chargedShipping: TotalsAdjuster = {
    name: 'charged-shipping',
    adjust: () => ({ shipping: shipping.map((s) => ({ id: s.id, name: s.name, amount: s.amount })) }),
  };
  const calculator = activeTaxCalculator(deps);
  const totals = computeTotals(
    {
      currencyCode: order.currencyCode,
      shippingAddress: { countryCode: address.countryCode, region: address.region ?? undefined },
      lines: [
        ...kept.map((line) => ({ id: line.id, variantId: line.variant_id ?? line.id, quantity: quantities.get(line.id)!, unitPrice: Number(line.unit_price), taxClass: line.tax_class })),
        ...newLines.map(({ id, addition }) => {
          const variant = variants.get(addition.variantId)!;
          return { id, variantId: addition.variantId, quantity: addition.quantity, unitPrice: variant.price!.amount, taxClass: variant.taxClass };
        }),
      ],
    },
    { adjusters: [scaledDiscounts(kept, quantities), chargedShipping], tax: calculator },
  );
  const byId = new Map(totals.lines.map((line) => [line.id, line]));

  const removed = lines.filter((line) => !kept.includes(line)).map((line) => line.id);
  if (removed.length) await run(tx, sql`delete from cw_order_line where order_id = ${orderId} and id = any(${removed})`);
  for (const line of kept) {
    const t = byId.get(line.id)!;
    await run(
      tx,
      sql`update cw_order_line set quantity = ${t.quantity}, subtotal = ${t.subtotal}, discount = ${t.discount}, discounts = ${json(t.discounts)},
        taxes = ${json(t.taxes)}, tax_total = ${t.taxTotal}, total = ${t.total} where id = ${line.id}`,
    );
  }
  for (const { id, position, addition } of newLines) {
    const variant = variants.get(addition.variantId)!;
    const t = byId.get(id)!;
    await run(
      tx,
      sql`insert into cw_order_line (id, order_id, position, variant_id, product_id, vendor_id, product_title, variant_title, sku, options, tax_class,
          thumbnail_url, quantity, unit_price, subtotal, discount, discounts, taxes, tax_total, total)
        values (${id}, ${orderId}, ${position}, ${variant.variantId}, ${variant.productId}, ${variant.vendorId}, ${variant.productTitle}, ${variant.variantTitle},
          ${variant.sku}, ${json(variant.options)}, ${variant.taxClass}, ${variant.thumbnail?.url ?? null}, ${t.quantity}, ${t.unitPrice}, ${t.subtotal},
          ${t.discount}, ${json(t.discounts)}, ${json(t.taxes)}, ${t.taxTotal}, ${t.total})`,
    );
  }
  const shippingTotals = shipping.map((s) => {
    const t = totals.shipping.find((charge) => charge.id === s.id)!;
    return { id: s.id, name: s.name, amount: t.amount, taxes: t.taxes, taxTotal: t.taxTotal, total: t.total };
  });
  await run(
    tx,
    sql`update cw_order set subtotal = ${totals.subtotal}, discount_total = ${totals.discountTotal}, shipping_total = ${totals.shippingTotal},
      tax_total = ${totals.taxTotal}, total = ${totals.total}, taxes = ${json(totals.taxes)}, discounts = ${json(totals.discounts)},
      shipping = ${json(shippingTotals)}, version = version + 1, updated_at = ${new Date()} where id = ${orderId}`,
  );
  await insertTimeline(
    tx,
    orderId,
    {
      kind: 'order.edited',
      message: `Order ${order.number} changed: ${edit.reason}`,
      visibleToCustomer: true,
      data: { reason: edit.reason, lines: edit.lines ?? [], add: edit.add ?? [], oldTotal: order.total, newTotal: totals.total },
    },
    deps.actor,
  );
  deps.events.emit(tx, 'order.edited', {
    orderId,
    number: order.number,
    customerId: order.customerId,
    email: order.email,
    oldTotal: order.total,
    newTotal: totals.total,
    reason: edit.reason,
  });
  return { oldTotal: order.total, newTotal: totals.total };
}

/** Only an order with nothing packed and no money taken or promised can change: a pay-on-delivery attempt still pending is fine. */
async function requireEditable(tx: EntityManager, deps: Deps, order: { status: string; fulfillmentStatus: string; paymentStatus: string; number: string; id: string }): Promise<void> {
  const refuse = (why: string) => OrderErrors.ORDER_NOT_EDITABLE(`Order ${order.number} cannot be edited: ${why}`, { extensions: { reason: why } });
  if (order.status !== 'pending' && order.status !== 'confirmed') throw refuse(`it is ${order.status}`);
  if (order.fulfillmentStatus !== 'not_fulfilled') throw refuse('units have been packed');
  if (order.paymentStatus !== 'not_paid') throw refuse(`its payment is ${order.paymentStatus}`);
  const attempts = await rows<{ provider: string; status: string }>(tx, sql`select provider, status from cw_payment where order_id = ${order.id}`);
  for (const attempt of attempts) {
    if (attempt.status === 'failed' || attempt.status === 'voided') continue;
    const provider = await deps.paymentProviders.find(attempt.provider);
    if (!(provider?.confirmsOrderBeforePayment && attempt.status === 'pending')) throw refuse(`a ${attempt.provider} payment is ${attempt.status}`);
  }
}

/** Holds more for increases and new lines (all or nothing), then releases what decreases free. */
async function moveStock(
  tx: EntityManager,
  deps: Deps,
  orderId: string,
  lines: readonly LineRow[],
  quantities: ReadonlyMap<string, number>,
  additions: readonly { variantId: string; quantity: number }[],
  confirmed: boolean,
): Promise<void> {
  const more = [
    ...lines.flatMap((line) => (line.variant_id && quantities.get(line.id)! > line.quantity ? [{ variantId: line.variant_id, quantity: quantities.get(line.id)! - line.quantity }] : [])),
    ...additions,
  ];
  const less = lines.flatMap((line) => (line.variant_id && quantities.get(line.id)! < line.quantity ? [{ variantId: line.variant_id, quantity: line.quantity - quantities.get(line.id)! }] : []));
  if (more.length) {
    // a confirmed order keeps its stock until it is packed or cancelled: no deadline
    const held = await deps.reservationService.reserve(tx, { reference: orderId, lines: more, ...(confirmed ? { expiresAt: null } : {}) });
    if (!held.ok) {
      throw OrderErrors.ORDER_EDIT_OUT_OF_STOCK(`Only ${held.available} more of variant ${held.variantId} can be held, not ${held.requested}`, {
        extensions: { variantId: held.variantId, requested: held.requested, available: held.available },
      });
    }
  }
  if (less.length) await deps.reservationService.releaseLines(tx, orderId, less);
}

/** Each kept line keeps its discount, in proportion to its new quantity. */
function scaledDiscounts(kept: readonly LineRow[], quantities: ReadonlyMap<string, number>): TotalsAdjuster {
  return {
    name: 'kept-discounts',
    adjust: () => ({
      lineDiscounts: kept.flatMap((line) => {
        const discount = Number(line.discount);
        if (discount === 0) return [];
        const label = parsed<Array<{ label: string }>>(line.discounts)[0]?.label ?? 'Discount';
        return [{ lineId: line.id, amount: Math.floor((discount * quantities.get(line.id)!) / line.quantity), label }];
      }),
    }),
  };
}
