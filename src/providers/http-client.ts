import type { Vendor } from '../domain/enums';
import { requestMetrics } from '../db/request-metrics';
import type { Logger } from '../logging/logger';

/**
 * The one HTTP layer every adapter uses. It decides what a failure means for money:
 * - the vendor answered (any status): a response, for the adapter to interpret;
 * - the connection was refused before anything was sent: VendorUnavailableError, safe to retry;
 * - a timeout or a connection lost after sending: UnknownOutcomeError. The vendor may have
 *   acted; the caller must not treat it as a failure, only query the vendor later.
 * Logs carry the vendor, method, path, status and duration: never bodies or query strings,
 * which hold signed payloads and personal data.
 */
export class UnknownOutcomeError extends Error {
  constructor(
    readonly vendor: Vendor,
    readonly reason: 'timeout' | 'connection_lost',
  ) {
    super(`${vendor} did not answer (${reason}); the outcome is unknown`);
    this.name = 'UnknownOutcomeError';
  }
}

export class VendorUnavailableError extends Error {
  constructor(
    readonly vendor: Vendor,
    readonly code: string,
  ) {
    super(`${vendor} is unreachable (${code}); nothing was sent`);
    this.name = 'VendorUnavailableError';
  }
}

export interface VendorRequest {
  vendor: Vendor;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | URLSearchParams;
  /** Per call; the default comes from the client (30 s). */
  timeoutMs?: number;
}

export interface VendorResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  text(): string;
}

/** Connection errors that happen before a request can have reached the vendor. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_INVALID_URL',
]);

/** What the metrics are told of each call (see Metrics.vendorCalls). */
export type VendorCallOutcome = 'ok' | 'refused' | 'unknown_outcome' | 'not_sent';

export class VendorHttpClient {
  /** Set by the runtime: every call's vendor, path, outcome and seconds. */
  observe?: (vendor: string, operation: string, outcome: VendorCallOutcome, seconds: number) => void;

  constructor(
    private readonly logger: Logger,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  async send(request: VendorRequest): Promise<VendorResponse> {
    const started = Date.now();
    const path = safePath(request.url);
    const timeoutMs = request.timeoutMs ?? this.defaultTimeoutMs;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body as RequestInit['body'],
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      const body = Buffer.from(await response.arrayBuffer());
      countVendorTime(started);
      this.logger.info(
        { vendor: request.vendor, method: request.method, path, status: response.status, ms: Date.now() - started },
        'vendor call',
      );
      const outcome = response.status >= 500 ? 'unknown_outcome' : response.status >= 400 ? 'refused' : 'ok';
      this.observe?.(request.vendor, path, outcome, (Date.now() - started) / 1000);
      return { status: response.status, headers: response.headers, body, text: () => body.toString('utf8') };
    } catch (error) {
      countVendorTime(started);
      const failure = classify(request.vendor, error);
      this.observe?.(
        request.vendor,
        path,
        failure instanceof VendorUnavailableError ? 'not_sent' : 'unknown_outcome',
        (Date.now() - started) / 1000,
      );
      this.logger.warn(
        { vendor: request.vendor, method: request.method, path, ms: Date.now() - started, failure: failure.message },
        'vendor call failed',
      );
      throw failure;
    }
  }
}

/** The vendor's share of the current request's time (see request-metrics). */
function countVendorTime(started: number): void {
  const metrics = requestMetrics.getStore();
  if (metrics) metrics.vendorMs += Date.now() - started;
}

function classify(vendor: Vendor, error: unknown): Error {
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new UnknownOutcomeError(vendor, 'timeout');
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code ?? 'UNKNOWN';
  if (NOT_SENT_CODES.has(code)) return new VendorUnavailableError(vendor, code);
  return new UnknownOutcomeError(vendor, 'connection_lost');
}

function safePath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'invalid-url';
  }
}
