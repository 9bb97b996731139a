import { expect } from 'chai';
import { definePlugin, type CommerceConfigInput, type ShippingCarrier, type CarrierRateRequest, type InitiateRequest, type PaymentProvider, type ProviderResult } from '@cartwright/core';
import cod from '@cartwright/plugin-cod';
import type { TestClient } from '@cartwright/core/testing';
import { createCheckoutStore } from '../checkout/checkout-helpers.ts';
import { created, simpleProduct, type InventoryStore } from '../inventory/inventory-helpers.ts';

export const ORIGIN = { name: 'Warehouse', line1: '1 Dock Road', city: 'Oakland', region: 'CA', postalCode: '94607', countryCode: 'US' };

export const address = (countryCode: string, region: string | null, postalCode: string) => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  line1: '12 Analytical Way',
  city: 'Somewhere',
  ...(region ? { region } : {}),
  postalCode,
  countryCode,
});

/**
 * A carrier that prices a parcel from its weight (a base plus a cent per gram) for one service, the
 * way a carrier's API would; `failing` makes its API answer with an error, `calls` counts requests.
 */
export class WeightPricedCarrier implements ShippingCarrier {
  readonly id = 'parcelco';
  readonly name = 'ParcelCo';
  readonly capabilities = { rates: true, labels: false, returns: false, tracking: false, webhooks: false };
  failing = false;
  base = 300;
  calls: CarrierRateRequest[] = [];

  async rates(request: CarrierRateRequest) {
    this.calls.push(request);
    if (this.failing) throw new Error('ParcelCo answered 503');
    return [
      { service: 'ground', serviceName: 'ParcelCo Ground', amount: this.base + request.parcel.weightGrams, currencyCode: request.currencyCode, minDays: 3, maxDays: 5 },
      { service: 'air', serviceName: 'ParcelCo Air', amount: 2 * (this.base + request.parcel.weightGrams), currencyCode: request.currencyCode, minDays: 1, maxDays: 2 },
    ];
  }
}

/**
 * A card gateway that declines every card: an order paid with it stays unpaid, so a test can try
 * another method for it afterwards (`POST /store/orders/:id/payments`).
 */
class DecliningCardGateway implements PaymentProvider {
  readonly id = 'card';
  readonly name = 'Card';

  availability() {
    return { available: true as const, fee: 0 };
  }

  async initiate(request: InitiateRequest): Promise<ProviderResult> {
    return { status: 'failed', reference: `card_${request.paymentId}`, amountAuthorized: 0, amountCaptured: 0, amountRefunded: 0, rawStatus: 'declined', failureReason: 'card_declined' };
  }

  async authorize(): Promise<ProviderResult> {
    throw new Error('a declined card is never authorized');
  }
  capture = this.authorize;
  refund = this.authorize;
  void = this.authorize;
  status = this.authorize;
}

export interface ShippingStore extends InventoryStore {
  carrier: WeightPricedCarrier;
}

/** A store selling in USD/EUR/JPY/GBP with the config flat rate `standard`, cash on delivery, an origin address and a test carrier. */
export async function createShippingStore(overrides: CommerceConfigInput = {}): Promise<ShippingStore> {
  const carrier = new WeightPricedCarrier();
  const carrierPlugin = definePlugin({
    name: 'test-parcelco',
    version: '0.0.0',
    register(api) {
      api.filter('shipping.carriers', (carriers) => [...carriers, carrier]);
      api.filter('payments.providers', (providers) => [...providers, new DecliningCardGateway()]);
    },
  });
  const base = await createCheckoutStore({
    shipping: { flatRates: [{ id: 'standard', name: 'Standard', amounts: { USD: 500, EUR: 450 }, freeAbove: { USD: 100_000 } }], origin: ORIGIN },
    plugins: [cod({ countries: ['US', 'DE', 'GB', 'FR', 'NL', 'BE'], fee: { USD: 200 } }), carrierPlugin()],
    ...overrides,
  });
  return { ...base, carrier };
}

export async function zone(c: InventoryStore, body: Record<string, unknown>): Promise<any> {
  return created(c.admin.as, '/admin/shipping/zones', body);
}

export async function option(c: InventoryStore, body: Record<string, unknown>): Promise<any> {
  return created(c.admin.as, '/admin/shipping/options', body);
}

/** A published product of one variant priced `usd` cents and weighing `grams`; returns the variant id. */
export async function weighedVariant(c: InventoryStore, title: string, usd: number, grams: number | null): Promise<string> {
  const product = await created(c.admin.as, '/admin/products', simpleProduct(title, usd, {}, { weightGrams: grams }));
  return product.variants[0].id;
}

export interface ShopperCart {
  id: string;
  as: TestClient;
}

export async function cartWith(c: InventoryStore, lines: Array<{ variantId: string; quantity: number }>, patch: Record<string, unknown> = {}): Promise<ShopperCart> {
  const made = await c.store.client.post('/store/carts', {});
  expect(made.status, made.text).to.be.oneOf([200, 201]);
  const as = c.store.client.with({ 'x-cart-token': made.body.token });
  for (const line of lines) {
    const added = await as.post(`/store/carts/${made.body.id}/items`, line);
    expect(added.status, added.text).to.equal(200);
  }
  if (Object.keys(patch).length) {
    const patched = await as.patch(`/store/carts/${made.body.id}`, patch);
    expect(patched.status, patched.text).to.equal(200);
  }
  return { id: made.body.id, as };
}

export async function offered(cart: ShopperCart): Promise<Array<{ id: string; name: string; amount: { amount: number; currencyCode: string }; minDays: number | null; maxDays: number | null; codAllowed: boolean }>> {
  const response = await cart.as.get(`/store/carts/${cart.id}/shipping-options`);
  expect(response.status, response.text).to.equal(200);
  return response.body.items;
}
