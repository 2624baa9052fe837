/**
 * The one retry delay of the project: exponential from `baseMs`, capped at `maxMs`, with
 * jitter, so the retries of many rows that failed together (a vendor outage) do not come back
 * together. The delay is drawn from the upper half of the exponential step: never less than
 * half of it, so a retry schedule still spreads over the time it promises.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs = 3_600_000,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(step / 2 + random() * (step / 2));
}

/** How often a job whose handler throws is run again before it is given up (logged at error level). */
export const JOB_FAILURE_RETRIES = 10;
/** The first wait after a job threw. */
export const JOB_FAILURE_BASE_MS = 30_000;
