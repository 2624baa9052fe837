import { chinaDateTime, chinaDay } from '../../domain/china-time';
import { createHmac, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logging/logger';
import { encryptForClient, openFromClient, requestTimeMs, sealForClient, type Envelope } from './sandbox-crypto';
import { idCardChecksumValid, maskAccount, maskCard, maskName, toCsv } from '../../providers/yunzhanghu/transformers';
import { fenToYuan, yuanToFen } from '../../domain/money';
import {
  BILL_FILE_COLUMNS,
  ERROR_CODES,
  ORDER_FILE_COLUMNS,
  STATUS_DETAIL_MESSAGES,
  STATUS_MESSAGES,
  type OrderDetail,
  type OrderStatusCode,
  type StatusDetailCode,
} from '../../providers/yunzhanghu/wire-types';
import { SandboxBase } from '../sandbox-base';

type Channel = 'bankCard' | 'alipay' | 'wechat';
type BalanceKey = 'bankCardFen' | 'alipayFen' | 'wxpayFen';
const BALANCE_OF: Record<Channel, BalanceKey> = { bankCard: 'bankCardFen', alipay: 'alipayFen', wechat: 'wxpayFen' };
const CHANNEL_NAMES: Record<Channel, string> = { bankCard: '银行卡', alipay: '支付宝', wechat: '微信' };

export interface SandboxBroker {
  brokerId: string;
  bankCardFen: number;
  alipayFen: number;
  wxpayFen: number;
}

export interface BillRow {
  billId: string;
  type: '经纪公司打款' | '经纪公司打款服务费' | '经纪公司退汇' | '经纪公司退汇手续费';
  amountFen: number;
  channelRef: string;
  at: number;
}

export interface SandboxPayoutOrder {
  orderId: string;
  ref: string;
  channel: Channel;
  brokerId: string;
  realName: string;
  idCard: string;
  account: string;
  phoneNo?: string;
  anchorId?: string;
  notes?: string;
  payRemark?: string;
  payFen: number;
  feeFen: number;
  status: OrderStatusCode;
  statusDetail: StatusDetailCode;
  createdAt: number;
  finishedAt?: number;
  charged: boolean;
  fingerprint: string;
  bills: BillRow[];
}

export interface SandboxDealer {
  dealerId: string;
  appKey: string;
  des3Key: string;
  notifyUrl?: string;
  brokers: Map<string, SandboxBroker>;
  /** Service fee, parts per 10,000 of the amount (700 = 7%, as in the spec's sample files). */
  feeBasisPoints: number;
  wechatMaxFen: number;
  orders: Map<string, SandboxPayoutOrder>;
  reports: Map<string, string>;
  verifications: Map<string, { factors: string; captcha: string; expiresAt: number }>;
  idCardUploads: number;
}

/** §2.1 5): 4m, 10m, 10m, 1h, 2h, 6h, 15h after the first attempt. */
export const YUNZHANGHU_NOTIFY_DELAYS_MS = [0, 240_000, 600_000, 600_000, 3_600_000, 7_200_000, 21_600_000, 54_000_000];
/** Orders are accepted synchronously and paid asynchronously (注意事项). */
export const PROCESS_DELAY_MS = 200;
const UNKNOWN_RESOLVES_MS = 60_000;
const BANK_RETURN_MS = 3_600_000;
const RED_PACKET_EXPIRES_MS = 24 * 3_600_000;
const CAPTCHA_TTL_MS = 60_000;
const TIMESTAMP_WINDOW_MS = 5 * 60_000;
/** The sandbox's SMS: every verification code is this (documented). */
export const SANDBOX_CAPTCHA = '123456';

class Refusal extends Error {
  constructor(
    readonly code: keyof typeof ERROR_CODES,
    message?: string,
  ) {
    super(message ?? ERROR_CODES[code]);
  }
}

const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

/**
 * An emulator of Yunzhanghu realtime settlement that any client can use, official SDKs
 * included: dealers with brokers and per-channel balances, signed and encrypted requests
 * checked as the real service does (1001/1003/1004/1005), orders that move through the spec's
 * states asynchronously (hold while the balance is short, WeChat red packets awaiting claim and
 * returned after 24 h, bank returns), notifications on the spec's retry schedule, daily order
 * and bill files generated from its own orders, and verification endpoints with documented
 * magic inputs. Both endpoint-name sets and timestamps in seconds or milliseconds are accepted.
 */
export class YunzhanghuSandbox extends SandboxBase {
  private readonly dealers = new Map<string, SandboxDealer>();
  private readonly fileSecret = randomBytes(16).toString('hex');

  constructor(
    logger: Logger,
    private readonly mountPath: string,
  ) {
    super(logger);
  }

  registerDealer(input: {
    dealerId: string;
    brokerId?: string;
    appKey?: string;
    des3Key?: string;
    notifyUrl?: string;
    balancesFen?: Partial<Record<Channel, number>>;
    wechatMaxFen?: number;
  }): SandboxDealer {
    const dealer: SandboxDealer = this.dealers.get(input.dealerId) ?? {
      dealerId: input.dealerId,
      appKey: input.appKey ?? randomBytes(16).toString('hex'),
      des3Key: input.des3Key ?? randomBytes(12).toString('hex'),
      brokers: new Map(),
      feeBasisPoints: 700,
      wechatMaxFen: 20_000,
      orders: new Map(),
      reports: new Map(),
      verifications: new Map(),
      idCardUploads: 0,
    };
    if (input.appKey) dealer.appKey = input.appKey;
    if (input.des3Key) dealer.des3Key = input.des3Key;
    if (input.notifyUrl) dealer.notifyUrl = input.notifyUrl;
    if (input.wechatMaxFen) dealer.wechatMaxFen = input.wechatMaxFen;
    const brokerId = input.brokerId ?? 'yiyun73';
    if (!dealer.brokers.has(brokerId))
      dealer.brokers.set(brokerId, { brokerId, bankCardFen: 0, alipayFen: 0, wxpayFen: 0 });
    const broker = dealer.brokers.get(brokerId) as SandboxBroker;
    for (const [channel, fen] of Object.entries(input.balancesFen ?? {}) as Array<[Channel, number]>)
      broker[BALANCE_OF[channel]] = fen;
    this.dealers.set(dealer.dealerId, dealer);
    return dealer;
  }

  dealer(dealerId: string): SandboxDealer | undefined {
    return this.dealers.get(dealerId);
  }

  /** The dealer's finance team tops up a channel; orders on hold for it are released in order. */
  topUp(dealerId: string, brokerId: string, channel: Channel, fen: number): void {
    const dealer = this.mustDealer(dealerId);
    const broker = dealer.brokers.get(brokerId);
    if (!broker) throw new Error('no such broker');
    broker[BALANCE_OF[channel]] += fen;
    const held = [...dealer.orders.values()].filter(
      (o) => o.status === 4 && o.brokerId === brokerId && o.channel === channel,
    );
    for (const order of held.sort((a, b) => a.createdAt - b.createdAt)) this.process(dealer, order);
  }

  /** The payee opens the WeChat red packet. */
  claim(dealerId: string, orderId: string): boolean {
    const dealer = this.mustDealer(dealerId);
    const order = dealer.orders.get(orderId);
    if (!order || order.status !== 1 || order.statusDetail !== 27) return false;
    this.setStatus(dealer, order, 1, 0);
    return true;
  }

  /** The bank returns a paid order now (退汇), as card numbers ending 0009 do an hour after paying. */
  bankReturn(dealerId: string, orderId: string): boolean {
    const dealer = this.mustDealer(dealerId);
    const order = dealer.orders.get(orderId);
    if (!order || order.status !== 1 || order.statusDetail !== 0) return false;
    this.giveBack(dealer, order, 213);
    return true;
  }

  protected vendorRoutes(router: Router): void {
    const form = express.urlencoded({ extended: false, limit: '64kb' });
    const post = (
      paths: string[],
      handler: (dealer: SandboxDealer, payload: Record<string, unknown>, req: Request) => unknown,
    ) => {
      for (const path of paths) router.post(path, form, (req, res) => void this.api(req, res, handler));
    };
    const get = (
      paths: string[],
      handler: (dealer: SandboxDealer, payload: Record<string, unknown>, req: Request) => unknown,
    ) => {
      for (const path of paths) router.get(path, (req, res) => void this.api(req, res, handler));
    };
    post(['/api/payment/v1/order-realtime', '/api/payment/v1/order-bankpay'], (d, p) => this.order(d, 'bankCard', p));
    post(['/api/payment/v1/order-alipay'], (d, p) => this.order(d, 'alipay', p));
    post(['/api/payment/v1/order-wxpay'], (d, p) => this.order(d, 'wechat', p));
    get(['/api/payment/v1/query-realtime-order'], (d, p) => this.query(d, p, 'document'));
    get(['/api/payment/v1/query-order'], (d, p) => this.query(d, p, 'sdk'));
    get(['/api/payment/v1/query-accounts', '/api/payment/v1/query-accounts/'], (d) => ({
      dealer_infos: [...d.brokers.values()].map((b) => ({
        broker_id: b.brokerId,
        bank_card_balance: fenToYuan(b.bankCardFen),
        is_bank_card: true,
        alipay_balance: fenToYuan(b.alipayFen),
        is_alipay: true,
        wxpay_balance: fenToYuan(b.wxpayFen),
        is_wxpay: true,
        rebate_fee_balance: '0.00',
      })),
    }));
    get(['/api/dataservice/v1/order/downloadurl', '/api/dataservice/v1/order/downloadurl/'], (d, p, req) => ({
      order_download_url: this.fileUrl(req, d, 'order', String(p.order_date ?? '')),
    }));
    get(
      [
        '/api/dataservice/v1/bill/downloadurl',
        '/api/dataservice/v2/bill/downloadurl',
        '/api/dataservice/v1/bill/downloadurl/',
      ],
      (d, p, req) => ({
        bill_download_url: this.fileUrl(req, d, 'bill', String(p.bill_date ?? '')),
      }),
    );
    post(['/authentication/verify-request'], (d, p) => this.verifyRequest(d, p));
    post(['/authentication/verify-confirm'], (d, p) => this.verifyConfirm(d, p));
    post(['/authentication/verify-bankcard-four-factor'], (_d, p) => this.checkFactors(p, true));
    post(['/authentication/verify-bankcard-three-factor'], (_d, p) => this.checkFactors(p, false));
    post(['/authentication/verify-id'], (_d, p) => {
      if (!idCardChecksumValid(String(p.id_card ?? ''))) throw new Refusal('2003', '身份证号有误');
      if (!p.real_name) throw new Refusal('1002');
      return {};
    });
    get(['/api/payment/v1/auth-alipay'], (d, p) => {
      if (!d.brokers.has(String(p.broker_id))) throw new Refusal('2038');
      const target = `${Date.now()}${digits(3)}`;
      return {
        info: `apiname=com.alipay.account.auth&app_id=2017060207405745&app_name=mc&auth_type=AUTHACCOUNT&biz_type=openservice&method=alipay.open.auth.sdk.code.get&pid=2088721068123262&product_id=APP_FAST_LOGIN&scope=kuaijie&sign_type=RSA&target_id=${target}&sign=${randomBytes(32).toString('base64')}`,
      };
    });
    router.post(
      '/api/payment/v1/sign/idcard/image',
      express.raw({ type: () => true, limit: '8mb' }),
      (req, res) => void this.idCardImage(req, res),
    );
    post(['/api/notify/order-bankcard'], (d, p) => this.report(d, 'bankCard', p));
    post(['/api/notify/order-alipay'], (d, p) => this.report(d, 'alipay', p));
    post(['/api/notify/order-wxpay'], (d, p) => this.report(d, 'wechat', p));
    router.get('/files/:dealerId/:kind/:file', (req, res) => this.serveFile(req, res));
    router.post('/_admin/dealers', this.adminJson, (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.dealerId !== 'string' || !body.dealerId)
        return void res.status(400).json({ error: 'dealerId is required' });
      const dealer = this.registerDealer({
        dealerId: body.dealerId,
        brokerId: typeof body.brokerId === 'string' ? body.brokerId : undefined,
        appKey: typeof body.appKey === 'string' ? body.appKey : undefined,
        des3Key: typeof body.des3Key === 'string' && Buffer.byteLength(body.des3Key) === 24 ? body.des3Key : undefined,
        notifyUrl: typeof body.notifyUrl === 'string' ? body.notifyUrl : undefined,
        balancesFen: (body.balancesFen as Partial<Record<Channel, number>>) ?? undefined,
        wechatMaxFen: typeof body.wechatMaxFen === 'number' ? body.wechatMaxFen : undefined,
      });
      res.json(this.describe(dealer));
    });
    router.get('/_admin/dealers/:dealerId', (req, res) => {
      const dealer = this.dealers.get(String(req.params.dealerId));
      if (!dealer) return void res.status(404).json({ error: 'no such dealer' });
      res.json(this.describe(dealer));
    });
    router.post('/_admin/dealers/:dealerId/topup', this.adminJson, (req, res) => {
      const body = (req.body ?? {}) as { brokerId?: string; channel?: Channel; amountFen?: number };
      try {
        if (!body.channel || !(body.channel in BALANCE_OF) || !Number.isSafeInteger(body.amountFen))
          throw new Error('channel and amountFen are required');
        this.topUp(
          String(req.params.dealerId),
          String(body.brokerId ?? 'yiyun73'),
          body.channel,
          body.amountFen as number,
        );
        res.json(this.describe(this.mustDealer(String(req.params.dealerId))));
      } catch (error) {
        res.status(400).json({ error: (error as Error).message });
      }
    });
    router.post('/_admin/dealers/:dealerId/orders/:orderId/return', (req, res) => {
      const returned = this.bankReturn(String(req.params.dealerId), String(req.params.orderId));
      res.status(returned ? 200 : 409).json({ returned });
    });
    router.post('/_admin/dealers/:dealerId/orders/:orderId/claim', (req, res) => {
      const claimed = this.claim(String(req.params.dealerId), String(req.params.orderId));
      res.status(claimed ? 200 : 409).json({ claimed });
    });
  }

  /** Checks every request as the service does, then answers in its envelope. */
  private async api(
    req: Request,
    res: Response,
    handler: (dealer: SandboxDealer, payload: Record<string, unknown>, req: Request) => unknown,
  ): Promise<void> {
    await this.withFaults(req, res, async () => {
      const requestId = String(req.get('request-id') ?? '');
      const answer = (code: string, message: string, data?: unknown) => (r: Response) =>
        r.json({ code, message, request_id: requestId, ...(data === undefined ? {} : { data }) });
      try {
        const dealer = this.dealers.get(String(req.get('dealer-id') ?? ''));
        if (!dealer) throw new Refusal('1005');
        const params = (req.method === 'GET' ? req.query : req.body) as Partial<Envelope>;
        const payload = this.openRequest(dealer, params);
        const data = handler(dealer, payload, req);
        return answer('0000', '操作成功', data);
      } catch (error) {
        if (error instanceof Refusal) return answer(error.code, error.message);
        this.logger.error({ err: error }, 'yunzhanghu sandbox failed');
        return (r: Response) => r.status(500).type('text/plain').send('Internal Server Error');
      }
    });
  }

  private openRequest(dealer: SandboxDealer, params: Partial<Envelope>): Record<string, unknown> {
    const at = requestTimeMs(String(params.timestamp ?? ''));
    if (at === undefined) throw new Refusal('1002', 'timestamp格式不正确');
    // Against wall-clock time, as the real service does: the fast-forward clock drives the
    // sandbox's schedules, and a client's clock cannot follow it.
    if (Math.abs(Date.now() - at) > TIMESTAMP_WINDOW_MS) throw new Refusal('1001');
    const opened = openFromClient(params, { appKey: dealer.appKey, des3Key: dealer.des3Key });
    if (!opened.ok) throw new Refusal(opened.code);
    if (!opened.payload || typeof opened.payload !== 'object') throw new Refusal('1002');
    return opened.payload as Record<string, unknown>;
  }

  private order(dealer: SandboxDealer, channel: Channel, p: Record<string, unknown>): unknown {
    const orderId = need(p, 'order_id', 64);
    if (p.dealer_id !== dealer.dealerId) throw new Refusal('1002', 'dealer_id与请求头不一致');
    const brokerId = need(p, 'broker_id', 64);
    if (!dealer.brokers.has(brokerId)) throw new Refusal('2038');
    const realName = need(p, 'real_name', 64);
    const idCard = need(p, 'id_card', 32);
    const account = channel === 'wechat' ? need(p, 'openid', 64) : need(p, 'card_no', 64);
    const payFen = yuanToFen(p.pay);
    if (payFen === undefined) throw new Refusal('2016');
    if (payFen <= 0) throw new Refusal('2024');
    const limits = { bankCard: [1, 500_000_000], alipay: [1, 100_000_000], wechat: [100, dealer.wechatMaxFen] }[
      channel
    ];
    if (payFen < limits[0] || payFen > limits[1]) throw new Refusal('2016');
    if (channel === 'bankCard' && !isPlausibleCard(account)) throw new Refusal('2006');
    const fingerprint = JSON.stringify([channel, brokerId, realName, idCard, account, payFen]);
    const existing = dealer.orders.get(orderId);
    if (existing) {
      // 同一个order_id只会被支付一次: the same order again is answered as accepted; another
      // order under the same id is refused.
      if (existing.fingerprint !== fingerprint) throw new Refusal('2002', '订单号重复');
      return { order_id: orderId, ref: existing.ref, pay: fenToYuan(existing.payFen) };
    }
    const order: SandboxPayoutOrder = {
      orderId,
      ref: `1053${digits(13)}`,
      channel,
      brokerId,
      realName,
      idCard,
      account,
      phoneNo: typeof p.phone_no === 'string' ? p.phone_no : undefined,
      anchorId: typeof p.anchor_id === 'string' ? p.anchor_id : undefined,
      notes: typeof p.notes === 'string' ? p.notes : undefined,
      payRemark: typeof p.pay_remark === 'string' ? p.pay_remark : undefined,
      payFen,
      feeFen: Math.round((payFen * dealer.feeBasisPoints) / 10_000),
      status: 0,
      statusDetail: 0,
      createdAt: this.clock.now(),
      charged: false,
      fingerprint,
      bills: [],
    };
    dealer.orders.set(orderId, order);
    this.clock.setTimer(PROCESS_DELAY_MS, () => this.process(dealer, order));
    return { order_id: orderId, ref: order.ref, pay: fenToYuan(payFen) };
  }

  /** The asynchronous part: pay, hold, fail, or leave the outcome unknown, by the magic inputs. */
  private process(dealer: SandboxDealer, order: SandboxPayoutOrder): void {
    if (![0, 4, 5].includes(order.status)) return;
    const fail = (detail: StatusDetailCode) => this.setStatus(dealer, order, 2, detail);
    if (order.channel === 'bankCard' && order.account.endsWith('0002')) return fail(211);
    if (order.channel === 'alipay' && order.account.startsWith('fail')) return fail(261);
    if (order.channel === 'wechat' && order.account.startsWith('risk')) return fail(273);
    if (order.channel === 'bankCard' && order.account.endsWith('0005') && order.status === 0) {
      this.setStatus(dealer, order, 5, 0);
      this.clock.setTimer(UNKNOWN_RESOLVES_MS, () => this.process(dealer, order));
      return;
    }
    if (order.channel === 'wechat') {
      const sameDay = [...dealer.orders.values()].filter(
        (o) =>
          o !== order &&
          o.channel === 'wechat' &&
          o.account === order.account &&
          o.charged &&
          chinaDay(o.createdAt) === chinaDay(order.createdAt),
      );
      if (sameDay.length >= 100) return fail(274);
      if (sameDay.some((o) => Math.abs(order.createdAt - o.createdAt) < 15_000)) return fail(278);
    }
    const broker = dealer.brokers.get(order.brokerId) as SandboxBroker;
    const key = BALANCE_OF[order.channel];
    if (broker[key] < order.payFen + order.feeFen) {
      if (order.status !== 4) this.setStatus(dealer, order, 4, 0);
      return;
    }
    broker[key] -= order.payFen + order.feeFen;
    order.charged = true;
    const channelRef = `${chinaDay(this.clock.now()).replace(/-/g, '')}${digits(10)}`;
    this.bill(order, '经纪公司打款', order.payFen, channelRef);
    this.bill(order, '经纪公司打款服务费', order.feeFen, '');
    if (order.channel === 'wechat') {
      this.setStatus(dealer, order, 1, 27);
      this.clock.setTimer(RED_PACKET_EXPIRES_MS, () => {
        if (order.status === 1 && order.statusDetail === 27) this.giveBack(dealer, order, 213);
      });
      return;
    }
    this.setStatus(dealer, order, 1, 0);
    if (order.channel === 'bankCard' && order.account.endsWith('0009')) {
      this.clock.setTimer(BANK_RETURN_MS, () => this.giveBack(dealer, order, 213));
    }
  }

  /** 退汇: the money (and fee) come back to the dealer; the bill gets return rows. */
  private giveBack(dealer: SandboxDealer, order: SandboxPayoutOrder, detail: StatusDetailCode): void {
    const broker = dealer.brokers.get(order.brokerId) as SandboxBroker;
    broker[BALANCE_OF[order.channel]] += order.payFen + order.feeFen;
    this.bill(order, '经纪公司退汇', order.payFen, '');
    this.bill(order, '经纪公司退汇手续费', order.feeFen, '');
    this.setStatus(dealer, order, 9, detail);
  }

  private bill(order: SandboxPayoutOrder, type: BillRow['type'], amountFen: number, channelRef: string): void {
    order.bills.push({ billId: `1053${digits(14)}`, type, amountFen, channelRef, at: this.clock.now() });
  }

  private setStatus(
    dealer: SandboxDealer,
    order: SandboxPayoutOrder,
    status: OrderStatusCode,
    detail: StatusDetailCode,
  ): void {
    order.status = status;
    order.statusDetail = detail;
    if ([1, 2, 9].includes(status)) order.finishedAt = this.clock.now();
    this.notify(dealer, order);
  }

  detail(order: SandboxPayoutOrder, dealer: SandboxDealer): OrderDetail {
    return {
      order_id: order.orderId,
      ref: order.ref,
      pay: fenToYuan(order.payFen),
      dealer_id: dealer.dealerId,
      broker_id: order.brokerId,
      real_name: order.realName,
      card_no: order.channel === 'wechat' ? '' : order.account,
      id_card: order.idCard,
      phone_no: order.phoneNo ?? '',
      anchor_id: order.anchorId ?? '',
      notes: order.notes ?? '',
      status: order.status,
      status_detail: order.statusDetail,
      status_message: STATUS_MESSAGES[order.status],
      status_detail_message: STATUS_DETAIL_MESSAGES[order.statusDetail],
      sys_amount: fenToYuan(order.payFen),
      broker_amount: '-/-',
      pay_remark: order.payRemark ?? '',
      tax: '-/-',
      tax_level: '',
      created_at: chinaDateTime(order.createdAt),
      finished_time: order.finishedAt ? chinaDateTime(order.finishedAt) : '',
      sys_wallet_ref: '',
      sys_bank_bill: order.bills[0]?.channelRef ?? '',
      broker_wallet_ref: '',
      broker_bank_bill: '',
    };
  }

  /**
   * 2.1 4). Asked with data_type encryption, the order is 3DES-encrypted. v1.3.18 contradicts
   * itself on where: "the returned data is encrypted", and elsewhere an `encry_data` field inside
   * `data`. Today's `query-order` (the endpoint the official SDKs call) answers `data` as the
   * encrypted string, which is what the SDKs decrypt; the document's `query-realtime-order` keeps
   * the `encry_data` form. ADR 0015.
   */
  private query(dealer: SandboxDealer, p: Record<string, unknown>, form: 'document' | 'sdk'): unknown {
    const order = dealer.orders.get(String(p.order_id ?? ''));
    const channel = String(p.channel ?? '银行卡');
    if (!order || CHANNEL_NAMES[order.channel] !== channel) throw new Refusal('2018');
    const detail = this.detail(order, dealer);
    if (p.data_type !== 'encryption') return detail;
    const encrypted = encryptForClient(detail, { appKey: dealer.appKey, des3Key: dealer.des3Key });
    return form === 'sdk' ? encrypted : { encry_data: encrypted };
  }

  private notify(dealer: SandboxDealer, order: SandboxPayoutOrder): void {
    if (!dealer.notifyUrl) return;
    const url = dealer.notifyUrl;
    const notifyId = `${this.clock.now()}${digits(5)}`;
    const payload = {
      notify_id: notifyId,
      notify_time: chinaDateTime(this.clock.now()),
      data: this.detail(order, dealer),
    };
    this.notifier.dispatch(
      {
        label: `yunzhanghu ${dealer.dealerId} ${order.orderId} ${order.status}/${order.statusDetail}`,
        target: url,
        send: async () => {
          // Signed afresh on every attempt, so the timestamp is current.
          const params = sealForClient(payload, { appKey: dealer.appKey, des3Key: dealer.des3Key }, this.clock.now());
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(params as unknown as Record<string, string>),
            signal: AbortSignal.timeout(10_000),
          });
          return (await response.text()) === 'success';
        },
      },
      YUNZHANGHU_NOTIFY_DELAYS_MS,
    );
  }

  private verifyRequest(dealer: SandboxDealer, p: Record<string, unknown>): unknown {
    this.checkFactors(p, true);
    const factors = JSON.stringify([p.card_no, p.id_card, p.real_name, p.mobile]);
    const now = this.clock.now();
    // Within the minute a repeated request succeeds without a new SMS.
    for (const [ref, pending] of dealer.verifications) {
      if (pending.factors === factors && pending.expiresAt > now) return { ref };
    }
    const ref = randomBytes(9).toString('base64');
    dealer.verifications.set(ref, { factors, captcha: SANDBOX_CAPTCHA, expiresAt: now + CAPTCHA_TTL_MS });
    return { ref };
  }

  private verifyConfirm(dealer: SandboxDealer, p: Record<string, unknown>): unknown {
    const pending = dealer.verifications.get(String(p.ref ?? ''));
    const factors = JSON.stringify([p.card_no, p.id_card, p.real_name, p.mobile]);
    if (!pending || pending.factors !== factors) throw new Refusal('2003', '交易凭证无效');
    if (pending.expiresAt <= this.clock.now()) throw new Refusal('2003', '验证码已过期');
    if (String(p.captcha ?? '') !== pending.captcha) throw new Refusal('2003', '验证码错误');
    dealer.verifications.delete(String(p.ref));
    return {};
  }

  /**
   * Magic inputs: a card ending 2006 (or not 12-19 digits) is 2006; an ID number failing its GB 11643
   * check digit is 2003 身份证号有误; a mobile ending 0000 or the name 不匹配 does not match (2003).
   */
  private checkFactors(p: Record<string, unknown>, withMobile: boolean): unknown {
    const card = String(p.card_no ?? '');
    if (!isPlausibleCard(card)) throw new Refusal('2006');
    if (!idCardChecksumValid(String(p.id_card ?? ''))) throw new Refusal('2003', '身份证号有误');
    if (!p.real_name) throw new Refusal('1002');
    if (p.real_name === '不匹配') throw new Refusal('2003');
    if (withMobile) {
      const mobile = String(p.mobile ?? '');
      if (!/^1\d{10}$/.test(mobile)) throw new Refusal('1002', '手机号格式不正确');
      if (mobile.endsWith('0000')) throw new Refusal('2003');
    }
    return {};
  }

  private report(dealer: SandboxDealer, channel: Channel, p: Record<string, unknown>): unknown {
    const orderId = need(p, 'order_id', 64);
    need(p, 'broker_id', 64);
    need(p, 'real_name', 64);
    need(p, 'id_card', 32);
    if (channel === 'wechat') need(p, 'openid', 64);
    else need(p, 'card_no', 64);
    const payFen = yuanToFen(p.pay);
    if (payFen === undefined || payFen <= 0) throw new Refusal('2016');
    if (p.result !== '1' && p.result !== '2') throw new Refusal('2001', 'result只能是1或2');
    if (dealer.reports.has(orderId)) throw new Refusal('2002');
    const ref = `2053${digits(13)}`;
    dealer.reports.set(orderId, ref);
    return { order_id: orderId, ref, pay: fenToYuan(payFen) };
  }

  private async idCardImage(req: Request, res: Response): Promise<void> {
    await this.withFaults(req, res, async () => {
      const requestId = String(req.get('request-id') ?? '');
      const answer = (code: string, message: string) => (r: Response) =>
        r.json({ code, message, request_id: requestId, data: {} });
      try {
        const dealer = this.dealers.get(String(req.get('dealer-id') ?? ''));
        if (!dealer) throw new Refusal('1005');
        const parsed = await new Response(new Uint8Array(req.body as Buffer), {
          headers: { 'content-type': String(req.get('content-type') ?? '') },
        }).formData();
        const field = (name: string) =>
          typeof parsed.get(name) === 'string' ? (parsed.get(name) as string) : undefined;
        const payload = this.openRequest(dealer, {
          data: field('data'),
          mess: field('mess'),
          timestamp: field('timestamp'),
          sign: field('sign'),
          sign_type: field('sign_type') as 'sha256' | undefined,
        });
        need(payload, 'real_name', 64);
        if (!idCardChecksumValid(String(payload.id_card ?? ''))) throw new Refusal('2003', '身份证号有误');
        for (const name of ['id_card_image', 'id_card_image_background']) {
          const file = parsed.get(name);
          if (!(file instanceof Blob) || file.size === 0) throw new Refusal('2001', `${name}不能为空`);
        }
        dealer.idCardUploads += 1;
        return answer('0000', '操作成功');
      } catch (error) {
        if (error instanceof Refusal) return answer(error.code, error.message);
        return answer('2001', '上传数据有误');
      }
    });
  }

  private fileUrl(req: Request, dealer: SandboxDealer, kind: 'order' | 'bill', date: string): string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Refusal('1002', '日期格式应为2017-01-01');
    // Kept 90 days, then the URL is "".
    if (this.clock.now() - Date.parse(`${date}T00:00:00+08:00`) > 90 * 86_400_000) return '';
    const token = createHmac('sha256', this.fileSecret)
      .update(`${dealer.dealerId}/${kind}/${date}`)
      .digest('hex')
      .slice(0, 32);
    return `${req.protocol}://${req.get('host')}${this.mountPath}/files/${dealer.dealerId}/${kind}/${date}.csv.gz?token=${token}`;
  }

  private serveFile(req: Request, res: Response): void {
    const dealer = this.dealers.get(String(req.params.dealerId));
    const kind = String(req.params.kind);
    const date = String(req.params.file).replace(/\.csv\.gz$/, '');
    const token = createHmac('sha256', this.fileSecret)
      .update(`${dealer?.dealerId}/${kind}/${date}`)
      .digest('hex')
      .slice(0, 32);
    if (!dealer || (kind !== 'order' && kind !== 'bill') || req.query.token !== token)
      return void res.status(404).send('not found');
    res
      .type('application/gzip')
      .send(
        gzipSync(Buffer.from(kind === 'order' ? this.orderFile(dealer, date) : this.billFile(dealer, date), 'utf8')),
      );
  }

  /** 2.2 1): one row per order created that day (China time). */
  orderFile(dealer: SandboxDealer, date: string): string {
    const names: Record<number, string> = {
      [-1]: '删除',
      0: '打款中',
      1: '成功',
      2: '失败',
      4: '挂单',
      5: '-/-',
      8: '打款中',
      9: '退汇',
      11: '-/-',
      15: '删除',
      18: '成功',
    };
    const rows = [...dealer.orders.values()]
      .filter((o) => chinaDay(o.createdAt) === date)
      .map((o) => [
        o.orderId,
        o.ref,
        '',
        maskName(o.realName),
        o.brokerId,
        o.status === 1 && o.statusDetail === 27 ? '成功(待领取)' : names[o.status],
        o.channel === 'bankCard' ? maskCard(o.account) : maskAccount(o.account),
        CHANNEL_NAMES[o.channel],
        fenToYuan(o.payFen),
        fenToYuan(o.feeFen),
        o.bills[0]?.channelRef ?? '',
        '-/-',
        '-/-',
        '-/-',
        chinaDateTime(o.createdAt),
        o.finishedAt ? chinaDateTime(o.finishedAt) : '',
      ]);
    return toCsv([[...ORDER_FILE_COLUMNS], ...rows]);
  }

  /** 2.2 2): one row per movement that day; a return adds rows, the original ones stay. */
  billFile(dealer: SandboxDealer, date: string): string {
    const rows = [...dealer.orders.values()].flatMap((o) =>
      o.bills
        .filter((b) => chinaDay(b.at) === date)
        .map((b) => [
          o.orderId,
          o.ref,
          b.billId,
          b.type,
          '成功',
          b.type.endsWith('费') ? '-/-' : CHANNEL_NAMES[o.channel],
          maskName(o.realName),
          o.brokerId,
          fenToYuan(b.amountFen),
          b.channelRef,
          chinaDateTime(o.createdAt),
          chinaDateTime(b.at),
        ]),
    );
    return toCsv([[...BILL_FILE_COLUMNS], ...rows]);
  }

  private describe(dealer: SandboxDealer) {
    return {
      dealerId: dealer.dealerId,
      appKey: dealer.appKey,
      des3Key: dealer.des3Key,
      notifyUrl: dealer.notifyUrl ?? null,
      brokers: [...dealer.brokers.values()],
      orders: [...dealer.orders.values()].map((o) => ({
        orderId: o.orderId,
        ref: o.ref,
        status: o.status,
        statusDetail: o.statusDetail,
        payFen: o.payFen,
      })),
    };
  }

  private mustDealer(dealerId: string): SandboxDealer {
    const dealer = this.dealers.get(dealerId);
    if (!dealer) throw new Error('no such dealer');
    return dealer;
  }
}

function need(p: Record<string, unknown>, field: string, max: number): string {
  const value = p[field];
  if (typeof value !== 'string' || value === '' || value.length > max)
    throw new Refusal('1002', `${field}不能为空或过长`);
  return value;
}

/**
 * What the sandbox takes for a card: 12-19 digits, and not ending 2006 (its magic number for
 * 2006 银行卡号错误). No Luhn: the real service does not require it of Chinese cards either.
 */
function isPlausibleCard(card: string): boolean {
  return /^\d{12,19}$/.test(card) && !card.endsWith('2006');
}
