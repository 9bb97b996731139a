import { expect } from 'chai';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { ledgerVersusLevels, query, type InventoryStore } from '../inventory/inventory-helpers.ts';
import { ADDRESS, createCheckoutStore, readyCart, stockedVariant } from './checkout-helpers.ts';

describe('checkout', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createCheckoutStore();
  });
  after(() => c.store.stop());

  const level = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];
  const count = async (table: string) => Number((await query<{ n: number }>(c, `select count(*)::int as n from ${table}`))[0]!.n);

  it('places a guest order paid cash on delivery: confirmed, not paid, stock held, cart completed, order token given', async () => {
    const variantId = await stockedVariant(c, 'Checkout kettle', 5, 2500);
    const cart = await readyCart(c, [{ variantId, quantity: 2 }]);
    const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(response.status, response.text).to.equal(201);
    const { order, orderToken, payment } = response.body;
    expect(order).to.include({ status: 'confirmed', paymentStatus: 'not_paid', fulfillmentStatus: 'not_fulfilled', email: 'grace@example.com' });
    expect(order.number).to.match(/^\d{4,}$/);
    expect(orderToken).to.match(/^ot_/);
    expect(payment).to.include({ status: 'pending' });
    // 2 × 25.00 + 5.00 shipping + 2.00 cash-on-delivery fee, no tax configured
    expect(order.totals.subtotal.amount).to.equal(5000);
    expect(order.totals.shippingTotal.amount).to.equal(700);
    expect(order.totals.total.amount).to.equal(5700);
    expect(order.totals.shipping.map((s: any) => s.id)).to.deep.equal(['standard', 'payment-fee-cod']);

    expect(await level(variantId)).to.include({ onHand: 5, reserved: 2, available: 3 });
    const cartAfter = await cart.as.get(`/store/carts/${cart.id}`);
    expect(cartAfter.body).to.include({ status: 'completed', orderId: order.id });
    const again = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(again.status).to.equal(409);
    expect(again.body).to.include({ code: 'CART_NOT_ACTIVE', orderId: order.id });
    const placed = await query(c, `select payload from cw_outbox_event where name = 'order.placed' and payload->>'orderId' = ?`, [order.id]);
    expect(placed).to.have.length(1);
    const lines = await query<{ sku: string; unit_price: string | number; quantity: number; product_title: string }>(
      c,
      'select sku, unit_price, quantity, product_title from cw_order_line where order_id = ?',
      [order.id],
    );
    expect(lines.map((l) => [Number(l.unit_price), l.quantity, l.product_title])).to.deep.equal([[2500, 2, 'Checkout kettle']]);
  });

  it('places a customer order without an order token', async () => {
    const buyer = await createAndLogin(c.store, 'checkout-customer@example.com', 'customer');
    const variantId = await stockedVariant(c, 'Customer kettle', 0);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }], buyer.as);
    const response = await buyer.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(response.status, response.text).to.equal(201);
    expect(response.body).to.not.have.property('orderToken');
    const [row] = await query<{ customer_id: string }>(c, 'select customer_id from cw_order where id = ?', [response.body.order.id]);
    expect(row!.customer_id).to.equal(buyer.id);
  });

  it('refuses an incomplete cart, naming every missing field, and writes nothing', async () => {
    const variantId = await stockedVariant(c, 'Incomplete kettle', 3);
    const started = await c.store.client.post('/store/carts', {});
    const as = c.store.client.with({ 'x-cart-token': started.body.token });
    await as.post(`/store/carts/${started.body.id}/items`, { variantId, quantity: 1 });
    const orders = await count('cw_order');
    const response = await as.post(`/store/carts/${started.body.id}/checkout`, { paymentMethod: 'cod' });
    expect(response.status).to.equal(422);
    expect(response.body.code).to.equal('CHECKOUT_INCOMPLETE');
    expect(response.body.errors.map((e: any) => e.pointer)).to.deep.equal(['/email', '/shippingAddress', '/billingAddress', '/shippingOptionId']);
    expect(await count('cw_order')).to.equal(orders);
    expect(await level(variantId)).to.include({ reserved: 0 });
  });

  it('refuses unknown and unavailable payment methods, naming the field', async () => {
    const variantId = await stockedVariant(c, 'Method kettle', 3);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const unknown = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'barter' });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.errors[0]).to.include({ pointer: '/paymentMethod' });
    await cart.as.patch(`/store/carts/${cart.id}`, { shippingAddress: { ...ADDRESS, region: null, postalCode: '75001', countryCode: 'FR', city: 'Paris' } });
    const abroad = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(abroad.status).to.equal(422);
    expect(abroad.body).to.include({ code: 'PAYMENT_METHOD_UNAVAILABLE' });
    expect(abroad.body.errors[0]).to.include({ pointer: '/paymentMethod', rule: 'available' });
  });

  it('re-prices the cart at checkout: a price changed since it was added is the one charged', async () => {
    const variantId = await stockedVariant(c, 'Repriced kettle', 3, 4000);
    const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
    const productId = (await query<{ product_id: string }>(c, 'select product_id from cw_product_variant where id = ?', [variantId]))[0]!.product_id;
    const changed = await c.admin.as.patch(`/admin/products/${productId}/variants/${variantId}`, { prices: [{ currencyCode: 'USD', amount: 4500 }] });
    expect(changed.status, changed.text).to.equal(200);
    const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(response.status, response.text).to.equal(201);
    expect(response.body.order.totals.subtotal.amount).to.equal(4500);
  });

  it('answers 409 naming the lines when stock ran out since the cart was filled, and writes nothing', async () => {
    const variantId = await stockedVariant(c, 'Sold-out kettle', 2);
    const cart = await readyCart(c, [{ variantId, quantity: 2 }]);
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -1 });
    const [orders, movements] = [await count('cw_order'), await count('cw_stock_movement')];
    const response = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(response.status).to.equal(409);
    expect(response.body.code).to.equal('CHECKOUT_LINES_UNAVAILABLE');
    expect(response.body.lines[0]).to.include({ variantId, availability: 'insufficient', availableQuantity: 1 });
    expect([await count('cw_order'), await count('cw_stock_movement')]).to.deep.equal([orders, movements]);
    expect((await cart.as.get(`/store/carts/${cart.id}`)).body.status).to.equal('active');
  });

  describe('Idempotency-Key', () => {
    it('answers a replay with the same order, and a reuse with another body with 422', async () => {
      const variantId = await stockedVariant(c, 'Idempotent kettle', 5);
      const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
      const headers = { 'idempotency-key': `checkout-${cart.id}` };
      const first = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' }, { headers });
      expect(first.status, first.text).to.equal(201);
      const replay = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' }, { headers });
      expect(replay.status).to.equal(201);
      expect(replay.body).to.deep.equal(first.body);
      const other = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod', paymentData: { note: 'x' } }, { headers });
      expect(other.status).to.equal(422);
      expect(other.body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      const orders = await query(c, 'select id from cw_order where cart_id = ?', [cart.id]);
      expect(orders).to.have.length(1);
      expect(await level(variantId)).to.include({ reserved: 1 });
    });

    it('lets concurrent requests with one key place one order', async () => {
      const variantId = await stockedVariant(c, 'Concurrent-key kettle', 5);
      const cart = await readyCart(c, [{ variantId, quantity: 1 }]);
      const headers = { 'idempotency-key': `same-${cart.id}` };
      const responses = await Promise.all([1, 2, 3].map(() => cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' }, { headers })));
      expect(responses.map((r) => r.status)).to.deep.equal([201, 201, 201]);
      expect(new Set(responses.map((r) => r.body.order.id)).size).to.equal(1);
      expect(await query(c, 'select id from cw_order where cart_id = ?', [cart.id])).to.have.length(1);
    });

    it('refuses a malformed key, naming the header', async () => {
      const response = await c.store.client.post('/store/carts/cart_x/checkout', { paymentMethod: 'cod' }, { headers: { 'idempotency-key': 'ä'.repeat(3) } });
      expect(response.status).to.equal(400);
      expect(response.body.errors[0]).to.include({ in: 'headers', pointer: '/idempotency-key' });
    });
  });

  describe('under load', () => {
    const buyers = process.env.DATABASE_URL ? 200 : 40;
    it(`sells the last 10 units to exactly 10 of ${buyers} concurrent checkouts, leaving no orphan reservation`, async () => {
      const variantId = await stockedVariant(c, 'Last ten kettle', 10);
      const carts = [];
      for (let i = 0; i < buyers; i += 1) carts.push(await readyCart(c, [{ variantId, quantity: 1 }]));
      const responses = await Promise.all(carts.map((cart) => cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' })));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).to.have.length(10);
      expect(statuses.filter((s) => s !== 201 && s !== 409), JSON.stringify(responses.find((r) => ![201, 409].includes(r.status))?.body)).to.deep.equal([]);
      expect(await level(variantId)).to.include({ onHand: 10, reserved: 10, available: 0 });
      const orders = await query<{ id: string }>(c, `select o.id from cw_order o join cw_order_line l on l.order_id = o.id where l.variant_id = ?`, [variantId]);
      expect(orders).to.have.length(10);
      // every unit still held belongs to an order
      const held = await query<{ reference: string; held: number }>(
        c,
        `select reference, sum(delta_reserved)::int as held from cw_stock_movement where variant_id = ? group by reference having sum(delta_reserved) <> 0`,
        [variantId],
      );
      expect(held.map((h) => h.reference).sort()).to.deep.equal(orders.map((o) => o.id).sort());
      for (const row of await ledgerVersusLevels(c)) expect([row.on_hand, row.reserved]).to.deep.equal([row.sum_on_hand, row.sum_reserved]);
    });
  });
});
