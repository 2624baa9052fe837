import { EntityKind, Vendor } from '../../domain/enums';
import type { ResolvedProviderConfig } from '../../services/provider-config-service';
import type { CallbackHandler, CallbackVerification, RawCallback } from '../callbacks';
import { keys } from './adapter';
import { open, type SignedParams } from './crypto';
import { detailReason, payoutStatusOf } from './status-map';
import { yuanToFen } from './transformers';
import { ORDER_STATUSES, type Notification, type OrderStatusCode, type StatusDetailCode } from './wire-types';

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

/**
 * 2.1 5) notifications: the signature is checked (constant time) before anything is
 * decrypted, the payload deduped on `notify_id`, the amount checked against ours by the
 * ingress, and the answer is exactly `success` (anything else makes Yunzhanghu retry, on its
 * 4m, 10m, 10m, 1h, 2h, 6h, 15h schedule).
 */
export const yunzhanghuCallbackHandler: CallbackHandler = {
  vendor: Vendor.YUNZHANGHU,
  success: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' },
  failure: { status: 400, contentType: 'text/plain; charset=utf-8', body: 'fail' },
  async verify(callback: RawCallback, config: ResolvedProviderConfig): Promise<CallbackVerification> {
    const opened = open<Notification>(readParams(callback), keys(config));
    if (!opened.ok) return { ok: false, reason: opened.reason };
    const { notify_id: notifyId, data } = opened.payload;
    if (typeof notifyId !== 'string' || !notifyId || !data || typeof data.order_id !== 'string') {
      return { ok: false, reason: 'not a notification' };
    }
    const status = Number(data.status);
    if (!ORDER_STATUSES.includes(status as OrderStatusCode))
      return { ok: false, reason: `unknown status ${data.status}` };
    const detail = Number(data.status_detail);
    const reason = detailReason(detail as StatusDetailCode);
    return {
      ok: true,
      dedupeKey: `notify:${notifyId}`,
      notification: {
        entityKind: EntityKind.PAYOUT,
        orderNo: data.order_id,
        status: payoutStatusOf(status as OrderStatusCode, detail),
        amountFen: yuanToFen(data.pay),
        vendorRef: data.ref,
        detail: {
          notifyId,
          status,
          statusDetail: detail,
          statusMessage: data.status_message ?? null,
          statusDetailMessage: data.status_detail_message ?? null,
          reason: reason ?? null,
        },
        failure: reason ? { reason, vendorCode: String(detail), message: data.status_detail_message ?? '' } : undefined,
      },
    };
  },
};
