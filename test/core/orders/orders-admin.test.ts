import { expect } from 'chai';
import { createAndLogin, createOrderStore, placeOrder, stockedVariant, type OrderStore } from './order-helpers.ts';

describe('admin orders', () => {
  let c: OrderStore;
  let vendor: Awaited<ReturnType<typeof createAndLogin>>;
  let rival: Awaited<ReturnType<typeof createAndLogin>>;
  let buyer: Awaited<ReturnType<typeof createAndLogin>>;
  let house: Awaited<ReturnType<typeof stockedVariant>>;
  let vendorItem: Awaited<ReturnType<typeof stockedVariant>>;
  const ids: Record<string, { id: string; number: string }> = {};
  before(async () => {
    c = await createOrderStore();
    vendor = await createAndLogin(c.store, 'seller@example.com', 'vendor');
    rival = await createAndLogin(c.store, 'rival@example.com', 'vendor');
    buyer = await createAndLogin(c.store, 'zed.buyer@example.com', 'customer');
    // vendors start pending approval
    await c.store.commerce.withScope((s) => s.cradle.em.execute(`update cw_user set status = 'active' where role = 'vendor'`));
    house = await stockedVariant(c, 'House Mug', 1000);
    vendorItem = await stockedVariant(c, 'Seller Vase', 1000, vendor.as);
    ids.small = await placeOrder(c, { email: 'alice@example.com', lines: [{ ...house, quantity: 1, unitPrice: 1000 }] });
    ids.mixed = await placeOrder(c, {
      customerId: buyer.id,
      email: buyer.email,
      lines: [
        { ...house, quantity: 1, unitPrice: 1000 },
        { ...vendorItem, vendorId: vendor.id, quantity: 2, unitPrice: 5000 },
      ],
    });
    ids.big = await placeOrder(c, { email: 'bob@example.com', lines: [{ ...house, quantity: 30, unitPrice: 1000 }], confirm: true });
  });
  after(() => c.store.stop());

  const list = async (query: Record<string, string | number>, as = c.admin.as) => {
    const response = await as.get('/admin/orders', { query });
    expect(response.status, response.text).to.equal(200);
    return response.body as { items: any[]; count: number; nextCursor?: string };
  };

  it('filters by status, customer, vendor, total range, number and email prefix, and sorts', async () => {
    expect((await list({})).items.map((o) => o.id)).to.deep.equal([ids.big!.id, ids.mixed!.id, ids.small!.id]);
    expect((await list({ sort: 'oldest' })).items.map((o) => o.id)).to.deep.equal([ids.small!.id, ids.mixed!.id, ids.big!.id]);
    expect((await list({ sort: 'total' })).items.map((o) => o.id)).to.deep.equal([ids.big!.id, ids.mixed!.id, ids.small!.id]);
    expect((await list({ status: 'confirmed' })).items.map((o) => o.id)).to.deep.equal([ids.big!.id]);
    expect((await list({ paymentStatus: 'not_paid', fulfillmentStatus: 'not_fulfilled' })).count).to.equal(3);
    expect((await list({ customerId: buyer.id })).items.map((o) => o.id)).to.deep.equal([ids.mixed!.id]);
    expect((await list({ vendorId: vendor.id })).items.map((o) => o.id)).to.deep.equal([ids.mixed!.id]);
    expect((await list({ min: 2000, max: 20_000 })).items.map((o) => o.id)).to.deep.equal([ids.mixed!.id]);
    expect((await list({ q: ids.small!.number })).items.map((o) => o.id)).to.deep.equal([ids.small!.id]);
    expect((await list({ q: 'ALI' })).items.map((o) => o.id)).to.deep.equal([ids.small!.id]);
    expect((await list({ q: 'li' })).count).to.equal(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await list({ from: future })).count).to.equal(0);
    expect((await list({ to: future })).count).to.equal(3);
    const paged = await list({ limit: 2, sort: 'total' });
    expect(paged.nextCursor).to.be.a('string');
    expect((await list({ limit: 2, sort: 'total', cursor: paged.nextCursor! })).items.map((o) => o.id)).to.deep.equal([ids.small!.id]);
    const wrongSort = await c.admin.as.get('/admin/orders', { query: { cursor: paged.nextCursor!, sort: 'newest' } });
    expect(wrongSort.status).to.equal(400);
    const badStatus = await c.admin.as.get('/admin/orders', { query: { status: 'lost' } });
    expect(badStatus.status).to.equal(400);
    expect(badStatus.body.errors[0]).to.include({ pointer: '/status' });
  });

  it('shows a vendor only orders holding its lines, and only those lines', async () => {
    const mine = await list({}, vendor.as);
    expect(mine.items.map((o) => o.id)).to.deep.equal([ids.mixed!.id]);
    expect(mine.items[0]).to.deep.include({ itemCount: 2, total: { amount: 11_000, currencyCode: 'USD' } });
    const detail = await vendor.as.get(`/admin/orders/${ids.mixed!.id}`);
    expect(detail.status).to.equal(200);
    expect(detail.body.scope).to.equal('vendor');
    expect(detail.body.lines.map((l: any) => l.sku)).to.deep.equal([vendorItem.sku]);
    expect(detail.body.totals.total).to.deep.equal({ amount: 11_000, currencyCode: 'USD' });
    expect((await vendor.as.get(`/admin/orders/${ids.small!.id}`)).status).to.equal(404);
    expect((await list({}, rival.as)).count).to.equal(0);
    expect((await rival.as.get(`/admin/orders/${ids.mixed!.id}`)).status).to.equal(404);
    expect((await buyer.as.get('/admin/orders')).status).to.equal(403);
    expect((await vendor.as.post(`/admin/orders/${ids.mixed!.id}/cancel`, {})).status).to.equal(403);
  });

  it('keeps staff notes off the customer’s page and shows notes meant for the customer', async () => {
    const staffOnly = await c.admin.as.post(`/admin/orders/${ids.mixed!.id}/notes`, { message: 'Check the address by phone' });
    expect(staffOnly.status).to.equal(201);
    const shared = await c.admin.as.post(`/admin/orders/${ids.mixed!.id}/notes`, { message: 'We gift-wrapped it', visibleToCustomer: true });
    const notes = shared.body.timeline.filter((t: any) => t.kind === 'note');
    expect(notes.map((n: any) => [n.message, n.visibleToCustomer])).to.deep.equal([
      ['Check the address by phone', false],
      ['We gift-wrapped it', true],
    ]);
    expect(notes[0].actor).to.deep.equal({ kind: 'user', id: c.admin.id });
    const store = await buyer.as.get(`/store/orders/${ids.mixed!.id}`);
    expect(store.body.timeline.map((t: any) => t.message)).to.include('We gift-wrapped it').and.not.include('Check the address by phone');
    const vendorNote = await vendor.as.post(`/admin/orders/${ids.mixed!.id}/notes`, { message: 'Vase ships from our workshop' });
    expect(vendorNote.status).to.equal(201);
    expect(vendorNote.body.timeline.map((t: any) => t.message)).to.include('Vase ships from our workshop').and.not.include('Check the address by phone');
    const empty = await c.admin.as.post(`/admin/orders/${ids.mixed!.id}/notes`, { message: '' });
    expect(empty.status).to.equal(400);
    expect(empty.body.errors[0]).to.include({ pointer: '/message' });
    expect((await c.admin.as.post('/admin/orders/order_nope/notes', { message: 'x' })).status).to.equal(404);
  });
});
