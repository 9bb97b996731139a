import { expect } from 'chai';
import cod from '@cartwright/plugin-cod';
import type { CommerceConfigInput } from '@cartwright/core';
import type { TestClient } from '@cartwright/core/testing';
import { createInventoryStore, created, simpleProduct, type InventoryStore } from '../inventory/inventory-helpers.ts';

export const ADDRESS = { firstName: 'Grace', lastName: 'Hopper', line1: '1 Navy Way', city: 'Arlington', region: 'VA', postalCode: '22202', countryCode: 'US' };

/** A store selling in USD with a flat-rate option and cash on delivery in the US. */
export function createCheckoutStore(overrides: CommerceConfigInput = {}): Promise<InventoryStore> {
  return createInventoryStore({
    shipping: { flatRates: [{ id: 'standard', name: 'Standard', amounts: { USD: 500, EUR: 450 }, freeAbove: { USD: 100_000 } }] },
    plugins: [cod({ countries: ['US', 'DE'], fee: { USD: 200 } })],
    ...overrides,
  });
}

export interface ReadyCart {
  id: string;
  /** Sends the cart's credentials (guest token or the customer's bearer). */
  as: TestClient;
  /** The guest cart's token; null for a customer's cart. */
  token: string | null;
}

/** A cart with the given lines, email, both addresses and the standard shipping option. */
export async function readyCart(c: InventoryStore, lines: Array<{ variantId: string; quantity: number }>, as?: TestClient): Promise<ReadyCart> {
  let client = as ?? c.store.client;
  const created = await client.post('/store/carts', {});
  expect(created.status, created.text).to.be.oneOf([200, 201]);
  if (created.body.token) client = client.with({ 'x-cart-token': created.body.token });
  for (const line of lines) {
    const added = await client.post(`/store/carts/${created.body.id}/items`, line);
    expect(added.status, added.text).to.equal(200);
  }
  const patched = await client.patch(`/store/carts/${created.body.id}`, {
    email: 'grace@example.com',
    shippingAddress: ADDRESS,
    billingAddress: ADDRESS,
    shippingOptionId: 'standard',
  });
  expect(patched.status, patched.text).to.equal(200);
  return { id: created.body.id, as: client, token: created.body.token ?? null };
}

/** A published product priced `price` USD cents with `stock` units on hand (none tracked when 0); returns its variant id. */
export async function stockedVariant(c: InventoryStore, title: string, stock: number, price = 1000): Promise<string> {
  const product = await created(c.admin.as, '/admin/products', simpleProduct(title, price));
  const variantId = product.variants[0].id as string;
  if (stock > 0) {
    const adjusted = await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: stock });
    expect(adjusted.status, adjusted.text).to.equal(201);
  }
  return variantId;
}
