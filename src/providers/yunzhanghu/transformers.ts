import { PayoutChannel, type PayoutStatus } from '../../domain/enums';
import type { ReportedAmount } from '../../domain/vendor-amount';
import type { VendorFailure } from '../failures';
import { yuanToFen } from '../../domain/money';
import type { PayoutQueryOutcome } from '../capabilities';
import { orderDetailSchema, type ParsedOrderDetail } from './schemas';
import { detailReason, payoutStatusOf } from './status-map';
import type { StatusDetailCode } from './wire-types';

/** What an order's detail (a query answer or a notification's `data`) says, in our terms. */
export interface OrderReport {
  status: PayoutStatus;
  amount: ReportedAmount;
  vendorRef?: string;
  /** Kept on the status event. */
  detail: Record<string, unknown>;
  /** Merged into the payout's vendor data: the vendor's status words as last reported, and why it failed. */
  vendorData: { status: number; statusDetail: number; statusMessage: string | null; failure?: VendorFailure };
}

/** One reading of an order's detail for the poll and the notification alike. */
export function orderReport(detail: ParsedOrderDetail): OrderReport {
  const reason = detailReason(detail.status_detail as StatusDetailCode);
  const failure = reason
    ? { reason, vendorCode: String(detail.status_detail), message: detail.status_detail_message ?? '' }
    : undefined;
  return {
    status: payoutStatusOf(detail.status, detail.status_detail),
    amount: yuanToFen(detail.pay),
    vendorRef: detail.ref,
    detail: {
      status: detail.status,
      statusDetail: detail.status_detail,
      statusMessage: detail.status_message ?? null,
      statusDetailMessage: detail.status_detail_message ?? null,
      ...(reason ? { reason } : {}),
    },
    vendorData: {
      status: detail.status,
      statusDetail: detail.status_detail,
      statusMessage: detail.status_detail_message ?? detail.status_message ?? null,
      ...(failure ? { failure } : {}),
    },
  };
}

/** Per-payment limits (第一章): bank 0.01-5,000,000 yuan; Alipay 0.01-1,000,000; WeChat 1-200 by default, up to 4,999. */
export const CHANNEL_LIMITS_FEN: Record<PayoutChannel, { min: number; max: number }> = {
  [PayoutChannel.BANK_CARD]: { min: 1, max: 500_000_000 },
  [PayoutChannel.ALIPAY]: { min: 1, max: 100_000_000 },
  [PayoutChannel.WECHAT]: { min: 100, max: 20_000 },
};
export const WECHAT_MAX_CEILING_FEN = 499_900;

const FORBIDDEN_REMARK = /['"&|@%*()\-:#¥]/;

/** pay_remark: at most 20 characters where a Chinese character counts as 2, none of ' " & | @ % * ( ) - : # ¥. */
export function payRemarkProblem(remark: string): string | undefined {
  if (FORBIDDEN_REMARK.test(remark)) return 'pay_remark must not contain \' " & | @ % * ( ) - : # ¥';
  const width = [...remark].reduce((sum, char) => sum + (char.charCodeAt(0) > 0x7f ? 2 : 1), 0);
  if (width > 20) return 'pay_remark is at most 20 characters (a Chinese character counts as 2)';
  return undefined;
}

/** A minimal RFC 4180 CSV reader (quoted fields, doubled quotes), enough for the daily files. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      if (row.some((value) => value !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  row.push(field);
  if (row.some((value) => value !== '')) rows.push(row);
  return rows;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const escape = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return `${rows.map((row) => row.map(escape).join(',')).join('\n')}\n`;
}

/** A query answer's order, in our terms; an answer not shaped as an order cannot be trusted. */
export function payoutOutcomeOf(data: unknown): PayoutQueryOutcome {
  const parsed = orderDetailSchema.safeParse(data);
  if (!parsed.success) return { kind: 'unverifiable', reason: `not an order: ${parsed.error.issues[0]?.message}` };
  const report = orderReport(parsed.data);
  return { kind: 'found', ...report };
}
