import { expect } from 'chai';
import { ledgerVersusLevels, type InventoryStore } from '../inventory/inventory-helpers.ts';
import { auditEntries } from '../admin/admin-helpers.ts';
import { createCheckoutStore, readyCart, stockedVariant } from '../checkout/checkout-helpers.ts';

describe('admin order edits', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createCheckoutStore({ tax: { rates: [{ id: 'us-va', name: 'VA sales tax', countryCode: 'US', region: 'VA', rate: '5' }] } });
  });
  after(() => c.store.stop());

  const level = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];
  const codOrder = async (lines: Array<{ variantId: string; quantity: number }>) => {
    const cart = await readyCart(c, lines);
    const placed = await cart.as.post(`/store/carts/${cart.id}/checkout`, { paymentMethod: 'cod' });
    expect(placed.status, placed.text).to.equal(201);
    return placed.body.order.id as string;
  };
  const edit = (orderId: string, body: Record<string, unknown>) => c.admin.as.post(`/admin/orders/${orderId}/edits`, body);

  it('changes quantities, removes and adds lines, re-prices and re-taxes, moves stock, and the cash to collect follows', async () => {
    const mug = await stockedVariant(c, 'Edit mug', 10, 1000);
    const plate = await stockedVariant(c, 'Edit plate', 10, 2000);
    const bowl = await stockedVariant(c, 'Edit bowl', 10, 1500);
    const orderId = await codOrder([
      { variantId: mug, quantity: 2 },
      { variantId: plate, quantity: 1 },
    ]);
    const before = (await c.admin.as.get(`/admin/orders/${orderId}`)).body;
    const [mugLine, plateLine] = before.lines;

    const edited = await edit(orderId, {
      lines: [
        { lineId: mugLine.id, quantity: 3 },
        { lineId: plateLine.id, quantity: 0 },
      ],
      add: [{ variantId: bowl, quantity: 1 }],
      reason: 'Customer called to swap the plate for a bowl',
    });
    expect(edited.status, edited.text).to.equal(200);
    // goods 3 × 10.00 + 15.00 = 45.00; shipping 5.00 and the 2.00 fee kept; 5 % tax on all of it = 2.60
    expect(edited.body.totals.subtotal.amount).to.equal(4500);
    expect(edited.body.totals.shippingTotal.amount).to.equal(700);
    expect(edited.body.totals.taxTotal.amount).to.equal(260);
    expect(edited.body.totals.total.amount).to.equal(5460);
    expect(edited.body.lines.map((l: any) => [l.sku.length > 0, l.quantity])).to.deep.equal([
      [true, 3],
      [true, 1],
    ]);
    expect(await level(mug)).to.include({ reserved: 3 });
    expect(await level(plate)).to.include({ reserved: 0, available: 10 });
    expect(await level(bowl)).to.include({ reserved: 1 });
    for (const row of await ledgerVersusLevels(c)) expect([row.on_hand, row.reserved]).to.deep.equal([row.sum_on_hand, row.sum_reserved]);

    const ledger = (await c.admin.as.get(`/admin/orders/${orderId}/payments`)).body.items;
    expect(before.totals.total.amount).to.equal(4000 + 700 + 235);
    expect(ledger.map((p: any) => [p.status, p.amount.amount])).to.have.deep.members([
      ['voided', before.totals.total.amount],
      ['pending', 5460],
    ]);
    const timeline = JSON.stringify((await c.admin.as.get(`/admin/orders/${orderId}`)).body);
    expect(timeline).to.include('Customer called to swap the plate for a bowl');

    // the audit entry holds the lines and total the edit started from, and what it left
    const audit = await auditEntries(c.admin, { action: 'order.edited', targetId: orderId });
    expect(audit.items).to.have.length(1);
    const [entry] = audit.items;
    expect(entry!.actor.id).to.equal(c.admin.id);
    expect(entry!.before).to.deep.include({ status: before.status, paymentStatus: before.paymentStatus, total: before.totals.total.amount });
    expect(entry!.before.lines.map((l: any) => [l.lineId, l.quantity])).to.deep.equal([
      [mugLine.id, 2],
      [plateLine.id, 1],
    ]);
    expect(entry!.after).to.deep.include({ total: 5460, reason: 'Customer called to swap the plate for a bowl' });
    expect(entry!.after.lines.map((l: any) => [l.variantId, l.quantity])).to.deep.equal([
      [mug, 3],
      [bowl, 1],
    ]);

    // delivered: the courier collects the new total
    const items = edited.body.lines.map((l: any) => ({ lineId: l.id, quantity: l.quantity }));
    const fulfillment = await c.admin.as.post(`/admin/orders/${orderId}/fulfillments`, { items });
    expect(fulfillment.status, fulfillment.text).to.equal(201);
    const fulfillmentId = fulfillment.body.fulfillments[0].id;
    await c.admin.as.post(`/admin/orders/${orderId}/fulfillments/${fulfillmentId}/ship`, {});
    await c.admin.as.post(`/admin/orders/${orderId}/fulfillments/${fulfillmentId}/deliver`, {});
    await c.store.deliverEvents();
    const done = (await c.admin.as.get(`/admin/orders/${orderId}`)).body;
    expect(done).to.include({ status: 'completed', paymentStatus: 'paid' });
    const collected = (await c.admin.as.get(`/admin/orders/${orderId}/payments`)).body.items.find((p: any) => p.status === 'captured');
    expect(collected.amountCaptured.amount).to.equal(5460);
  });

  it('refuses an edit that needs stock there is not, and changes nothing', async () => {
    const rare = await stockedVariant(c, 'Edit rare', 2, 1000);
    const orderId = await codOrder([{ variantId: rare, quantity: 1 }]);
    const [line] = (await c.admin.as.get(`/admin/orders/${orderId}`)).body.lines;
    const refused = await edit(orderId, { lines: [{ lineId: line.id, quantity: 5 }], reason: 'more please' });
    expect(refused.status).to.equal(409);
    expect(refused.body).to.include({ code: 'ORDER_EDIT_OUT_OF_STOCK', variantId: rare, available: 1 });
    expect(await level(rare)).to.include({ reserved: 1 });
    expect((await c.admin.as.get(`/admin/orders/${orderId}`)).body.lines[0].quantity).to.equal(1);
  });

  it('names bad lines and variants, and refuses an edit that would leave nothing', async () => {
    const thing = await stockedVariant(c, 'Edit thing', 5, 1000);
    const orderId = await codOrder([{ variantId: thing, quantity: 1 }]);
    const [line] = (await c.admin.as.get(`/admin/orders/${orderId}`)).body.lines;
    const bad = await edit(orderId, { lines: [{ lineId: 'oli_nope', quantity: 1 }], add: [{ variantId: thing, quantity: 1 }], reason: 'x' });
    expect(bad.status).to.equal(422);
    expect(bad.body.errors.map((e: any) => [e.pointer, e.rule])).to.deep.equal([
      ['/lines/0/lineId', 'orderLine'],
      ['/add/0/variantId', 'unique'],
    ]);
    const empty = await edit(orderId, { lines: [{ lineId: line.id, quantity: 0 }], reason: 'x' });
    expect(empty.status).to.equal(422);
    expect(empty.body.errors[0]).to.include({ pointer: '/lines', rule: 'minItems' });
  });

  it('refuses edits once units are packed', async () => {
    const packed = await stockedVariant(c, 'Edit packed', 5, 1000);
    const orderId = await codOrder([{ variantId: packed, quantity: 2 }]);
    const [line] = (await c.admin.as.get(`/admin/orders/${orderId}`)).body.lines;
    const fulfilled = await c.admin.as.post(`/admin/orders/${orderId}/fulfillments`, { items: [{ lineId: line.id, quantity: 1 }] });
    expect(fulfilled.status, fulfilled.text).to.equal(201);
    const refused = await edit(orderId, { lines: [{ lineId: line.id, quantity: 1 }], reason: 'x' });
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('ORDER_NOT_EDITABLE');
  });
});
