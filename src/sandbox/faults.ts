/**
 * Fault injection shared by every sandbox, settable over `<sandbox>/_admin/faults` and from
 * tests. Request faults apply to the next requests of the vendor API; callback faults to the
 * next notification attempts.
 */
export type RequestFault =
  /** Hold the request without answering, past any client timeout. */
  | 'timeout'
  /** Answer HTTP 500 without doing anything. */
  | 'http500'
  /** Do the work, then drop the connection: the vendor acted, the client cannot know. */
  | 'unknown'
  /** The vendor's own "down for maintenance" answer, without doing anything. */
  | 'maintenance';

export interface FaultPlan {
  /** Added to every API answer. */
  latencyMs: number;
  /** Consumed one per request, in order. */
  nextRequests: RequestFault[];
  /** When set, nextRequests apply only to requests whose path ends with it (others pass untouched). */
  nextRequestsPath?: string;
  /** The next N notification attempts are not sent (they count as failed attempts). */
  dropCallbacks: number;
  /** The next N notifications are sent twice. */
  duplicateCallbacks: number;
  /** The next notification is held back and sent after the one that follows it. */
  reorderNextCallback: boolean;
}

export function emptyFaultPlan(): FaultPlan {
  return { latencyMs: 0, nextRequests: [], dropCallbacks: 0, duplicateCallbacks: 0, reorderNextCallback: false };
}

const REQUEST_FAULTS: readonly RequestFault[] = ['timeout', 'http500', 'unknown', 'maintenance'];

/** Validates a partial plan from the admin endpoint. */
export function parseFaultPlan(input: unknown, current: FaultPlan): FaultPlan {
  const value = (input ?? {}) as Partial<Record<keyof FaultPlan, unknown>>;
  const next = { ...current, nextRequests: [...current.nextRequests] };
  const count = (field: keyof FaultPlan) => {
    const raw = value[field];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > 600_000)
      throw new Error(`${field} must be a whole number`);
    return raw;
  };
  next.latencyMs = count('latencyMs') ?? next.latencyMs;
  next.dropCallbacks = count('dropCallbacks') ?? next.dropCallbacks;
  next.duplicateCallbacks = count('duplicateCallbacks') ?? next.duplicateCallbacks;
  if (value.reorderNextCallback !== undefined) next.reorderNextCallback = Boolean(value.reorderNextCallback);
  if (value.nextRequestsPath !== undefined) {
    if (value.nextRequestsPath !== null && typeof value.nextRequestsPath !== 'string')
      throw new Error('nextRequestsPath must be a path or null');
    next.nextRequestsPath = value.nextRequestsPath ?? undefined;
  }
  if (value.nextRequests !== undefined) {
    if (
      !Array.isArray(value.nextRequests) ||
      !value.nextRequests.every((f) => REQUEST_FAULTS.includes(f as RequestFault))
    ) {
      throw new Error(`nextRequests must list ${REQUEST_FAULTS.join(', ')}`);
    }
    next.nextRequests = value.nextRequests as RequestFault[];
  }
  return next;
}
