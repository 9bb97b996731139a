import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { rows } from '../../kernel/db/sql.ts';
import { newId } from '../../kernel/ids.ts';
import type { NormalisedAddress } from '../addresses/address-rules.ts';
import { activeTaxCalculator } from '../carts/index.ts';
import { loadVariantsForSale } from '../catalog/index.ts';
import { formatDecimal } from '../money/index.ts';
import type { OrderRecord, OrderSnapshot } from '../orders/index.ts';
import { computeTotals } from '../totals/index.ts';
import { ReturnErrors } from './returns.errors.ts';

type Deps = Pick<
  Cradle,
  'events' | 'orderService' | 'catalogPricing' | 'mediaService' | 'taxCalculator' | 'ruleBasedTaxCalculator' | 'reservationService' | 'paymentProviders' | 'paymentService'
>;

/** The `source` of the return credit among an exchange order's discounts. */
export const RETURN_CREDIT_SOURCE = 'return-credit';

/**
 * Places the order that sends the replacements of an exchange, in the receipt's transaction: the
 * variants priced from the catalog now, in the original order's currency, taxed for its shipping
 * address as checkout would (no shipping charge: the exchange ships free), their stock reserved
 * (never oversold: a shortfall refuses the whole receipt with 409). The value of the returned units
 * is credited as an order discount, so the order is due `max(0, replacements − credit)`; a credit
 * larger than the replacements is refunded on the original order by the caller. With nothing due the
 * order is confirmed and paid at once; otherwise it is paid like any order (cash on delivery
 * starts here, a gateway through `POST /store/orders/:id/payments`).
 */
export async function createExchangeOrder(
  tx: EntityManager,
  deps: Deps,
  original: OrderRecord,
  returnId: string,
  replacements: Array<{ variantId: string; quantity: number; lineId: string }>,
  credit: number,
): Promise<{ id: string; replacementValue: number; total: number }> {
  const [source] = await rows<{ shipping_address: NormalisedAddress | string; billing_address: NormalisedAddress | string }>(
    tx,
    sql`select shipping_address, billing_address from cw_order where id = ${original.id}`,
  );
  const address = (value: NormalisedAddress | string): NormalisedAddress => (typeof value === 'string' ? JSON.parse(value) : value);
  const shippingAddress = address(source!.shipping_address);
  const currency = original.currencyCode;
  const variants = await loadVariantsForSale(deps, tx, replacements.map((r) => r.variantId), currency);
  for (const r of replacements) {
    const variant = variants.get(r.variantId);
    if (!variant?.onSale || !variant.price) {
      throw ReturnErrors.RETURN_EXCHANGE_UNAVAILABLE(`Variant ${r.variantId}, the replacement of line ${r.lineId}, is no longer for sale in ${currency}`, {
        extensions: { variantId: r.variantId, lineId: r.lineId },
      });
    }
  }
  const calculator = activeTaxCalculator(deps);
  const totals = computeTotals(
    {
      currencyCode: currency,
      lines: replacements.map((r, i) => ({ id: `line${i}`, variantId: r.variantId, quantity: r.quantity, unitPrice: variants.get(r.variantId)!.price!.amount, taxClass: variants.get(r.variantId)!.taxClass })),
      shippingAddress: { countryCode: shippingAddress.countryCode, region: shippingAddress.region ?? undefined },
    },
    { adjusters: [], tax: calculator },
  );
  const applied = Math.min(credit, totals.total);
  const tax = (list: typeof totals.taxes) => list.map((t) => ({ rateId: t.rateId, name: t.name, rate: t.rate, amount: t.amount }));
  const creditLabel = `Credit from return ${returnId}`;
  const snapshot: OrderSnapshot = {
    cartId: null,
    customerId: original.customerId,
    email: original.email,
    currencyCode: currency,
    pricesIncludeTax: totals.pricesIncludeTax,
    shippingAddress,
    billingAddress: address(source!.billing_address),
    lines: totals.lines.map((line, i) => {
      const variant = variants.get(replacements[i]!.variantId)!;
      return {
        variantId: variant.variantId,
        productId: variant.productId,
        productTitle: variant.productTitle,
        variantTitle: variant.variantTitle,
        sku: variant.sku,
        options: variant.options,
        vendorId: variant.vendorId,
        taxClass: variant.taxClass,
        thumbnailUrl: variant.thumbnail?.url ?? null,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        subtotal: line.subtotal,
        discount: line.discount,
        discounts: line.discounts,
        taxes: tax(line.taxes),
        taxTotal: line.taxTotal,
        total: line.total,
      };
    }),
    shipping: [],
    discounts: applied > 0 ? [{ source: RETURN_CREDIT_SOURCE, label: creditLabel, amount: applied }] : [],
    taxes: tax(totals.taxes),
    subtotal: totals.subtotal,
    discountTotal: totals.discountTotal + applied,
    shippingTotal: 0,
    taxTotal: totals.taxTotal,
    total: totals.total - applied,
    paymentMethod: original.paymentMethod,
  };

  const id = newId('order');
  const provider = snapshot.total > 0 ? await deps.paymentProviders.find(original.paymentMethod) : undefined;
  const paidHere = snapshot.total > 0 && provider?.initiatesInTransaction === true && provider.availability({ currencyCode: currency, amount: snapshot.total, countryCode: shippingAddress.countryCode }).available;
  // nothing to pay, or paid on delivery: held until fulfilled, as checkout holds a cash-on-delivery order's stock
  const noDeadline = snapshot.total === 0 || (paidHere && provider!.confirmsOrderBeforePayment === true);
  const held = await deps.reservationService.reserve(tx, {
    reference: id,
    lines: replacements.map((r) => ({ variantId: r.variantId, quantity: r.quantity })),
    ...(noDeadline ? { expiresAt: null } : {}),
  });
  if (!held.ok) {
    throw ReturnErrors.RETURN_EXCHANGE_UNAVAILABLE(`Only ${held.available} of replacement variant ${held.variantId} in stock, not ${held.requested}`, {
      extensions: { variantId: held.variantId, requested: held.requested, available: held.available },
    });
  }
  const placed = await deps.orderService.place(tx, snapshot, { id });
  await deps.orderService.addTimeline(tx, id, {
    kind: 'order.exchange',
    message: `Replacements for return ${returnId} of order ${original.number}; ${formatDecimal(applied, currency)} ${currency} credited`,
    visibleToCustomer: true,
    data: { returnId, originalOrderId: original.id, credit, applied },
  });
  if (snapshot.total === 0) {
    await deps.orderService.transition(tx, id, { order: 'confirmed', payment: 'paid' }, {
      kind: 'payment.settled_by_credit',
      message: 'Nothing to pay: the returned items cover the replacements',
      visibleToCustomer: true,
      data: { returnId },
    });
  } else if (paidHere) {
    await deps.paymentService.startInTransaction(tx, placed, provider!);
  }
  return { id, replacementValue: totals.total, total: snapshot.total };
}
