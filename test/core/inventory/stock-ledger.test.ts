import { expect } from 'chai';
import fc from 'fast-check';
import { applyStockChange } from '../../../core/src/modules/inventory/index.ts';
import { createInventoryStore, created, ledgerVersusLevels, productWithVariant, query, type InventoryStore } from './inventory-helpers.ts';

type Op =
  | { kind: 'adjust'; delta: number; at: 0 | 1 }
  | { kind: 'set'; onHand: number; at: 0 | 1 }
  | { kind: 'transfer'; quantity: number; from: 0 | 1 }
  | { kind: 'reserve'; quantity: number; at: 0 | 1 }
  | { kind: 'release'; quantity: number; at: 0 | 1 };

const at = fc.constantFrom<0 | 1>(0, 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('adjust' as const), delta: fc.integer({ min: -8, max: 10 }).filter((d) => d !== 0), at }),
  fc.record({ kind: fc.constant('set' as const), onHand: fc.integer({ min: 0, max: 12 }), at }),
  fc.record({ kind: fc.constant('transfer' as const), quantity: fc.integer({ min: 1, max: 6 }), from: at }),
  fc.record({ kind: fc.constant('reserve' as const), quantity: fc.integer({ min: 1, max: 5 }), at }),
  fc.record({ kind: fc.constant('release' as const), quantity: fc.integer({ min: 1, max: 5 }), at }),
);

describe('the stock ledger', () => {
  let c: InventoryStore;
  let locations: [string, string];
  before(async () => {
    c = await createInventoryStore();
    const main = (await c.admin.as.get('/admin/inventory/locations')).body.items[0];
    const annex = await created(c.admin.as, '/admin/inventory/locations', { name: 'Annex', code: 'annex' });
    locations = [main.id, annex.id];
  });
  after(() => c.store.stop());

  it('rebuilds every level exactly by summing its movements, whatever sequence of changes ran', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        run += 1;
        const { variantId, productId, sku } = await productWithVariant(c, `Ledger ${run}`);
        const model = [
          { onHand: 0, reserved: 0 },
          { onHand: 0, reserved: 0 },
        ];
        const fits = (l: { onHand: number; reserved: number }) => l.onHand >= 0 && l.reserved >= 0 && l.reserved <= l.onHand;
        for (const o of ops) {
          if (o.kind === 'adjust') {
            const next = { ...model[o.at]!, onHand: model[o.at]!.onHand + o.delta };
            const r = await c.admin.as.post('/admin/inventory/adjustments', { variantId, locationId: locations[o.at], delta: o.delta });
            expect(r.status, r.text).to.equal(fits(next) ? 201 : 422);
            if (fits(next)) model[o.at] = next;
          } else if (o.kind === 'set') {
            const next = { ...model[o.at]!, onHand: o.onHand };
            const r = await c.admin.as.put('/admin/inventory/levels', { variantId, locationId: locations[o.at], onHand: o.onHand });
            expect(r.status, r.text).to.equal(fits(next) ? 200 : 422);
            if (fits(next)) model[o.at] = next;
          } else if (o.kind === 'transfer') {
            const to = o.from === 0 ? 1 : 0;
            const next = { ...model[o.from]!, onHand: model[o.from]!.onHand - o.quantity };
            const r = await c.admin.as.post('/admin/inventory/transfers', { variantId, fromLocationId: locations[o.from], toLocationId: locations[to], quantity: o.quantity });
            expect(r.status, r.text).to.equal(fits(next) ? 201 : 422);
            if (fits(next)) {
              model[o.from] = next;
              model[to] = { ...model[to]!, onHand: model[to]!.onHand + o.quantity };
            }
          } else {
            const dr = o.kind === 'reserve' ? o.quantity : -o.quantity;
            const next = { ...model[o.at]!, reserved: model[o.at]!.reserved + dr };
            const result = await c.store.commerce.withScope((s) =>
              s.cradle.em.transactional((em) =>
                applyStockChange(em, s.cradle.events, {
                  variant: { id: variantId, sku, productId, vendorId: null },
                  locationId: locations[o.at],
                  deltaOnHand: 0,
                  deltaReserved: dr,
                  reason: o.kind === 'reserve' ? 'reservation' : 'release',
                  actor: { kind: 'system', name: 'test' },
                  reference: `test-${run}`,
                }),
              ),
            );
            expect(result.ok).to.equal(fits(next));
            if (fits(next)) model[o.at] = next;
          }
        }
        const levels = (await c.admin.as.get('/admin/inventory/levels', { query: { variantId } })).body.items as any[];
        for (const [i, id] of locations.entries()) {
          const level = levels.find((l) => l.locationId === id);
          const expected = model[i]!;
          if (!level) expect(expected).to.deep.equal({ onHand: 0, reserved: 0 });
          else expect({ onHand: level.onHand, reserved: level.reserved, available: level.available }).to.deep.equal({ ...expected, available: expected.onHand - expected.reserved });
        }
      }),
      { numRuns: 30 },
    );
    const mismatched = (await ledgerVersusLevels(c)).filter((l) => Number(l.on_hand) !== Number(l.sum_on_hand) || Number(l.reserved) !== Number(l.sum_reserved));
    expect(mismatched).to.deep.equal([]);
    const [movements] = await query<{ n: number }>(c, 'select count(*)::int as n from cw_stock_movement');
    expect(movements!.n).to.be.greaterThan(0);
  });
});
