import type { VendorFailure } from '../failures';
import type { InStoreOrder } from '../in-store';
import { failureReasonOf, paymentStatusOf } from './status-map';
import { ORDER_STATUSES, type OrderStatus, type ShouqianbaEnvelope, type ShouqianbaOrderData } from './wire-types';

export type { VendorFailure };

/** The envelope in our terms: a business answer, or the vendor's own client or server error. */
export type ShouqianbaAnswer =
  | { kind: 'business'; resultCode: string; errorCode?: string; errorMessage?: string; order?: InStoreOrder }
  /** result_code 400: our request was refused; nothing happened. */
  | { kind: 'client_error'; errorCode: string; errorMessage: string }
  /** result_code 500, an HTTP error or an answer we cannot read: what happened is unknown. */
  | { kind: 'server_error'; errorCode: string; errorMessage: string };

const FEN = /^(0|[1-9]\d{0,9})$/;

/** Fen as the spec wants them: a string of at most 10 digits. */
export function fenToWire(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > 9_999_999_999) throw new RangeError(`amount out of range: ${fen}`);
  return String(fen);
}

export function fenFromWire(value: unknown): number | undefined {
  return typeof value === 'string' && FEN.test(value) ? Number(value) : undefined;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Validates biz_response.data; undefined when it is not an order the spec describes. */
export function parseOrder(data: ShouqianbaOrderData | undefined): InStoreOrder | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const totalFen = fenFromWire(data.total_amount);
  const netFen = fenFromWire(data.net_amount);
  if (!ORDER_STATUSES.includes(data.order_status as OrderStatus)) return undefined;
  // Identifiers must fit our columns (sn becomes a vendorRef): an over-long one cannot be an order of ours.
  if (typeof data.sn !== 'string' || typeof data.client_sn !== 'string') return undefined;
  if (!data.sn || data.sn.length > 64 || !data.client_sn || data.client_sn.length > 64) return undefined;
  if (totalFen === undefined || netFen === undefined) return undefined;
  return {
    sn: data.sn,
    clientSn: data.client_sn,
    status: paymentStatusOf(data.order_status as OrderStatus),
    flowStatus: String(data.status ?? ''),
    orderStatus: data.order_status,
    totalFen,
    netFen,
    payway: text(data.payway),
    subPayway: text(data.sub_payway),
    tradeNo: text(data.trade_no),
    finishTime: text(data.finish_time),
    qrCode: text(data.qr_code),
  };
}

/** Reads an HTTP answer of the gateway. Unreadable answers are server errors: never acted on. */
export function parseAnswer(httpStatus: number, body: string): ShouqianbaAnswer {
  let envelope: ShouqianbaEnvelope;
  try {
    envelope = JSON.parse(body) as ShouqianbaEnvelope;
  } catch {
    return { kind: 'server_error', errorCode: `HTTP_${httpStatus}`, errorMessage: 'the answer is not JSON' };
  }
  if (!envelope || typeof envelope !== 'object') {
    return { kind: 'server_error', errorCode: `HTTP_${httpStatus}`, errorMessage: 'the answer is not an object' };
  }
  const errorCode = String(envelope.error_code ?? '');
  const errorMessage = String(envelope.error_message ?? '');
  if (envelope.result_code === '400') return { kind: 'client_error', errorCode, errorMessage };
  if (envelope.result_code !== '200' || !envelope.biz_response) {
    return { kind: 'server_error', errorCode: errorCode || `HTTP_${httpStatus}`, errorMessage };
  }
  const biz = envelope.biz_response;
  const order = biz.data === undefined ? undefined : parseOrder(biz.data);
  if (biz.data !== undefined && !order) {
    return { kind: 'server_error', errorCode: 'UNREADABLE_ORDER', errorMessage: 'biz_response.data is not an order' };
  }
  return {
    kind: 'business',
    resultCode: String(biz.result_code ?? ''),
    errorCode: biz.error_code ? String(biz.error_code) : undefined,
    errorMessage: biz.error_message ? String(biz.error_message) : undefined,
    order,
  };
}

export function failureOf(errorCode: string | undefined, message: string | undefined): VendorFailure {
  const code = errorCode ?? '';
  return { reason: failureReasonOf(code), vendorCode: code, message: message ?? '' };
}

/** Drops undefined fields so optional parameters are omitted rather than sent empty. */
export function compact<T extends object>(request: T): T {
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) as T;
}
