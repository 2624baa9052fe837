import type { TransactionStatus } from '../domain/enums';
import type { ResolvedProviderConfig } from './config';
import type { VendorFailure } from './failures';
import type { PaymentsAdapter } from './capabilities';

/**
 * The in-store payment capability: a cashier scans the payer's code (pay) or the payer scans
 * ours (precreate), then the order is queried until it settles, cancelled when it does not,
 * and refunded later. What the in-store and refund services know of a gateway is this file;
 * the gateway's own wire stays in its folder (today providers/shouqianba).
 */

/** The wallets a payer can scan our code with. */
export type Wallet = 'ALIPAY' | 'WECHAT';

/** An order as the gateway reports it, in our terms: amounts in fen, its status mapped. */
export interface InStoreOrder {
  /** The gateway's order number. */
  sn: string;
  /** Our order number. */
  clientSn: string;
  /** The order's status in our terms. */
  status: TransactionStatus;
  /** The gateway's own words for the order and its latest flow, as reported. */
  orderStatus: string;
  flowStatus: string;
  totalFen: number;
  netFen: number;
  payway: string | null;
  subPayway: string | null;
  tradeNo: string | null;
  finishTime: string | null;
  qrCode: string | null;
}

export interface InStoreOrderRequest {
  clientSn: string;
  amountFen: number;
  subject: string;
  operator: string;
  description?: string;
}

/** What a pay or precreate call came to; the service persists it. */
export type InStoreCreateOutcome =
  /** The gateway took the order and says where it stands. */
  | { kind: 'accepted'; status: TransactionStatus; order?: InStoreOrder; failure?: VendorFailure }
  /** Refused before any flow started: nothing was charged. */
  | { kind: 'refused'; failure: VendorFailure }
  /** An earlier attempt created the order; look it up, never create again. */
  | { kind: 'exists' }
  /** Timeout, lost connection or server error: the gateway may have acted; query it. */
  | { kind: 'unknown'; reason: string }
  /** The gateway could not be reached; nothing was sent. */
  | { kind: 'not_sent'; reason: string };

export type InStoreQueryOutcome =
  | { kind: 'found'; order: InStoreOrder }
  | { kind: 'missing' }
  | { kind: 'refused'; failure: VendorFailure }
  /** No trustworthy answer; `notSent` when the request never left (the gateway was unreachable). */
  | { kind: 'unknown'; reason: string; notSent?: boolean };

export type InStoreCancelOutcome =
  | { kind: 'canceled'; order?: InStoreOrder }
  /** There was nothing to cancel. */
  | { kind: 'missing' }
  /** Anything else, including network errors: a person (or a later query) must settle it. */
  | { kind: 'uncertain'; reason: string; failure?: VendorFailure };

export type InStoreRefundOutcome =
  | { kind: 'refunded'; order?: InStoreOrder }
  | { kind: 'refused'; failure: VendorFailure }
  /** A timeout or a server error: retry with the same request number. */
  | { kind: 'uncertain'; reason: string }
  | { kind: 'not_sent'; reason: string };

export interface InStoreRefundRequest {
  sn: string | null;
  clientSn: string;
  requestNo: string;
  amountFen: number;
  operator: string;
}

export interface InStoreAdapter extends PaymentsAdapter {
  pay(
    config: ResolvedProviderConfig,
    order: InStoreOrderRequest & { dynamicId: string },
  ): Promise<InStoreCreateOutcome>;
  precreate(
    config: ResolvedProviderConfig,
    order: InStoreOrderRequest & { wallet: Wallet },
  ): Promise<InStoreCreateOutcome>;
  query(config: ResolvedProviderConfig, clientSn: string): Promise<InStoreQueryOutcome>;
  cancel(config: ResolvedProviderConfig, clientSn: string): Promise<InStoreCancelOutcome>;
  refund(config: ResolvedProviderConfig, refund: InStoreRefundRequest): Promise<InStoreRefundOutcome>;
}

/** What events and vendor data keep of an order: codes and amounts, nothing about the payer. */
export function orderDetail(order: InStoreOrder): Record<string, unknown> {
  return {
    orderStatus: order.orderStatus,
    flowStatus: order.flowStatus,
    sn: order.sn,
    totalFen: order.totalFen,
    netFen: order.netFen,
    payway: order.payway,
  };
}
