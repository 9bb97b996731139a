/**
 * Re-checks an assertion until it passes, for outcomes that happen in the background (a job run,
 * a delivery). The deadline is generous: it bounds a hung test, it does not measure speed.
 */
export async function eventually<T>(check: () => Promise<T> | T, { timeout = 15_000, interval = 25 } = {}): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
