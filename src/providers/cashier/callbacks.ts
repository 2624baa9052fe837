import { EntityKind, Vendor } from '../../domain/enums';
import { cashierCredentials } from './credentials';
import type { ResolvedProviderConfig } from '../config';
import type { CallbackHandler, CallbackVerification, RawCallback } from '../callbacks';
import { decodePayload, verifyPayload } from './signing';
import { cashierSettlement, cashierStatus } from './status-map';
import { parseNotification } from './transformers';

/** Reads `resp` and `sign` from the query string, a form body or a JSON body: the envelope only. */
export function readEnvelope(callback: RawCallback): { resp: string; sign: string } | undefined {
  const fromQuery = new URLSearchParams(callback.query);
  if (fromQuery.has('resp')) return { resp: fromQuery.get('resp') ?? '', sign: fromQuery.get('sign') ?? '' };
  const text = callback.body.toString('utf8').trim();
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { resp?: unknown; sign?: unknown };
      if (typeof json.resp === 'string')
        return { resp: json.resp, sign: typeof json.sign === 'string' ? json.sign : '' };
    } catch {
      return undefined;
    }
    return undefined;
  }
  const fromForm = new URLSearchParams(text);
  if (fromForm.has('resp')) return { resp: fromForm.get('resp') ?? '', sign: fromForm.get('sign') ?? '' };
  return undefined;
}

/**
 * Back notifications (§3.3, to `backurl`) and front notifications (§3.2, the payer's browser
 * returning to `fronturl`, path suffix `front`). Both are signed the same way. The vendor
 * retries a back notification until it reads exactly `0000`.
 */
export const cashierCallbackHandler: CallbackHandler = {
  vendor: Vendor.CASHIER,
  async verify(callback: RawCallback, config: ResolvedProviderConfig): Promise<CallbackVerification> {
    const envelope = readEnvelope(callback);
    if (!envelope) return { ok: false, reason: 'no resp/sign envelope' };
    // An empty sign is how the cashier reports pre-errors; it is never a valid notification.
    if (!envelope.sign) return { ok: false, reason: 'unsigned (pre-error) message' };
    if (!verifyPayload(envelope.resp, envelope.sign, cashierCredentials(config).signKey))
      return { ok: false, reason: 'bad signature' };
    let notification;
    try {
      notification = parseNotification(decodePayload(envelope.resp));
    } catch (error) {
      return { ok: false, reason: `unreadable notification: ${(error as Error).message}` };
    }
    if (notification.merid !== cashierCredentials(config).merchantId)
      return { ok: false, reason: 'merchant id does not match' };
    const channel = callback.pathRest === 'front' ? 'front' : 'back';
    return {
      ok: true,
      // The cashier has no notification id: one (order, result) pair is one notification,
      // however many times it is redelivered.
      dedupeKey: `${channel}:${notification.orderid}:${notification.queryid}:${notification.resultcode}`,
      notification: {
        entityKind: EntityKind.TRANSACTION,
        orderNo: notification.orderid,
        status: cashierStatus(notification.resultcode),
        amount: notification.txnamt,
        vendorRef: notification.queryid,
        detail: {
          channel,
          resultcode: notification.resultcode,
          resultmsg: notification.resultmsg ?? null,
          settlement: cashierSettlement(notification.resultcode) ?? null,
          paytime: notification.paytime ?? null,
        },
      },
    };
  },
  success: { status: 200, contentType: 'text/plain; charset=utf-8', body: '0000' },
  failure: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'FAIL' },
};
