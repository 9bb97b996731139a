import { expect } from 'chai';
import fc from 'fast-check';
import { returnedUnitsValue } from '../../../core/src/modules/returns/refund-amounts.ts';

describe('returnedUnitsValue', () => {
  it('spreads a line total over its units so any split of returns gives back exactly the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 }), (total, parts) => {
        const quantity = parts.reduce((a, b) => a + b, 0);
        let before = 0;
        let given = 0;
        for (const k of parts) {
          const value = returnedUnitsValue({ total, quantity }, before, k);
          expect(value).to.be.at.least(0).and.at.most(Math.ceil((total * k) / quantity));
          given += value;
          before += k;
        }
        expect(given).to.equal(total);
      }),
    );
  });

  it('gives 4093 then 8188 for 122.81 over 3 units returned as 1 and 2', () => {
    expect(returnedUnitsValue({ total: 12281, quantity: 3 }, 0, 1)).to.equal(4093);
    expect(returnedUnitsValue({ total: 12281, quantity: 3 }, 1, 2)).to.equal(8188);
  });

  it('refuses more units than the line holds', () => {
    expect(() => returnedUnitsValue({ total: 100, quantity: 2 }, 1, 2)).to.throw(/cannot return/);
  });
});
