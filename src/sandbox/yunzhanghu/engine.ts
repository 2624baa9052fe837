import { chinaDateTime, chinaDay } from '../../domain/china-time';
import { idCardChecksumValid } from '../../domain/personal-data';
import { randomBytes } from 'node:crypto';
import { encryptForClient, sealForClient } from './sandbox-crypto';
import { fenToYuan, yuanToFen } from '../../domain/money';
import {
  STATUS_DETAIL_MESSAGES,
  STATUS_MESSAGES,
  type OrderDetail,
  type OrderStatusCode,
  type StatusDetailCode,
} from '../../providers/yunzhanghu/wire-types';
import {
  BALANCE_OF,
  CAPTCHA_TTL_MS,
  CHANNEL_NAMES,
  BANK_RETURN_MS,
  digits,
  isPlausibleCard,
  need,
  PROCESS_DELAY_MS,
  RED_PACKET_EXPIRES_MS,
  Refusal,
  SANDBOX_CAPTCHA,
  UNKNOWN_RESOLVES_MS,
  YUNZHANGHU_NOTIFY_DELAYS_MS,
  type BillRow,
  type Channel,
  type SandboxBroker,
  type SandboxDealer,
  type SandboxPayoutOrder,
} from './state';
import type { SandboxClock } from '../clock';
import type { NotificationDispatcher } from '../notifier';

/**
 * The payout engine: orders through the spec's states (held while the balance is short, red
 * packets awaiting claim, bank returns), notifications on the spec's schedule, and the
 * verification and reporting endpoints with their documented magic inputs.
 */
export class PayoutEngine {
  constructor(
    private readonly clock: SandboxClock,
    private readonly notifier: NotificationDispatcher,
  ) {}

  order(dealer: SandboxDealer, channel: Channel, p: Record<string, unknown>): unknown {
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
  process(dealer: SandboxDealer, order: SandboxPayoutOrder): void {
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
  giveBack(dealer: SandboxDealer, order: SandboxPayoutOrder, detail: StatusDetailCode): void {
    const broker = dealer.brokers.get(order.brokerId) as SandboxBroker;
    broker[BALANCE_OF[order.channel]] += order.payFen + order.feeFen;
    this.bill(order, '经纪公司退汇', order.payFen, '');
    this.bill(order, '经纪公司退汇手续费', order.feeFen, '');
    this.setStatus(dealer, order, 9, detail);
  }

  bill(order: SandboxPayoutOrder, type: BillRow['type'], amountFen: number, channelRef: string): void {
    order.bills.push({ billId: `1053${digits(14)}`, type, amountFen, channelRef, at: this.clock.now() });
  }

  setStatus(dealer: SandboxDealer, order: SandboxPayoutOrder, status: OrderStatusCode, detail: StatusDetailCode): void {
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
  query(dealer: SandboxDealer, p: Record<string, unknown>, form: 'document' | 'sdk'): unknown {
    const order = dealer.orders.get(String(p.order_id ?? ''));
    const channel = String(p.channel ?? '银行卡');
    if (!order || CHANNEL_NAMES[order.channel] !== channel) throw new Refusal('2018');
    const detail = this.detail(order, dealer);
    if (p.data_type !== 'encryption') return detail;
    const encrypted = encryptForClient(detail, { appKey: dealer.appKey, des3Key: dealer.des3Key });
    return form === 'sdk' ? encrypted : { encry_data: encrypted };
  }

  notify(dealer: SandboxDealer, order: SandboxPayoutOrder): void {
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

  verifyRequest(dealer: SandboxDealer, p: Record<string, unknown>): unknown {
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

  verifyConfirm(dealer: SandboxDealer, p: Record<string, unknown>): unknown {
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
  checkFactors(p: Record<string, unknown>, withMobile: boolean): unknown {
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

  report(dealer: SandboxDealer, channel: Channel, p: Record<string, unknown>): unknown {
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
}
