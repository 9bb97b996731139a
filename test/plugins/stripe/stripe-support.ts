import { expect } from 'chai';
import stripe from '@cartwright/plugin-stripe';
import type { StripeStandIn } from '@cartwright/plugin-stripe/testing';
import { createCheckoutStore, readyCart, stockedVariant } from '../../core/checkout/checkout-helpers.ts';
import { query, type InventoryStore } from '../../core/inventory/inventory-helpers.ts';

/** Plugin options pointing at the stand-in. */
export function standInOptions(standIn: StripeStandIn) {
  return {
    secretKey: standIn.secretKey,
    publishableKey: standIn.publishableKey,
    webhookSecret: standIn.webhookSecret,
    apiHost: standIn.host,
    apiPort: standIn.port,
    apiProtocol: standIn.protocol,
    maxNetworkRetries: 0,
  };
}

/** The checkout store of the core tests, with Stripe (talking to `standIn`) as its only payment method. */
export function createStripeStore(standIn: StripeStandIn, options: Partial<Parameters<typeof stripe>[0]> = {}): Promise<InventoryStore> {
  return createCheckoutStore({ plugins: [stripe({ ...standInOptions(standIn), ...options })] });
}

let products = 0;

/** Checks out a fresh one-line cart (10.00 USD + 5.00 shipping) with Stripe; answers the HTTP response. */
export async function checkoutWithStripe(c: InventoryStore, paymentData?: Record<string, unknown>, headers: Record<string, string> = {}) {
  products += 1;
  const variantId = await stockedVariant(c, `Stripe kettle ${products}`, 5);
  const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
  const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'stripe', ...(paymentData ? { paymentData } : {}) }, { headers });
  return Object.assign(response, { cart });
}

export interface PaymentRow {
  id: string;
  status: string;
  reference: string | null;
  amount: number;
  amount_authorized: number;
  amount_captured: number;
  amount_refunded: number;
}

export async function paymentRow(c: InventoryStore, paymentId: string): Promise<PaymentRow> {
  const [row] = await query<PaymentRow>(
    c,
    'select id, status, reference, amount::int as amount, amount_authorized::int as amount_authorized, amount_captured::int as amount_captured, amount_refunded::int as amount_refunded from cw_payment where id = ?',
    [paymentId],
  );
  expect(row, `payment ${paymentId}`).to.not.equal(undefined);
  return row!;
}

/** The order as staff see it (statuses and timeline). */
export async function adminOrder(c: InventoryStore, orderId: string) {
  const response = await c.admin.as.get(`/admin/orders/${orderId}`);
  expect(response.status, response.text).to.equal(200);
  return response.body;
}

export async function outboxCount(c: InventoryStore, name: string, orderId: string): Promise<number> {
  const [row] = await query<{ n: number }>(c, `select count(*)::int as n from cw_outbox_event where name = ? and payload->>'orderId' = ?`, [name, orderId]);
  return Number(row!.n);
}
