import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Per-request counters, carried through the request's async context so background work
 * running at the same time (outbox marks, sweeps) is never counted against a request.
 */
export interface RequestMetrics {
  sqlStatements: number;
  /** Database transactions begun. */
  transactions: number;
  /** Milliseconds spent waiting for vendors (their time, not ours). */
  vendorMs: number;
}

export function newRequestMetrics(): RequestMetrics {
  return { sqlStatements: 0, transactions: 0, vendorMs: 0 };
}

export const requestMetrics = new AsyncLocalStorage<RequestMetrics>();
