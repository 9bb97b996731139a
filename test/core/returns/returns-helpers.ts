import { expect } from 'chai';
import cod from '@cartwright/plugin-cod';
import { definePlugin, type CommerceConfigInput } from '@cartwright/core';
import type { TestClient } from '@cartwright/core/testing';
import type { CreateShipmentRequest, ShippingCarrier } from '@cartwright/core';
import { createCheckoutStore, readyCart } from '../checkout/checkout-helpers.ts';
import { query, type InventoryStore } from '../inventory/inventory-helpers.ts';

export { query };

/** A carrier that sells return labels and remembers every call; `failNext` makes the next call fail as a network error would. */
export class RecordingReturnCarrier implements ShippingCarrier {
  readonly id = 'test-returns';
  readonly name = 'Test Returns Carrier';
  readonly capabilities = { rates: false, labels: true, returns: true, tracking: false, webhooks: false };
  readonly calls: CreateShipmentRequest[] = [];
  readonly sold = new Map<string, { shipmentId: string; trackingNumber: string }>();
  failNext = false;

  async createShipment(request: CreateShipmentRequest) {
    this.calls.push(request);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection reset');
    }
    // a carrier honouring idempotency keys answers the same shipment for the same key
    let shipment = this.sold.get(request.idempotencyKey);
    if (!shipment) {
      shipment = { shipmentId: `shp_${this.sold.size + 1}`, trackingNumber: `RT${1000 + this.sold.size}` };
      this.sold.set(request.idempotencyKey, shipment);
    }
    return {
      ...shipment,
      trackingUrl: `https://track.example.com/${shipment.trackingNumber}`,
      label: { url: `https://labels.example.com/${shipment.shipmentId}.pdf`, format: 'PDF' as const },
      cost: { amount: 650, currencyCode: 'USD' },
    };
  }
}

/** Line discounts of `amount` on the variants listed, as a promotion plugin would give. */
export const promoted = new Map<string, number>();

/** A USD store with Virginia tax at 5.3 %, cash on delivery, a test return carrier and a promotion on `promoted` variants. */
export async function createReturnsStore(carrier: RecordingReturnCarrier, overrides: CommerceConfigInput = {}): Promise<InventoryStore> {
  const extras = definePlugin({
    name: 'returns-test-extras',
    version: '0.0.0',
    register(api) {
      api.filter('shipping.carriers', (carriers) => [...carriers, carrier]);
      api.filter('cart.adjusters', (adjusters) => [
        ...adjusters,
        {
          name: 'test-promo',
          adjust: (state) => ({ lineDiscounts: state.lines.flatMap((l) => (promoted.has(l.variantId) ? [{ lineId: l.id, amount: promoted.get(l.variantId)!, label: 'PROMO' }] : [])) }),
        },
      ]);
    },
  });
  return createCheckoutStore({
    tax: { rates: [{ id: 'us-va', name: 'VA sales tax', countryCode: 'US', region: 'VA', rate: '5.3' }] },
    shipping: {
      flatRates: [{ id: 'standard', name: 'Standard', amounts: { USD: 500, EUR: 450 }, freeAbove: { USD: 100_000 } }],
      origin: { name: 'Returns desk', line1: '5 Depot Road', city: 'Richmond', region: 'VA', postalCode: '23219', countryCode: 'US' },
    },
    plugins: [cod({ countries: ['US', 'DE'] }), extras()],
    ...overrides,
  });
}

export interface PlacedOrder {
  id: string;
  number: string;
  /** Sends the order's credentials (the customer's bearer or the guest's order token). */
  as: TestClient;
  token: string | null;
  lines: Array<{ id: string; variantId: string; quantity: number; total: number }>;
}

/** Checks out with cash on delivery; `deliver` packs, ships and delivers every line and collects the cash. */
export async function placeOrder(
  c: InventoryStore,
  lines: Array<{ variantId: string; quantity: number }>,
  options: { as?: TestClient; deliver?: boolean; collect?: boolean } = {},
): Promise<PlacedOrder> {
  const cart = await readyCart(c, lines, options.as);
  const placed = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
  expect(placed.status, placed.text).to.equal(201);
  const { order, orderToken } = placed.body;
  const as = orderToken ? c.store.client.with({ 'x-order-token': orderToken }) : options.as!;
  const detail = (await c.admin.as.get(`/admin/orders/${order.id}`)).body;
  const result: PlacedOrder = {
    id: order.id,
    number: String(order.number),
    as,
    token: orderToken ?? null,
    lines: detail.lines.map((l: any) => ({ id: l.id, variantId: l.variantId, quantity: l.quantity, total: l.total.amount })),
  };
  if (options.deliver !== false) await deliver(c, result, { collect: options.collect ?? true });
  return result;
}

export async function deliver(c: InventoryStore, order: PlacedOrder, options: { collect: boolean }): Promise<void> {
  const fulfilled = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: order.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })) });
  expect(fulfilled.status, fulfilled.text).to.equal(201);
  const fid = fulfilled.body.fulfillments.at(-1).id;
  expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fid}/ship`, {})).status).to.equal(200);
  const delivered = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fid}/deliver`, {});
  expect(delivered.status, delivered.text).to.equal(200);
  // cash on delivery is collected when `order.delivered` reaches the payments module
  if (options.collect) await c.store.deliverEvents();
}

export async function onHand(c: InventoryStore, variantId: string): Promise<number> {
  return (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0].onHand;
}

export async function returnEvents(c: InventoryStore, returnId: string): Promise<Array<{ name: string; payload: any }>> {
  const found = await query<{ name: string; payload: any }>(c, `select name, payload from cw_outbox_event where payload->>'returnId' = ? order by occurred_at, id`, [returnId]);
  return found.map((e) => ({ name: e.name, payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload }));
}
