/** The mocha-style functions a conformance kit declares its tests with (node:test's `describe`, `it`, `before`, `after` fit too). */
export interface ConformanceRunner {
  describe(title: string, body: () => void): unknown;
  it(title: string, test?: () => Promise<void>): unknown;
  before(hook: () => Promise<void>): unknown;
  after(hook: () => Promise<void>): unknown;
}

/** The global `describe`, `it`, `before` and `after` that mocha (and jasmine-style runners) define, or an error saying how to pass others. */
export function globalRunner(): ConformanceRunner {
  const scope = globalThis as Record<string, unknown>;
  const missing = ['describe', 'it', 'before', 'after'].filter((name) => typeof scope[name] !== 'function');
  if (missing.length) {
    throw new Error(
      `the conformance kit declares its tests with global describe/it/before/after (missing: ${missing.join(', ')}): run it under mocha, or pass options.runner (node:test's { describe, it, before, after })`,
    );
  }
  return scope as unknown as ConformanceRunner;
}

export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/** A copy of `value` with its last character changed: a signature that no longer matches. */
export function altered(value: string): string {
  const last = value.at(-1) ?? '';
  const replacement = last === '0' ? '1' : last === 'A' ? 'B' : '0';
  return value.slice(0, -1) + replacement;
}

/**
 * Declares a test of one capability. Capabilities are read from the implementation, which exists
 * only once the kit's `create()` ran, while tests are declared before that: a test of a capability
 * that is not claimed marks itself "(not claimed)" and skips when it runs (mocha's `this.skip()`;
 * under a runner without it, it passes without checking). Each kit's "exactly the methods" test
 * checks that nothing unclaimed is there.
 */
export function capabilityTest<C extends string>(it: ConformanceRunner['it'], claims: () => Readonly<Record<C, boolean>>) {
  return (capability: C, title: string, test: () => Promise<void>) =>
    it(`${capability}: ${title}`, async function (this: { test?: { title: string }; skip?: () => void } | undefined) {
      if (!claims()[capability]) {
        if (this?.test) this.test.title += ' (not claimed)';
        this?.skip?.();
        return;
      }
      await test();
    } as () => Promise<void>);
}
