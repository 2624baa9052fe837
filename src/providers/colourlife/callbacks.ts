import { createHmac, timingSafeEqual } from 'node:crypto';
import { colourlifeCredentials } from './credentials';
import { EntityKind, Vendor } from '../../domain/enums';
import type { ResolvedProviderConfig } from '../config';
import type { CallbackHandler, CallbackVerification, RawCallback } from '../callbacks';
import type { ColourlifeAdapter } from './adapter';
import { yuanToFen } from '../../domain/money';
import { isKnownStatus, ledgerStatusOf } from './status-map';
import { TRANSACTION_TYPES } from './wire-types';

/**
 * The unguessable last path segment of a platform's callback URL,
 * `/callbacks/colourlife/<platformId>/<secret>`. Derived (HMAC) from the platform's auth
 * password, so it needs no storage and changes when the credentials do.
 */
export function callbackPathSecret(config: ResolvedProviderConfig): string {
  const { authPassword, pno } = colourlifeCredentials(config);
  return createHmac('sha256', authPassword).update(`paygraph-callback:${pno}`).digest('hex').slice(0, 40);
}

/** `tno` from a JSON or form body; nothing else of the body is used. */
function readTno(callback: RawCallback): string | undefined {
  const text = callback.body.toString('utf8').trim();
  let tno: unknown;
  if (text.startsWith('{')) {
    try {
      tno = (JSON.parse(text) as { tno?: unknown }).tno;
    } catch {
      return undefined;
    }
  } else {
    tno = new URLSearchParams(text).get('tno') ?? new URLSearchParams(callback.query).get('tno');
  }
  return typeof tno === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(tno) ? tno : undefined;
}

/**
 * Colourlife callbacks (5.3.1 `callback`). The spec defines no format and no signature, so
 * the body is never trusted: the path secret is checked in constant time, only the `tno` is
 * read, and the transaction is re-queried with transaction/get; what the ledger answers is
 * what gets applied. We answer `success` (the sandbox retries until it reads exactly that).
 */
export function colourlifeCallbackHandler(adapter: ColourlifeAdapter): CallbackHandler {
  return {
    vendor: Vendor.COLOURLIFE,
    success: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' },
    failure: { status: 400, contentType: 'text/plain; charset=utf-8', body: 'fail' },
    async verify(callback: RawCallback, config: ResolvedProviderConfig): Promise<CallbackVerification> {
      const expected = Buffer.from(callbackPathSecret(config));
      const given = Buffer.from(callback.pathRest);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        return { ok: false, reason: 'wrong callback path secret' };
      }
      const tno = readTno(callback);
      if (!tno) return { ok: false, reason: 'no tno' };
      const call = await adapter.get(config, tno);
      if (call.kind !== 'ok') return { ok: false, reason: `transaction/get did not confirm (${call.kind})` };
      const detail = call.content.transaction;
      if (!isKnownStatus(detail.status)) return { ok: false, reason: `unknown status ${String(detail.status)}` };
      const payeeFen = yuanToFen(detail.destmoney);
      return {
        ok: true,
        dedupeKey: `${tno}:${detail.status}`,
        notification: {
          entityKind: EntityKind.TRANSACTION,
          orderNo: detail.orderno,
          status: ledgerStatusOf(detail.status),
          // An exchange's two amounts differ by the rate, and which one is ours depends on the
          // fixed side: ours must be one of them. Otherwise the payee's amount is ours.
          // An unreadable side is left out; with neither side readable the amount is unreadable.
          amount:
            detail.transtype === TRANSACTION_TYPES.EXCHANGE
              ? [yuanToFen(detail.orgmoney), payeeFen].filter((fen): fen is number => fen !== undefined)
              : payeeFen,
          vendorRef: tno,
          detail: { status: detail.status, statusmsg: detail.statusmsg, transtype: detail.transtype },
        },
      };
    },
  };
}
