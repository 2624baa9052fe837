/**
 * The cashier's wire format (cashier-icashier-v1.0.0 §2-3). Every message travels as
 * `req`/`resp` = base64(JSON) plus `sign` = md5(base64 + key). Amounts are integer fen.
 */

/** §3.1.3: the payment submitted to the hosted checkout page. */
export interface CashierPayRequest {
  /** Bank (银联), WeiXin, AliPay, or Arbi (the payer chooses among the merchant's methods). */
  action: CashierAction;
  txnamt: number;
  merid: string;
  /** 8-32 letters and digits, unique per merchant. */
  orderid: string;
  backurl: string;
  fronturl?: string;
  /** Required for bound-card payments. */
  accname?: string;
  accno?: string;
}

export type CashierAction = 'Bank' | 'WeiXin' | 'AliPay' | 'Arbi';
export const CASHIER_ACTIONS: readonly CashierAction[] = ['Bank', 'WeiXin', 'AliPay', 'Arbi'];

/** §3.2.3 / §3.3.3 result codes. */
export type CashierResultCode = '0000' | '1001' | '1002' | '1003' | '1004';
export const CASHIER_RESULT_CODES: readonly CashierResultCode[] = ['0000', '1001', '1002', '1003', '1004'];

/** §3.2.3 front notification and §3.3.3 back notification (the back one adds paytime). */
export interface CashierNotification {
  resultcode: CashierResultCode;
  resultmsg?: string;
  queryid: string;
  /** Integer fen; undefined when missing or unreadable (then never accepted: the amount rule flags it). */
  txnamt: number | undefined;
  merid: string;
  orderid: string;
  /** "yyyy-MM-dd HH:mm:ss", empty for unpaid orders. */
  paytime?: string;
}

/** §3.4.3 query request: queryid wins over orderid when both are sent. */
export interface CashierQueryRequest {
  merid: string;
  queryid?: string;
  orderid?: string;
}

/** §3.4.4 query response. respcode 00 means the query itself succeeded. */
export interface CashierQueryResponse {
  respcode: string;
  respmsg: string;
  resultcode?: CashierResultCode;
  resultmsg?: string;
  queryid?: string;
  txnamt?: number;
  merid?: string;
  orderid?: string;
  paytime?: string;
}

/** A signed envelope as it travels (form fields, query parameters or a JSON body). */
export interface SignedRequest {
  req: string;
  sign: string;
}

export interface SignedResponse {
  resp: string;
  /** Empty on "pre-errors" such as an unknown merchant, where no key can be looked up (§2.2). */
  sign: string;
}
