import type { OrderStatus } from '../../providers/shouqianba/wire-types';

/** The Shouqianba sandbox's records: terminals and orders, and the checks every endpoint shares. */
export interface SandboxTerminal {
  terminalSn: string;
  terminalKey: string;
}

export interface SandboxOrder {
  sn: string;
  clientSn: string;
  terminalSn: string;
  totalFen: number;
  netFen: number;
  payway: string;
  subPayway: '1' | '2';
  orderStatus: OrderStatus;
  flowStatus: string;
  tradeNo: string;
  subject: string;
  operator: string;
  reflect?: string;
  qrCode?: string;
  createdAt: number;
  paidAt?: number;
  finishTime?: number;
  /** What the barcode asked for (see MAGIC_BARCODES); QR orders wait for the scan page. */
  behaviour: BarcodeBehaviour;
  /** refund_request_no → amount; a retry with the same number and amount is answered again. */
  refunds: Map<string, number>;
  timer?: number;
}

/**
 * The sandbox's barcode magic, chosen by the last three digits of `dynamic_id`
 * (documented in src/providers/shouqianba/README.md):
 * 001 INSUFFICIENT_FUND · 002 EXPIRED_BARCODE · 003 PAY_FAIL_ERROR ·
 * 1NN in progress, paid after NN seconds · 2NN in progress, failed after NN seconds ·
 * 998 in progress forever, and the cancel errs (CANCEL_ERROR) · 999 in progress forever ·
 * anything else: paid at once.
 */
export type BarcodeBehaviour =
  | { kind: 'success' }
  | { kind: 'fail'; errorCode: 'INSUFFICIENT_FUND' | 'EXPIRED_BARCODE' }
  | { kind: 'fail_error' }
  | { kind: 'later'; outcome: 'paid' | 'failed'; afterMs: number }
  | { kind: 'forever'; cancelErrs: boolean }
  | { kind: 'qr' };

export function barcodeBehaviour(dynamicId: string): BarcodeBehaviour {
  const tail = dynamicId.slice(-3);
  if (tail === '001') return { kind: 'fail', errorCode: 'INSUFFICIENT_FUND' };
  if (tail === '002') return { kind: 'fail', errorCode: 'EXPIRED_BARCODE' };
  if (tail === '003') return { kind: 'fail_error' };
  if (tail === '998') return { kind: 'forever', cancelErrs: true };
  if (tail === '999') return { kind: 'forever', cancelErrs: false };
  const seconds = Number(tail.slice(1));
  if (tail[0] === '1' && seconds > 0) return { kind: 'later', outcome: 'paid', afterMs: seconds * 1000 };
  if (tail[0] === '2' && seconds > 0) return { kind: 'later', outcome: 'failed', afterMs: seconds * 1000 };
  return { kind: 'success' };
}

/**
 * The payment method from the barcode, by the wallets' published rules: WeChat payment codes
 * are 18 digits starting 10-15, Alipay's 16-24 digits starting 25-30.
 */
export function paywayOfBarcode(dynamicId: string): '1' | '3' | undefined {
  if (/^1[0-5]\d{16}$/.test(dynamicId)) return '3';
  if (/^(2[5-9]|30)\d{14,22}$/.test(dynamicId)) return '1';
  return undefined;
}

/** A CANCEL_ERROR order is settled by the gateway's own back office after this long. */
export const CANCEL_ERROR_RESOLVES_MS = 60_000;
export const FEN = /^[1-9]\d{0,9}$/;
export const WALLET_NAMES: Record<string, string> = { '1': '支付宝 Alipay', '3': '微信 WeChat Pay' };

export class ClientError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export function requireText(body: Record<string, unknown>, field: string, maxLength: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new ClientError('INVALID_PARAMS', `${field}不可以为空`);
  if (value.length > maxLength) throw new ClientError('INVALID_PARAMS', `${field}长度不能超过${maxLength}`);
  return value;
}

export function requireFen(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'string' || !FEN.test(value)) {
    throw new ClientError('INVALID_PARAMS', `${field}金额为整数,长度不超过10位,以分为单位`);
  }
  return Number(value);
}
