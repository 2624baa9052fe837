/** How webhooks are retried and guarded; production values by default, shortened by tests. */
export interface WebhookSettings {
  /** The first retry's wait; each next one doubles, with jitter, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a delivery is retried before its endpoint is disabled (at least 3 days in production). */
  retryWindowMs: number;
  /** How long an attempt in flight keeps other instances off its delivery (then a crash is redelivered). */
  leaseMs: number;
  /** Only a 2xx within this long counts (10 s). */
  timeoutMs: number;
  /** How often overdue deliveries and events not yet fanned out are looked for. */
  sweepIntervalMs: number;
  /** Requests in flight per instance. */
  concurrency: number;
  /** Requests in flight per endpoint and instance: one slow receiver cannot take every slot. */
  endpointConcurrency: number;
  /** Loopback targets are allowed (outside production, so a developer can receive on localhost). */
  allowLoopback: boolean;
  /** Endpoint URLs must be https (production). */
  requireHttps: boolean;
  /** Delivered and failed deliveries (with their attempts) are deleted after this many days. */
  retentionDays: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  retryBaseMs: 30_000,
  retryMaxMs: 3 * 3_600_000,
  retryWindowMs: 3 * 24 * 3_600_000,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  sweepIntervalMs: 5_000,
  concurrency: 64,
  endpointConcurrency: 32,
  allowLoopback: false,
  requireHttps: true,
  retentionDays: 30,
};

/** Margin for recording an attempt after its answer, within its lease. */
const RECORD_MARGIN_MS = 2_000;

/** How long one attempt can take: the request's timeout and the record after it. */
export function attemptSpanMs(settings: WebhookSettings): number {
  return settings.timeoutMs + RECORD_MARGIN_MS;
}

/**
 * How long a lease is taken for: at least a whole attempt, so a lease never runs out while its
 * attempt can still be under way.
 */
export function leaseSpanMs(settings: WebhookSettings): number {
  return Math.max(settings.leaseMs, attemptSpanMs(settings));
}
