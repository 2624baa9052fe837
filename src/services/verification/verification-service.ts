import { chinaDateTime } from '../../domain/china-time';
import type { Scope } from '../../auth/viewer';
import { FailureReason, PayoutChannel, VerificationStatus } from '../../domain/enums';
import { badUserInput } from '../../errors/app-errors';
import {
  Capability,
  type ProviderRegistry,
  type VerificationAdapter,
  type VerificationCallOutcome,
} from '../../providers/capabilities';
import type { YunzhanghuAdapter, YunzhanghuCall } from '../../providers/yunzhanghu';
import type { ResolvedProviderConfig } from '../tenancy/provider-config-service';
import { bankCardFormatProblem, idCardChecksumValid } from '../../providers/yunzhanghu';
import { fenToYuan } from '../../domain/money';
import type { PayoutService, PayoutResult } from '../payouts/payout-service';
import { refusalOf } from '../payments/vendor-refusal';

export interface VerificationOutcome {
  status: VerificationStatus;
  failure: { reason: FailureReason; vendorCode: string; message: string } | null;
}

export interface BrokerBalance {
  brokerId: string;
  bankCardFen: number;
  alipayFen: number;
  wechatFen: number;
  rebateFeeFen: number;
  bankCardOpen: boolean;
  alipayOpen: boolean;
  wechatOpen: boolean;
}

/**
 * Yunzhanghu's identity verification (2.3), Alipay authorisation, ID card images (2.4), payout
 * data reports (2.5) and dealer balances (2.1 6). A verification the vendor answers with an
 * error code is a result (`verified: false`), not an error: it is what the caller asked to know.
 */
export class VerificationService {
  constructor(
    private readonly payouts: PayoutService,
    private readonly adapter: YunzhanghuAdapter,
    private readonly providers: ProviderRegistry,
  ) {}

  private async configOr(scope: Scope) {
    const config = await this.payouts.config(scope.platformId);
    return config;
  }

  private verdict(call: YunzhanghuCall<unknown>): PayoutResult<VerificationOutcome> {
    if (call.kind === 'ok') return { ok: true, status: VerificationStatus.VERIFIED, failure: null };
    if (call.kind === 'refused') return { ok: true, status: VerificationStatus.REJECTED, failure: call.failure };
    return refusalOf(call);
  }

  /** Through the VERIFICATION capability, to the vendor the platform configured for it. */
  private async verifyWith(
    scope: Scope,
    call: (adapter: VerificationAdapter, config: ResolvedProviderConfig) => Promise<VerificationCallOutcome>,
  ): Promise<PayoutResult<VerificationOutcome>> {
    const route = await this.providers.route(scope.platformId, Capability.VERIFICATION);
    const adapter = route && this.providers.adapter(Capability.VERIFICATION, route.vendor);
    if (!route || !adapter) return this.payouts.notConfigured();
    const outcome = await call(adapter, route.config);
    switch (outcome.kind) {
      case 'verified':
        return { ok: true, status: VerificationStatus.VERIFIED, failure: null };
      case 'rejected':
        return { ok: true, status: VerificationStatus.REJECTED, failure: outcome.failure };
      case 'unreachable':
      case 'unverifiable':
        return refusalOf(outcome);
    }
  }

  /** Four factors with a mobile number, three without. */
  async verifyBankCard(scope: Scope, input: { cardNo: string; idCard: string; realName: string; mobile?: string }) {
    checkCard(input.cardNo);
    checkId(input.idCard);
    return this.verifyWith(scope, (adapter, config) => adapter.verifyBankCard(config, input));
  }

  async verifyIdentity(scope: Scope, input: { idCard: string; realName: string }) {
    checkId(input.idCard);
    return this.verifyWith(scope, (adapter, config) => adapter.verifyIdentity(config, input));
  }

  /** 2.3 1.1: sends the SMS code; the ref goes with the code to confirm. */
  async requestBankCardVerification(
    scope: Scope,
    input: { cardNo: string; idCard: string; realName: string; mobile: string },
  ) {
    checkCard(input.cardNo);
    checkId(input.idCard);
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    const call = await this.adapter.verifyRequest(config, {
      card_no: input.cardNo,
      id_card: input.idCard,
      real_name: input.realName,
      mobile: input.mobile,
    });
    // Sending the code verifies nothing yet: only its confirmation does.
    if (call.kind === 'ok')
      return { ok: true as const, status: VerificationStatus.CODE_SENT, failure: null, ref: call.data.ref };
    if (call.kind === 'refused')
      return { ok: true as const, status: VerificationStatus.REJECTED, failure: call.failure, ref: null };
    return refusalOf(call);
  }

  async confirmBankCardVerification(
    scope: Scope,
    input: { cardNo: string; idCard: string; realName: string; mobile: string; captcha: string; ref: string },
  ) {
    if (!/^\d{4,8}$/.test(input.captcha)) throw badUserInput('captcha is the SMS code (digits)', 'captcha');
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    return this.verdict(
      await this.adapter.verifyConfirm(config, {
        card_no: input.cardNo,
        id_card: input.idCard,
        real_name: input.realName,
        mobile: input.mobile,
        captcha: input.captcha,
        ref: input.ref,
      }),
    );
  }

  async alipayAuthInfo(scope: Scope): Promise<PayoutResult<{ info: string }>> {
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    const call = await this.adapter.authAlipay(config);
    if (call.kind !== 'ok') return refusalOf(call);
    return { ok: true, info: call.data.info };
  }

  async uploadIdCard(
    scope: Scope,
    input: { realName: string; idCard: string; front: Buffer; back: Buffer; contentType: string },
  ) {
    checkId(input.idCard);
    if (input.front.length === 0 || input.back.length === 0)
      throw badUserInput('both sides of the ID card are required', 'front');
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    return this.verdict(
      await this.adapter.uploadIdCard(
        config,
        { real_name: input.realName, id_card: input.idCard },
        { bytes: input.front, contentType: input.contentType },
        { bytes: input.back, contentType: input.contentType },
      ),
    );
  }

  /** 2.5: a payout made elsewhere, reported (for tax). Answers the vendor's reference. */
  async report(
    scope: Scope,
    input: {
      channel: PayoutChannel;
      orderId: string;
      realName: string;
      idCard: string;
      account: string;
      phoneNo?: string;
      amountFen: number;
      paidAt: Date;
      succeeded: boolean;
      notes?: string;
    },
  ): Promise<PayoutResult<{ ref: string; accepted: boolean; failure: VerificationOutcome['failure'] }>> {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0)
      throw badUserInput('amountFen must be positive', 'amountFen');
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    const chinaTime = chinaDateTime(input.paidAt);
    const payload: Record<string, string> = {
      order_id: input.orderId,
      real_name: input.realName,
      id_card: input.idCard,
      pay: fenToYuan(input.amountFen),
      created_at: chinaTime,
      result: input.succeeded ? '1' : '2',
      notes: input.notes ?? '',
      ...(input.channel === PayoutChannel.WECHAT ? { openid: input.account } : { card_no: input.account }),
      ...(input.phoneNo ? { phone_no: input.phoneNo } : {}),
    };
    const channel =
      input.channel === PayoutChannel.BANK_CARD
        ? 'bankCard'
        : input.channel === PayoutChannel.ALIPAY
          ? 'alipay'
          : 'wechat';
    const call = await this.adapter.report(config, channel, payload);
    if (call.kind === 'ok') return { ok: true, ref: call.data.ref, accepted: true, failure: null };
    if (call.kind === 'refused') return { ok: true, ref: '', accepted: false, failure: call.failure };
    return refusalOf(call);
  }

  async balances(scope: Scope): Promise<PayoutResult<{ brokers: BrokerBalance[] }>> {
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    const call = await this.adapter.queryAccounts(config);
    if (call.kind !== 'ok') return refusalOf(call);
    return {
      ok: true,
      brokers: call.data.dealer_infos.map((info) => ({
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
}

function checkCard(card: string): void {
  const problem = bankCardFormatProblem(card);
  if (problem) throw badUserInput(`cardNo ${problem}`, 'cardNo');
}

function checkId(id: string): void {
  if (!idCardChecksumValid(id)) throw badUserInput('idCard is not a valid ID number (check digit)', 'idCard');
}
