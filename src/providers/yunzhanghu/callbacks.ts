import { EntityKind, Vendor } from '../../domain/enums';
import type { ResolvedProviderConfig } from '../config';
import type { CallbackHandler, CallbackVerification, RawCallback } from '../callbacks';
import { keys } from './credentials';
import { open, timestampMs, type SignedParams } from './crypto';
import { notificationSchema } from './schemas';
import { orderReport } from './transformers';

/**
 * How far a notification's signed timestamp may lie in the past. Yunzhanghu retries a
 * notification 8 times within about 25 hours (2.1 5): 4m, 10m, 10m, 1h, 2h, 6h, 15h), and the
 * spec does not say that a retry is signed afresh, so the window must admit the first
 * attempt's timestamp on the last retry. ADR 0014.
 */
export const NOTIFICATION_MAX_AGE_MS = 26 * 60 * 60 * 1000;
/** How far in the future it may lie: clock skew between the vendor and us. */
export const NOTIFICATION_MAX_SKEW_MS = 10 * 60 * 1000;

/** The signed fields from a form body (or the query string, for a GET). */
function readParams(callback: RawCallback): Partial<SignedParams> {
  const text = callback.body.toString('utf8');
  const form = new URLSearchParams(text.includes('=') ? text : callback.query);
  return {
    data: form.get('data') ?? undefined,
    mess: form.get('mess') ?? undefined,
    timestamp: form.get('timestamp') ?? undefined,
    sign: form.get('sign') ?? undefined,
    sign_type: (form.get('sign_type') ?? undefined) as 'sha256' | undefined,
  };
}

/** Why a signed timestamp is refused, or undefined when it is inside the window. */
export function timestampProblem(timestamp: string, nowMs: number): string | undefined {
  const at = timestampMs(timestamp);
  if (at === undefined) return 'timestamp is not seconds or milliseconds since the epoch';
  if (at < nowMs - NOTIFICATION_MAX_AGE_MS) return 'timestamp is older than the retry schedule';
  if (at > nowMs + NOTIFICATION_MAX_SKEW_MS) return 'timestamp is in the future';
  return undefined;
}

/**
 * 2.1 5) notifications: the signature is checked (constant time) before anything is
 * decrypted, then the timestamp window, then the payload's shape (notificationSchema); the
 * payload is deduped on `notify_id`, the amount checked against ours by the status writer, and the
 * answer is exactly `success` (anything else makes Yunzhanghu retry, on its 4m, 10m, 10m, 1h,
 * 2h, 6h, 15h schedule).
 */
export const yunzhanghuCallbackHandler: CallbackHandler = {
  vendor: Vendor.YUNZHANGHU,
  success: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' },
  failure: { status: 400, contentType: 'text/plain; charset=utf-8', body: 'fail' },
  async verify(callback: RawCallback, config: ResolvedProviderConfig): Promise<CallbackVerification> {
    const params = readParams(callback);
    const opened = open<unknown>(params, keys(config));
    if (!opened.ok) return { ok: false, reason: opened.reason };
    const stale = timestampProblem(String(params.timestamp), Date.now());
    if (stale) return { ok: false, reason: stale };
    const parsed = notificationSchema.safeParse(opened.payload);
    if (!parsed.success) return { ok: false, reason: `not a notification: ${parsed.error.issues[0]?.message}` };
    const { notify_id: notifyId, data } = parsed.data;
    const report = orderReport(data);
    return {
      ok: true,
      dedupeKey: `notify:${notifyId}`,
      notification: {
        entityKind: EntityKind.PAYOUT,
        orderNo: data.order_id,
        status: report.status,
        amount: report.amount,
        vendorRef: report.vendorRef,
        detail: { notifyId, ...report.detail },
        vendorData: report.vendorData,
      },
    };
  },
};
