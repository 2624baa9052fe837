import type { PayoutChannel, PayoutStatus } from '../domain/enums';
import type { PayoutsAdapter, VerificationAdapter } from './capabilities';
import type { ResolvedProviderConfig } from './config';
import type { VendorFailure } from './failures';

/**
 * The payout capability as the payout, verification and reconciliation services know it: a
 * gateway that places payout orders, verifies payees, takes reports of payouts made elsewhere,
 * tells balances and hands over a day's records, all in our terms (fen, our channels, Date).
 * The gateway's own wire stays in its folder (today providers/yunzhanghu).
 */

/** What one call came to; each flow gives transport failures their meaning. */
export type GatewayCall<T> =
  | { kind: 'ok'; data: T }
  /** The gateway refused: nothing happened. */
  | { kind: 'refused'; failure: VendorFailure }
  /** Sent, but no readable answer: the gateway may have acted. */
  | { kind: 'unknown'; reason: string }
  /** Nothing was sent. */
  | { kind: 'not_sent'; reason: string };

export interface PayeeDetails {
  realName: string;
  idCard: string;
  /** The card number (BANK_CARD) or the Alipay account (ALIPAY). */
  account?: string;
  phoneNo?: string;
  /** The WeChat openid (WECHAT). */
  openid?: string;
}

export interface PayoutOrder {
  orderNo: string;
  channel: PayoutChannel;
  amountFen: number;
  payee: PayeeDetails;
  remark?: string;
  notes?: string;
}

/** A payout order's answer: accepted (with the gateway's reference), or already placed by an earlier attempt of ours. */
export type OrderPlaced = GatewayCall<{ ref: string }> | { kind: 'already_placed' };

export interface CardHolder {
  cardNo: string;
  idCard: string;
  realName: string;
  mobile: string;
}

/** A payout made outside the gateway, reported to it (for tax). */
export interface PaidElsewhere {
  channel: PayoutChannel;
  orderId: string;
  realName: string;
  idCard: string;
  account: string;
  phoneNo?: string;
  amountFen: number;
  paidAt: Date;
  succeeded: boolean;
  notes?: string;
}

export interface BrokerBalance {
  brokerId: string;
  bankCardFen: number;
  alipayFen: number;
  wechatFen: number;
  rebateFeeFen: number;
  bankCardOpen: boolean;
  alipayOpen: boolean;
  wechatOpen: boolean;
}

/** One day of the gateway's records, in our terms, for reconciliation. */
export interface VendorDayRecord {
  orders: Array<{
    orderNo: string;
    /** Fen; null when the record's amount is unreadable. */
    amountFen: number | null;
    /** Our status for the record's status word; UNKNOWN when the gateway does not know yet or the word is unlisted. */
    status: PayoutStatus | 'UNKNOWN';
    /** The word as the record wrote it, for the report. */
    statusWord: string;
  }>;
  /** Orders the records show returned. */
  returnedOrderNos: Set<string>;
  billRows: number;
}

export interface PayoutGateway extends PayoutsAdapter, VerificationAdapter {
  /** The least and most one payout of `channel` may be, for this platform's configuration. */
  limitsFen(config: ResolvedProviderConfig | undefined, channel: PayoutChannel): { min: number; max: number };
  /** Why the gateway would refuse this remark, or undefined. */
  remarkProblem(remark: string): string | undefined;
  placeOrder(config: ResolvedProviderConfig, order: PayoutOrder): Promise<OrderPlaced>;
  /** Sends the card holder an SMS code; the reference goes with the code to confirm. */
  requestCardCode(config: ResolvedProviderConfig, holder: CardHolder): Promise<GatewayCall<{ ref: string }>>;
  confirmCardCode(
    config: ResolvedProviderConfig,
    holder: CardHolder & { captcha: string; ref: string },
  ): Promise<GatewayCall<unknown>>;
  alipayAuthInfo(config: ResolvedProviderConfig): Promise<GatewayCall<{ info: string }>>;
  uploadIdCard(
    config: ResolvedProviderConfig,
    person: { realName: string; idCard: string },
    front: { bytes: Buffer; contentType: string },
    back: { bytes: Buffer; contentType: string },
  ): Promise<GatewayCall<unknown>>;
  reportPaidElsewhere(config: ResolvedProviderConfig, report: PaidElsewhere): Promise<GatewayCall<{ ref: string }>>;
  balances(config: ResolvedProviderConfig): Promise<GatewayCall<BrokerBalance[]>>;
  dayRecord(config: ResolvedProviderConfig, day: string): Promise<GatewayCall<VendorDayRecord>>;
}
