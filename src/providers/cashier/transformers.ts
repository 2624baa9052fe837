import { badUserInput } from '../../errors/app-errors';
import {
  CASHIER_ACTIONS,
  CASHIER_RESULT_CODES,
  type CashierAction,
  type CashierNotification,
  type CashierPayRequest,
  type CashierQueryResponse,
} from './wire-types';

/** §3.1.3: "由商户生成,必需唯一,长度 8-32 位,由字母和数字组成". */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9]{8,32}$/;

export interface CheckoutOrder {
  orderNo: string;
  amountFen: number;
  action: CashierAction;
  backUrl: string;
  frontUrl?: string;
  payerName?: string;
  payerIdNumber?: string;
}

export function toPayRequest(order: CheckoutOrder, merchantId: string): CashierPayRequest {
  if (!ORDER_ID_PATTERN.test(order.orderNo)) throw badUserInput('orderid must be 8-32 letters and digits', 'orderNo');
  if (!Number.isSafeInteger(order.amountFen) || order.amountFen <= 0) {
    throw badUserInput('amountFen must be a positive whole number of fen', 'amountFen');
  }
  if (!CASHIER_ACTIONS.includes(order.action)) throw badUserInput('unknown checkout action', 'checkout.action');
  const request: CashierPayRequest = {
    action: order.action,
    txnamt: order.amountFen,
    merid: merchantId,
    orderid: order.orderNo,
    backurl: order.backUrl,
  };
  if (order.frontUrl) request.fronturl = order.frontUrl;
  if (order.payerName) request.accname = order.payerName;
  if (order.payerIdNumber) request.accno = order.payerIdNumber;
  return request;
}

function isResultCode(value: unknown): value is CashierNotification['resultcode'] {
  return typeof value === 'string' && (CASHIER_RESULT_CODES as readonly string[]).includes(value);
}

/** Reads a verified notification; anything not shaped as the spec says is refused, not guessed. */
export function parseNotification(value: unknown): CashierNotification {
  const message = value as Record<string, unknown>;
  if (!message || typeof message !== 'object') throw new Error('notification is not an object');
  if (!isResultCode(message.resultcode)) throw new Error(`unknown resultcode ${String(message.resultcode)}`);
  const txnamt = typeof message.txnamt === 'string' ? Number(message.txnamt) : message.txnamt;
  if (typeof txnamt !== 'number' || !Number.isSafeInteger(txnamt)) throw new Error('txnamt is not an integer');
  for (const field of ['queryid', 'merid', 'orderid'] as const) {
    if (typeof message[field] !== 'string' || message[field] === '') throw new Error(`${field} is missing`);
  }
  return {
    resultcode: message.resultcode,
    resultmsg: typeof message.resultmsg === 'string' ? message.resultmsg : undefined,
    queryid: message.queryid as string,
    txnamt,
    merid: message.merid as string,
    orderid: message.orderid as string,
    paytime: typeof message.paytime === 'string' && message.paytime !== '' ? message.paytime : undefined,
  };
}

export function parseQueryResponse(value: unknown): CashierQueryResponse {
  const message = value as Record<string, unknown>;
  if (!message || typeof message !== 'object' || typeof message.respcode !== 'string') {
    throw new Error('query response has no respcode');
  }
  if (message.respcode !== '00') {
    return { respcode: message.respcode, respmsg: String(message.respmsg ?? '') };
  }
  const notification = parseNotification(message);
  return { respcode: '00', respmsg: String(message.respmsg ?? ''), ...notification };
}
