import type { CashierAction } from '../../providers/cashier/wire-types';
import type { SandboxOrder } from './cashier-sandbox';

const METHOD_NAMES: Record<CashierAction, string> = {
  Bank: '银联 Bank card',
  WeiXin: '微信 WeChat Pay',
  AliPay: '支付宝 Alipay',
  Arbi: '',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}
.card{border:1px solid #ddd;border-radius:12px;padding:1.5rem}.amount{font-size:2rem;font-weight:600;margin:.5rem 0}
label{display:block;margin:.4rem 0}button{font-size:1rem;padding:.6rem 1rem;margin:.3rem .3rem 0 0;border-radius:8px;border:1px solid #888;cursor:pointer}
button.pay{background:#1677ff;color:#fff;border-color:#1677ff}.muted{color:#777;font-size:.85rem}</style></head>
<body><div class="card">${body}</div><p class="muted">paygraph sandbox · 收银台 emulator</p></body></html>`;
}

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
