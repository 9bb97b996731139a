import { expect } from 'chai';
import { auditEntries, createAndLogin } from '../admin/admin-helpers.ts';
import { createInventoryStore, created, productWithVariant, query, type InventoryStore } from './inventory-helpers.ts';

describe('admin inventory', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createInventoryStore();
  });
  after(() => c.store.stop());

  describe('locations', () => {
    it('starts with one default location, "Main warehouse", and keeps exactly one default', async () => {
      const initial = (await c.admin.as.get('/admin/inventory/locations')).body.items;
      expect(initial).to.have.length(1);
      expect(initial[0]).to.include({ name: 'Main warehouse', code: 'main', isDefault: true });
      const north = await created(c.admin.as, '/admin/inventory/locations', { name: 'North', code: 'north', isDefault: true });
      expect(north.id).to.match(/^loc_/);
      let items = (await c.admin.as.get('/admin/inventory/locations')).body.items as any[];
      expect(items.filter((l) => l.isDefault).map((l) => l.id)).to.deep.equal([north.id]);
      const refused = await c.admin.as.patch(`/admin/inventory/locations/${north.id}`, { isDefault: false });
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal('STOCK_LOCATION_DEFAULT_REQUIRED');
      const back = await c.admin.as.patch(`/admin/inventory/locations/${initial[0].id}`, { isDefault: true, name: 'Main' });
      expect(back.status, back.text).to.equal(200);
      expect(back.body).to.include({ name: 'Main', isDefault: true });
      items = (await c.admin.as.get('/admin/inventory/locations')).body.items as any[];
      expect(items.filter((l) => l.isDefault).map((l) => l.id)).to.deep.equal([initial[0].id]);
    });

    it('refuses a second location with the same code, and an unknown location', async () => {
      await created(c.admin.as, '/admin/inventory/locations', { name: 'Dup', code: 'dup' });
      const again = await c.admin.as.post('/admin/inventory/locations', { name: 'Dup 2', code: 'dup' });
      expect(again.status).to.equal(409);
      expect(again.body.code).to.equal('STOCK_LOCATION_CODE_TAKEN');
      const missing = await c.admin.as.patch('/admin/inventory/locations/loc_nope', { name: 'x' });
      expect(missing.status).to.equal(404);
    });
  });

  describe('stock', () => {
    it('adjusts the default location, answers levels per location, and refuses to go below zero naming the field', async () => {
      const { variantId } = await productWithVariant(c, 'Adjusted Lamp');
      const up = await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 7, reason: 'receipt', note: 'PO 12' });
      expect(up.status, up.text).to.equal(201);
      expect(up.body).to.include({ onHand: 7, reserved: 0, available: 7 });
      const down = await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -8 });
      expect(down.status).to.equal(422);
      expect(down.body.code).to.equal('STOCK_INSUFFICIENT');
      expect(down.body.errors[0].pointer).to.equal('/delta');
      const levels = await c.admin.as.get('/admin/inventory/levels', { query: { variantId } });
      expect(levels.body.items).to.have.length(1);
      expect(levels.body.items[0]).to.include({ onHand: 7, reserved: 0, available: 7, lowStockThreshold: 0, allowBackorder: false });
      const unknown = await c.admin.as.post('/admin/inventory/adjustments', { variantId: 'var_nope', delta: 1 });
      expect(unknown.status).to.equal(404);
    });

    it('sets a level after a count by writing the difference to the ledger, and lists movements newest first', async () => {
      const { variantId } = await productWithVariant(c, 'Counted Chair');
      await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 10 });
      const set = await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 4, lowStockThreshold: 2, allowBackorder: false });
      expect(set.status, set.text).to.equal(200);
      expect(set.body).to.include({ onHand: 4, lowStockThreshold: 2 });
      const movements = await c.admin.as.get('/admin/inventory/movements', { query: { variantId } });
      expect(movements.body.count).to.equal(2);
      expect(movements.body.items.map((m: any) => [m.deltaOnHand, m.reason])).to.deep.equal([
        [-6, 'adjustment'],
        [10, 'adjustment'],
      ]);
      expect(movements.body.items[0]).to.include({ actorKind: 'user', actorId: c.admin.id });
      const paged = await c.admin.as.get('/admin/inventory/movements', { query: { variantId, limit: 1, offset: 1 } });
      expect(paged.body.items.map((m: any) => m.deltaOnHand)).to.deep.equal([10]);
    });

    it('transfers between locations in one step, and refuses more than the source has', async () => {
      const { variantId } = await productWithVariant(c, 'Moved Mirror');
      const [main] = (await c.admin.as.get('/admin/inventory/locations')).body.items;
      const shop = await created(c.admin.as, '/admin/inventory/locations', { name: 'Shop', code: 'shop' });
      await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 5 });
      const moved = await c.admin.as.post('/admin/inventory/transfers', { variantId, fromLocationId: main.id, toLocationId: shop.id, quantity: 3 });
      expect(moved.status, moved.text).to.equal(201);
      expect(moved.body.from).to.include({ onHand: 2 });
      expect(moved.body.to).to.include({ onHand: 3 });
      const tooMany = await c.admin.as.post('/admin/inventory/transfers', { variantId, fromLocationId: main.id, toLocationId: shop.id, quantity: 3 });
      expect(tooMany.status).to.equal(422);
      expect(tooMany.body.errors[0].pointer).to.equal('/quantity');
      const same = await c.admin.as.post('/admin/inventory/transfers', { variantId, fromLocationId: main.id, toLocationId: main.id, quantity: 1 });
      expect(same.body.code).to.equal('STOCK_TRANSFER_INVALID');
      const transfers = await query<{ reference: string }>(c, `select reference from cw_stock_movement where variant_id = ? and reason = 'transfer'`, [variantId]);
      expect(transfers).to.have.length(2);
      expect(transfers[0]!.reference).to.equal(transfers[1]!.reference).and.to.match(/^trf_/);
    });

    it('lists levels at or below their threshold', async () => {
      const { variantId } = await productWithVariant(c, 'Scarce Scarf');
      await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 3, lowStockThreshold: 5 });
      const low = await c.admin.as.get('/admin/inventory/low-stock', { query: { limit: 100 } });
      expect(low.status).to.equal(200);
      expect(low.body.items.find((l: any) => l.variantId === variantId)).to.include({ available: 3, lowStockThreshold: 5 });
    });
  });

  describe('reasons and the audit log', () => {
    const entries = async (variantId: string) => (await auditEntries(c.admin, { targetId: variantId })).items.reverse();

    it('sets a level with a reason the ledger records, and refuses a reason an admin may not give, naming the field', async () => {
      const { variantId } = await productWithVariant(c, 'Returned Radio');
      const set = await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 6, reason: 'receipt', note: 'carton found' });
      expect(set.status, set.text).to.equal(200);
      const recount = await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 5 });
      expect(recount.status).to.equal(200);
      for (const reason of ['sale', 'reservation', 'transfer', 'damaged']) {
        const refused = await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 9, reason });
        expect(refused.status, reason).to.equal(400);
        expect(refused.body.errors.map((e: any) => e.pointer)).to.include('/reason');
        const adjusted = await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 1, reason });
        expect(adjusted.status, reason).to.equal(400);
      }
      const movements = (await c.admin.as.get('/admin/inventory/movements', { query: { variantId } })).body.items as any[];
      expect(movements.map((m) => [m.deltaOnHand, m.reason, m.note])).to.deep.equal([
        [-1, 'adjustment', null],
        [6, 'receipt', 'carton found'],
      ]);
    });

    it('records each set, adjustment and transfer in the audit log with the level before and after, and nothing for a refused one', async () => {
      const { variantId } = await productWithVariant(c, 'Audited Anchor');
      const annex = await created(c.admin.as, '/admin/inventory/locations', { name: 'Audit annex', code: 'audit-annex' });
      await c.admin.as.put('/admin/inventory/levels', { variantId, onHand: 6, lowStockThreshold: 1, reason: 'receipt' });
      await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -2, reason: 'adjustment', note: 'broken in transit' });
      expect((await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: -100 })).status).to.equal(422);
      const [main] = (await c.admin.as.get('/admin/inventory/locations')).body.items;
      await c.admin.as.post('/admin/inventory/transfers', { variantId, fromLocationId: main.id, toLocationId: annex.id, quantity: 3 });

      const logged = await entries(variantId);
      expect(logged.map((e) => e.action)).to.deep.equal(['stock_level.set', 'stock_level.adjusted', 'stock_level.transferred']);
      expect(logged.every((e) => e.actor.id === c.admin.id && e.target.type === 'stock_level')).to.equal(true);
      const [set, adjusted, transferred] = logged as [Record<string, any>, Record<string, any>, Record<string, any>];
      expect(set.before).to.equal(null);
      expect(set.after).to.include({ onHand: 6, lowStockThreshold: 1, delta: 6, reason: 'receipt' });
      expect(adjusted.before).to.include({ onHand: 6, available: 6 });
      expect(adjusted.after).to.include({ onHand: 4, delta: -2, reason: 'adjustment', note: 'broken in transit' });
      expect(transferred.before.from).to.include({ locationId: main.id, onHand: 4 });
      expect(transferred.before.to).to.equal(null);
      expect(transferred.after.from).to.include({ onHand: 1 });
      expect(transferred.after.to).to.include({ locationId: annex.id, onHand: 3 });
      expect(transferred.after.reference).to.match(/^trf_/);
    });
  });

  describe('access', () => {
    it('lets a vendor read and adjust its own products’ stock only, and not manage locations', async () => {
      const vendor = await createAndLogin(c.store, 'stock-vendor@example.com', 'vendor');
      await query(c, `update cw_user set status = 'active' where email = 'stock-vendor@example.com'`);
      const mine = await productWithVariant(c, 'Vendor Vase', vendor.as);
      const theirs = await productWithVariant(c, 'Staff Stool');
      expect((await vendor.as.post('/admin/inventory/adjustments', { variantId: mine.variantId, delta: 2 })).status).to.equal(201);
      expect((await vendor.as.get('/admin/inventory/levels', { query: { variantId: mine.variantId } })).status).to.equal(200);
      expect((await vendor.as.post('/admin/inventory/adjustments', { variantId: theirs.variantId, delta: 2 })).status).to.equal(404);
      expect((await vendor.as.get('/admin/inventory/movements', { query: { variantId: theirs.variantId } })).status).to.equal(404);
      expect((await vendor.as.get('/admin/inventory/locations')).status).to.equal(403);
      await c.admin.as.put('/admin/inventory/levels', { variantId: theirs.variantId, onHand: 0, lowStockThreshold: 1 });
      const low = (await vendor.as.get('/admin/inventory/low-stock')).body.items as any[];
      expect(low.every((l) => l.productId === mine.productId)).to.equal(true);
      const customer = await createAndLogin(c.store, 'stock-customer@example.com', 'customer');
      expect((await customer.as.get('/admin/inventory/levels', { query: { variantId: mine.variantId } })).status).to.equal(403);
    });
  });
});
