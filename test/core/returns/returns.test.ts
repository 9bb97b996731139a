import { expect } from 'chai';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { stockedVariant } from '../checkout/checkout-helpers.ts';
import { ledgerVersusLevels, type InventoryStore } from '../inventory/inventory-helpers.ts';
import { createReturnsStore, onHand, placeOrder, promoted, query, RecordingReturnCarrier, returnEvents } from './returns-helpers.ts';

describe('returns', () => {
  let c: InventoryStore;
  const carrier = new RecordingReturnCarrier();
  before(async () => {
    c = await createReturnsStore(carrier);
  });
  after(() => c.store.stop());

  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  const setDeliveredAt = (orderId: string, at: Date) => query(c, `update cw_fulfillment set delivered_at = ? where order_id = ?`, [at, orderId]);

  describe('requests', () => {
    it('accepts delivered units inside the window and refuses the rest, naming the item', async () => {
      const mug = await stockedVariant(c, 'Window mug', 10, 1500);
      const order = await placeOrder(c, [{ variantId: mug, quantity: 2 }]);
      const lineId = order.lines[0]!.id;
      const url = `/store/orders/${order.id}/returns`;

      const over = await order.as.post(url, { reason: 'damaged', items: [{ lineId, quantity: 3 }] });
      expect(over.status, over.text).to.equal(422);
      expect(over.body.code).to.equal('RETURN_QUANTITY_EXCEEDED');
      expect(over.body.errors[0]).to.include({ pointer: '/items/0/quantity', rule: 'maximum' });
      const unknown = await order.as.post(url, { reason: 'damaged', items: [{ lineId: 'oli_nope', quantity: 1 }] });
      expect(unknown.status).to.equal(422);
      expect(unknown.body).to.include({ code: 'RETURN_ITEMS_INVALID' });
      expect(unknown.body.errors[0]).to.include({ pointer: '/items/0/lineId' });
      const badImage = await order.as.post(url, { reason: 'damaged', imageIds: ['med_nope'], items: [{ lineId, quantity: 1 }] });
      expect(badImage.status).to.equal(422);
      expect(badImage.body.errors[0]).to.include({ pointer: '/imageIds/0' });

      await setDeliveredAt(order.id, daysAgo(31));
      const late = await order.as.post(url, { reason: 'no_longer_needed', items: [{ lineId, quantity: 1 }] });
      expect(late.status, late.text).to.equal(422);
      expect(late.body.code).to.equal('RETURN_WINDOW_CLOSED');
      expect(late.body.errors[0]).to.include({ pointer: '/items/0/lineId', rule: 'returnWindow' });

      await setDeliveredAt(order.id, daysAgo(29));
      const ok = await order.as.post(url, { reason: 'no_longer_needed', note: 'Two was one too many', items: [{ lineId, quantity: 1 }] });
      expect(ok.status, ok.text).to.equal(201);
      expect(ok.body).to.include({ status: 'requested', kind: 'refund', reason: 'no_longer_needed', orderId: order.id, orderNumber: order.number });
      expect(ok.body.items).to.have.length(1);
      expect(ok.body.items[0]).to.include({ lineId, quantity: 1, receivedQuantity: null });
      expect(ok.body).to.not.have.property('refundError');

      // one unit is already in a return: one is left
      const again = await order.as.post(url, { reason: 'damaged', items: [{ lineId, quantity: 2 }] });
      expect(again.status).to.equal(422);
      expect(again.body.code).to.equal('RETURN_QUANTITY_EXCEEDED');
      // withdrawn, its unit is free again
      expect((await order.as.post(`${url}/${ok.body.id}/cancel`, {})).body.status).to.equal('cancelled');
      expect((await order.as.post(`${url}/${ok.body.id}/cancel`, {})).status).to.equal(409);
      const both = await order.as.post(url, { reason: 'damaged', items: [{ lineId, quantity: 2 }] });
      expect(both.status, both.text).to.equal(201);

      const rejected = await c.admin.as.post(`/admin/returns/${both.body.id}/reject`, {});
      expect(rejected.status).to.equal(400);
      const withNote = await c.admin.as.post(`/admin/returns/${both.body.id}/reject`, { note: 'Not damaged in the photos' });
      expect(withNote.status, withNote.text).to.equal(200);
      expect(withNote.body).to.include({ status: 'rejected', decisionNote: 'Not damaged in the photos' });
      expect((await c.admin.as.post(`/admin/returns/${both.body.id}/approve`, {})).status).to.equal(409);
      const seen = await order.as.get(`${url}/${both.body.id}`);
      expect(seen.body).to.include({ status: 'rejected', decisionNote: 'Not damaged in the photos' });
      const timeline = (await order.as.get(`/store/orders/${order.id}`)).body.timeline.map((t: any) => t.message);
      expect(timeline).to.include('Return rejected: Not damaged in the photos');
      expect((await returnEvents(c, both.body.id)).map((e) => e.name)).to.deep.equal(['return.requested', 'return.rejected']);
    });

    it('refuses units not delivered yet', async () => {
      const lamp = await stockedVariant(c, 'Undelivered lamp', 5, 2500);
      const order = await placeOrder(c, [{ variantId: lamp, quantity: 1 }], { deliver: false });
      const shipped = await c.admin.as.post(`/admin/orders/${order.id}/fulfillments`, { items: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
      expect(shipped.status).to.equal(201);
      const early = await order.as.post(`/store/orders/${order.id}/returns`, { reason: 'other', items: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
      expect(early.status, early.text).to.equal(422);
      expect(early.body.code).to.equal('RETURN_NOT_DELIVERED');
      expect(early.body.errors[0]).to.include({ pointer: '/items/0/lineId' });
    });

    it('answers 404 to another customer and to another guest token on list, detail and create', async () => {
      const owner = await createAndLogin(c.store, 'owner@example.com', 'customer');
      const other = await createAndLogin(c.store, 'other@example.com', 'customer');
      const vase = await stockedVariant(c, 'BOLA vase', 5, 1200);
      const mine = await placeOrder(c, [{ variantId: vase, quantity: 1 }], { as: owner.as });
      const guest = await placeOrder(c, [{ variantId: vase, quantity: 1 }]);
      const otherGuest = await placeOrder(c, [{ variantId: vase, quantity: 1 }], { deliver: false });
      const request = { reason: 'other', items: [{ lineId: mine.lines[0]!.id, quantity: 1 }] };
      const created = await owner.as.post(`/store/orders/${mine.id}/returns`, request);
      expect(created.status, created.text).to.equal(201);
      const guestReturn = await guest.as.post(`/store/orders/${guest.id}/returns`, { reason: 'other', items: [{ lineId: guest.lines[0]!.id, quantity: 1 }] });
      expect(guestReturn.status, guestReturn.text).to.equal(201);

      for (const [order, returnId, intruder] of [
        [mine, created.body.id, other.as],
        [mine, created.body.id, otherGuest.as],
        [guest, guestReturn.body.id, otherGuest.as],
        [guest, guestReturn.body.id, other.as],
        [guest, guestReturn.body.id, c.store.client],
      ] as const) {
        expect((await intruder.get(`/store/orders/${order.id}/returns`)).status).to.equal(404);
        expect((await intruder.get(`/store/orders/${order.id}/returns/${returnId}`)).status).to.equal(404);
        expect((await intruder.post(`/store/orders/${order.id}/returns`, { reason: 'other', items: [{ lineId: order.lines[0]!.id, quantity: 1 }] })).status).to.equal(404);
        expect((await intruder.post(`/store/orders/${order.id}/returns/${returnId}/cancel`, {})).status).to.equal(404);
      }
      // a return of another order is not found through one's own order either
      expect((await owner.as.get(`/store/orders/${mine.id}/returns/${guestReturn.body.id}`)).status).to.equal(404);
      expect((await owner.as.get(`/store/orders/${mine.id}/returns`)).body.items.map((r: any) => r.id)).to.deep.equal([created.body.id]);
      // customers cannot reach the admin routes
      expect((await owner.as.post(`/admin/returns/${created.body.id}/approve`, {})).status).to.equal(403);
    });

    it('refuses every return when windowDays is 0', async () => {
      const closed = await createReturnsStore(new RecordingReturnCarrier(), { returns: { windowDays: 0 } });
      try {
        const cup = await stockedVariant(closed, 'Final sale cup', 3, 900);
        const order = await placeOrder(closed, [{ variantId: cup, quantity: 1 }]);
        const refused = await order.as.post(`/store/orders/${order.id}/returns`, { reason: 'other', items: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
        expect(refused.status, refused.text).to.equal(422);
        expect(refused.body.code).to.equal('RETURN_WINDOW_CLOSED');
      } finally {
        await closed.store.stop();
      }
    });
  });

  describe('refunds', () => {
    it('splits a discounted, taxed line over two returns, giving back exactly its total, with stock and ledgers to match', async () => {
      const buyer = await createAndLogin(c.store, 'refund@example.com', 'customer');
      const kettle = await stockedVariant(c, 'Split kettle', 10, 3999);
      promoted.set(kettle, 334);
      const order = await placeOrder(c, [{ variantId: kettle, quantity: 3 }], { as: buyer.as });
      promoted.delete(kettle);
      const line = order.lines[0]!;
      // 3 × 39.99 − 3.34 = 116.63, VA 5.3 %: 6.18 → 122.81
      expect(line.total).to.equal(12281);
      expect(await onHand(c, kettle)).to.equal(7);
      const url = `/store/orders/${order.id}/returns`;

      const first = await buyer.as.post(url, { reason: 'defective', items: [{ lineId: line.id, quantity: 1 }] });
      expect(first.status, first.text).to.equal(201);
      const approved = await c.admin.as.post(`/admin/returns/${first.body.id}/approve`, { note: 'Send it back' });
      expect(approved.status, approved.text).to.equal(200);
      expect(approved.body).to.include({ status: 'approved', decisionNote: 'Send it back' });
      const tooMany = await c.admin.as.post(`/admin/returns/${first.body.id}/receive`, { items: [{ lineId: line.id, quantity: 2, condition: 'resellable' }] });
      expect(tooMany.status).to.equal(422);
      expect(tooMany.body.errors[0]).to.include({ pointer: '/items/0/quantity' });
      const received = await c.admin.as.post(`/admin/returns/${first.body.id}/receive`, { items: [{ lineId: line.id, quantity: 1, condition: 'resellable' }] });
      expect(received.status, received.text).to.equal(200);
      // floor(12281 × 1/3) = 4093
      expect(received.body).to.deep.include({ status: 'refunded', itemsAmount: { amount: 4093, currencyCode: 'USD' }, refundedAmount: { amount: 4093, currencyCode: 'USD' } });
      expect(received.body.items[0]).to.include({ receivedQuantity: 1, condition: 'resellable', stockAction: 'restocked' });
      expect(await onHand(c, kettle)).to.equal(8);

      const second = await buyer.as.post(url, { reason: 'defective', items: [{ lineId: line.id, quantity: 2 }] });
      expect(second.status, second.text).to.equal(201);
      await c.admin.as.post(`/admin/returns/${second.body.id}/approve`, {});
      const tooMuchShipping = await c.admin.as.post(`/admin/returns/${second.body.id}/receive`, { items: [{ lineId: line.id, quantity: 2, condition: 'damaged' }], refundShipping: 501 });
      expect(tooMuchShipping.status).to.equal(422);
      expect(tooMuchShipping.body.errors[0]).to.include({ pointer: '/refundShipping' });
      const rest = await c.admin.as.post(`/admin/returns/${second.body.id}/receive`, { items: [{ lineId: line.id, quantity: 2, condition: 'damaged' }], refundShipping: 500 });
      expect(rest.status, rest.text).to.equal(200);
      // 12281 − 4093 = 8188, plus the shipping given back
      expect(rest.body).to.deep.include({ status: 'refunded', itemsAmount: { amount: 8188, currencyCode: 'USD' }, shippingAmount: { amount: 500, currencyCode: 'USD' }, refundedAmount: { amount: 8688, currencyCode: 'USD' } });
      expect(rest.body.items[0]).to.include({ stockAction: 'written_off' });
      expect(4093 + 8188).to.equal(line.total);
      // damaged units stay out of stock; the write-off is in the ledger and the level still sums from its movements
      expect(await onHand(c, kettle)).to.equal(8);
      const moves = await query<{ reason: string; delta_on_hand: number; reference: string }>(
        c,
        `select reason, delta_on_hand, reference from cw_stock_movement where reference in (?, ?) order by created_at, id`,
        [first.body.id, second.body.id],
      );
      expect(moves.map((m) => [m.reason, Number(m.delta_on_hand), m.reference])).to.deep.equal([
        ['return', 1, first.body.id],
        ['write_off', 0, second.body.id],
      ]);
      const mismatched = (await ledgerVersusLevels(c)).filter((l) => Number(l.on_hand) !== Number(l.sum_on_hand) || Number(l.reserved) !== Number(l.sum_reserved));
      expect(mismatched).to.deep.equal([]);

      const payments = (await c.admin.as.get(`/admin/orders/${order.id}/payments`)).body.items;
      expect(payments[0].amountRefunded.amount).to.equal(4093 + 8688);
      const refunds = payments[0].transactions.filter((t: any) => t.kind === 'refund');
      expect(refunds.map((t: any) => [t.amount.amount, t.status])).to.deep.equal([
        [4093, 'succeeded'],
        [8688, 'succeeded'],
      ]);
      const after = (await buyer.as.get(`/store/orders/${order.id}`)).body;
      expect(after).to.include({ fulfillmentStatus: 'returned', paymentStatus: 'partially_refunded' });

      // a retried refund never refunds twice
      expect((await c.admin.as.post(`/admin/returns/${second.body.id}/refund`, {})).status).to.equal(409);
      const events = await returnEvents(c, second.body.id);
      expect(events.map((e) => e.name)).to.deep.equal(['return.requested', 'return.approved', 'return.received', 'return.refunded']);
      expect(events[3]!.payload).to.include({ orderId: order.id, number: order.number, customerId: buyer.id, email: 'grace@example.com', amount: 8688, itemsAmount: 8188, shippingAmount: 500, currencyCode: 'USD' });
      expect(events[3]!.payload.vendorIds).to.deep.equal([]);
      const nothingLeft = await buyer.as.post(url, { reason: 'defective', items: [{ lineId: line.id, quantity: 1 }] });
      expect(nothingLeft.body.code).to.equal('RETURN_QUANTITY_EXCEEDED');
    });

    it('keeps a refund that cannot be made yet on the return, and makes it once on retry', async () => {
      const rug = await stockedVariant(c, 'Uncollected rug', 4, 5000);
      // delivered, but the courier's cash is not recorded yet: nothing captured to refund from
      const order = await placeOrder(c, [{ variantId: rug, quantity: 1 }], { collect: false });
      const requested = await order.as.post(`/store/orders/${order.id}/returns`, { reason: 'other', items: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
      await c.admin.as.post(`/admin/returns/${requested.body.id}/approve`, {});
      const received = await c.admin.as.post(`/admin/returns/${requested.body.id}/receive`, { items: [{ lineId: order.lines[0]!.id, quantity: 1, condition: 'resellable' }] });
      expect(received.status, received.text).to.equal(200);
      expect(received.body.status).to.equal('received');
      expect(received.body.refundError).to.match(/captured/);
      const retried = await c.admin.as.post(`/admin/returns/${requested.body.id}/refund`, {});
      expect(retried.status).to.equal(422);
      expect(retried.body.code).to.equal('REFUND_EXCEEDS_CAPTURED');
      await c.store.deliverEvents();
      const done = await c.admin.as.post(`/admin/returns/${requested.body.id}/refund`, {});
      expect(done.status, done.text).to.equal(200);
      expect(done.body).to.deep.include({ status: 'refunded', refundError: null, refundedAmount: { amount: order.lines[0]!.total, currencyCode: 'USD' } });
      const [refunds] = await query<{ n: number }>(c, `select count(*)::int as n from cw_payment_transaction where order_id = ? and kind = 'refund' and status = 'succeeded'`, [order.id]);
      expect(Number(refunds!.n)).to.equal(1);
    });
  });

  describe('labels', () => {
    it('buys one return label through the carrier however often it is retried', async () => {
      const chair = await stockedVariant(c, 'Label chair', 3, 8000);
      const order = await placeOrder(c, [{ variantId: chair, quantity: 1 }]);
      const requested = await order.as.post(`/store/orders/${order.id}/returns`, { reason: 'size_or_fit', items: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
      const label = { carrierId: 'test-returns', service: 'ground', parcel: { weightGrams: 4000 } };
      const unknown = await c.admin.as.post(`/admin/returns/${requested.body.id}/approve`, { label: { ...label, carrierId: 'nope' } });
      expect(unknown.status).to.equal(422);
      expect(unknown.body.errors[0]).to.include({ pointer: '/label/carrierId' });
      expect((await c.admin.as.get(`/admin/returns/${requested.body.id}`)).body.status).to.equal('requested');

      carrier.failNext = true;
      const failed = await c.admin.as.post(`/admin/returns/${requested.body.id}/approve`, { label });
      expect(failed.status).to.equal(502);
      expect(failed.body.code).to.equal('RETURN_LABEL_FAILED');
      const stillApproved = (await c.admin.as.get(`/admin/returns/${requested.body.id}`)).body;
      expect(stillApproved).to.include({ status: 'approved', label: null });
      const bought = await c.admin.as.post(`/admin/returns/${requested.body.id}/label`, label);
      expect(bought.status, bought.text).to.equal(200);
      const again = await c.admin.as.post(`/admin/returns/${requested.body.id}/label`, label);
      expect(again.body.label).to.deep.equal(bought.body.label);
      const calls = carrier.calls.filter((call) => call.reference === requested.body.id);
      expect(calls).to.have.length(2);
      expect(new Set(calls.map((call) => call.idempotencyKey)).size).to.equal(1);
      expect(calls[0]).to.deep.include({ direction: 'return', service: 'ground' });
      expect(calls[0]!.from).to.include({ line1: '1 Navy Way', countryCode: 'US' });
      expect(calls[0]!.to).to.include({ line1: '5 Depot Road' });
      const seen = (await order.as.get(`/store/orders/${order.id}/returns/${requested.body.id}`)).body;
      expect(seen.label).to.include({ carrierId: 'test-returns', trackingNumber: bought.body.label.trackingNumber });
      expect(seen.label.labelUrl).to.match(/^https:\/\/labels\.example\.com\//);
      expect((await returnEvents(c, requested.body.id)).map((e) => e.name)).to.deep.equal(['return.requested', 'return.approved', 'return.label_created']);
    });
  });
});
