import { bankCardFormatProblem, idCardChecksumValid } from '../../domain/personal-data';
import type { Scope } from '../../auth/viewer';
import { FailureReason, VerificationStatus } from '../../domain/enums';
import { badUserInput } from '../../errors/app-errors';
import {
  Capability,
  type ProviderRegistry,
  type VerificationAdapter,
  type VerificationCallOutcome,
} from '../../providers/capabilities';
import type { BrokerBalance, GatewayCall, PaidElsewhere, PayoutGateway } from '../../providers/payouts';
import type { ResolvedProviderConfig } from '../tenancy/provider-config-service';
import type { PayoutService, PayoutResult } from '../payouts/payout-service';
import { refusalOf } from '../payments/vendor-refusal';

export type { BrokerBalance };

export interface VerificationOutcome {
  status: VerificationStatus;
  failure: { reason: FailureReason; vendorCode: string; message: string } | null;
}

/**
 * The payout gateway's identity verification, Alipay authorisation, ID card images, reports of
 * payouts made elsewhere and balances (Yunzhanghu today: see providers/payouts.ts). A verification the vendor answers with an
 * error code is a result (`verified: false`), not an error: it is what the caller asked to know.
 */
export class VerificationService {
  constructor(
    private readonly payouts: PayoutService,
    private readonly gateway: PayoutGateway,
    private readonly providers: ProviderRegistry,
  ) {}

  private async configOr(scope: Scope) {
    const config = await this.payouts.config(scope.platformId);
    return config;
  }

  private verdict(call: GatewayCall<unknown>): PayoutResult<VerificationOutcome> {
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

  /** Sends the SMS code; the ref goes with the code to confirm. */
  async requestBankCardVerification(
    scope: Scope,
    input: { cardNo: string; idCard: string; realName: string; mobile: string },
  ) {
    checkCard(input.cardNo);
    checkId(input.idCard);
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    const call = await this.gateway.requestCardCode(config, input);
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
    return this.verdict(await this.gateway.confirmCardCode(config, input));
  }

  async alipayAuthInfo(scope: Scope): Promise<PayoutResult<{ info: string }>> {
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    const call = await this.gateway.alipayAuthInfo(config);
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
      await this.gateway.uploadIdCard(
        config,
        input,
        { bytes: input.front, contentType: input.contentType },
        { bytes: input.back, contentType: input.contentType },
      ),
    );
  }

  /** A payout made elsewhere, reported (for tax). Answers the vendor's reference. */
  async report(
    scope: Scope,
    input: PaidElsewhere,
  ): Promise<PayoutResult<{ ref: string; accepted: boolean; failure: VerificationOutcome['failure'] }>> {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0)
      throw badUserInput('amountFen must be positive', 'amountFen');
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    const call = await this.gateway.reportPaidElsewhere(config, input);
    if (call.kind === 'ok') return { ok: true, ref: call.data.ref, accepted: true, failure: null };
    if (call.kind === 'refused') return { ok: true, ref: '', accepted: false, failure: call.failure };
    return refusalOf(call);
  }

  async balances(scope: Scope): Promise<PayoutResult<{ brokers: BrokerBalance[] }>> {
    const config = await this.configOr(scope);
    if (!config) return this.payouts.notConfigured();
    const call = await this.gateway.balances(config);
    if (call.kind !== 'ok') return refusalOf(call);
    return { ok: true, brokers: call.data };
  }
}

function checkCard(card: string): void {
  const problem = bankCardFormatProblem(card);
  if (problem) throw badUserInput(`cardNo ${problem}`, 'cardNo');
}

function checkId(id: string): void {
  if (!idCardChecksumValid(id)) throw badUserInput('idCard is not a valid ID number (check digit)', 'idCard');
}
