import { expect } from 'chai';
import { createInventoryStore, ledgerVersusLevels, productWithVariant, type InventoryStore } from './inventory-helpers.ts';

describe('stock reservations', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createInventoryStore();
  });
  after(() => c.store.stop());

  const level = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];
  const withService = <T>(fn: (s: any) => Promise<T>) => c.store.commerce.withScope((scope) => fn(scope.cradle));

  it('holds every line or none, and names the line that could not be held', async () => {
    const a = await productWithVariant(c, 'Held A');
    const b = await productWithVariant(c, 'Held B');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId: a.variantId, delta: 5 });
    await c.admin.as.post('/admin/inventory/adjustments', { variantId: b.variantId, delta: 1 });
    const refused = await withService((s) =>
      s.reservationService.reserve(s.em, { reference: 'ord_x1', lines: [{ variantId: a.variantId, quantity: 2 }, { variantId: b.variantId, quantity: 2 }] }),
    );
    expect(refused).to.deep.equal({ ok: false, variantId: b.variantId, requested: 2, available: 1 });
    expect(await level(a.variantId)).to.include({ onHand: 5, reserved: 0 });
    const held = await withService((s) => s.reservationService.reserve(s.em, { reference: 'ord_x2', lines: [{ variantId: a.variantId, quantity: 2 }, { variantId: b.variantId, quantity: 1 }] }));
    expect(held).to.deep.equal({ ok: true });
    expect(await level(a.variantId)).to.include({ onHand: 5, reserved: 2, available: 3 });
  });

  it('releases what a reference holds once, and commits a sale that takes on hand and reserved down', async () => {
    const a = await productWithVariant(c, 'Settled A');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId: a.variantId, delta: 6 });
    await withService((s) => s.reservationService.reserve(s.em, { reference: 'ord_r', lines: [{ variantId: a.variantId, quantity: 2 }] }));
    await withService((s) => s.reservationService.reserve(s.em, { reference: 'ord_s', lines: [{ variantId: a.variantId, quantity: 3 }] }));
    expect(await withService((s) => s.reservationService.release(s.em, 'ord_r'))).to.deep.equal({ ok: true, units: 2 });
    expect(await withService((s) => s.reservationService.release(s.em, 'ord_r'))).to.deep.equal({ ok: false, reason: 'nothing_reserved' });
    expect(await withService((s) => s.reservationService.commit(s.em, 'ord_s'))).to.deep.equal({ ok: true, units: 3 });
    expect(await level(a.variantId)).to.include({ onHand: 3, reserved: 0, available: 3 });
    const reasons = (await c.admin.as.get('/admin/inventory/movements', { query: { variantId: a.variantId } })).body.items.map((m: any) => m.reason);
    expect(reasons).to.have.members(['adjustment', 'reservation', 'reservation', 'release', 'sale']);
  });

  it('lets exactly 10 of 100 concurrent one-unit reservations hold 10 available units', async () => {
    const { variantId } = await productWithVariant(c, 'Contended Kettle');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 10 });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => withService((s) => s.reservationService.reserve(s.em, { reference: `race_${i}`, lines: [{ variantId, quantity: 1 }] }))),
    );
    expect(results.filter((r: any) => r.ok)).to.have.length(10);
    expect(await level(variantId)).to.include({ onHand: 10, reserved: 10, available: 0 });
    const mismatched = (await ledgerVersusLevels(c)).filter((l) => Number(l.on_hand) !== Number(l.sum_on_hand) || Number(l.reserved) !== Number(l.sum_reserved));
    expect(mismatched).to.deep.equal([]);
  });
});
