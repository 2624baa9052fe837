import { backoffMs } from '../../src/util/backoff';

describe('the one backoff', () => {
  it('doubles from the base, stays within the upper half of each step, and caps', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffMs(attempt, 1_000, 3_600_000, () => 0))).toEqual([
      500, 1_000, 2_000, 4_000,
    ]);
    expect([0, 1, 2, 3].map((attempt) => backoffMs(attempt, 1_000, 3_600_000, () => 1))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
    expect(backoffMs(40, 1_000, 3_600_000, () => 1)).toBe(3_600_000);
    expect(backoffMs(40, 1_000, 3_600_000, () => 0)).toBe(1_800_000);
  });

  it('spreads retries that fail together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffMs(5, 30_000)));
    expect(delays.size).toBeGreaterThan(40);
  });
});
