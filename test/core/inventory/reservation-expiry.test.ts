import { expect } from 'chai';
import { EXPIRE_RESERVATIONS_JOB, type ExpiryResult, type SettleResult } from '../../../core/src/modules/inventory/index.ts';
import { createInventoryStore, ledgerVersusLevels, productWithVariant, query, type InventoryStore } from './inventory-helpers.ts';

const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

describe('stock reservation expiry', () => {
  let c: InventoryStore;
  before(async () => {
    c = await createInventoryStore();
  });
  after(() => c.store.stop());

  const level = async (variantId: string) => (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items[0];
  const withService = <T>(fn: (s: any) => Promise<T>) => c.store.commerce.withScope((scope) => fn(scope.cradle));
  const reserve = (reference: string, variantId: string, quantity: number, expiresAt?: Date) =>
    withService((s) => s.reservationService.reserve(s.em, { reference, lines: [{ variantId, quantity }], ...(expiresAt ? { expiresAt } : {}) }));
  const expireDue = (now: Date) => withService<ExpiryResult>((s) => s.reservationService.expireDue(s.em, now));
  const deadline = async (reference: string) =>
    (await query<{ expires_at: Date }>(c, 'select expires_at from cw_stock_reservation where reference = ?', [reference])).map((r) => new Date(r.expires_at).getTime())[0];
  const ledgerConsistent = async () =>
    expect((await ledgerVersusLevels(c)).filter((l) => Number(l.on_hand) !== Number(l.sum_on_hand) || Number(l.reserved) !== Number(l.sum_reserved))).to.deep.equal([]);

  it('gives an unnamed deadline of now plus inventory.reservationTtlMinutes, and moves it when reserved again', async () => {
    const { variantId } = await productWithVariant(c, 'Expiry Default');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 5 });
    const before = Date.now();
    await reserve('exp_default', variantId, 1);
    const ttl = c.store.commerce.config.inventory.reservationTtlMinutes * 60_000;
    expect(await deadline('exp_default')).to.be.within(before + ttl - 1000, Date.now() + ttl + 1000);
    const later = minutes(new Date(), 600);
    await reserve('exp_default', variantId, 1, later);
    expect(await deadline('exp_default')).to.equal(later.getTime());
    expect(await level(variantId)).to.include({ reserved: 2 });
  });

  it('releases expired reservations, gives their stock back, and leaves unexpired ones alone', async () => {
    const { variantId } = await productWithVariant(c, 'Expiry Lamp');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 10 });
    const now = new Date('2030-01-01T12:00:00Z');
    await reserve('exp_due', variantId, 3, minutes(now, -1));
    await reserve('exp_edge', variantId, 2, now);
    await reserve('exp_live', variantId, 4, minutes(now, 1));
    expect(await level(variantId)).to.include({ reserved: 9, available: 1 });

    const result = await expireDue(now);
    expect(result.references).to.include.members(['exp_due', 'exp_edge']);
    expect(result.references).not.to.include('exp_live');
    expect(await level(variantId)).to.include({ onHand: 10, reserved: 4, available: 6 });
    expect(await deadline('exp_due')).to.equal(undefined);
    expect(await deadline('exp_edge')).to.equal(undefined);
    expect(await deadline('exp_live')).to.equal(minutes(now, 1).getTime());
    const releases = (await c.admin.as.get('/admin/inventory/movements', { query: { variantId } })).body.items.filter((m: any) => m.reason === 'release');
    expect(releases.map((m: any) => [m.reference, m.deltaReserved, m.note])).to.have.deep.members([
      ['exp_due', -3, 'expired'],
      ['exp_edge', -2, 'expired'],
    ]);
    await ledgerConsistent();
  });

  it('releases once when expired twice, or by two sweeps at the same time', async () => {
    const { variantId } = await productWithVariant(c, 'Expiry Twice');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 6 });
    const now = new Date('2031-01-01T00:00:00Z');
    await reserve('exp_twice', variantId, 2, minutes(now, -5));
    await reserve('exp_race', variantId, 3, minutes(now, -5));
    const [a, b] = await Promise.all([expireDue(now), expireDue(now)]);
    const released = [...a.references, ...b.references].filter((r) => r.startsWith('exp_twice') || r.startsWith('exp_race'));
    expect(released).to.have.members(['exp_twice', 'exp_race']);
    const again = await expireDue(now);
    expect(again.references).not.to.include.oneOf(['exp_twice', 'exp_race']);
    expect(await level(variantId)).to.include({ onHand: 6, reserved: 0 });
    const [moves] = await query<{ n: number }>(c, `select count(*)::int as n from cw_stock_movement where reference in ('exp_twice', 'exp_race') and reason = 'release'`);
    expect(moves!.n).to.equal(2);
    await ledgerConsistent();
  });

  it('does not release a committed reservation, and a commit racing expiry either sells it all or finds nothing held', async () => {
    const { variantId } = await productWithVariant(c, 'Expiry Sold');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 8 });
    const now = new Date('2032-01-01T00:00:00Z');
    await reserve('exp_sold', variantId, 2, minutes(now, -1));
    expect(await withService<SettleResult>((s) => s.reservationService.commit(s.em, 'exp_sold'))).to.deep.equal({ ok: true, units: 2 });
    expect(await deadline('exp_sold')).to.equal(undefined);
    expect((await expireDue(now)).references).not.to.include('exp_sold');
    expect(await level(variantId)).to.include({ onHand: 6, reserved: 0 });

    await reserve('exp_racing', variantId, 3, minutes(now, -1));
    const [committed, swept] = await Promise.all([withService<SettleResult>((s) => s.reservationService.commit(s.em, 'exp_racing')), expireDue(now)]);
    const sold = committed.ok;
    expect(swept.references.includes('exp_racing')).to.equal(!sold);
    expect(await level(variantId)).to.include(sold ? { onHand: 3, reserved: 0 } : { onHand: 6, reserved: 0 });
    await ledgerConsistent();
  });

  it('removes the deadline on release, and extends only a reservation that still holds stock', async () => {
    const { variantId } = await productWithVariant(c, 'Expiry Extended');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 4 });
    const now = new Date('2033-01-01T00:00:00Z');
    await reserve('exp_ext', variantId, 1, minutes(now, 5));
    expect(await withService((s) => s.reservationService.extend(s.em, 'exp_ext', minutes(now, 30)))).to.equal(true);
    expect(await deadline('exp_ext')).to.equal(minutes(now, 30).getTime());
    expect((await expireDue(minutes(now, 10))).references).not.to.include('exp_ext');
    expect(await level(variantId)).to.include({ reserved: 1 });
    expect((await expireDue(minutes(now, 30))).references).to.include('exp_ext');
    expect(await level(variantId)).to.include({ reserved: 0 });
    expect(await withService((s) => s.reservationService.extend(s.em, 'exp_ext', minutes(now, 60)))).to.equal(false);
    expect(await withService((s) => s.reservationService.extend(s.em, 'exp_never', minutes(now, 60)))).to.equal(false);

    await reserve('exp_rel', variantId, 1, minutes(now, 5));
    expect(await withService((s) => s.reservationService.release(s.em, 'exp_rel'))).to.deep.equal({ ok: true, units: 1 });
    expect(await deadline('exp_rel')).to.equal(undefined);
  });

  it('keeps no deadline for a refused reservation', async () => {
    const { variantId } = await productWithVariant(c, 'Expiry Refused');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 1 });
    expect(await reserve('exp_refused', variantId, 2)).to.include({ ok: false });
    expect(await deadline('exp_refused')).to.equal(undefined);
  });

  it('runs expiry every minute as the inventory.expire-reservations job', async () => {
    const job = c.store.commerce.jobs.definitions().find((d) => d.name === EXPIRE_RESERVATIONS_JOB);
    expect(job).to.include({ owner: '@cartwright/core/inventory' });
    expect(job!.options).to.include({ every: '1 minute' });
    const { variantId } = await productWithVariant(c, 'Expiry Job');
    await c.admin.as.post('/admin/inventory/adjustments', { variantId, delta: 2 });
    await reserve('exp_job', variantId, 2, new Date(Date.now() - 60_000));
    await c.store.commerce.withScope(async (scope) => {
      await job!.handler(undefined, { em: scope.cradle.em, cradle: scope.cradle, logger: scope.cradle.logger, jobId: 'test' });
    });
    expect(await level(variantId)).to.include({ reserved: 0, available: 2 });
  });
});
