import { expect } from 'chai';
import { createAndLogin, createOrderStore, heldBy, ledgerVersusLevels, level, movements, placeOrder, stockedVariant, type OrderStore } from './order-helpers.ts';

describe('order cancellation', () => {
  let c: OrderStore;
  let buyer: Awaited<ReturnType<typeof createAndLogin>>;
  before(async () => {
    c = await createOrderStore();
    buyer = await createAndLogin(c.store, 'canceller@example.com', 'customer');
  });
  after(() => c.store.stop());

  const ledgerMatches = async () => {
    const mismatched = (await ledgerVersusLevels(c)).filter((l) => Number(l.on_hand) !== Number(l.sum_on_hand) || Number(l.reserved) !== Number(l.sum_reserved));
    expect(mismatched).to.deep.equal([]);
  };

  it('releases the stock exactly once when two cancellations race: one 200, one 409', async () => {
    const item = await stockedVariant(c, 'Raced Lamp', 10);
    const order = await placeOrder(c, { customerId: buyer.id, lines: [{ ...item, quantity: 3, unitPrice: 2000 }] });
    expect(await level(c, item.variantId)).to.include({ onHand: 10, reserved: 3 });
    const [a, b] = await Promise.all([
      buyer.as.post(`/store/orders/${order.id}/cancel`, { reason: 'Changed my mind' }),
      buyer.as.post(`/store/orders/${order.id}/cancel`, { reason: 'Changed my mind' }),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
    const ok = a.status === 200 ? a : b;
    const refused = a.status === 200 ? b : a;
    expect(refused.body.code).to.equal('ORDER_TRANSITION_INVALID');
    expect(ok.body.order).to.include({ status: 'cancelled' });
    expect(ok.body.order.cancelledAt).to.be.a('string');
    expect(ok.body.order.timeline.at(-1)).to.include({ kind: 'order.cancelled', message: 'Order cancelled by the customer: Changed my mind' });
    expect(await level(c, item.variantId)).to.include({ onHand: 10, reserved: 0, available: 10 });
    expect(await heldBy(c, order.id)).to.equal(0);
    expect((await movements(c, order.id)).map((m) => m.reason)).to.deep.equal(['reservation', 'release']);
    await ledgerMatches();
  });

  it('lets a guest cancel with the order token, and nobody else', async () => {
    const item = await stockedVariant(c, 'Guest Lamp', 5);
    const order = await placeOrder(c, { lines: [{ ...item, quantity: 1, unitPrice: 2000 }] });
    expect((await c.store.client.post(`/store/orders/${order.id}/cancel`, {})).status).to.equal(404);
    expect((await buyer.as.post(`/store/orders/${order.id}/cancel`, {})).status).to.equal(404);
    const done = await c.store.client.post(`/store/orders/${order.id}/cancel`, {}, { headers: { 'x-order-token': order.token! } });
    expect(done.status).to.equal(200);
    expect(done.body.order.status).to.equal('cancelled');
    const tooLong = await c.store.client.post(`/store/orders/${order.id}/cancel`, { reason: 'x'.repeat(501) }, { headers: { 'x-order-token': order.token! } });
    expect(tooLong.status).to.equal(400);
    expect(tooLong.body.errors[0]).to.include({ pointer: '/reason' });
  });

  it('refuses a customer once something is packed, but lets staff cancel and puts sold stock back through the ledger', async () => {
    const item = await stockedVariant(c, 'Packed Lamp', 10);
    const order = await placeOrder(c, { customerId: buyer.id, lines: [{ ...item, quantity: 4, unitPrice: 2000 }], confirm: true });
    const detail = await c.admin.as.get(`/admin/orders/${order.id}`);
    const lineId = detail.body.lines[0].id;
    const packed = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId, quantity: 1 }] });
    expect(packed.status, packed.text).to.equal(201);
    expect(await level(c, item.variantId)).to.include({ onHand: 9, reserved: 3 });
    const refused = await buyer.as.post(`/store/orders/${order.id}/cancel`, {});
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('ORDER_NOT_CANCELLABLE');
    const cancelled = await c.admin.as.post(`/admin/orders/${order.id}/cancel`, { reason: 'Out of gift wrap' });
    expect(cancelled.status, cancelled.text).to.equal(200);
    expect(cancelled.body.order.status).to.equal('cancelled');
    expect(cancelled.body.order.fulfillments.map((f: any) => f.status)).to.deep.equal(['cancelled']);
    expect(await level(c, item.variantId)).to.include({ onHand: 10, reserved: 0 });
    expect((await movements(c, order.id)).map((m) => m.reason)).to.deep.equal(['reservation', 'sale', 'release', 'return']);
    expect((await c.admin.as.post(`/admin/orders/${order.id}/cancel`, {})).status).to.equal(409);
    await ledgerMatches();
  });

  it('refuses staff once the order is delivered', async () => {
    const item = await stockedVariant(c, 'Delivered Lamp', 10);
    const order = await placeOrder(c, { lines: [{ ...item, quantity: 1, unitPrice: 2000 }], confirm: true });
    const lineId = (await c.admin.as.get(`/admin/orders/${order.id}`)).body.lines[0].id;
    const packed = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId, quantity: 1 }] });
    const fulfillmentId = packed.body.fulfillments[0].id;
    expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fulfillmentId}/ship`, {})).status).to.equal(200);
    expect((await c.admin.as.post(`/admin/orders/${order.id}/fulfillments/${fulfillmentId}/deliver`, {})).status).to.equal(200);
    const refused = await c.admin.as.post(`/admin/orders/${order.id}/cancel`, {});
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('ORDER_NOT_CANCELLABLE');
    expect(await level(c, item.variantId)).to.include({ onHand: 9, reserved: 0 });
  });

  it('cancels an unpaid order when its stock hold expires, and keeps a confirmed order’s hold', async () => {
    const item = await stockedVariant(c, 'Expiring Lamp', 10);
    const soon = new Date(Date.now() + 60_000);
    const unpaid = await placeOrder(c, { customerId: buyer.id, lines: [{ ...item, quantity: 2, unitPrice: 2000 }], expiresAt: soon });
    const confirmed = await placeOrder(c, { customerId: buyer.id, lines: [{ ...item, quantity: 3, unitPrice: 2000 }], expiresAt: soon, confirm: true });
    const later = new Date(Date.now() + 120_000);
    const expired = await c.store.commerce.withScope((s) => s.cradle.reservationService.expireDue(s.cradle.em, later));
    expect(expired.references).to.include(unpaid.id).and.not.include(confirmed.id);
    await c.store.deliverEvents();
    const page = await buyer.as.get(`/store/orders/${unpaid.id}`);
    expect(page.body.status).to.equal('cancelled');
    expect(page.body.timeline.at(-1)).to.include({ kind: 'order.cancelled', message: 'Payment not completed in time' });
    expect((await buyer.as.get(`/store/orders/${confirmed.id}`)).body.status).to.equal('confirmed');
    expect(await heldBy(c, confirmed.id)).to.equal(3);
    expect(await level(c, item.variantId)).to.include({ onHand: 10, reserved: 3 });
    await ledgerMatches();
  });
});
