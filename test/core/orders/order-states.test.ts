import { expect } from 'chai';
import { canTransition, FULFILLMENT_TRANSITIONS, ORDER_TRANSITIONS, PAYMENT_TRANSITIONS } from '../../../core/src/modules/orders/index.ts';

describe('order state machine', () => {
  const machines = { order: ORDER_TRANSITIONS, payment: PAYMENT_TRANSITIONS, fulfillment: FULFILLMENT_TRANSITIONS } as const;

  for (const [kind, machine] of Object.entries(machines) as Array<[keyof typeof machines, Record<string, readonly string[]>]>) {
    it(`allows exactly the listed ${kind} moves (and staying put), refusing every other pair`, () => {
      const statuses = Object.keys(machine);
      for (const from of statuses) {
        for (const to of statuses) {
          const expected = from === to || machine[from]!.includes(to);
          expect(canTransition(kind, from, to), `${kind}: ${from} → ${to}`).to.equal(expected);
        }
      }
      expect(canTransition(kind, statuses[0]!, 'nonsense')).to.equal(false);
    });
  }

  it('has no way out of final statuses and no way back to the start', () => {
    expect(ORDER_TRANSITIONS.cancelled).to.deep.equal([]);
    expect(ORDER_TRANSITIONS.completed).to.deep.equal([]);
    expect(PAYMENT_TRANSITIONS.refunded).to.deep.equal([]);
    expect(PAYMENT_TRANSITIONS.voided).to.deep.equal([]);
    for (const machine of Object.values(machines) as Array<Record<string, readonly string[]>>) {
      const start = Object.keys(machine)[0]!;
      for (const targets of Object.values(machine)) expect(targets).to.not.include(start);
    }
  });
});
