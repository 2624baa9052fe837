import { chinaDateTime } from '../../domain/china-time';
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logging/logger';
import { readPayload, signatureHolds, signedMessage } from './sandbox-signing';
import { ORDER_ID_PATTERN } from '../../providers/cashier/transformers';
import {
  CASHIER_ACTIONS,
  type CashierAction,
  type CashierNotification,
  type CashierPayRequest,
  type CashierResultCode,
} from '../../providers/cashier/wire-types';
import { SandboxBase } from '../sandbox-base';
import { checkoutPage, messagePage } from './pages';

/** §3.3.1: at once, then every 10 s ×3, every minute ×3, every 3 minutes; 10 calls at most. */
export const CASHIER_NOTIFY_DELAYS_MS = [0, 10_000, 10_000, 10_000, 60_000, 60_000, 60_000, 180_000, 180_000, 180_000];

const RESULT_MESSAGES: Record<CashierResultCode, string> = {
  '0000': '交易成功',
  '1001': '未支付',
  '1002': '交易处理中',
  '1003': '交易失败',
  '1004': '协查调单',
};

export interface SandboxMerchant {
  merid: string;
  signKey: string;
  /** The methods the merchant has opened (Arbi lets the payer choose among them). */
  methods: CashierAction[];
}

export interface SandboxOrder {
  queryid: string;
  merid: string;
  orderid: string;
  txnamt: number;
  action: CashierAction;
  chosenMethod?: CashierAction;
  backurl: string;
  fronturl?: string;
  resultcode: CashierResultCode;
  paytime?: string;
  createdAt: number;
}

/**
 * An emulator of the hosted cashier: merchants with keys, a real checkout page where a person
 * pays, fails or abandons, signed front redirects, back notifications on the spec's retry
 * schedule, and the query API. State lives in memory.
 */
export class CashierSandbox extends SandboxBase {
  private readonly merchants = new Map<string, SandboxMerchant>();
  private readonly orders = new Map<string, SandboxOrder>();
  private readonly byQueryId = new Map<string, SandboxOrder>();
  /** Query API calls answered, by order id (tests check that a poll runs once). */
  readonly queriesByOrder = new Map<string, number>();

  constructor(
    logger: Logger,
    /** Where this sandbox's pages are mounted (for form actions), e.g. `/sandbox/cashier`. */
    private readonly mountPath: string,
  ) {
    super(logger);
  }

  registerMerchant(
    merid: string,
    signKey = randomBytes(16).toString('hex'),
    methods: CashierAction[] = ['Bank', 'WeiXin', 'AliPay'],
  ): SandboxMerchant {
    const merchant = { merid, signKey, methods };
    this.merchants.set(merid, merchant);
    return merchant;
  }

  order(queryid: string): SandboxOrder | undefined {
    return this.byQueryId.get(queryid);
  }

  /** Changes an order's result as the vendor would, and notifies the merchant. */
  settle(order: SandboxOrder, resultcode: CashierResultCode): void {
    order.resultcode = resultcode;
    if ((resultcode === '0000' || resultcode === '1002') && !order.paytime)
      order.paytime = chinaDateTime(this.clock.now());
    this.notify(order);
  }

  protected vendorRoutes(router: Router): void {
    const form = express.urlencoded({ extended: false, limit: '64kb' });
    router.get('/apis/icashier', (req, res) =>
      this.openCheckout(req, res, String(req.query.req ?? ''), String(req.query.sign ?? '')),
    );
    router.post('/api/icashier', form, (req, res) =>
      this.openCheckout(req, res, String(req.body?.req ?? ''), String(req.body?.sign ?? '')),
    );
    router.post('/checkout/:queryid/:decision', form, (req, res) => this.decide(req, res));
    router.post('/api/query', form, (req, res) => void this.query(req, res));
    router.post('/_admin/merchants', this.adminJson, (req, res) => {
      const body = (req.body ?? {}) as { merid?: unknown; signKey?: unknown; methods?: unknown };
      if (typeof body.merid !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(body.merid)) {
        res.status(400).json({ error: 'merid must be 1-32 letters and digits' });
        return;
      }
      const methods = Array.isArray(body.methods)
        ? (body.methods.filter((m) => CASHIER_ACTIONS.includes(m as CashierAction)) as CashierAction[])
        : undefined;
      res.json(this.registerMerchant(body.merid, typeof body.signKey === 'string' ? body.signKey : undefined, methods));
    });
    router.post('/_admin/orders/:queryid/result', this.adminJson, (req, res) => {
      const order = this.byQueryId.get(String(req.params.queryid));
      const resultcode = (req.body as { resultcode?: string })?.resultcode as CashierResultCode;
      if (!order || !(resultcode in RESULT_MESSAGES)) {
        res.status(404).json({ error: 'no such order or result code' });
        return;
      }
      this.settle(order, resultcode);
      res.json(order);
    });
  }

  private openCheckout(_req: Request, res: Response, payload: string, sign: string): void {
    const rejected = (message: string) => res.status(400).type('html').send(messagePage('支付请求无效', message));
    let request: CashierPayRequest;
    try {
      request = readPayload<CashierPayRequest>(payload);
    } catch {
      return void rejected('req is not base64 JSON');
    }
    const merchant = this.merchants.get(String(request?.merid));
    if (!merchant) return void rejected('商户不存在 (unknown merchant)');
    if (!signatureHolds(payload, sign, merchant.signKey)) return void rejected('签名错误 (bad signature)');
    if (!CASHIER_ACTIONS.includes(request.action)) return void rejected('action must be Bank, WeiXin, AliPay or Arbi');
    if (request.action !== 'Arbi' && !merchant.methods.includes(request.action))
      return void rejected(`未开通交易权限: ${request.action}`);
    if (request.action === 'Arbi' && merchant.methods.length < 2)
      return void rejected('Arbi requires two or more opened methods');
    if (!Number.isSafeInteger(request.txnamt) || request.txnamt <= 0)
      return void rejected('txnamt must be a positive integer of fen');
    if (!ORDER_ID_PATTERN.test(String(request.orderid)))
      return void rejected('orderid must be 8-32 letters and digits');
    if (typeof request.backurl !== 'string' || !/^https?:\/\//.test(request.backurl))
      return void rejected('backurl is required');
    if ((request.accname || request.accno) && !(request.accname && request.accno))
      return void rejected('accname and accno go together');
    const key = `${merchant.merid}:${request.orderid}`;
    let order = this.orders.get(key);
    if (order) {
      if (order.txnamt !== request.txnamt) return void rejected('订单号重复 (orderid reused with another amount)');
      if (order.resultcode !== '1001') return void rejected(`订单已处理 (${RESULT_MESSAGES[order.resultcode]})`);
    } else {
      order = {
        queryid: `Q${this.clock.now()}${randomBytes(4).toString('hex')}`,
        merid: merchant.merid,
        orderid: request.orderid,
        txnamt: request.txnamt,
        action: request.action,
        backurl: request.backurl,
        fronturl: request.fronturl,
        resultcode: '1001',
        createdAt: this.clock.now(),
      };
      this.orders.set(key, order);
      this.byQueryId.set(order.queryid, order);
    }
    const methods = request.action === 'Arbi' ? merchant.methods : [request.action];
    res.type('html').send(checkoutPage({ order, methods, actionBase: `${this.mountPath}/checkout/${order.queryid}` }));
  }

  private decide(req: Request, res: Response): void {
    const order = this.byQueryId.get(String(req.params.queryid));
    if (!order) return void res.status(404).type('html').send(messagePage('订单不存在', 'No such order'));
    if (order.resultcode !== '1001')
      return void res.status(409).type('html').send(messagePage('订单已处理', RESULT_MESSAGES[order.resultcode]));
    const decision = String(req.params.decision);
    const method = String(req.body?.method ?? order.action) as CashierAction;
    order.chosenMethod = CASHIER_ACTIONS.includes(method) ? method : order.action;
    const outcomes: Record<string, CashierResultCode | undefined> = {
      pay: '0000',
      'pay-unsettled': '1002',
      fail: '1003',
      abandon: undefined,
    };
    if (!(decision in outcomes)) return void res.status(404).type('html').send(messagePage('未知操作', decision));
    const resultcode = outcomes[decision];
    if (resultcode) this.settle(order, resultcode);
    // §3.2: back to the merchant's front page with a signed result (1001 when abandoned).
    if (!order.fronturl)
      return void res.type('html').send(messagePage(RESULT_MESSAGES[order.resultcode], `订单 ${order.orderid}`));
    const merchant = this.merchants.get(order.merid) as SandboxMerchant;
    const { payload, sign } = signedMessage(this.notification(order, false), merchant.signKey);
    const target = new URL(order.fronturl);
    target.searchParams.set('resp', payload);
    target.searchParams.set('sign', sign);
    res.redirect(303, target.toString());
  }

  private async query(req: Request, res: Response): Promise<void> {
    await this.withFaults(req, res, async () => {
      const payload = String(req.body?.req ?? '');
      const sign = String(req.body?.sign ?? '');
      let request: { merid?: string; queryid?: string; orderid?: string };
      try {
        request = readPayload(payload);
      } catch {
        request = {};
      }
      const merchant = this.merchants.get(String(request.merid));
      if (!merchant) {
        // Pre-error: no key to sign with, so `sign` is empty (§2.2).
        const resp = Buffer.from(JSON.stringify({ respcode: '10', respmsg: '商户不存在' })).toString('base64');
        return (r: Response) => r.json({ resp, sign: '' });
      }
      const answer = (body: object) => (r: Response) =>
        r.json((({ payload: resp, sign: s }) => ({ resp, sign: s }))(signedMessage(body, merchant.signKey)));
      if (!signatureHolds(payload, sign, merchant.signKey)) return answer({ respcode: '11', respmsg: '签名错误' });
      if (!request.queryid && !request.orderid)
        return answer({ respcode: '12', respmsg: 'queryid 和 orderid 至少传一个' });
      // §3.4.3: a queryid, when sent, wins over the orderid.
      const order = request.queryid
        ? this.byQueryId.get(request.queryid)
        : this.orders.get(`${merchant.merid}:${request.orderid}`);
      if (request.orderid)
        this.queriesByOrder.set(request.orderid, (this.queriesByOrder.get(request.orderid) ?? 0) + 1);
      if (!order || order.merid !== merchant.merid) return answer({ respcode: '14', respmsg: '订单不存在' });
      return answer({ respcode: '00', respmsg: '成功', ...this.notification(order, true) });
    });
  }

  private notification(order: SandboxOrder, withPaytime: boolean): CashierNotification {
    const message: CashierNotification = {
      resultcode: order.resultcode,
      resultmsg: RESULT_MESSAGES[order.resultcode],
      queryid: order.queryid,
      txnamt: order.txnamt,
      merid: order.merid,
      orderid: order.orderid,
    };
    if (withPaytime) message.paytime = order.paytime ?? '';
    return message;
  }

  private notify(order: SandboxOrder): void {
    const merchant = this.merchants.get(order.merid);
    if (!merchant) return;
    const snapshot = this.notification(order, true);
    this.notifier.dispatch(
      {
        label: `cashier ${order.orderid} ${order.resultcode}`,
        target: order.backurl,
        send: async () => {
          const { payload, sign } = signedMessage(snapshot, merchant.signKey);
          const target = new URL(order.backurl);
          target.searchParams.set('resp', payload);
          target.searchParams.set('sign', sign);
          const response = await fetch(target, { method: 'GET', signal: AbortSignal.timeout(10_000) });
          // §3.3.1: only the exact content "0000" counts as received.
          return (await response.text()).trim() === '0000';
        },
      },
      CASHIER_NOTIFY_DELAYS_MS,
    );
  }
}
