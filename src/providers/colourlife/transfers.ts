import { fenToYuan } from '../../domain/money';
import { z } from 'zod';
import type { TransferOrder, WalletPayment } from '../ledger';
import type { PrepayParams } from './adapter';

/** One side of a transfer as the ledger knows it: its account type (atid) and account number. */
export interface LedgerSide {
  atid: string;
  accountNo: string;
  /** A WeChat or Alipay account: money from outside the ledger (5.3.1 names its payer 0/0). */
  thirdParty: boolean;
}

/**
 * The request as the spec defines it for the mode: 5.3.3 fasttransaction has no remoteip,
 * fixedorgmoney or sub-accounts. A payer from outside the ledger (none, or a WeChat / Alipay
 * account) is orgtype 0 / orgaccountno 0, as 5.3.1 says. The callback is added by the caller:
 * it is derived from the credentials and never stored, so the request can be kept and re-sent.
 */
export function transferRequest(
  mode: 'prepay' | 'fast',
  order: TransferOrder,
  payer: LedgerSide | undefined,
  payee: LedgerSide,
): Omit<PrepayParams, 'callback'> {
  const outside = !payer || payer.thirdParty;
  const common = {
    money: fenToYuan(order.amountFen),
    orderno: order.orderNo,
    content: order.content,
    orgtype: outside ? '0' : payer.atid,
    orgaccountno: outside ? '0' : payer.accountNo,
    desttype: payee.atid,
    destaccountno: payee.accountNo,
    detail: order.detail,
    starttime: order.startsAt ? Math.floor(order.startsAt.getTime() / 1000) : undefined,
    stoptime: order.expiresAt ? Math.floor(order.expiresAt.getTime() / 1000) : undefined,
  };
  if (mode === 'fast') return common;
  return {
    ...common,
    remoteip: order.remoteIp,
    fixedorgmoney: order.fixPayerAmount ? 1 : 0,
    orgsubaccount: subaccountsJson(order.payerSubaccounts),
    destsubaccount: subaccountsJson(order.payeeSubaccounts),
  };
}

/**
 * `{"cash":10.50,"ticket":-5.00}`: 5.3.1's sub-account format, amounts as JSON numbers in yuan.
 * Written as text from the exact yuan string, so no floating point touches the amount.
 */
export function subaccountsJson(changes: Record<string, number> | undefined): string | undefined {
  if (!changes || Object.keys(changes).length === 0) return undefined;
  return `{${Object.entries(changes)
    .map(([name, fen]) => `${JSON.stringify(name)}:${fenToYuan(fen)}`)
    .join(',')}}`;
}

const text = z.union([z.string(), z.number()]).transform(String);
const payinfoSchema = z.discriminatedUnion('paytype', [
  z.looseObject({
    paytype: z.literal('weixin'),
    partnerId: text,
    appId: text,
    prepayId: text,
    noncestr: text,
    timestamp: text,
    packageValue: text,
    sign: text,
  }),
  z.looseObject({ paytype: z.literal('alipay'), orderInfo: text }),
  z.looseObject({ paytype: z.literal('lhq'), merNo: text }),
]);

/**
 * 5.3.1's payinfo, by its paytype: WeChat Pay's SDK parameters, Alipay's order string, or the
 * Shuangqian merchant number. Only the tno (a prepay paid from an account), or a paytype this
 * does not know, is no wallet payment: the app cannot be told how to pay it.
 */
export function walletPaymentOf(payinfo: Record<string, unknown>): WalletPayment | undefined {
  const parsed = payinfoSchema.safeParse(payinfo);
  if (!parsed.success) return undefined;
  const info = parsed.data;
  switch (info.paytype) {
    case 'weixin':
      return {
        wallet: 'WECHAT',
        partnerId: info.partnerId,
        appId: info.appId,
        prepayId: info.prepayId,
        nonceStr: info.noncestr,
        timestamp: info.timestamp,
        packageValue: info.packageValue,
        sign: info.sign,
      };
    case 'alipay':
      return { wallet: 'ALIPAY', orderInfo: info.orderInfo };
    case 'lhq':
      return { wallet: 'SHUANGQIAN', merchantNo: info.merNo };
  }
}
