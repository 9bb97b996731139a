/** The longest wait between two attempts of one message. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * How long to wait after the `attempt`-th failed attempt: `base × 2^(attempt−1)`, capped at six
 * hours, with equal jitter (half fixed, half random) so messages that failed together do not all
 * come back at once. `random` is injectable for tests.
 */
export function retryDelayMs(attempt: number, baseSeconds: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_RETRY_DELAY_MS, baseSeconds * 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
