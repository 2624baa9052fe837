import type { CashierAction } from '../../providers/cashier/wire-types';
import type { SandboxOrder } from './cashier-sandbox';
import { escapeHtml, layout } from '../html';

const METHOD_NAMES: Record<CashierAction, string> = {
  Bank: '银联 Bank card',
  WeiXin: '微信 WeChat Pay',
  AliPay: '支付宝 Alipay',
  Arbi: '',
};

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/** The hosted checkout: choose a method (for Arbi), then pay, fail or abandon. */
export function checkoutPage(input: { order: SandboxOrder; methods: CashierAction[]; actionBase: string }): string {
  const { order, methods, actionBase } = input;
  const yuan = `${Math.floor(order.txnamt / 100)}.${String(order.txnamt % 100).padStart(2, '0')}`;
  const choices = methods
    .map(
      (method, index) =>
        `<label><input type="radio" name="method" value="${method}"${index === 0 ? ' checked' : ''}> ${escapeHtml(METHOD_NAMES[method])}</label>`,
    )
    .join('');
  const button = (decision: string, text: string, cls = '') =>
    `<button type="submit" formaction="${escapeHtml(`${actionBase}/${decision}`)}" class="${cls}" id="${decision}">${escapeHtml(text)}</button>`;
  return layout(
    '收银台',
    `<h1>收银台 Checkout</h1><p>商户 ${escapeHtml(order.merid)} · 订单 ${escapeHtml(order.orderid)}</p>
<div class="amount">¥${yuan}</div>
<form method="post" action="${escapeHtml(`${actionBase}/pay`)}">
<fieldset><legend>支付方式 Payment method</legend>${choices}</fieldset>
${button('pay', '支付 Pay', 'pay')}${button('pay-unsettled', '支付（未结算）Pay, unsettled')}${button('fail', '失败 Fail')}${button('abandon', '放弃 Abandon')}
</form>`,
  );
}
