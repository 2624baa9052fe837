import { chinaDateTime } from '../../domain/china-time';
import { PayoutChannel, Vendor } from '../../domain/enums';
import { fenToYuan } from '../../domain/money';
import type { PayoutQueryOutcome, VerificationCallOutcome } from '../capabilities';
import type { ResolvedProviderConfig } from '../config';
import type {
  BrokerBalance,
  CardHolder,
  GatewayCall,
  OrderPlaced,
  PaidElsewhere,
  PayoutGateway,
  PayoutOrder,
  VendorDayRecord,
} from '../payouts';
import type { OrderChannel, YunzhanghuAdapter, YunzhanghuCall } from './adapter';
import { brokerId, dealerId, yunzhanghuCredentials } from './credentials';
import { CHANNEL_LIMITS_FEN, payRemarkProblem, WECHAT_MAX_CEILING_FEN } from './transformers';
import type { ErrorCode } from './wire-types';

/** 2002 已上传过该笔流水: our order_id is there already, from an earlier attempt of ours. */
const ORDER_ALREADY_PLACED: ErrorCode = '2002';

const WIRE_CHANNEL: Record<PayoutChannel, OrderChannel> = {
  [PayoutChannel.BANK_CARD]: 'bankCard',
  [PayoutChannel.ALIPAY]: 'alipay',
  [PayoutChannel.WECHAT]: 'wechat',
};

/**
 * Yunzhanghu as a payout gateway (providers/payouts.ts): each call built into the wire request
 * here (order_id, dealer_id, yuan, China time, the channel's endpoint) and each answer read
 * into our terms, so the payout, verification and reconciliation services know no field of it.
 */
export class YunzhanghuGateway implements PayoutGateway {
  readonly vendor = Vendor.YUNZHANGHU;

  constructor(private readonly adapter: YunzhanghuAdapter) {}

  limitsFen(config: ResolvedProviderConfig | undefined, channel: PayoutChannel): { min: number; max: number } {
    const limits = { ...CHANNEL_LIMITS_FEN[channel] };
    // WeChat's maximum is the platform's own setting at Yunzhanghu, up to the ceiling the spec gives.
    const wechatMaxFen = config && yunzhanghuCredentials(config).wechatMaxFen;
    if (channel === PayoutChannel.WECHAT && wechatMaxFen !== undefined)
      limits.max = Math.min(wechatMaxFen, WECHAT_MAX_CEILING_FEN);
    return limits;
  }

  remarkProblem(remark: string): string | undefined {
    return payRemarkProblem(remark);
  }

  /** 2.1 1)-3): the channel's order request; 2002 (our order_id is there) is an order already placed. */
  async placeOrder(config: ResolvedProviderConfig, order: PayoutOrder): Promise<OrderPlaced> {
    const common = {
      order_id: order.orderNo,
      dealer_id: dealerId(config),
      broker_id: brokerId(config),
      real_name: order.payee.realName,
      id_card: order.payee.idCard,
      pay: fenToYuan(order.amountFen),
      notes: order.notes,
      pay_remark: order.remark,
    };
    let call: YunzhanghuCall<{ ref: string }>;
    switch (order.channel) {
      case PayoutChannel.BANK_CARD:
        call = await this.adapter.order(config, 'bankCard', {
          ...common,
          card_no: order.payee.account as string,
          phone_no: order.payee.phoneNo,
        });
        break;
      case PayoutChannel.ALIPAY:
        call = await this.adapter.order(config, 'alipay', { ...common, card_no: order.payee.account as string });
        break;
      case PayoutChannel.WECHAT:
        call = await this.adapter.order(config, 'wechat', { ...common, openid: order.payee.openid as string });
        break;
    }
    if (call.kind === 'refused' && call.code === ORDER_ALREADY_PLACED) return { kind: 'already_placed' };
    return call;
  }

  requestCardCode(config: ResolvedProviderConfig, holder: CardHolder): Promise<GatewayCall<{ ref: string }>> {
    return this.adapter.verifyRequest(config, cardHolderWire(holder));
  }

  confirmCardCode(config: ResolvedProviderConfig, holder: CardHolder & { captcha: string; ref: string }) {
    return this.adapter.verifyConfirm(config, { ...cardHolderWire(holder), captcha: holder.captcha, ref: holder.ref });
  }

  alipayAuthInfo(config: ResolvedProviderConfig): Promise<GatewayCall<{ info: string }>> {
    return this.adapter.authAlipay(config);
  }

  uploadIdCard(
    config: ResolvedProviderConfig,
    person: { realName: string; idCard: string },
    front: { bytes: Buffer; contentType: string },
    back: { bytes: Buffer; contentType: string },
  ): Promise<GatewayCall<unknown>> {
    return this.adapter.uploadIdCard(config, { real_name: person.realName, id_card: person.idCard }, front, back);
  }

  /** 2.5: a payout made elsewhere, in the channel's report request (amount in yuan, China time). */
  reportPaidElsewhere(config: ResolvedProviderConfig, report: PaidElsewhere): Promise<GatewayCall<{ ref: string }>> {
    const payload: Record<string, string> = {
      order_id: report.orderId,
      real_name: report.realName,
      id_card: report.idCard,
      pay: fenToYuan(report.amountFen),
      created_at: chinaDateTime(report.paidAt),
      result: report.succeeded ? '1' : '2',
      notes: report.notes ?? '',
      ...(report.channel === PayoutChannel.WECHAT ? { openid: report.account } : { card_no: report.account }),
      ...(report.phoneNo ? { phone_no: report.phoneNo } : {}),
    };
    return this.adapter.report(config, WIRE_CHANNEL[report.channel], payload);
  }

  /** 2.1 6): the dealer's balances per broker, in fen. */
  async balances(config: ResolvedProviderConfig): Promise<GatewayCall<BrokerBalance[]>> {
    const call = await this.adapter.queryAccounts(config);
    if (call.kind !== 'ok') return call;
    return {
      kind: 'ok',
      data: call.data.dealer_infos.map((info) => ({
        brokerId: info.broker_id,
        bankCardFen: info.bank_card_balance,
        alipayFen: info.alipay_balance,
        wechatFen: info.wxpay_balance,
        rebateFeeFen: info.rebate_fee_balance,
        bankCardOpen: info.is_bank_card,
        alipayOpen: info.is_alipay,
        wechatOpen: info.is_wxpay,
      })),
    };
  }

  dayRecord(config: ResolvedProviderConfig, day: string): Promise<GatewayCall<VendorDayRecord>> {
    return this.adapter.dayRecord(config, day);
  }

  queryPayout(config: ResolvedProviderConfig, orderNo: string, channel: PayoutChannel): Promise<PayoutQueryOutcome> {
    return this.adapter.queryPayout(config, orderNo, channel);
  }

  verifyIdentity(
    config: ResolvedProviderConfig,
    person: { idCard: string; realName: string },
  ): Promise<VerificationCallOutcome> {
    return this.adapter.verifyIdentity(config, person);
  }

  verifyBankCard(
    config: ResolvedProviderConfig,
    card: { cardNo: string; idCard: string; realName: string; mobile?: string },
  ): Promise<VerificationCallOutcome> {
    return this.adapter.verifyBankCard(config, card);
  }
}

function cardHolderWire(holder: CardHolder) {
  return { card_no: holder.cardNo, id_card: holder.idCard, real_name: holder.realName, mobile: holder.mobile };
}
