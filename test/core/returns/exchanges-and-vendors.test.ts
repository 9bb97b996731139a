import { expect } from 'chai';
import { createAndLogin } from '../admin/admin-helpers.ts';
import { stockedVariant } from '../checkout/checkout-helpers.ts';
import { created, simpleProduct, type InventoryStore } from '../inventory/inventory-helpers.ts';
import { createReturnsStore, placeOrder, query, RecordingReturnCarrier, returnEvents } from './returns-helpers.ts';

describe('returns: exchanges and vendors', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createReturnsStore(new RecordingReturnCarrier());
  });
  after(() => c.store.stop());

  const level = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];

  describe('exchanges', () => {
    // 20.00 + VA 5.3 % = 21.06 credited for the returned unit
    for (const [name, price, replacementTotal, due, refunded] of [
      ['charges the difference on the exchange order when the replacement costs more', 3000, 3159, 1053, 0],
      ['refunds the difference on the original order when the replacement costs less', 1000, 1053, 0, 1053],
      ['settles an even exchange with nothing to pay or refund', 2000, 2106, 0, 0],
    ] as const) {
      it(name, async () => {
        const buyer = await createAndLogin(c.store, `exchange-${price}@example.com`, 'customer');
        const shirt = await stockedVariant(c, `Shirt ${price}`, 5, 2000);
        const replacement = await stockedVariant(c, `Replacement ${price}`, 5, price);
        const order = await placeOrder(c, [{ variantId: shirt, quantity: 1 }], { as: buyer.as });
        expect(order.lines[0]!.total).to.equal(2106);
        const url = `/store/orders/${order.id}/returns`;
        const noVariant = await buyer.as.post(url, { kind: 'exchange', reason: 'size_or_fit', items: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
        expect(noVariant.status).to.equal(422);
        expect(noVariant.body.errors[0]).to.include({ pointer: '/items/0/variantId', rule: 'required' });
        const requested = await buyer.as.post(url, { kind: 'exchange', reason: 'size_or_fit', items: [{ lineId: order.lines[0]!.id, quantity: 1, variantId: replacement }] });
        expect(requested.status, requested.text).to.equal(201);
        await c.admin.as.post(`/admin/returns/${requested.body.id}/approve`, {});
        const received = await c.admin.as.post(`/admin/returns/${requested.body.id}/receive`, { items: [{ lineId: order.lines[0]!.id, quantity: 1, condition: 'resellable' }] });
        expect(received.status, received.text).to.equal(200);
        expect(received.body).to.deep.include({ kind: 'exchange', status: 'exchanged', itemsAmount: { amount: 2106, currencyCode: 'USD' }, refundedAmount: { amount: refunded, currencyCode: 'USD' } });
        const exchange = received.body.exchangeOrder;
        expect(exchange.total).to.deep.equal({ amount: due, currencyCode: 'USD' });
        expect(exchange.replacementValue).to.deep.equal({ amount: replacementTotal, currencyCode: 'USD' });

        const placed = await buyer.as.get(`/store/orders/${exchange.id}`);
        expect(placed.status, placed.text).to.equal(200);
        expect(placed.body.lines.map((l: any) => [l.variantId, l.quantity, l.total.amount])).to.deep.equal([[replacement, 1, replacementTotal]]);
        expect(placed.body.totals.total.amount).to.equal(due);
        // cash on delivery for the difference, as the original was paid; nothing due: paid by the credit
        expect(placed.body).to.include({ status: 'confirmed', paymentStatus: due > 0 ? 'not_paid' : 'paid' });
        expect(await level(replacement)).to.include({ onHand: 5, reserved: 1 });
        expect(await level(shirt)).to.include({ onHand: 5, reserved: 0 });

        const payments = (await c.admin.as.get(`/admin/orders/${order.id}/payments`)).body.items;
        expect(payments[0].amountRefunded.amount).to.equal(refunded);
        if (due > 0) {
          const exchangePayments = (await c.admin.as.get(`/admin/orders/${exchange.id}/payments`)).body.items;
          expect(exchangePayments.map((p: any) => [p.provider, p.amount.amount])).to.deep.equal([['cod', due]]);
        }
        const events = await returnEvents(c, requested.body.id);
        expect(events.map((e) => e.name)).to.deep.equal(['return.requested', 'return.approved', 'return.received', 'return.exchanged']);
        expect(events[3]!.payload).to.include({ exchangeOrderId: exchange.id, credit: 2106, replacementValue: replacementTotal, amountDue: due, refunded });
      });
    }

    it('is refused for a guest order, and refused at receipt when the replacement ran out', async () => {
      const tee = await stockedVariant(c, 'Guest tee', 5, 2000);
      const guest = await placeOrder(c, [{ variantId: tee, quantity: 1 }]);
      const refused = await guest.as.post(`/store/orders/${guest.id}/returns`, { kind: 'exchange', reason: 'size_or_fit', items: [{ lineId: guest.lines[0]!.id, quantity: 1, variantId: tee }] });
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal('RETURN_EXCHANGE_NEEDS_ACCOUNT');

      const buyer = await createAndLogin(c.store, 'sold-out@example.com', 'customer');
      const scarce = await stockedVariant(c, 'Scarce tee', 1, 2000);
      const order = await placeOrder(c, [{ variantId: tee, quantity: 1 }], { as: buyer.as });
      const requested = await buyer.as.post(`/store/orders/${order.id}/returns`, { kind: 'exchange', reason: 'size_or_fit', items: [{ lineId: order.lines[0]!.id, quantity: 1, variantId: scarce }] });
      expect(requested.status, requested.text).to.equal(201);
      await c.admin.as.post(`/admin/inventory/adjustments`, { variantId: scarce, delta: -1 });
      await c.admin.as.post(`/admin/returns/${requested.body.id}/approve`, {});
      const short = await c.admin.as.post(`/admin/returns/${requested.body.id}/receive`, { items: [{ lineId: order.lines[0]!.id, quantity: 1, condition: 'resellable' }] });
      expect(short.status, short.text).to.equal(409);
      expect(short.body.code).to.equal('RETURN_EXCHANGE_UNAVAILABLE');
      // nothing of the receipt was written
      expect((await c.admin.as.get(`/admin/returns/${requested.body.id}`)).body).to.include({ status: 'approved', exchangeOrder: null });
      expect(await query(c, `select 1 from cw_stock_movement where reference = ?`, [requested.body.id])).to.have.length(0);
    });
  });

  describe('vendors', () => {
    it('lets a vendor act only on returns of its own lines; mixed returns are the staff’s', async () => {
      const seller = await createAndLogin(c.store, 'seller@example.com', 'vendor');
      const rival = await createAndLogin(c.store, 'rival@example.com', 'vendor');
      await query(c, `update cw_user set status = 'active' where role = 'vendor'`);
      const bowl = (await created(seller.as, '/admin/products', simpleProduct('Seller bowl', 1800))).variants[0].id as string;
      expect((await c.admin.as.post('/admin/inventory/adjustments', { variantId: bowl, delta: 10 })).status).to.equal(201);
      const house = await stockedVariant(c, 'House spoon', 10, 500);
      const order = await placeOrder(c, [{ variantId: bowl, quantity: 2 }, { variantId: house, quantity: 1 }]);
      const [bowlLine, spoonLine] = [order.lines.find((l) => l.variantId === bowl)!, order.lines.find((l) => l.variantId === house)!];
      const own = await order.as.post(`/store/orders/${order.id}/returns`, { reason: 'damaged', items: [{ lineId: bowlLine.id, quantity: 1 }] });
      const mixed = await order.as.post(`/store/orders/${order.id}/returns`, { reason: 'damaged', items: [{ lineId: bowlLine.id, quantity: 1 }, { lineId: spoonLine.id, quantity: 1 }] });
      expect(own.status, own.text).to.equal(201);
      expect(mixed.status, mixed.text).to.equal(201);

      const listed = await seller.as.get('/admin/returns');
      expect(listed.status, listed.text).to.equal(200);
      expect(listed.body.items.map((r: any) => r.id)).to.deep.equal([own.body.id]);
      expect((await rival.as.get('/admin/returns')).body.items).to.deep.equal([]);
      expect((await rival.as.get(`/admin/returns/${own.body.id}`)).status).to.equal(404);
      expect((await rival.as.post(`/admin/returns/${own.body.id}/approve`, {})).status).to.equal(404);
      expect((await seller.as.get(`/admin/returns/${mixed.body.id}`)).status).to.equal(404);
      expect((await seller.as.post(`/admin/returns/${mixed.body.id}/reject`, { note: 'Not mine alone' })).status).to.equal(404);

      const approved = await seller.as.post(`/admin/returns/${own.body.id}/approve`, {});
      expect(approved.status, approved.text).to.equal(200);
      expect(approved.body).to.include({ status: 'approved', vendorId: seller.id });
      const received = await seller.as.post(`/admin/returns/${own.body.id}/receive`, { items: [{ lineId: bowlLine.id, quantity: 1, condition: 'resellable' }] });
      expect(received.status, received.text).to.equal(200);
      expect(received.body.status).to.equal('refunded');
      expect((await c.admin.as.post(`/admin/returns/${mixed.body.id}/approve`, {})).status).to.equal(200);
      const staffList = await c.admin.as.get('/admin/returns', { query: { vendorId: seller.id, status: 'approved' } });
      expect(staffList.body.items.map((r: any) => r.id)).to.deep.equal([mixed.body.id]);
      const events = await returnEvents(c, mixed.body.id);
      expect(events[0]!.payload.vendorIds).to.deep.equal([seller.id]);
    });
  });
});
