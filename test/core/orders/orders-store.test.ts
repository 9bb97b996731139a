import { expect } from 'chai';
import { createAndLogin, createOrderStore, placeOrder, stockedVariant, type OrderStore } from './order-helpers.ts';

describe('store orders', () => {
  let c: OrderStore;
  let owner: Awaited<ReturnType<typeof createAndLogin>>;
  let stranger: Awaited<ReturnType<typeof createAndLogin>>;
  let kettle: Awaited<ReturnType<typeof stockedVariant>>;
  before(async () => {
    c = await createOrderStore();
    owner = await createAndLogin(c.store, 'owner@example.com', 'customer');
    stranger = await createAndLogin(c.store, 'stranger@example.com', 'customer');
    kettle = await stockedVariant(c, 'Store Kettle', 100);
  });
  after(() => c.store.stop());

  it('shows the owner their order with lines, money, addresses, statuses and the customer-visible timeline', async () => {
    const order = await placeOrder(c, { customerId: owner.id, email: owner.email, lines: [{ ...kettle, quantity: 2, unitPrice: 1500 }] });
    await c.admin.as.post(`/admin/orders/${order.id}/notes`, { message: 'Customer sounded angry on the phone' });
    const response = await owner.as.get(`/store/orders/${order.id}`);
    expect(response.status).to.equal(200);
    const body = response.body;
    expect(body).to.include({ id: order.id, number: order.number, status: 'pending', paymentStatus: 'not_paid', fulfillmentStatus: 'not_fulfilled' });
    expect(body.lines).to.have.length(1);
    expect(body.lines[0]).to.deep.include({ sku: kettle.sku, quantity: 2, fulfilledQuantity: 0, unitPrice: { amount: 1500, currencyCode: 'USD' } });
    expect(body.lines[0].total).to.deep.equal({ amount: 3300, currencyCode: 'USD' });
    expect(body.totals.total).to.deep.equal({ amount: 3800, currencyCode: 'USD' });
    expect(body.totals.shippingTotal).to.deep.equal({ amount: 500, currencyCode: 'USD' });
    expect(body.shippingAddress).to.include({ city: 'London', countryCode: 'GB' });
    expect(body.timeline.map((t: any) => t.kind)).to.deep.equal(['order.placed']);
    expect(body.timeline[0]).to.not.have.property('visibleToCustomer');
    expect(body.timeline[0]).to.not.have.property('actor');
    expect(body).to.not.have.property('customerId');
  });

  it('answers 404 to anyone but the owner, and to a guest order without its token', async () => {
    const mine = await placeOrder(c, { customerId: owner.id, lines: [{ ...kettle, quantity: 1, unitPrice: 1500 }] });
    expect((await stranger.as.get(`/store/orders/${mine.id}`)).status).to.equal(404);
    expect((await c.store.client.get(`/store/orders/${mine.id}`)).status).to.equal(404);
    const guest = await placeOrder(c, { lines: [{ ...kettle, quantity: 1, unitPrice: 1500 }] });
    expect(guest.token).to.be.a('string');
    expect((await c.store.client.get(`/store/orders/${guest.id}`)).status).to.equal(404);
    expect((await c.store.client.get(`/store/orders/${guest.id}`, { headers: { 'x-order-token': 'ot_wrong' } })).status).to.equal(404);
    expect((await owner.as.get(`/store/orders/${guest.id}`)).status).to.equal(404);
    const byHeader = await c.store.client.get(`/store/orders/${guest.id}`, { headers: { 'x-order-token': guest.token! } });
    expect(byHeader.status).to.equal(200);
    const byQuery = await c.store.client.get(`/store/orders/${guest.id}`, { query: { token: guest.token! } });
    expect(byQuery.status).to.equal(200);
    const missing = await owner.as.get('/store/orders/order_nope');
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('ORDER_NOT_FOUND');
  });

  it('lists the signed-in customer’s orders newest first, paged by cursor or offset', async () => {
    const buyer = await createAndLogin(c.store, 'history@example.com', 'customer');
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push(await placeOrder(c, { customerId: buyer.id, lines: [{ ...kettle, quantity: 1, unitPrice: 100 * (i + 1) }] }));
    await placeOrder(c, { customerId: owner.id, lines: [{ ...kettle, quantity: 1, unitPrice: 100 }] });
    const first = await buyer.as.get('/store/me/orders', { query: { limit: 2 } });
    expect(first.status).to.equal(200);
    expect(first.body.count).to.equal(5);
    expect(first.body.items.map((o: any) => o.id)).to.deep.equal([placed[4]!.id, placed[3]!.id]);
    expect(first.body.items[0]).to.deep.include({ itemCount: 1, total: { amount: 1050, currencyCode: 'USD' } });
    const second = await buyer.as.get('/store/me/orders', { query: { limit: 2, cursor: first.body.nextCursor } });
    expect(second.body.items.map((o: any) => o.id)).to.deep.equal([placed[2]!.id, placed[1]!.id]);
    const last = await buyer.as.get('/store/me/orders', { query: { limit: 2, cursor: second.body.nextCursor } });
    expect(last.body.items.map((o: any) => o.id)).to.deep.equal([placed[0]!.id]);
    expect(last.body).to.not.have.property('nextCursor');
    const byOffset = await buyer.as.get('/store/me/orders', { query: { limit: 2, offset: 4 } });
    expect(byOffset.body.items.map((o: any) => o.id)).to.deep.equal([placed[0]!.id]);
    expect((await buyer.as.get('/store/me/orders', { query: { limit: 101 } })).status).to.equal(400);
    const bad = await buyer.as.get('/store/me/orders', { query: { cursor: 'nonsense' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.code).to.equal('ORDER_CURSOR_INVALID');
    expect((await c.store.client.get('/store/me/orders')).status).to.equal(401);
  });
});
