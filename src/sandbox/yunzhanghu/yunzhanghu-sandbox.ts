import { randomBytes } from 'node:crypto';
import { idCardChecksumValid } from '../../domain/personal-data';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logging/logger';
import { openFromClient, requestTimeMs, type Envelope } from './sandbox-crypto';
import { fenToYuan } from '../../domain/money';
import { SandboxBase } from '../sandbox-base';
import { PayoutEngine } from './engine';
import { DailyFiles } from './files';
import {
  BALANCE_OF,
  digits,
  need,
  Refusal,
  TIMESTAMP_WINDOW_MS,
  type Channel,
  type SandboxBroker,
  type SandboxDealer,
} from './state';

export { PROCESS_DELAY_MS, SANDBOX_CAPTCHA, YUNZHANGHU_NOTIFY_DELAYS_MS } from './state';
export type { BillRow, SandboxBroker, SandboxDealer, SandboxPayoutOrder } from './state';

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
  private readonly engine = new PayoutEngine(this.clock, this.notifier);
  private readonly files: DailyFiles;

  constructor(logger: Logger, mountPath: string) {
    super(logger);
    this.files = new DailyFiles(this.dealers, this.clock, mountPath);
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
    for (const order of held.sort((a, b) => a.createdAt - b.createdAt)) this.engine.process(dealer, order);
  }

  /** The payee opens the WeChat red packet. */
  claim(dealerId: string, orderId: string): boolean {
    const dealer = this.mustDealer(dealerId);
    const order = dealer.orders.get(orderId);
    if (!order || order.status !== 1 || order.statusDetail !== 27) return false;
    this.engine.setStatus(dealer, order, 1, 0);
    return true;
  }

  /** The bank returns a paid order now (退汇), as card numbers ending 0009 do an hour after paying. */
  bankReturn(dealerId: string, orderId: string): boolean {
    const dealer = this.mustDealer(dealerId);
    const order = dealer.orders.get(orderId);
    if (!order || order.status !== 1 || order.statusDetail !== 0) return false;
    this.engine.giveBack(dealer, order, 213);
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
    post(['/api/payment/v1/order-realtime', '/api/payment/v1/order-bankpay'], (d, p) =>
      this.engine.order(d, 'bankCard', p),
    );
    post(['/api/payment/v1/order-alipay'], (d, p) => this.engine.order(d, 'alipay', p));
    post(['/api/payment/v1/order-wxpay'], (d, p) => this.engine.order(d, 'wechat', p));
    get(['/api/payment/v1/query-realtime-order'], (d, p) => this.engine.query(d, p, 'document'));
    get(['/api/payment/v1/query-order'], (d, p) => this.engine.query(d, p, 'sdk'));
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
      order_download_url: this.files.fileUrl(req, d, 'order', String(p.order_date ?? '')),
    }));
    get(
      [
        '/api/dataservice/v1/bill/downloadurl',
        '/api/dataservice/v2/bill/downloadurl',
        '/api/dataservice/v1/bill/downloadurl/',
      ],
      (d, p, req) => ({
        bill_download_url: this.files.fileUrl(req, d, 'bill', String(p.bill_date ?? '')),
      }),
    );
    post(['/authentication/verify-request'], (d, p) => this.engine.verifyRequest(d, p));
    post(['/authentication/verify-confirm'], (d, p) => this.engine.verifyConfirm(d, p));
    post(['/authentication/verify-bankcard-four-factor'], (_d, p) => this.engine.checkFactors(p, true));
    post(['/authentication/verify-bankcard-three-factor'], (_d, p) => this.engine.checkFactors(p, false));
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
    post(['/api/notify/order-bankcard'], (d, p) => this.engine.report(d, 'bankCard', p));
    post(['/api/notify/order-alipay'], (d, p) => this.engine.report(d, 'alipay', p));
    post(['/api/notify/order-wxpay'], (d, p) => this.engine.report(d, 'wechat', p));
    router.get('/files/:dealerId/:kind/:file', (req, res) => this.files.serveFile(req, res));
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
