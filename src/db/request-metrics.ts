import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Per-request counters, carried through the request's async context so background work
 * running at the same time (outbox marks, sweeps) is never counted against a request.
 */
export interface RequestMetrics {
  sqlStatements: number;
}

export const requestMetrics = new AsyncLocalStorage<RequestMetrics>();
