/**
 * Delay before the next attempt after failed attempt `n` (1-based): 30 s, 2 min, 10 min, 1 h, 3 h,
 * 6 h, 12 h, then daily. Fixed, without jitter, so receivers and admins can tell when the next try
 * comes; with the default 8 attempts the last one is about 22 h 42 min after the first.
 */
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 3_600, 10_800, 21_600, 43_200, 86_400] as const;

export function retryDelayMs(failedAttempt: number): number {
  const index = Math.min(Math.max(failedAttempt, 1), RETRY_DELAYS_SECONDS.length) - 1;
  return RETRY_DELAYS_SECONDS[index]! * 1000;
}
