import { expect } from 'chai';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from '../../../core/src/modules/notifications/delivery/delivery-backoff.ts';

describe('notifications › retry backoff', () => {
  it('doubles from the base with equal jitter: between half and all of base × 2^(n−1)', () => {
    for (const [attempt, full] of [[1, 60_000], [2, 120_000], [3, 240_000], [6, 1_920_000]] as const) {
      expect(retryDelayMs(attempt, 60, () => 0)).to.equal(full / 2);
      expect(retryDelayMs(attempt, 60, () => 1)).to.equal(full);
    }
  });

  it('never waits longer than six hours', () => {
    expect(retryDelayMs(30, 3600, () => 1)).to.equal(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(30, 3600, () => 0)).to.equal(MAX_RETRY_DELAY_MS / 2);
  });
});
