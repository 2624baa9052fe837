import type { VendorEntityKind } from '../domain/transitions';
import type { ReportedAmount } from '../domain/vendor-amount';
import type { PayoutStatus, TransactionStatus, Vendor } from '../domain/enums';
import type { ResolvedProviderConfig } from './config';

/** A vendor callback exactly as it arrived: nothing parsed before verification. */
export interface RawCallback {
  method: string;
  /** Path after /callbacks/<vendor>/<platformId>, e.g. a per-platform path secret. */
  pathRest: string;
  /** The raw query string without '?'. */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What a verified callback says, already mapped into our unified statuses. */
export interface VerifiedNotification {
  entityKind: VendorEntityKind;
  /** Our order number at the vendor (what we sent), to find the local row. */
  orderNo: string;
  status: TransactionStatus | PayoutStatus;
  /**
   * The amount the vendor reports, checked against ours by the one amount rule
   * (domain/vendor-amount): undefined when it is missing or unreadable, which is never accepted.
   */
  amount: ReportedAmount;
  vendorRef?: string;
  /** The vendor's own codes and messages, kept on the status event. */
  detail: Record<string, unknown>;
  /**
   * What the vendor says about the row itself, merged into its vendor data with the status: its
   * own status words as last reported and, on a failure, why (`failure`).
   */
  vendorData?: Record<string, unknown>;
}

export type CallbackVerification =
  { ok: true; dedupeKey: string; notification: VerifiedNotification } | { ok: false; reason: string };

export interface CallbackReply {
  status: number;
  contentType: string;
  body: string;
}

/**
 * One vendor's callback protocol. `verify` checks the signature over the raw bytes (in
 * constant time, with the vendor's timestamp window if it has one) before it decodes
 * anything, and may re-query the vendor when the vendor's callbacks are unsigned.
 */
export interface CallbackHandler {
  vendor: Vendor;
  verify(callback: RawCallback, config: ResolvedProviderConfig): Promise<CallbackVerification>;
  /** The vendor's exact success acknowledgement (also for duplicates). */
  success: CallbackReply;
  /** What we answer a forged or unreadable callback, so the vendor retries or gives up as it should. */
  failure: CallbackReply;
}

/** Callback handlers by vendor. Vendors register theirs; the callback route looks them up. */
export class CallbackRegistry {
  private readonly handlers = new Map<Vendor, CallbackHandler>();

  register(handler: CallbackHandler): void {
    this.handlers.set(handler.vendor, handler);
  }

  get(vendor: Vendor): CallbackHandler | undefined {
    return this.handlers.get(vendor);
  }
}
