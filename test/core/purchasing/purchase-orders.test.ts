import { expect } from 'chai';
import { auditEntries, createAndLogin } from '../admin/admin-helpers.ts';
import { createInventoryStore, created, productWithVariant, query, type InventoryStore } from '../inventory/inventory-helpers.ts';

describe('purchasing', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createInventoryStore();
  });
  after(() => c.store.stop());

  const onHand = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0]?.onHand ?? 0;

  async function draft(title: string, quantities: [number, number] = [10, 4]) {
    const supplier = await created(c.admin.as, '/admin/inventory/suppliers', { name: `${title} Supplies`, email: 'orders@example.com', phone: '+44 20 7946 0000' });
    const a = await productWithVariant(c, `${title} A`);
    const b = await productWithVariant(c, `${title} B`);
    const po = await created(c.admin.as, '/admin/inventory/purchase-orders', {
      supplierId: supplier.id,
      currency: 'EUR',
      lines: [
        { variantId: a.variantId, quantity: quantities[0], unitCost: 250 },
        { variantId: b.variantId, quantity: quantities[1], unitCost: 1200 },
      ],
    });
    return { supplier, a, b, po };
  }

  it('manages suppliers, and keeps one that has purchase orders', async () => {
    const supplier = await created(c.admin.as, '/admin/inventory/suppliers', { name: 'Acme', notes: 'Net 30' });
    expect(supplier.id).to.match(/^sup_/);
    const renamed = await c.admin.as.patch(`/admin/inventory/suppliers/${supplier.id}`, { name: 'Acme Ltd', email: 'buy@acme.example' });
    expect(renamed.status, renamed.text).to.equal(200);
    expect(renamed.body).to.include({ name: 'Acme Ltd', email: 'buy@acme.example', notes: 'Net 30' });
    const listed = (await c.admin.as.get('/admin/inventory/suppliers')).body.items as any[];
    expect(listed.map((s) => s.id)).to.include(supplier.id);
    const { supplier: used } = await draft('Kept');
    const refused = await c.admin.as.delete(`/admin/inventory/suppliers/${used.id}`);
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('SUPPLIER_IN_USE');
    expect((await c.admin.as.delete(`/admin/inventory/suppliers/${supplier.id}`)).status).to.equal(204);
    expect((await c.admin.as.get(`/admin/inventory/suppliers/${supplier.id}`)).status).to.equal(404);
  });

  it('purchase order receipt: ordered, partially received, then received, adding stock with receipt movements referencing the PO number', async () => {
    const { a, b, po } = await draft('Flow');
    expect(po.id).to.match(/^po_/);
    expect(po.number).to.match(/^PO-\d{5}$/);
    expect(po).to.include({ status: 'draft', currency: 'EUR', orderedAt: null });
    expect(po.lines.map((l: any) => [l.variantId, l.quantityOrdered, l.quantityReceived, l.unitCost])).to.deep.equal([
      [a.variantId, 10, 0, 250],
      [b.variantId, 4, 0, 1200],
    ]);
    const ordered = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/order`);
    expect(ordered.status, ordered.text).to.equal(200);
    expect(ordered.body.status).to.equal('ordered');
    expect(ordered.body.orderedAt).to.be.a('string');

    const [lineA, lineB] = po.lines;
    const part = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, { lines: [{ lineId: lineA.id, quantity: 6 }] });
    expect(part.status, part.text).to.equal(200);
    expect(part.body.status).to.equal('partially_received');
    expect(part.body.lines[0].quantityReceived).to.equal(6);
    expect(await onHand(a.variantId)).to.equal(6);
    const movements = (await c.admin.as.get('/admin/inventory/movements', { query: { variantId: a.variantId } })).body.items;
    expect(movements).to.have.length(1);
    expect(movements[0]).to.include({ deltaOnHand: 6, deltaReserved: 0, reason: 'receipt', reference: po.number, actorKind: 'user', actorId: c.admin.id });

    const rest = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, {
      lines: [
        { lineId: lineA.id, quantity: 4 },
        { lineId: lineB.id, quantity: 4 },
      ],
    });
    expect(rest.status, rest.text).to.equal(200);
    expect(rest.body.status).to.equal('received');
    expect(rest.body.lines.map((l: any) => l.quantityReceived)).to.deep.equal([10, 4]);
    expect(await onHand(a.variantId)).to.equal(10);
    expect(await onHand(b.variantId)).to.equal(4);
    const receipts = await query<{ n: number }>(c, `select count(*)::int as n from cw_stock_movement where reference = ? and reason = 'receipt'`, [po.number]);
    expect(receipts[0]!.n).to.equal(3);

    const listed = await c.admin.as.get('/admin/inventory/purchase-orders', { query: { status: 'received' } });
    expect(listed.body.items.map((p: any) => p.id)).to.include(po.id);
  });

  it('records each delivery as a receipt with who, when, the note and its lines, shown on the purchase order oldest first', async () => {
    const { a, b, po } = await draft('Receipts', [5, 3]);
    expect(po.receipts).to.deep.equal([]);
    await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/order`);
    const [lineA, lineB] = po.lines;
    const first = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, { lines: [{ lineId: lineA.id, quantity: 2 }], note: 'pallet 1 of 2' });
    expect(first.status, first.text).to.equal(200);
    const second = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, {
      lines: [
        { lineId: lineB.id, quantity: 3 },
        { lineId: lineA.id, quantity: 3 },
      ],
    });
    expect(second.status, second.text).to.equal(200);
    const refused = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, { lines: [{ lineId: lineA.id, quantity: 1 }], note: 'x'.repeat(1001) });
    expect(refused.status).to.equal(400);
    expect(refused.body.errors.map((e: any) => e.pointer)).to.include('/note');

    const read = (await c.admin.as.get(`/admin/inventory/purchase-orders/${po.id}`)).body;
    expect(read.status).to.equal('received');
    expect(read.receipts).to.have.length(2);
    const [r1, r2] = read.receipts;
    expect(r1).to.include({ note: 'pallet 1 of 2', locationId: po.locationId, actorKind: 'user', actorId: c.admin.id });
    expect(r1.id).to.match(/^rcpt_/);
    expect(r1.lines).to.deep.equal([{ purchaseOrderLineId: lineA.id, variantId: a.variantId, quantity: 2 }]);
    expect(r2.note).to.equal(null);
    expect(r2.lines).to.deep.equal([
      { purchaseOrderLineId: lineA.id, variantId: a.variantId, quantity: 3 },
      { purchaseOrderLineId: lineB.id, variantId: b.variantId, quantity: 3 },
    ]);
    expect(Date.parse(r1.receivedAt)).to.be.at.most(Date.parse(r2.receivedAt));
    // every unit a receipt names reached the ledger, referencing the PO number
    const ledger = await query<{ variant_id: string; n: number }>(
      c,
      `select variant_id, sum(delta_on_hand)::int as n from cw_stock_movement where reference = ? and reason = 'receipt' group by variant_id order by variant_id`,
      [po.number],
    );
    const fromReceipts = new Map<string, number>();
    for (const receipt of read.receipts) for (const line of receipt.lines) fromReceipts.set(line.variantId, (fromReceipts.get(line.variantId) ?? 0) + line.quantity);
    expect(Object.fromEntries(ledger.map((row) => [row.variant_id, row.n]))).to.deep.equal(Object.fromEntries(fromReceipts));
    const listed = (await c.admin.as.get('/admin/inventory/purchase-orders', { query: { status: 'received' } })).body.items.find((p: any) => p.id === po.id);
    expect(listed.receipts).to.have.length(2);
  });

  it('writes no receipt for a refused delivery, and records order, receipt and cancellation in the audit log with before and after', async () => {
    const { po } = await draft('Audited', [2, 1]);
    await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/order`);
    expect((await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, { lines: [{ lineId: po.lines[0].id, quantity: 3 }] })).status).to.equal(422);
    expect((await c.admin.as.get(`/admin/inventory/purchase-orders/${po.id}`)).body.receipts).to.deep.equal([]);
    const rows = await query<{ n: number }>(c, `select count(*)::int as n from cw_purchase_order_receipt where purchase_order_id = ?`, [po.id]);
    expect(rows[0]!.n).to.equal(0);
    await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, { lines: [{ lineId: po.lines[0].id, quantity: 1 }], note: 'short shipped' });
    const { po: dropped } = await draft('Dropped', [1, 1]);
    await c.admin.as.post(`/admin/inventory/purchase-orders/${dropped.id}/cancel`);

    // drafting is recorded by the router's generic entry; the transitions record their own
    const transitions = (entries: Array<Record<string, any>>) => entries.filter((e) => e.action.startsWith('purchase_order.'));
    const logged = transitions((await auditEntries(c.admin, { targetId: po.id })).items.reverse());
    expect(logged.map((e) => e.action)).to.deep.equal(['purchase_order.ordered', 'purchase_order.received']);
    expect(logged[0]).to.deep.include({ before: { status: 'draft' } });
    expect(logged[0]!.after.status).to.equal('ordered');
    expect(logged[1]!.before).to.deep.equal({ status: 'ordered', lines: [{ id: po.lines[0].id, quantityReceived: 0 }, { id: po.lines[1].id, quantityReceived: 0 }] });
    expect(logged[1]!.after).to.deep.include({ status: 'partially_received', note: 'short shipped', lines: [{ id: po.lines[0].id, quantityReceived: 1 }, { id: po.lines[1].id, quantityReceived: 0 }] });
    expect(logged[1]!.after.receiptId).to.match(/^rcpt_/);
    const cancelled = transitions((await auditEntries(c.admin, { targetId: dropped.id })).items);
    expect(cancelled.map((e) => [e.action, e.before, e.after, e.target.type])).to.deep.equal([['purchase_order.cancelled', { status: 'draft' }, { status: 'cancelled' }, 'purchase_order']]);
  });

  it('numbers purchase orders sequentially', async () => {
    const first = (await draft('Seq1')).po.number as string;
    const second = (await draft('Seq2')).po.number as string;
    expect(Number(second.slice(3))).to.equal(Number(first.slice(3)) + 1);
  });

  it('refuses to receive more than is outstanding, naming the line, and writes nothing', async () => {
    const { a, b, po } = await draft('Over', [5, 2]);
    await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/order`);
    const over = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, {
      lines: [
        { lineId: po.lines[0].id, quantity: 5 },
        { lineId: po.lines[1].id, quantity: 3 },
      ],
    });
    expect(over.status).to.equal(422);
    expect(over.body.code).to.equal('PURCHASE_ORDER_OVER_RECEIPT');
    expect(over.body.errors[0].pointer).to.equal('/lines/1/quantity');
    // the same line twice in one delivery counts together
    const twice = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, {
      lines: [
        { lineId: po.lines[0].id, quantity: 3 },
        { lineId: po.lines[0].id, quantity: 3 },
      ],
    });
    expect(twice.status).to.equal(422);
    expect(twice.body.errors[0].pointer).to.equal('/lines/1/quantity');
    const unknown = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, { lines: [{ lineId: 'pol_nope', quantity: 1 }] });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.code).to.equal('PURCHASE_ORDER_LINE_NOT_FOUND');
    const after = (await c.admin.as.get(`/admin/inventory/purchase-orders/${po.id}`)).body;
    expect(after.status).to.equal('ordered');
    expect(after.lines.map((l: any) => l.quantityReceived)).to.deep.equal([0, 0]);
    expect(await onHand(a.variantId)).to.equal(0);
    expect(await onHand(b.variantId)).to.equal(0);
    const written = await query<{ n: number }>(c, `select count(*)::int as n from cw_stock_movement where reference = ?`, [po.number]);
    expect(written[0]!.n).to.equal(0);
  });

  it('refuses illegal transitions with 409', async () => {
    const { po } = await draft('Transitions', [2, 1]);
    const receiveDraft = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, { lines: [{ lineId: po.lines[0].id, quantity: 1 }] });
    expect(receiveDraft.status).to.equal(409);
    expect(receiveDraft.body.code).to.equal('PURCHASE_ORDER_TRANSITION_INVALID');
    await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/order`);
    expect((await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/order`)).status).to.equal(409);
    await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/receive`, { lines: [{ lineId: po.lines[0].id, quantity: 1 }] });
    const cancelPartial = await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/cancel`);
    expect(cancelPartial.status).to.equal(409);
    expect(cancelPartial.body.code).to.equal('PURCHASE_ORDER_TRANSITION_INVALID');

    const { po: other } = await draft('Cancelled', [1, 1]);
    const cancelled = await c.admin.as.post(`/admin/inventory/purchase-orders/${other.id}/cancel`);
    expect(cancelled.status, cancelled.text).to.equal(200);
    expect(cancelled.body.status).to.equal('cancelled');
    expect((await c.admin.as.post(`/admin/inventory/purchase-orders/${other.id}/order`)).status).to.equal(409);
    expect((await c.admin.as.post(`/admin/inventory/purchase-orders/${other.id}/cancel`)).status).to.equal(409);
    expect((await c.admin.as.post('/admin/inventory/purchase-orders/po_nope/order')).status).to.equal(404);
  });

  it('edits lines while draft only', async () => {
    const { a, po } = await draft('Edited', [3, 3]);
    const edited = await c.admin.as.put(`/admin/inventory/purchase-orders/${po.id}/lines`, { lines: [{ variantId: a.variantId, quantity: 8, unitCost: 300 }] });
    expect(edited.status, edited.text).to.equal(200);
    expect(edited.body.lines.map((l: any) => [l.quantityOrdered, l.unitCost])).to.deep.equal([[8, 300]]);
    const badVariant = await c.admin.as.put(`/admin/inventory/purchase-orders/${po.id}/lines`, { lines: [{ variantId: 'var_nope', quantity: 1, unitCost: 1 }] });
    expect(badVariant.status).to.equal(404);
    expect(badVariant.body.errors[0].pointer).to.equal('/lines/0/variantId');
    await c.admin.as.post(`/admin/inventory/purchase-orders/${po.id}/order`);
    const refused = await c.admin.as.put(`/admin/inventory/purchase-orders/${po.id}/lines`, { lines: [{ variantId: a.variantId, quantity: 1, unitCost: 1 }] });
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('PURCHASE_ORDER_NOT_EDITABLE');
    expect((await c.admin.as.get(`/admin/inventory/purchase-orders/${po.id}`)).body.lines).to.have.length(1);
  });

  it('refuses an unknown supplier, and a customer', async () => {
    const { a } = await draft('Refusals', [1, 1]);
    const noSupplier = await c.admin.as.post('/admin/inventory/purchase-orders', { supplierId: 'sup_nope', currency: 'EUR', lines: [{ variantId: a.variantId, quantity: 1, unitCost: 1 }] });
    expect(noSupplier.status).to.equal(404);
    expect(noSupplier.body.code).to.equal('SUPPLIER_NOT_FOUND');
    const customer = await createAndLogin(c.store, 'po-customer@example.com', 'customer');
    expect((await customer.as.get('/admin/inventory/purchase-orders')).status).to.equal(403);
  });
});
