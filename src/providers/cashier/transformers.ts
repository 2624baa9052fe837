import { z } from 'zod';
import { CheckoutAction } from '../../domain/enums';
import { badUserInput } from '../../errors/app-errors';
import type { CheckoutOrder } from '../checkout';
import {
  CASHIER_RESULT_CODES,
  type CashierAction,
  type CashierNotification,
  type CashierPayRequest,
  type CashierQueryResponse,
} from './wire-types';

/** §3.1.3: "由商户生成,必需唯一,长度 8-32 位,由字母和数字组成". */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9]{8,32}$/;

/** Every checkout action into the cashier's own name of it (§3.1.3 `action`). */
const CASHIER_ACTION: Record<CheckoutAction, CashierAction> = {
  [CheckoutAction.BANK]: 'Bank',
  [CheckoutAction.WECHAT]: 'WeiXin',
  [CheckoutAction.ALIPAY]: 'AliPay',
  [CheckoutAction.ARBI]: 'Arbi',
};

export function toPayRequest(order: CheckoutOrder, merchantId: string): CashierPayRequest {
  if (!ORDER_ID_PATTERN.test(order.orderNo)) throw badUserInput('orderid must be 8-32 letters and digits', 'orderNo');
  if (!Number.isSafeInteger(order.amountFen) || order.amountFen <= 0) {
    throw badUserInput('amountFen must be a positive whole number of fen', 'amountFen');
  }
  const action = CASHIER_ACTION[order.action];
  if (!action) throw badUserInput('unknown checkout action', 'checkout.action');
  const request: CashierPayRequest = {
    action,
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

/** Integer fen, as a JSON number or a digit string; anything else is left for the amount rule to flag. */
const txnamt = z.unknown().transform((value) => {
  const fen = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof fen === 'number' && Number.isSafeInteger(fen) ? fen : undefined;
});

/**
 * §3.2.3 / §3.3.3 a notification (and the body of a successful §3.4.4 query answer). The order
 * id must be one we could have sent (the §3.1.3 pattern), the other identifiers must fit our
 * columns, and the result code must be one of the spec's.
 */
const notificationSchema = z.object({
  resultcode: z.enum(
    CASHIER_RESULT_CODES as [CashierNotification['resultcode'], ...CashierNotification['resultcode'][]],
    { error: 'unknown resultcode' },
  ),
  resultmsg: z.string().max(256).optional().catch(undefined),
  queryid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'queryid is not a cashier reference'),
  txnamt,
  merid: z.string().min(1).max(64),
  orderid: z.string().regex(ORDER_ID_PATTERN, 'orderid is not an order number we could have sent'),
  paytime: z
    .string()
    .max(32)
    .optional()
    .transform((value) => (value ? value : undefined)),
});

/** Reads a verified notification; anything not shaped as the spec says is refused, not guessed. */
export function parseNotification(value: unknown): CashierNotification {
  const parsed = notificationSchema.safeParse(value);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'not a notification');
  return parsed.data;
}

export function parseQueryResponse(value: unknown): CashierQueryResponse {
  const head = z.object({ respcode: z.string().max(16), respmsg: z.unknown().optional() }).safeParse(value);
  if (!head.success) throw new Error('query response has no respcode');
  const respmsg = typeof head.data.respmsg === 'string' ? head.data.respmsg.slice(0, 256) : '';
  if (head.data.respcode !== '00') return { respcode: head.data.respcode, respmsg };
  return { respcode: '00', respmsg, ...parseNotification(value) };
}
