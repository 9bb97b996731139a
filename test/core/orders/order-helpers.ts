import { createCatalogStore, type CatalogStore } from '../catalog/catalog-helpers.ts';
import { productWithVariant, query } from '../inventory/inventory-helpers.ts';

export { ledgerVersusLevels, productWithVariant, query } from '../inventory/inventory-helpers.ts';
export { createAndLogin } from '../admin/admin-helpers.ts';

export type OrderStore = CatalogStore;

export function createOrderStore(): Promise<OrderStore> {
  return createCatalogStore();
}

const address = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: null,
  line1: '1 Analytical Way',
  line2: null,
  city: 'London',
  region: null,
  postalCode: 'N1 1AA',
  countryCode: 'GB',
  phone: null,
};

export interface FixtureLine {
  variantId: string;
  productId: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  vendorId?: string | null;
}

let counter = 0;

/**
 * An order as checkout would place it: the lines' stock reserved under the order id, then the
 * order written from a hand-built snapshot (one 10% tax per line, one flat shipping charge of 500).
 */
export async function placeOrder(
  c: OrderStore,
  options: { customerId?: string | null; email?: string; lines: FixtureLine[]; confirm?: boolean; expiresAt?: Date },
): Promise<{ id: string; number: string; token: string | null }> {
  counter += 1;
  const id = `order_fixture${Date.now().toString(36)}${counter}`;
  const lines = options.lines.map((l) => {
    const subtotal = l.quantity * l.unitPrice;
    const tax = Math.round(subtotal / 10);
    return {
      variantId: l.variantId,
      productId: l.productId,
      productTitle: `Product ${l.sku}`,
      variantTitle: 'Default',
      sku: l.sku,
      options: {},
      vendorId: l.vendorId ?? null,
      taxClass: null,
      thumbnailUrl: null,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      subtotal,
      discount: 0,
      discounts: [],
      taxes: [{ rateId: 'vat', name: 'VAT', rate: '10', amount: tax }],
      taxTotal: tax,
      total: subtotal + tax,
    };
  });
  const linesTotal = lines.reduce((n, l) => n + l.total, 0);
  const taxTotal = lines.reduce((n, l) => n + l.taxTotal, 0);
  return c.store.commerce.withScope((s) =>
    s.cradle.em.transactional(async (tx) => {
      const held = await s.cradle.reservationService.reserve(tx, {
        reference: id,
        lines: options.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
        ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
      });
      if (!held.ok) throw new Error(`fixture could not reserve: ${JSON.stringify(held)}`);
      const placed = await s.cradle.orderService.place(
        tx,
        {
          cartId: null as unknown as string,
          customerId: options.customerId ?? null,
          email: options.email ?? 'buyer@example.com',
          currencyCode: 'USD',
          pricesIncludeTax: false,
          shippingAddress: address,
          billingAddress: address,
          lines,
          shipping: [{ id: 'flat', name: 'Flat rate', amount: 500, taxes: [], taxTotal: 0, total: 500 }],
          discounts: [],
          taxes: [{ rateId: 'vat', name: 'VAT', rate: '10', amount: taxTotal }],
          subtotal: lines.reduce((n, l) => n + l.subtotal, 0),
          discountTotal: 0,
          shippingTotal: 500,
          taxTotal,
          total: linesTotal + 500,
          paymentMethod: 'cod',
        },
        { id },
      );
      if (options.confirm) {
        await s.cradle.orderService.transition(tx, id, { order: 'confirmed' }, { kind: 'order.confirmed', message: 'Confirmed', visibleToCustomer: true });
      }
      return placed;
    }),
  );
}

/** A published product with `stock` units at the default location. */
export async function stockedVariant(c: OrderStore, title: string, stock: number, as = c.admin.as): Promise<Omit<FixtureLine, 'quantity' | 'unitPrice'>> {
  const v = await productWithVariant(c, title, as);
  const adjusted = await c.admin.as.post('/admin/inventory/adjustments', { variantId: v.variantId, delta: stock, reason: 'receipt' });
  if (adjusted.status >= 300) throw new Error(`adjustment: ${adjusted.status} ${adjusted.text}`);
  return v;
}

export async function level(c: OrderStore, variantId: string): Promise<{ onHand: number; reserved: number; available: number }> {
  return (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];
}

/** What the order's reference still holds in the ledger, per variant. */
export async function heldBy(c: OrderStore, reference: string): Promise<number> {
  const [row] = await query<{ held: number }>(c, 'select coalesce(sum(delta_reserved), 0)::int as held from cw_stock_movement where reference = ?', [reference]);
  return Number(row!.held);
}

export async function movements(c: OrderStore, reference: string): Promise<Array<{ reason: string; delta_on_hand: number; delta_reserved: number }>> {
  return query(c, 'select reason, delta_on_hand, delta_reserved from cw_stock_movement where reference = ? order by created_at, id', [reference]);
}
