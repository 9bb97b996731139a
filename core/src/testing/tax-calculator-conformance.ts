import assert from 'node:assert/strict';
import { computeTotals, type TaxAddress, type TaxAmount, type TaxCalculator, type TaxableItem, type TaxedItem, type TaxRequest } from '../modules/totals/index.ts';
import { capabilityTest, globalRunner, isNonEmptyString, type ConformanceRunner } from './conformance-runner.ts';

/** A tax calculator to check, prepared fresh for one run of the kit. */
export interface TaxCalculatorUnderTest {
  calculator: TaxCalculator;
  /** A destination the calculator knows (with rates loaded for it, if it loads any). */
  address: TaxAddress;
  /** The tax classes the kit puts on lines; `null` is the store's default class. Default: `[null]`. */
  taxClasses?: readonly (string | null)[];
  /**
   * What the calculator promises beyond the contract; each claim is checked, the others show as
   * "(not claimed)":
   * - `taxesAtAddress`: it charges some tax at `address` (a positive amount of the default class is taxed);
   * - `itemIndependent`: an item's taxes depend on that item alone, not on the other items or their
   *   order (per-item rounding, as core's calculator does; a calculator that rounds per order total
   *   and spreads the difference does not claim it);
   * - `monotonic`: a larger amount of the same class is never taxed less, rate by rate.
   */
  claims?: { taxesAtAddress?: boolean; itemIndependent?: boolean; monotonic?: boolean };
  /** Exact answers the calculator documents (worked examples from its docs); checked when given. */
  knownAnswers?: readonly { request: TaxRequest; taxes: Readonly<Record<string, readonly TaxAmount[]>> }[];
  /** Runs once after the tests. */
  cleanup?(): Promise<void>;
}

export interface TaxCalculatorConformanceOptions {
  /** Shown in the test titles. */
  name: string;
  /** Called once before the tests. */
  create(): Promise<TaxCalculatorUnderTest>;
  /** Defaults to the global mocha functions (see ConformanceRunner in conformance-runner.ts). */
  runner?: ConformanceRunner;
}

const CLAIMS = ['taxesAtAddress', 'itemIndependent', 'monotonic', 'knownAnswers'] as const;

/** Awkward amounts in minor units: nothing, one unit, just under round numbers, a large order. */
const AMOUNTS = [0, 1, 5, 99, 1999, 5997, 10_000, 123_457, 99_999_999];
/** Currencies with two, no and three decimals. */
const CURRENCIES = ['EUR', 'JPY', 'KWD'];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The carts the kit sends: every awkward amount in every tax class, as lines, plus shipping charges. */
function cartsFor(under: TaxCalculatorUnderTest): TaxRequest[] {
  const classes = under.taxClasses?.length ? under.taxClasses : [null];
  return CURRENCIES.map((currencyCode) => {
    const items: TaxableItem[] = [];
    for (const taxClass of classes) {
      for (const amount of AMOUNTS) items.push({ id: `line_${items.length + 1}`, kind: 'line', taxClass, amount });
    }
    items.push({ id: 'ship_standard', kind: 'shipping', taxClass: null, amount: 495 });
    items.push({ id: 'ship_free', kind: 'shipping', taxClass: null, amount: 0 });
    return deepFreeze({ currencyCode, address: { ...under.address }, items });
  });
}

/** Checks one answer against the contract in tax-calculator.ts and returns it keyed by item id. */
function checkAnswer(calculator: TaxCalculator, request: TaxRequest, answer: unknown, call: string): Map<string, TaxAmount[]> {
  assert.ok(!(answer && typeof (answer as { then?: unknown }).then === 'function'), `${call} must answer synchronously, not with a Promise: load rates before totals are computed`);
  assert.ok(Array.isArray(answer), `${call} must answer an array of TaxedItem`);
  const byId = new Map<string, TaxAmount[]>();
  for (const [index, taxed] of (answer as TaxedItem[]).entries()) {
    const at = `${call}[${index}]`;
    assert.ok(taxed && typeof taxed === 'object', `${at} must be a TaxedItem`);
    assert.ok(!byId.has(taxed.id), `${at}: item ${taxed.id} is answered twice`);
    assert.ok(Array.isArray(taxed.taxes), `${at}.taxes must be an array (empty when no tax applies)`);
    byId.set(taxed.id, taxed.taxes);
  }
  const asked = request.items.map((item) => item.id).sort();
  assert.deepEqual([...byId.keys()].sort(), asked, `${call} must answer exactly one TaxedItem per requested item, with the same ids`);
  for (const item of request.items) {
    const taxes = byId.get(item.id)!;
    const rateIds = new Set<string>();
    for (const [index, tax] of taxes.entries()) {
      const at = `${call}: item ${item.id} (${request.currencyCode} ${item.amount}) taxes[${index}]`;
      assert.ok(isNonEmptyString(tax.rateId), `${at}.rateId must be a non-empty string`);
      assert.ok(!rateIds.has(tax.rateId), `${at}: rate ${tax.rateId} appears twice on one item; give each rate one entry`);
      rateIds.add(tax.rateId);
      assert.ok(isNonEmptyString(tax.name), `${at}.name must be a non-empty name to print`);
      assert.ok(typeof tax.rate === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(tax.rate), `${at}.rate must be a percent as a decimal string ('19', '7.25'); it is ${String(tax.rate)}`);
      assert.ok(Number.isSafeInteger(tax.amount) && tax.amount >= 0, `${at}.amount must be a non-negative integer of minor units; it is ${String(tax.amount)}`);
    }
    const total = taxes.reduce((sum, tax) => sum + tax.amount, 0);
    if (item.amount === 0) assert.equal(total, 0, `${call}: item ${item.id} costs nothing, so it must be taxed nothing; it is taxed ${total}`);
    if (calculator.pricesIncludeTax) {
      assert.ok(total <= item.amount, `${call}: item ${item.id} contains ${total} tax but costs only ${item.amount}: tax included in a price cannot exceed it`);
    }
  }
  return byId;
}

/**
 * Declares the tests every `TaxCalculator` must pass: the contract in `tax-calculator.ts`, checked
 * on carts the kit builds (awkward amounts, zero-amount lines and shipping, currencies with two, no
 * and three decimals), and through `computeTotals`, which must accept every answer and show each
 * line's tax as the sum of its per-rate amounts. What the calculator claims beyond that (see
 * `TaxCalculatorUnderTest.claims`) is checked too; the rest appears as pending tests titled
 * "(not claimed)". See docs/plugins/totals-and-tax.md.
 *
 * @example
 * ```ts
 * import { runTaxCalculatorConformance } from '@cartwright/core/testing';
 *
 * runTaxCalculatorConformance({
 *   name: 'Acme Tax',
 *   async create() {
 *     const calculator = new AcmeTaxCalculator(await loadAcmeRates('./fixtures/rates.json'));
 *     return { calculator, address: { countryCode: 'US', region: 'WA' }, taxClasses: [null, 'food'], claims: { taxesAtAddress: true, monotonic: true } };
 *   },
 * });
 * ```
 */
export function runTaxCalculatorConformance(options: TaxCalculatorConformanceOptions): void {
  const { describe, it, before, after } = options.runner ?? globalRunner();

  describe(`TaxCalculator conformance: ${options.name}`, () => {
    let subject: TaxCalculatorUnderTest | undefined;
    const under = (): TaxCalculatorUnderTest => {
      if (!subject) throw new Error(`the create() of "${options.name}" did not complete`);
      return subject;
    };
    const calculator = () => under().calculator;
    const claims = () => ({
      taxesAtAddress: under().claims?.taxesAtAddress === true,
      itemIndependent: under().claims?.itemIndependent === true,
      monotonic: under().claims?.monotonic === true,
      knownAnswers: (under().knownAnswers?.length ?? 0) > 0,
    });
    const ask = (request: TaxRequest, call = 'calculate()') => checkAnswer(calculator(), request, calculator().calculate(request), call);

    before(async () => {
      subject = await options.create();
    });
    after(async () => {
      await subject?.cleanup?.();
    });

    const whenClaimed = capabilityTest<(typeof CLAIMS)[number]>(it, claims);

    it('says whether the amounts it is given include tax', async () => {
      assert.equal(typeof calculator().pricesIncludeTax, 'boolean', 'pricesIncludeTax must be true or false');
      assert.equal(typeof calculator().calculate, 'function', 'calculate must be a function');
    });

    it('answers one TaxedItem per item, same ids, with non-negative integer amounts (in EUR, JPY and KWD)', async () => {
      for (const request of cartsFor(under())) ask(request, `calculate() in ${request.currencyCode}`);
    });

    it('taxes zero-amount lines and free shipping at nothing, and an empty cart with an empty answer', async () => {
      const zero = deepFreeze<TaxRequest>({
        currencyCode: 'EUR',
        address: { ...under().address },
        items: [
          { id: 'line_free', kind: 'line', taxClass: null, amount: 0 },
          { id: 'ship_free', kind: 'shipping', taxClass: null, amount: 0 },
        ],
      });
      ask(zero, 'calculate() of zero amounts');
      const empty = calculator().calculate(deepFreeze({ currencyCode: 'EUR', address: { ...under().address }, items: [] }));
      assert.deepEqual(empty, [], 'a request with no items must be answered with []');
    });

    it('is deterministic and leaves the request as it was (it is given frozen objects)', async () => {
      for (const request of cartsFor(under())) {
        const first = calculator().calculate(request);
        const again = calculator().calculate(request);
        assert.deepEqual(again, first, `the same ${request.currencyCode} request asked twice must get the same answer`);
      }
    });

    it('gives answers computeTotals accepts, each line’s tax the sum of its per-rate amounts and the order’s the sum of its lines', async () => {
      for (const request of cartsFor(under())) {
        const lines = request.items
          .filter((item) => item.kind === 'line')
          .map((item, i) => ({ id: item.id, variantId: `var_${i}`, quantity: 1, unitPrice: item.amount, taxClass: item.taxClass }));
        const shipping = request.items.filter((item) => item.kind === 'shipping').map((item) => ({ id: item.id, name: item.id, amount: item.amount }));
        const totals = computeTotals(
          { currencyCode: request.currencyCode, lines, shippingAddress: request.address },
          { adjusters: [{ name: 'shipping', adjust: () => ({ shipping }) }], tax: calculator() },
        );
        const perRate = new Map<string, number>();
        for (const part of [...totals.lines, ...totals.shipping]) {
          const sum = part.taxes.reduce((n, tax) => n + tax.amount, 0);
          assert.equal(part.taxTotal, sum, `${request.currencyCode} ${part.id}: its tax ${part.taxTotal} must be the sum of its per-rate amounts (${sum})`);
          for (const tax of part.taxes) perRate.set(tax.rateId, (perRate.get(tax.rateId) ?? 0) + tax.amount);
        }
        const partsTax = [...totals.lines, ...totals.shipping].reduce((n, part) => n + part.taxTotal, 0);
        assert.equal(totals.taxTotal, partsTax, `${request.currencyCode}: the order's tax must be the sum of its lines' and shipping's`);
        for (const tax of totals.taxes) assert.equal(tax.amount, perRate.get(tax.rateId), `${request.currencyCode}: rate ${tax.rateId} must total what its lines carry`);
      }
    });

    whenClaimed('taxesAtAddress', 'charges tax on a positive amount at its address', async () => {
      const request = deepFreeze<TaxRequest>({ currencyCode: 'EUR', address: { ...under().address }, items: [{ id: 'line_1', kind: 'line', taxClass: null, amount: 10_000 }] });
      const taxes = ask(request).get('line_1')!;
      assert.ok(taxes.some((tax) => tax.amount > 0), `a line of 100.00 EUR at ${JSON.stringify(under().address)} was taxed nothing`);
    });

    whenClaimed('itemIndependent', 'taxes each item on its own: alone, with others, or in another order', async () => {
      for (const request of cartsFor(under())) {
        const together = ask(request);
        const reversed = ask(deepFreeze({ ...request, items: [...request.items].reverse() }), 'calculate() of the items reversed');
        for (const item of request.items) {
          const alone = ask(deepFreeze({ ...request, items: [item] }), `calculate() of ${item.id} alone`);
          assert.deepEqual(alone.get(item.id), together.get(item.id), `${request.currencyCode} ${item.id}: taxed alone it must get what it gets with the others`);
          assert.deepEqual(reversed.get(item.id), together.get(item.id), `${request.currencyCode} ${item.id}: the order of the items must not change its taxes`);
        }
      }
    });

    whenClaimed('monotonic', 'never taxes a larger amount of the same class less, rate by rate', async () => {
      for (const request of cartsFor(under())) {
        const taxes = ask(request);
        const lines = request.items.filter((item) => item.kind === 'line');
        for (const taxClass of new Set(lines.map((item) => item.taxClass))) {
          const sorted = lines.filter((item) => item.taxClass === taxClass).sort((a, b) => a.amount - b.amount);
          for (let i = 1; i < sorted.length; i++) {
            const smaller = new Map(taxes.get(sorted[i - 1]!.id)!.map((tax) => [tax.rateId, tax.amount]));
            for (const tax of taxes.get(sorted[i]!.id)!) {
              const before = smaller.get(tax.rateId) ?? 0;
              assert.ok(tax.amount >= before, `${request.currencyCode}: ${sorted[i]!.amount} is taxed ${tax.amount} at ${tax.rateId}, less than ${sorted[i - 1]!.amount} (${before})`);
            }
          }
        }
      }
    });

    whenClaimed('knownAnswers', 'gives the exact answers it documents', async () => {
      for (const [index, known] of (under().knownAnswers ?? []).entries()) {
        const answer = ask(deepFreeze(structuredClone(known.request)), `calculate() of knownAnswers[${index}]`);
        for (const [id, expected] of Object.entries(known.taxes)) {
          assert.deepEqual(answer.get(id), expected, `knownAnswers[${index}]: item ${id}`);
        }
      }
    });
  });
}
