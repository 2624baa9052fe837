import { chinaDay } from '../../domain/china-time';
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { ShouqianbaEnvelope, ShouqianbaOrderData } from '../../providers/shouqianba/wire-types';
import { escapeHtml, layout } from '../html';
import {
  CANCEL_ERROR_RESOLVES_MS,
  ClientError,
  WALLET_NAMES,
  barcodeBehaviour,
  paywayOfBarcode,
  requireFen,
  requireText,
  type BarcodeBehaviour,
  type SandboxOrder,
  type SandboxTerminal,
} from './state';
import type { SandboxClock } from '../clock';

/**
 * The gateway's order engine: pay (the barcode decides the outcome), precreate (paid on the
 * scan page), query, cancel (a same-day paid order is reversed) and repeatable partial refunds.
 */
export class GatewayEngine {
  readonly orders = new Map<string, SandboxOrder>();
  private readonly byClientSn = new Map<string, SandboxOrder>();
  private nextSn = 7894259244000000;

  constructor(
    private readonly clock: SandboxClock,
    private readonly mountPath: string,
  ) {}

  pay(body: Record<string, unknown>, terminal: SandboxTerminal): ShouqianbaEnvelope {
    const fields = this.orderFields(body);
    const dynamicId = requireText(body, 'dynamic_id', 32);
    const payway = paywayOfBarcode(dynamicId);
    if (!payway) throw new ClientError('INVALID_BARCODE', '支付条码错误');
    if (body.payway !== undefined && String(body.payway) !== payway)
      throw new ClientError('INVALID_BARCODE', '条码与支付方式不符');
    const conflict = this.conflict(terminal, fields.clientSn);
    if (conflict) return conflict;
    const behaviour = barcodeBehaviour(dynamicId);
    const order = this.newOrder(terminal, fields, payway, '1', behaviour);
    switch (behaviour.kind) {
      case 'success':
        this.markPaid(order);
        return this.answer('PAY_SUCCESS', order);
      case 'fail':
        this.markFailed(order);
        return this.answer(
          'PAY_FAIL',
          order,
          behaviour.errorCode,
          behaviour.errorCode === 'INSUFFICIENT_FUND' ? '账户金额不足' : '过期的支付条码',
        );
      case 'fail_error':
        order.orderStatus = 'PAY_ERROR';
        order.flowStatus = 'FAIL_ERROR';
        order.finishTime = this.clock.now();
        return this.answer('PAY_FAIL_ERROR', order, 'TRADE_FAILED', '支付失败,不确定是否已经成功冲正');
      case 'later':
        order.timer = this.clock.setTimer(behaviour.afterMs, () => this.finish(order, behaviour.outcome));
        return this.answer('PAY_IN_PROGRESS', order);
      case 'forever':
      case 'qr':
        return this.answer('PAY_IN_PROGRESS', order);
    }
  }

  precreate(body: Record<string, unknown>, terminal: SandboxTerminal, req: Request): ShouqianbaEnvelope {
    const fields = this.orderFields(body);
    const payway = requireText(body, 'payway', 2);
    if (payway === '4' || payway === '5') {
      return { result_code: '500', error_code: 'UNEXPECTED_PROVIDER_ERROR', error_message: '不识别的支付通道' };
    }
    if (payway !== '1' && payway !== '3') throw new ClientError('INVALID_PARAMS', 'payway不合法');
    const conflict = this.conflict(terminal, fields.clientSn);
    if (conflict) return conflict;
    const order = this.newOrder(terminal, fields, payway, '2', { kind: 'qr' });
    order.qrCode = `${req.protocol}://${req.get('host')}${this.mountPath}/qr/${order.sn}`;
    return this.answer('PRECREATE_SUCCESS', order);
  }

  query(body: Record<string, unknown>, terminal: SandboxTerminal): ShouqianbaEnvelope {
    const order = this.find(body, terminal);
    if (!order) return this.fail('UPAY_ORDER_NOT_EXISTS', '订单不存在');
    return this.answer('SUCCESS', order);
  }

  cancel(body: Record<string, unknown>, terminal: SandboxTerminal): ShouqianbaEnvelope {
    const order = this.find(body, terminal);
    if (!order) return this.fail('UPAY_ORDER_NOT_EXISTS', '订单不存在');
    switch (order.orderStatus) {
      case 'CREATED': {
        if (order.behaviour.kind === 'forever' && order.behaviour.cancelErrs) {
          order.orderStatus = 'CANCEL_ERROR';
          order.flowStatus = 'CANCEL_ERROR';
          // The gateway's back office finishes the reversal later (四.4 备注).
          this.clock.setTimer(CANCEL_ERROR_RESOLVES_MS, () => this.markCanceled(order));
          return this.answer('CANCEL_ERROR', order, 'TRADE_FAILED', '撤单失败,不确定第三方支付通道状态');
        }
        const aborting = order.subPayway === '1';
        this.markCanceled(order);
        return this.answer(aborting ? 'CANCEL_ABORT_SUCCESS' : 'CANCEL_SUCCESS', order);
      }
      case 'PAID':
        // The real gateway reverses a paid order the same day (full refund); later days refund.
        if (order.netFen === order.totalFen && chinaDay(order.paidAt ?? 0) === chinaDay(this.clock.now())) {
          this.markCanceled(order);
          return this.answer('CANCEL_SUCCESS', order);
        }
        return this.invalidCancelState(order);
      case 'PAY_ERROR':
        this.markCanceled(order);
        return this.answer('CANCEL_SUCCESS', order);
      case 'CANCELED':
      case 'PAY_CANCELED':
        return this.answer('CANCEL_SUCCESS', order);
      case 'REFUNDED':
      case 'PARTIAL_REFUNDED':
      case 'REFUND_ERROR':
      case 'CANCEL_ERROR':
        return this.invalidCancelState(order);
    }
  }

  refund(body: Record<string, unknown>, terminal: SandboxTerminal): ShouqianbaEnvelope {
    const requestNo = requireText(body, 'refund_request_no', 32);
    requireText(body, 'operator', 64);
    const amount = requireFen(body, 'refund_amount');
    if (body.sn === undefined && body.client_sn === undefined)
      throw new ClientError('INVALID_PARAMS', 'sn与client_sn不能同时为空');
    const order = this.find(body, terminal);
    if (!order) return this.fail('UPAY_ORDER_NOT_EXISTS', '订单不存在');
    const earlier = order.refunds.get(requestNo);
    if (earlier !== undefined) {
      // A retry of an uncertain refund: the same number and amount answer the same success.
      if (earlier === amount) return this.answer('REFUND_SUCCESS', order);
      return this.fail('REFUND_REQUEST_CONFLICT', '重复的退款请求');
    }
    if (order.orderStatus !== 'PAID' && order.orderStatus !== 'PARTIAL_REFUNDED') {
      return this.fail('UPAY_REFUND_INVALID_ORDER_STATE', '无法对错误的订单状态执行退款操作');
    }
    if (amount > order.netFen) return this.fail('REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额无效');
    order.refunds.set(requestNo, amount);
    order.netFen -= amount;
    order.orderStatus = order.netFen === 0 ? 'REFUNDED' : 'PARTIAL_REFUNDED';
    order.flowStatus = 'SUCCESS';
    order.finishTime = this.clock.now();
    return this.answer('REFUND_SUCCESS', order);
  }

  orderFields(body: Record<string, unknown>) {
    return {
      clientSn: requireText(body, 'client_sn', 64),
      totalFen: requireFen(body, 'total_amount'),
      subject: requireText(body, 'subject', 64),
      operator: requireText(body, 'operator', 32),
      reflect: body.reflect === undefined ? undefined : String(body.reflect).slice(0, 64),
    };
  }

  conflict(terminal: SandboxTerminal, clientSn: string): ShouqianbaEnvelope | undefined {
    if (!this.byClientSn.has(`${terminal.terminalSn}:${clientSn}`)) return undefined;
    return this.fail('CLIENT_SN_CONFLICT', 'client_sn在系统中已存在');
  }

  newOrder(
    terminal: SandboxTerminal,
    fields: ReturnType<GatewayEngine['orderFields']>,
    payway: string,
    subPayway: '1' | '2',
    behaviour: BarcodeBehaviour,
  ): SandboxOrder {
    const sn = String(this.nextSn++);
    const order: SandboxOrder = {
      sn,
      clientSn: fields.clientSn,
      terminalSn: terminal.terminalSn,
      totalFen: fields.totalFen,
      netFen: fields.totalFen,
      payway,
      subPayway,
      orderStatus: 'CREATED',
      flowStatus: 'IN_PROG',
      tradeNo: `${payway === '3' ? '42' : '20'}${Date.now()}${randomBytes(4).toString('hex')}`,
      subject: fields.subject,
      operator: fields.operator,
      reflect: fields.reflect,
      createdAt: this.clock.now(),
      behaviour,
      refunds: new Map(),
    };
    this.orders.set(sn, order);
    this.byClientSn.set(`${terminal.terminalSn}:${fields.clientSn}`, order);
    return order;
  }

  find(body: Record<string, unknown>, terminal: SandboxTerminal): SandboxOrder | undefined {
    // 4.2: sn first, then client_sn.
    if (body.sn === undefined && body.client_sn === undefined)
      throw new ClientError('INVALID_PARAMS', 'sn与client_sn不能同时为空');
    const bySn = body.sn === undefined ? undefined : this.orders.get(String(body.sn));
    if (bySn) return bySn.terminalSn === terminal.terminalSn ? bySn : undefined;
    return body.client_sn === undefined
      ? undefined
      : this.byClientSn.get(`${terminal.terminalSn}:${String(body.client_sn)}`);
  }

  finish(order: SandboxOrder, outcome: 'paid' | 'failed'): void {
    if (order.orderStatus !== 'CREATED') return;
    if (outcome === 'paid') this.markPaid(order);
    else this.markFailed(order);
  }

  markPaid(order: SandboxOrder): void {
    order.orderStatus = 'PAID';
    order.flowStatus = 'SUCCESS';
    order.paidAt = this.clock.now();
    order.finishTime = order.paidAt;
  }

  markFailed(order: SandboxOrder): void {
    order.orderStatus = 'PAY_CANCELED';
    order.flowStatus = 'FAIL_CANCELED';
    order.finishTime = this.clock.now();
  }

  markCanceled(order: SandboxOrder): void {
    if (order.timer !== undefined) this.clock.clearTimer(order.timer);
    order.orderStatus = 'CANCELED';
    order.flowStatus = 'SUCCESS';
    order.netFen = 0;
    order.finishTime = this.clock.now();
  }

  invalidCancelState(order: SandboxOrder): ShouqianbaEnvelope {
    return this.fail('UPAY_CANCEL_INVALID_ORDER_STATE', `当前的订单状态是${order.orderStatus}`);
  }

  fail(errorCode: string, errorMessage: string): ShouqianbaEnvelope {
    return {
      result_code: '200',
      biz_response: { result_code: 'FAIL', error_code: errorCode, error_message: errorMessage },
    };
  }

  answer(resultCode: string, order: SandboxOrder, errorCode?: string, errorMessage?: string): ShouqianbaEnvelope {
    return {
      result_code: '200',
      biz_response: {
        result_code: resultCode,
        ...(errorCode ? { error_code: errorCode, error_message: errorMessage ?? '' } : {}),
        data: this.data(order),
      },
    };
  }

  data(order: SandboxOrder): ShouqianbaOrderData {
    const data: ShouqianbaOrderData = {
      sn: order.sn,
      client_sn: order.clientSn,
      ctime: String(order.createdAt),
      status: order.flowStatus,
      order_status: order.orderStatus,
      payway: order.payway,
      sub_payway: order.subPayway,
      trade_no: order.tradeNo,
      total_amount: String(order.totalFen),
      net_amount: String(order.netFen),
      terminal_sn: order.terminalSn,
      subject: order.subject,
      operator: order.operator,
    };
    if (order.finishTime !== undefined) {
      data.finish_time = String(order.finishTime);
      data.channel_finish_time = String(order.finishTime - 150);
    }
    if (order.qrCode) data.qr_code = order.qrCode;
    if (order.reflect !== undefined) data.reflect = order.reflect;
    return data;
  }

  qrPage(order: SandboxOrder): string {
    const amount = `¥${Math.floor(order.totalFen / 100)}.${String(order.totalFen % 100).padStart(2, '0')}`;
    const open = order.orderStatus === 'CREATED';
    const base = `${this.mountPath}/qr/${order.sn}`;
    return layout(
      '扫码支付',
      `<h1>${escapeHtml(WALLET_NAMES[order.payway] ?? order.payway)}</h1><p>${escapeHtml(order.subject)}</p>` +
        `<div class="amount">${amount}</div><p id="status">${escapeHtml(order.orderStatus)}</p>` +
        (open
          ? `<form method="post" action="${escapeHtml(base)}/pay"><button class="pay" type="submit">确认付款 Pay</button></form>` +
            `<form method="post" action="${escapeHtml(base)}/decline"><button type="submit">取消 Decline</button></form>`
          : ''),
    );
  }
}
