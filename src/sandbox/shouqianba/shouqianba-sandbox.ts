import { chinaDay } from '../../domain/china-time';
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logging/logger';
import { bodySignatureHolds, readAuthorization } from './sandbox-signing';
import type { OrderStatus, ShouqianbaEnvelope, ShouqianbaOrderData } from '../../providers/shouqianba/wire-types';
import { escapeHtml, layout } from '../html';
import { SandboxBase } from '../sandbox-base';

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
const CANCEL_ERROR_RESOLVES_MS = 60_000;
const FEN = /^[1-9]\d{0,9}$/;
const WALLET_NAMES: Record<string, string> = { '1': '支付宝 Alipay', '3': '微信 WeChat Pay' };

class ClientError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An emulator of the Shouqianba gateway (its upay v2 API): terminals with keys, signature checks over
 * the raw body, barcode payments whose outcome the barcode chooses, QR orders paid on a scan
 * page, query, cancel (including the reversal of a same-day paid order) and repeatable
 * partial refunds, with the real service's conflict answers. State lives in memory.
 */
export class ShouqianbaSandbox extends SandboxBase {
  private readonly terminals = new Map<string, SandboxTerminal>();
  private readonly orders = new Map<string, SandboxOrder>();
  private readonly byClientSn = new Map<string, SandboxOrder>();
  private nextSn = 7894259244000000;

  constructor(
    logger: Logger,
    private readonly mountPath: string,
  ) {
    super(logger);
  }

  registerTerminal(terminalSn: string, terminalKey = randomBytes(16).toString('hex')): SandboxTerminal {
    const terminal = { terminalSn, terminalKey };
    this.terminals.set(terminalSn, terminal);
    return terminal;
  }

  /** Orders of a terminal, optionally of one client_sn (tests count them). */
  ordersOf(terminalSn: string, clientSn?: string): SandboxOrder[] {
    return [...this.orders.values()].filter(
      (order) => order.terminalSn === terminalSn && (clientSn === undefined || order.clientSn === clientSn),
    );
  }

  order(sn: string): SandboxOrder | undefined {
    return this.orders.get(sn);
  }

  /** The payer scans the QR code and pays (or declines) in the wallet app. */
  scan(order: SandboxOrder, decision: 'pay' | 'decline'): boolean {
    if (order.orderStatus !== 'CREATED') return false;
    this.finish(order, decision === 'pay' ? 'paid' : 'failed');
    return true;
  }

  protected override maintenanceReply(res: Response): void {
    res.json({
      result_code: '500',
      error_code: 'MAINTENANCE_INPROGRESS',
      error_message: '服务端正在升级维护,稍候5分钟',
    });
  }

  protected vendorRoutes(router: Router): void {
    const raw = express.raw({ type: () => true, limit: '16kb' });
    // Express paths are case-insensitive, which also covers the spec's `Upay/v2/precreate`.
    router.post(
      '/upay/v2/pay',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.pay(body, terminal)),
    );
    router.post(
      '/upay/v2/precreate',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.precreate(body, terminal, req)),
    );
    router.post(
      '/upay/v2/query',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.query(body, terminal)),
    );
    router.post(
      '/upay/v2/cancel',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.cancel(body, terminal)),
    );
    router.post(
      '/upay/v2/refund',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.refund(body, terminal)),
    );
    router.get('/qr/:sn', (req, res) => {
      const order = this.orders.get(String(req.params.sn));
      if (!order) return void res.status(404).type('html').send(layout('二维码无效', '<h1>二维码无效</h1>'));
      res.type('html').send(this.qrPage(order));
    });
    router.post('/qr/:sn/:decision', (req, res) => {
      const order = this.orders.get(String(req.params.sn));
      const decision = String(req.params.decision);
      if (!order || (decision !== 'pay' && decision !== 'decline'))
        return void res.status(404).json({ error: 'no such order' });
      const changed = this.scan(order, decision);
      res
        .status(changed ? 200 : 409)
        .type('html')
        .send(this.qrPage(order));
    });
    router.post('/_admin/terminals', this.adminJson, (req, res) => {
      const body = (req.body ?? {}) as { terminalSn?: unknown; terminalKey?: unknown };
      if (typeof body.terminalSn !== 'string' || !/^[A-Za-z0-9-]{1,32}$/.test(body.terminalSn)) {
        return void res.status(400).json({ error: 'terminalSn must be 1-32 letters, digits or -' });
      }
      res.json(
        this.registerTerminal(body.terminalSn, typeof body.terminalKey === 'string' ? body.terminalKey : undefined),
      );
    });
    router.get('/_admin/orders', (req, res) => {
      const terminalSn = String(req.query.terminal_sn ?? '');
      const clientSn = req.query.client_sn === undefined ? undefined : String(req.query.client_sn);
      res.json(this.ordersOf(terminalSn, clientSn).map((order) => this.data(order)));
    });
  }

  /** Faults, then the terminal and signature checks over the raw bytes, then the operation. */
  private async api(
    req: Request,
    res: Response,
    operation: (body: Record<string, unknown>, terminal: SandboxTerminal) => ShouqianbaEnvelope,
  ): Promise<void> {
    await this.withFaults(req, res, async () => {
      const envelope = this.checked(req, operation);
      return (r: Response) => r.json(envelope);
    });
  }

  private checked(
    req: Request,
    operation: (body: Record<string, unknown>, terminal: SandboxTerminal) => ShouqianbaEnvelope,
  ): ShouqianbaEnvelope {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const auth = readAuthorization(req.get('authorization'));
      const terminal = auth ? this.terminals.get(auth.terminalSn) : undefined;
      if (!auth || !terminal) throw new ClientError('INVALID_TERMINAL', '终端错误');
      if (!bodySignatureHolds(raw, auth.sign, terminal.terminalKey)) throw new ClientError('ILLEGAL_SIGN', '签名错误');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new ClientError('INVALID_PARAMS', '请求主体不是JSON');
      }
      if (!body || typeof body !== 'object') throw new ClientError('INVALID_PARAMS', '请求主体不是JSON对象');
      if (body.terminal_sn !== terminal.terminalSn)
        throw new ClientError('INVALID_TERMINAL', 'terminal_sn与签名人不一致');
      return operation(body, terminal);
    } catch (error) {
      if (error instanceof ClientError) {
        return { result_code: '400', error_code: error.errorCode, error_message: error.message };
      }
      this.logger.error({ err: error }, 'shouqianba sandbox failed');
      return { result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR', error_message: '未知的系统错误' };
    }
  }

  private pay(body: Record<string, unknown>, terminal: SandboxTerminal): ShouqianbaEnvelope {
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

  private precreate(body: Record<string, unknown>, terminal: SandboxTerminal, req: Request): ShouqianbaEnvelope {
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

  private query(body: Record<string, unknown>, terminal: SandboxTerminal): ShouqianbaEnvelope {
    const order = this.find(body, terminal);
    if (!order) return this.fail('UPAY_ORDER_NOT_EXISTS', '订单不存在');
    return this.answer('SUCCESS', order);
  }

  private cancel(body: Record<string, unknown>, terminal: SandboxTerminal): ShouqianbaEnvelope {
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

  private refund(body: Record<string, unknown>, terminal: SandboxTerminal): ShouqianbaEnvelope {
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

  private orderFields(body: Record<string, unknown>) {
    return {
      clientSn: requireText(body, 'client_sn', 64),
      totalFen: requireFen(body, 'total_amount'),
      subject: requireText(body, 'subject', 64),
      operator: requireText(body, 'operator', 32),
      reflect: body.reflect === undefined ? undefined : String(body.reflect).slice(0, 64),
    };
  }

  private conflict(terminal: SandboxTerminal, clientSn: string): ShouqianbaEnvelope | undefined {
    if (!this.byClientSn.has(`${terminal.terminalSn}:${clientSn}`)) return undefined;
    return this.fail('CLIENT_SN_CONFLICT', 'client_sn在系统中已存在');
  }

  private newOrder(
    terminal: SandboxTerminal,
    fields: ReturnType<ShouqianbaSandbox['orderFields']>,
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

  private find(body: Record<string, unknown>, terminal: SandboxTerminal): SandboxOrder | undefined {
    // 4.2: sn first, then client_sn.
    if (body.sn === undefined && body.client_sn === undefined)
      throw new ClientError('INVALID_PARAMS', 'sn与client_sn不能同时为空');
    const bySn = body.sn === undefined ? undefined : this.orders.get(String(body.sn));
    if (bySn) return bySn.terminalSn === terminal.terminalSn ? bySn : undefined;
    return body.client_sn === undefined
      ? undefined
      : this.byClientSn.get(`${terminal.terminalSn}:${String(body.client_sn)}`);
  }

  private finish(order: SandboxOrder, outcome: 'paid' | 'failed'): void {
    if (order.orderStatus !== 'CREATED') return;
    if (outcome === 'paid') this.markPaid(order);
    else this.markFailed(order);
  }

  private markPaid(order: SandboxOrder): void {
    order.orderStatus = 'PAID';
    order.flowStatus = 'SUCCESS';
    order.paidAt = this.clock.now();
    order.finishTime = order.paidAt;
  }

  private markFailed(order: SandboxOrder): void {
    order.orderStatus = 'PAY_CANCELED';
    order.flowStatus = 'FAIL_CANCELED';
    order.finishTime = this.clock.now();
  }

  private markCanceled(order: SandboxOrder): void {
    if (order.timer !== undefined) this.clock.clearTimer(order.timer);
    order.orderStatus = 'CANCELED';
    order.flowStatus = 'SUCCESS';
    order.netFen = 0;
    order.finishTime = this.clock.now();
  }

  private invalidCancelState(order: SandboxOrder): ShouqianbaEnvelope {
    return this.fail('UPAY_CANCEL_INVALID_ORDER_STATE', `当前的订单状态是${order.orderStatus}`);
  }

  private fail(errorCode: string, errorMessage: string): ShouqianbaEnvelope {
    return {
      result_code: '200',
      biz_response: { result_code: 'FAIL', error_code: errorCode, error_message: errorMessage },
    };
  }

  private answer(
    resultCode: string,
    order: SandboxOrder,
    errorCode?: string,
    errorMessage?: string,
  ): ShouqianbaEnvelope {
    return {
      result_code: '200',
      biz_response: {
        result_code: resultCode,
        ...(errorCode ? { error_code: errorCode, error_message: errorMessage ?? '' } : {}),
        data: this.data(order),
      },
    };
  }

  private data(order: SandboxOrder): ShouqianbaOrderData {
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

  private qrPage(order: SandboxOrder): string {
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

function requireText(body: Record<string, unknown>, field: string, maxLength: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new ClientError('INVALID_PARAMS', `${field}不可以为空`);
  if (value.length > maxLength) throw new ClientError('INVALID_PARAMS', `${field}长度不能超过${maxLength}`);
  return value;
}

function requireFen(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'string' || !FEN.test(value)) {
    throw new ClientError('INVALID_PARAMS', `${field}金额为整数,长度不超过10位,以分为单位`);
  }
  return Number(value);
}
