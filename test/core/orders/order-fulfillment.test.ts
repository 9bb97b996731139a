import { expect } from 'chai';
import { createAndLogin, createOrderStore, heldBy, ledgerVersusLevels, level, movements, placeOrder, stockedVariant, type OrderStore } from './order-helpers.ts';

describe('order fulfillment', () => {
  let c: OrderStore;
  before(async () => {
    c = await createOrderStore();
  });
  after(() => c.store.stop());

  const linesOf = async (orderId: string) => (await c.admin.as.get(`/admin/orders/${orderId}`)).body.lines as Array<{ id: string; sku: string }>;
  const setPayment = (orderId: string, payment: 'paid') =>
    c.store.commerce.withScope((s) =>
      s.cradle.em.transactional((tx) => s.cradle.orderService.transition(tx, orderId, { payment }, { kind: 'payment.captured', message: 'Paid', visibleToCustomer: true })),
    );

  it('fulfils part of an order and then the rest, selling the reserved stock once, then ships, delivers and completes a paid order', async () => {
    const a = await stockedVariant(c, 'Part A', 10);
    const b = await stockedVariant(c, 'Part B', 10);
    const order = await placeOrder(c, { lines: [{ ...a, quantity: 3, unitPrice: 1000 }, { ...b, quantity: 1, unitPrice: 500 }], confirm: true });
    const [lineA, lineB] = await linesOf(order.id);
    const first = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, {
      items: [{ lineId: lineA!.id, quantity: 2 }],
      carrier: 'DHL',
      trackingNumber: 'JD0001',
    });
    expect(first.status, first.text).to.equal(201);
    expect(first.body.fulfillmentStatus).to.equal('partially_fulfilled');
    expect(first.body.lines.map((l: any) => l.fulfilledQuantity)).to.deep.equal([2, 0]);
    expect(await level(c, a.variantId)).to.include({ onHand: 8, reserved: 1 });
    expect(await heldBy(c, order.id)).to.equal(2);

    const over = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: lineB!.id, quantity: 1 }, { lineId: lineA!.id, quantity: 2 }] });
    expect(over.status).to.equal(422);
    expect(over.body.code).to.equal('ORDER_FULFILLMENT_INVALID');
    expect(over.body.errors).to.have.length(1);
    expect(over.body.errors[0]).to.include({ pointer: '/items/1/quantity', rule: 'maximum' });
    const unknown = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: 'oli_nope', quantity: 1 }] });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.errors[0]).to.include({ pointer: '/items/0/lineId' });
    const nowhere = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: lineB!.id, quantity: 1 }], locationId: 'loc_nope' });
    expect(nowhere.status).to.equal(422);
    expect(nowhere.body.errors[0]).to.include({ pointer: '/locationId' });
    const noItems = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [] });
    expect(noItems.status).to.equal(400);

    const firstId = first.body.fulfillments[0].id;
    const shipped = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${firstId}/ship`, { trackingUrl: 'https://track.example.com/JD0001' });
    expect(shipped.status, shipped.text).to.equal(200);
    // part of the order is still to be packed
    expect(shipped.body.fulfillmentStatus).to.equal('partially_fulfilled');
    expect(shipped.body.fulfillments[0]).to.include({ status: 'shipped', carrier: 'DHL', trackingNumber: 'JD0001', trackingUrl: 'https://track.example.com/JD0001' });

    const rest = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: lineA!.id, quantity: 1 }, { lineId: lineB!.id, quantity: 1 }] });
    expect(rest.status, rest.text).to.equal(201);
    expect(rest.body.fulfillmentStatus).to.equal('fulfilled');
    expect(await heldBy(c, order.id)).to.equal(0);
    expect(await level(c, a.variantId)).to.include({ onHand: 7, reserved: 0 });
    expect(await level(c, b.variantId)).to.include({ onHand: 9, reserved: 0 });
    const restId = rest.body.fulfillments[1].id;
    const deliverEarly = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${restId}/deliver`, {});
    expect(deliverEarly.status).to.equal(409);
    expect(deliverEarly.body.code).to.equal('ORDER_TRANSITION_INVALID');

    expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${restId}/ship`, {})).body.fulfillmentStatus).to.equal('shipped');
    expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${restId}/ship`, {})).status).to.equal(409);
    expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${firstId}/deliver`, {})).body.fulfillmentStatus).to.equal('shipped');
    await setPayment(order.id, 'paid');
    const delivered = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${restId}/deliver`, {});
    expect(delivered.body).to.include({ fulfillmentStatus: 'delivered', paymentStatus: 'paid', status: 'completed' });
    expect(delivered.body.completedAt).to.be.a('string');
    expect(delivered.body.timeline.map((t: any) => t.kind)).to.include.members(['fulfillment.created', 'fulfillment.shipped', 'fulfillment.delivered', 'order.completed']);

    const customerView = await c.store.client.get(`/store/orders/${order.id}`, { headers: { 'x-order-token': order.token! } });
    expect(customerView.body.fulfillments[0]).to.include({ trackingNumber: 'JD0001', status: 'delivered' }).and.not.have.property('locationId');
    expect(customerView.body.timeline.map((t: any) => t.message)).to.include('Shipped with DHL JD0001');

    expect((await movements(c, order.id)).filter((m) => m.reason === 'sale').reduce((n, m) => n - Number(m.delta_on_hand), 0)).to.equal(4);
    const mismatched = (await ledgerVersusLevels(c)).filter((l) => Number(l.on_hand) !== Number(l.sum_on_hand) || Number(l.reserved) !== Number(l.sum_reserved));
    expect(mismatched).to.deep.equal([]);
    await c.store.deliverEvents();
  });

  it('refuses to fulfil an order that is not confirmed', async () => {
    const a = await stockedVariant(c, 'Pending Part', 10);
    const order = await placeOrder(c, { lines: [{ ...a, quantity: 1, unitPrice: 1000 }] });
    const [line] = await linesOf(order.id);
    const refused = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: line!.id, quantity: 1 }] });
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('ORDER_NOT_FULFILLABLE');
    expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/ful_nope/ship`, {})).status).to.equal(409);
    expect((await c.admin.as.post('/admin/orders/order_nope/fulfillments', { items: [{ lineId: 'x', quantity: 1 }] })).status).to.equal(404);
  });

  it('lets a vendor fulfil and ship its own lines only', async () => {
    const vendor = await createAndLogin(c.store, 'maker@example.com', 'vendor');
    await c.store.commerce.withScope((s) => s.cradle.em.execute(`update cw_user set status = 'active' where role = 'vendor'`));
    const own = await stockedVariant(c, 'Maker Bowl', 10, vendor.as);
    const house = await stockedVariant(c, 'House Bowl', 10);
    const order = await placeOrder(c, {
      lines: [
        { ...house, quantity: 1, unitPrice: 1000 },
        { ...own, vendorId: vendor.id, quantity: 2, unitPrice: 3000 },
      ],
      confirm: true,
    });
    const [houseLine, ownLine] = await linesOf(order.id);
    const foreign = await vendor.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: houseLine!.id, quantity: 1 }] });
    expect(foreign.status).to.equal(422);
    expect(foreign.body.errors[0]).to.include({ pointer: '/items/0/lineId' });
    const mine = await vendor.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: ownLine!.id, quantity: 2 }] });
    expect(mine.status, mine.text).to.equal(201);
    expect(mine.body.lines.map((l: any) => l.sku)).to.deep.equal([own.sku]);
    expect(mine.body.fulfillmentStatus).to.equal('partially_fulfilled');
    const houseFulfillment = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: houseLine!.id, quantity: 1 }] });
    const houseId = houseFulfillment.body.fulfillments.find((f: any) => f.items[0].lineId === houseLine!.id).id;
    expect((await vendor.as.post(`/admin/orders/${order.id}/fulfillments/${houseId}/ship`, {})).status).to.equal(404);
    const shipped = await vendor.as.post(`/admin/orders/${order.id}/fulfillments/${mine.body.fulfillments[0].id}/ship`, { carrier: 'UPS' });
    expect(shipped.status).to.equal(200);
    expect(shipped.body.fulfillments).to.have.length(1);
    expect(shipped.body.fulfillmentStatus).to.equal('fulfilled');
  });
});
