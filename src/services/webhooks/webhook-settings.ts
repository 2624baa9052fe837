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
  /** Loopback targets are allowed (outside production, so a developer can receive on localhost). */
  allowLoopback: boolean;
  /** Endpoint URLs must be https (production). */
  requireHttps: boolean;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  retryBaseMs: 30_000,
  retryMaxMs: 3 * 3_600_000,
  retryWindowMs: 3 * 24 * 3_600_000,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  sweepIntervalMs: 5_000,
  concurrency: 64,
  allowLoopback: false,
  requireHttps: true,
};
