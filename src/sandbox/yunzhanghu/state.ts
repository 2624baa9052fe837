import { ERROR_CODES, type OrderStatusCode, type StatusDetailCode } from '../../providers/yunzhanghu/wire-types';

/** The Yunzhanghu sandbox's records: dealers, brokers, orders and bills, and the rules every endpoint shares. */
export type Channel = 'bankCard' | 'alipay' | 'wechat';
export type BalanceKey = 'bankCardFen' | 'alipayFen' | 'wxpayFen';
export const BALANCE_OF: Record<Channel, BalanceKey> = {
  bankCard: 'bankCardFen',
  alipay: 'alipayFen',
  wechat: 'wxpayFen',
};
export const CHANNEL_NAMES: Record<Channel, string> = { bankCard: '银行卡', alipay: '支付宝', wechat: '微信' };

export interface SandboxBroker {
  brokerId: string;
  bankCardFen: number;
  alipayFen: number;
  wxpayFen: number;
}

export interface BillRow {
  billId: string;
  type: '经纪公司打款' | '经纪公司打款服务费' | '经纪公司退汇' | '经纪公司退汇手续费';
  amountFen: number;
  channelRef: string;
  at: number;
}

export interface SandboxPayoutOrder {
  orderId: string;
  ref: string;
  channel: Channel;
  brokerId: string;
  realName: string;
  idCard: string;
  account: string;
  phoneNo?: string;
  anchorId?: string;
  notes?: string;
  payRemark?: string;
  payFen: number;
  feeFen: number;
  status: OrderStatusCode;
  statusDetail: StatusDetailCode;
  createdAt: number;
  finishedAt?: number;
  charged: boolean;
  fingerprint: string;
  bills: BillRow[];
}

export interface SandboxDealer {
  dealerId: string;
  appKey: string;
  des3Key: string;
  notifyUrl?: string;
  brokers: Map<string, SandboxBroker>;
  /** Service fee, parts per 10,000 of the amount (700 = 7%, as in the spec's sample files). */
  feeBasisPoints: number;
  wechatMaxFen: number;
  orders: Map<string, SandboxPayoutOrder>;
  reports: Map<string, string>;
  verifications: Map<string, { factors: string; captcha: string; expiresAt: number }>;
  idCardUploads: number;
}

/** §2.1 5): 4m, 10m, 10m, 1h, 2h, 6h, 15h after the first attempt. */
export const YUNZHANGHU_NOTIFY_DELAYS_MS = [0, 240_000, 600_000, 600_000, 3_600_000, 7_200_000, 21_600_000, 54_000_000];
/** Orders are accepted synchronously and paid asynchronously (注意事项). */
export const PROCESS_DELAY_MS = 200;
export const UNKNOWN_RESOLVES_MS = 60_000;
export const BANK_RETURN_MS = 3_600_000;
export const RED_PACKET_EXPIRES_MS = 24 * 3_600_000;
export const CAPTCHA_TTL_MS = 60_000;
export const TIMESTAMP_WINDOW_MS = 5 * 60_000;
/** The sandbox's SMS: every verification code is this (documented). */
export const SANDBOX_CAPTCHA = '123456';

export class Refusal extends Error {
  constructor(
    readonly code: keyof typeof ERROR_CODES,
    message?: string,
  ) {
    super(message ?? ERROR_CODES[code]);
  }
}

export const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

export function need(p: Record<string, unknown>, field: string, max: number): string {
  const value = p[field];
  if (typeof value !== 'string' || value === '' || value.length > max)
    throw new Refusal('1002', `${field}不能为空或过长`);
  return value;
}

/**
 * What the sandbox takes for a card: 12-19 digits, and not ending 2006 (its magic number for
 * 2006 银行卡号错误). No Luhn: the real service does not require it of Chinese cards either.
 */
export function isPlausibleCard(card: string): boolean {
  return /^\d{12,19}$/.test(card) && !card.endsWith('2006');
}
