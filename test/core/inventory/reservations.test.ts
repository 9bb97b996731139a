import { expect } from 'chai';
import { createInventoryStore, created, ledgerVersusLevels, productWithVariant, query, type InventoryStore } from './inventory-helpers.ts';

/** Races need a server that runs sessions side by side: the embedded database serves one at a time, so a race there proves nothing. */
const onPostgres = Boolean(process.env.DATABASE_URL);
const raceTest = onPostgres ? it : it.skip;
const raceTitle = (title: string) => (onPostgres ? `${title} (PostgreSQL)` : `${title} (skipped: the embedded database runs one session at a time, so nothing races; set DATABASE_URL)`);

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

  /** The lowest `on_hand − reserved` a level went through, replaying its movements in the order they were written. */
  async function lowestAvailable(variantId: string): Promise<Map<string, number>> {
    const moves = await query<{ location_id: string; delta_on_hand: number; delta_reserved: number }>(
      c,
      `select location_id, delta_on_hand, delta_reserved from cw_stock_movement where variant_id = ? order by created_at, id`,
      [variantId],
    );
    const running = new Map<string, { onHand: number; reserved: number; lowest: number }>();
    for (const move of moves) {
      const level = running.get(move.location_id) ?? { onHand: 0, reserved: 0, lowest: 0 };
      level.onHand += Number(move.delta_on_hand);
      level.reserved += Number(move.delta_reserved);
      level.lowest = Math.min(level.lowest, level.onHand - level.reserved);
      running.set(move.location_id, level);
    }
    return new Map([...running].map(([location, level]) => [location, level.lowest]));
  }

  raceTest(raceTitle('lets exactly 10 of 100 concurrent one-unit reservations hold 10 available units, never going below zero'), async () => {
    const { variantId } = await productWithVariant(c, 'Contended Kettle');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 10 });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => withService((s) => s.reservationService.reserve(s.em, { reference: `race_${i}`, lines: [{ variantId, quantity: 1 }] }))),
    );
    expect(results.filter((r: any) => r.ok)).to.have.length(10);
    expect(results.filter((r: any) => !r.ok).every((r: any) => r.available === 0)).to.equal(true);
    expect(await level(variantId)).to.include({ onHand: 10, reserved: 10, available: 0 });
    const movements = await query(c, `select reason from cw_stock_movement where variant_id = ?`, [variantId]);
    expect(movements).to.have.length(11); // the stock, then one hold per winner: a refused hold writes nothing
    expect([...(await lowestAvailable(variantId)).values()]).to.deep.equal([0]);
    const mismatched = (await ledgerVersusLevels(c)).filter((l) => Number(l.on_hand) !== Number(l.sum_on_hand) || Number(l.reserved) !== Number(l.sum_reserved));
    expect(mismatched).to.deep.equal([]);
  });

  raceTest(raceTitle('holds across two locations under concurrent holds: never more than the stock, and every hold that fits what is left succeeds'), async () => {
    const annex = await created(c.admin.as, '/admin/inventory/locations', { name: 'Race annex', code: 'race-annex' });
    const { variantId } = await productWithVariant(c, 'Two-site Teapot');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 5 });
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, locationId: annex.id, delta: 5 });
    // 10 units, 5 at each location; 8 two-unit holds race for them, each free to draw on both. A hold
    // that sized itself from a stale read and gave up on a level would leave 1 + 1 unsold
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => withService((s) => s.reservationService.reserve(s.em, { reference: `spread_${i}`, lines: [{ variantId, quantity: 2 }] }))),
    );
    expect(results.filter((r: any) => r.ok)).to.have.length(5);
    const levels = (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items as any[];
    expect(levels.map((l) => [l.reserved, l.available])).to.deep.equal([[5, 0], [5, 0]]);
    const refused = await withService((s) => s.reservationService.reserve(s.em, { reference: 'spread_over', lines: [{ variantId, quantity: 1 }] }));
    expect(refused).to.deep.equal({ ok: false, variantId, requested: 1, available: 0 });
    expect([...(await lowestAvailable(variantId)).values()].every((lowest) => lowest >= 0)).to.equal(true);
    const mismatched = (await ledgerVersusLevels(c)).filter((l) => Number(l.on_hand) !== Number(l.sum_on_hand) || Number(l.reserved) !== Number(l.sum_reserved));
    expect(mismatched).to.deep.equal([]);
  });
});
