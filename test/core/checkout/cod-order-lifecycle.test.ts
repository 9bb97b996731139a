import { expect } from 'chai';
import { extractText } from 'unpdf';
import { createAndLogin } from '../admin/admin-helpers.ts';
import type { InventoryStore } from '../inventory/inventory-helpers.ts';
import { createCheckoutStore, readyCart, stockedVariant } from './checkout-helpers.ts';

/** One cash-on-delivery order from the cart to the doorstep, through the public and admin APIs only. */
describe('a cash-on-delivery order from cart to delivery', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createCheckoutStore({ tax: { rates: [{ id: 'us-va', name: 'VA sales tax', countryCode: 'US', region: 'VA', rate: '5.3' }] } });
  });
  after(() => c.store.stop());

  const level = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];

  it('is confirmed unpaid, fulfilled, shipped, delivered, then paid in cash and completed; the invoice adds up', async () => {
    const buyer = await createAndLogin(c.store, 'lifecycle@example.com', 'customer');
    const lamp = await stockedVariant(c, 'Lifecycle lamp', 4, 3999);
    const cart = await readyCart(c, [{ variantId: lamp, quantity: 2 }], buyer.as);
    const placed = await buyer.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' }, { headers: { 'idempotency-key': 'lifecycle-1' } });
    expect(placed.status, placed.text).to.equal(201);
    const { order } = placed.body;
    // 79.98 goods + 5.00 shipping + 2.00 fee; VA 5.3 %: 4.24 on the goods, 0.27 on shipping, 0.11 on the fee
    expect(order.totals.taxTotal.amount).to.equal(424 + 27 + 11);
    expect(order.totals.total.amount).to.equal(7998 + 500 + 200 + 462);
    expect(order).to.include({ status: 'confirmed', paymentStatus: 'not_paid' });

    const detail = await buyer.as.get(`/store/orders/${order.id}`);
    expect(detail.status, detail.text).to.equal(200);
    const history = await buyer.as.get('/store/me/orders');
    expect(history.body.items.map((o: any) => o.id)).to.include(order.id);

    const admin = await c.admin.as.get(`/admin/orders/${order.id}`);
    const fulfilled = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, {
      items: [{ lineId: admin.body.lines[0].id, quantity: 2 }],
      carrier: 'UPS',
      trackingNumber: '1Z999',
    });
    expect(fulfilled.status, fulfilled.text).to.equal(201);
    expect(await level(lamp)).to.include({ onHand: 2, reserved: 0 });
    const fulfillmentId = fulfilled.body.fulfillments[0].id;
    expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fulfillmentId}/ship`, {})).status).to.equal(200);
    const delivered = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fulfillmentId}/deliver`, {});
    expect(delivered.status, delivered.text).to.equal(200);
    expect(delivered.body).to.include({ fulfillmentStatus: 'delivered', paymentStatus: 'not_paid' });

    // the courier's cash is recorded when `order.delivered` is delivered to the payments module
    await c.store.deliverEvents();
    const after = await buyer.as.get(`/store/orders/${order.id}`);
    expect(after.body).to.include({ status: 'completed', paymentStatus: 'paid', fulfillmentStatus: 'delivered' });
    const ledger = await c.admin.as.get(`/admin/orders/${order.id}/payments`);
    expect(ledger.status, ledger.text).to.equal(200);
    expect(ledger.body.items).to.have.length(1);
    expect(ledger.body.items[0]).to.deep.include({ provider: 'cod', status: 'captured', amountCaptured: { amount: 9160, currencyCode: 'USD' } });

    const invoice = await fetch(`${c.store.url}/store/orders/${order.id}/invoice`, { headers: { authorization: `Bearer ${buyer.token}` } });
    expect(invoice.status).to.equal(200);
    expect(invoice.headers.get('content-type')).to.match(/^application\/pdf/);
    const { text } = await extractText(new Uint8Array(await invoice.arrayBuffer()), { mergePages: true });
    expect(text).to.include(`${order.number}`);
    expect(text).to.include('91.60');
    expect(text).to.include('VA sales tax');
  });
});
