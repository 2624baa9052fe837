/**
 * Colourlife finance platform v1.0 wire types, named as in the spec. Requests are form posts
 * carrying `access_token` (5.2.1); answers are the `code / message / content` envelope (5.2.2).
 * Amounts on the wire are yuan with two decimals.
 */
export interface ColourlifeEnvelope<T = unknown> {
  /** 0 is success; anything else is a failure (see CODES). */
  code: number;
  message: string;
  content: T;
  contentEncrypt?: string;
}

/**
 * Result codes. The spec only fixes 0; these are the ones paygraph and its sandbox define
 * (documented in the provider README), each mapped to a typed failure.
 */
export const CODES = {
  OK: 0,
  TOKEN_INVALID: 1001,
  BAD_CREDENTIALS: 1002,
  INTERFACE_DISABLED: 1003,
  BAD_PARAMS: 2001,
  NOT_FOUND: 3001,
  BAD_STATE: 3002,
  INSUFFICIENT_BALANCE: 3003,
  NOT_ALLOWED: 3004,
  ACCOUNT_FORBIDDEN: 3005,
  DUPLICATE_ORDERNO: 3006,
  PAYTYPE_NOT_SUPPORTED: 3007,
  EXPIRED: 3008,
} as const;

/** 5.3.7 `type`: the payment channel of an account type. */
export const CHANNEL_TYPES = ['fanpiao', 'lfanpiao', 'weixin', 'alipay', 'lhq'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/**
 * Transaction `status` (5.3.5/5.3.6). The spec names the field but lists no values; these are
 * the ones we define and the sandbox implements.
 */
export const TRANSACTION_STATUSES = {
  UNPAID: 0,
  SUCCESS: 1,
  CANCELED: 2,
  FAILED: 3,
  EXPIRED: 4,
} as const;
export type TransactionStatusCode = (typeof TRANSACTION_STATUSES)[keyof typeof TRANSACTION_STATUSES];

/** `transtype` (1.3 交易类型), numbered by us in the order the spec lists them. */
export const TRANSACTION_TYPES = {
  TRANSFER: 1,
  RECHARGE: 2,
  EXCHANGE: 3,
  WITHDRAW: 4,
  CONSUME: 5,
  REVERSAL: 6,
  OTHER: 7,
  /** A WeChat or Alipay payment into the ledger (4.1). */
  THIRD_PARTY: 8,
} as const;
export type TransactionTypeCode = (typeof TRANSACTION_TYPES)[keyof typeof TRANSACTION_TYPES];

/** `utype` of transaction/list: 1 platform, 2 business, 3 person. */
export const USER_TYPES = { PLATFORM: 1, BIZ: 2, CLIENT: 3 } as const;

export interface AccountTypeRecord {
  type: string;
  atid: string;
  pano: string;
  name: string;
  iconurl?: string;
  cano?: string;
}

export interface ClientRecord {
  cno: string;
  mobile: string;
  name: string;
  gender?: string;
  birthday?: string;
  memo?: string;
  creationtime: number;
  modifiedtime: number;
  status: number;
}

export interface BizRecord {
  bno: string;
  tel?: string;
  name: string;
  address?: string;
  website?: string;
  memo?: string;
  creationtime: number;
  modifiedtime: number;
  status: number;
}

export interface AccountRecord {
  cano?: string;
  bano?: string;
  money: string;
  status: number;
  memo?: string;
  cannegative: number;
}

/** 5.4.4 / 5.5.4. */
export interface AccountDetail {
  ano: string;
  money: string;
  status: number;
}

/** 5.3.6 transaction/get. */
export interface TransactionDetail {
  tno: string;
  thirdno?: string;
  orderno: string;
  transtype: number;
  orgmoney: string;
  destmoney: string;
  orgplatform: string;
  destplatform: string;
  orgbiz?: string;
  destbiz?: string;
  orgclient?: string;
  destclient?: string;
  /** Spelled so in the spec (5.3.6). */
  orgcccount?: string;
  destcccount?: string;
  creationtime: number;
  status: number;
  statusmsg: string;
  detail?: string;
}

/** 5.3.5 transaction/list entries. */
export interface TransactionListEntry {
  tno: string;
  orgtype: string;
  orgno: string;
  orgaccount: string;
  desttype: string;
  destno: string;
  destaccount: string;
  money: string;
  modifiedtime: number;
  status: number;
  statusmsg: string;
}

/** The callback we define (the spec gives only a URL): the body is never trusted. */
export interface ColourlifeCallbackBody {
  tno: string;
  orderno?: string;
  status?: number;
}
