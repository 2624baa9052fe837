import { backoffMs } from '../../util/backoff';
import {
  bankCardFormatProblem,
  maskAccount,
  maskCard,
  maskIdCard,
  maskName,
  maskPhone,
} from '../../domain/personal-data';
import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { SecretBox } from '../../crypto/secret-box';
import type { Database } from '../../db/database';
import {
  CURRENCY_CNY,
  EntityKind,
  EventSource,
  FailureReason,
  PayoutChannel,
  PayoutStatus,
  Vendor,
} from '../../domain/enums';
import { isFinished } from '../../domain/transitions';
import { Payout } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { JobOutcome, JobQueue } from '../../jobs/job-queue';
import {
  notConfigured,
  refusalOf,
  refusalOnFirstAnswer,
  type FailedCall,
  type VendorRefusal,
} from '../payments/vendor-refusal';
import type { OrderPlaced, PayoutGateway } from '../../providers/payouts';
import { failpoint } from '../../util/failpoints';
import { payoutData, vendorDataOf, type MaskedPayee, type PayoutData } from '../vendor-data';
import type { IdempotencyService } from '../tenancy/idempotency-service';
import type { ResolvedProviderConfig } from '../tenancy/provider-config-service';
import { Capability, type PayoutQueryOutcome, type ProviderRegistry } from '../../providers/capabilities';
import type { ScopedReads } from '../tenancy/scoped-reads';
import type { StatusWriter, TransitionRequest } from '../events/status-writer';

export interface PayeeInput {
  realName: string;
  idCard: string;
  /** BANK_CARD: the card number; ALIPAY: the Alipay account. */
  account?: string;
  phoneNo?: string;
  /** WECHAT: the payee's openid under the dealer's app. */
  openid?: string;
}

export interface CreatePayoutInput {
  idempotencyKey: string;
  channel: PayoutChannel;
  amountFen: number;
  clientId?: string;
  payee: PayeeInput;
  remark?: string;
  notes?: string;
}

export type PayoutResult<T> = ({ ok: true } & T) | (VendorRefusal & { payout?: Payout });

const GIVE_UP_MS = 3 * 24 * 3_600_000;

/**
 * Payouts through the payout gateway (providers/payouts.ts). Input is validated before anything
 * is sent; the payout row (with the payee's details sealed) is committed before the order; a
 * timeout retries the same order number, and an order already placed is looked up, so no payout
 * is ever ordered twice.
 * Statuses come from the answer, notifications and polls, through the transitions table.
 */
export class PayoutService {
  static readonly POLL_JOB = 'payout-poll';

  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly statusWriter: StatusWriter,
    private readonly idempotency: IdempotencyService,
    private readonly providers: ProviderRegistry,
    private readonly secretBox: SecretBox,
    private readonly gateway: PayoutGateway,
    private readonly jobs: JobQueue,
    private readonly pollDelayMs: () => number,
  ) {}

  /** The platform's payouts vendor (routed by configuration) and its configuration. */
  async config(platformId: string): Promise<ResolvedProviderConfig | undefined> {
    return this.providers.configOf(platformId, Capability.PAYOUTS);
  }

  notConfigured(): VendorRefusal {
    return notConfigured(Vendor.YUNZHANGHU);
  }

  /** Every check the spec states, each a BAD_USER_INPUT naming its field. */
  validate(config: ResolvedProviderConfig | undefined, input: CreatePayoutInput): void {
    const { payee } = input;
    if (!payee.realName?.trim()) throw badUserInput('payee.realName is required', 'payee.realName');
    if (!/^[0-9A-Za-z]{15,18}$/.test(payee.idCard ?? ''))
      throw badUserInput('payee.idCard is required (15 or 18 characters)', 'payee.idCard');
    if (input.channel === PayoutChannel.BANK_CARD) {
      if (!payee.account)
        throw badUserInput('payee.account (the card number) is required for BANK_CARD', 'payee.account');
      const problem = bankCardFormatProblem(payee.account);
      if (problem) throw badUserInput(`payee.account (the card number) ${problem}`, 'payee.account');
    }
    if (input.channel === PayoutChannel.ALIPAY && !payee.account) {
      throw badUserInput('payee.account (the Alipay account) is required for ALIPAY', 'payee.account');
    }
    if (input.channel === PayoutChannel.WECHAT && !payee.openid)
      throw badUserInput('payee.openid is required for WECHAT', 'payee.openid');
    if (payee.phoneNo !== undefined && !/^\+?\d{6,20}$/.test(payee.phoneNo))
      throw badUserInput('payee.phoneNo must be digits', 'payee.phoneNo');
    if (input.remark !== undefined) {
      const problem = this.gateway.remarkProblem(input.remark);
      if (problem) throw badUserInput(problem, 'remark');
    }
    const limits = this.gateway.limitsFen(config, input.channel);
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < limits.min || input.amountFen > limits.max) {
      throw badUserInput(
        `amountFen for ${input.channel} must be between ${limits.min} and ${limits.max} fen`,
        'amountFen',
      );
    }
  }

  async createPayout(
    scope: Scope,
    input: CreatePayoutInput,
  ): Promise<PayoutResult<{ payout: Payout; replayed: boolean }>> {
    const config = await this.config(scope.platformId);
    this.validate(config, input);
    if (input.clientId) await this.reads.get('Client', scope, input.clientId);
    if (!config) return this.notConfigured();
    let refusedNow: ReturnType<typeof refusalOf> | undefined;
    const { replayed, result } = await this.idempotency.run(
      scope.platformId,
      input.idempotencyKey,
      'createPayout',
      input,
      async (bind) => {
        const id = newId();
        const orderNo = id.replace(/-/g, '');
        const vendorData: PayoutData = { payee: mask(input.channel, input.payee), remark: input.remark ?? null };
        const payout = Object.assign(new Payout(), {
          id,
          platformId: scope.platformId,
          vendor: Vendor.YUNZHANGHU,
          clientId: input.clientId ?? null,
          channel: input.channel,
          amountFen: input.amountFen,
          currency: CURRENCY_CNY,
          status: PayoutStatus.PENDING,
          orderNo,
          vendorRef: null,
          // ID, card and phone numbers: sealed at rest; only masks are ever shown or logged.
          payeeCiphertext: this.secretBox.encrypt(JSON.stringify(input.payee)),
          vendorData,
        });
        const event = await this.db.transaction((manager) =>
          this.statusWriter.recordCreation(
            manager,
            async () => {
              await manager.insert(Payout, payout as never);
              await bind(manager, { kind: 'Payout', id });
            },
            {
              platformId: scope.platformId,
              entityKind: EntityKind.PAYOUT,
              parentId: null,
              entityId: id,
              clientId: input.clientId ?? null,
              bizId: null,
              fromStatus: null,
              toStatus: PayoutStatus.PENDING,
              source: EventSource.API,
              terminal: false,
              detail: { channel: input.channel },
            },
          ),
        );
        this.statusWriter.publish(event);
        await this.db.durable();
        const call = await this.sendOrder(config, payout, input);
        failpoint('payout.after-order-call');
        await this.afterOrder(config, payout, call, EventSource.API);
        if (call.kind === 'not_sent' || call.kind === 'refused') refusedNow = refusalOf(call);
        return { kind: 'Payout', id };
      },
    );
    const payout = await this.reads.get('Payout', scope, result.id);
    // A replay answers as the first call did: a refusal again if the order was refused.
    const refusal = refusedNow ?? (replayed ? refusalOnFirstAnswer(payout) : undefined);
    if (refusal) return { ...refusal, payout };
    return { ok: true, payout, replayed };
  }

  private sendOrder(
    config: ResolvedProviderConfig,
    payout: Payout,
    input: Pick<CreatePayoutInput, 'payee' | 'remark' | 'notes'>,
  ) {
    return this.gateway.placeOrder(config, {
      orderNo: payout.orderNo,
      channel: payout.channel,
      amountFen: payout.amountFen,
      payee: input.payee,
      remark: input.remark,
      notes: input.notes,
    });
  }

  private async afterOrder(
    config: ResolvedProviderConfig,
    payout: Payout,
    call: OrderPlaced,
    source: EventSource,
  ): Promise<void> {
    switch (call.kind) {
      case 'ok':
        await this.apply(payout, PayoutStatus.PROCESSING, source, { step: 'order' }, { vendorRef: call.data.ref });
        await this.schedulePoll(payout);
        return;
      case 'already_placed':
        // Our order number is already there: an earlier attempt of ours. Look it up; never re-order.
        await this.syncWith(config, payout, source);
        await this.schedulePoll(payout);
        return;
      case 'refused':
        await this.apply(
          payout,
          PayoutStatus.FAILED,
          source,
          { step: 'order', reason: call.failure.reason, vendorCode: call.failure.vendorCode },
          {
            // The create call's own answer was this refusal: a replay of its key answers it again.
            vendorData: { failure: call.failure, refusedOnCreate: source === EventSource.API },
          },
        );
        return;
      case 'not_sent':
        if (source === EventSource.API) {
          await this.apply(
            payout,
            PayoutStatus.FAILED,
            source,
            { step: 'order', reason: FailureReason.VENDOR_UNREACHABLE },
            {
              vendorData: {
                failure: {
                  reason: FailureReason.VENDOR_UNREACHABLE,
                  vendorCode: call.reason,
                  message: 'nothing was sent',
                },
                refusedOnCreate: true,
              },
            },
          );
          return;
        }
        await this.schedulePoll(payout);
        return;
      case 'unknown':
        // Not a failure: retry the same order_id (the service pays an order_id once) and look it up.
        await this.apply(payout, PayoutStatus.NEEDS_ATTENTION, source, {
          step: 'order',
          outcome: call.reason,
          retry: 'same order_id',
        });
        await this.schedulePoll(payout, true);
        return;
    }
  }

  schedulePoll(payout: Pick<Payout, 'id' | 'platformId'>, resend = false): Promise<void> {
    return this.jobs.schedule({
      name: PayoutService.POLL_JOB,
      id: `payout-poll.${payout.id}${resend ? '.resend' : ''}`,
      data: { platformId: payout.platformId, payoutId: payout.id, resend },
      delayMs: resend ? Math.min(this.pollDelayMs(), 5_000) : this.pollDelayMs(),
    });
  }

  /** The poll job: after an unknown outcome, re-send the same order; otherwise query until final. */
  async poll(data: Record<string, unknown>, attempt: number): Promise<JobOutcome> {
    const platformId = String(data.platformId);
    const payout = (await this.reads.findByIds('Payout', { platformId }, [String(data.payoutId)])).get(
      String(data.payoutId),
    );
    if (!payout || isFinished(EntityKind.PAYOUT, payout.status)) return { done: true };
    if (Date.now() - payout.createdAt.getTime() > GIVE_UP_MS) return { done: true };
    const config = await this.config(platformId);
    if (!config) return { done: true };
    if (data.resend && !payout.vendorRef) {
      const payee = JSON.parse(this.secretBox.decrypt(payout.payeeCiphertext as string)) as PayeeInput;
      const vendorData = vendorDataOf(payout, payoutData);
      const call = await this.sendOrder(config, payout, { payee, remark: vendorData.remark ?? undefined });
      if (call.kind !== 'unknown' && call.kind !== 'not_sent') {
        await this.afterOrder(config, payout, call, EventSource.POLL);
        return { done: true };
      }
    } else {
      await this.syncWith(config, payout, EventSource.POLL);
    }
    const now = (await this.reads.findByIds('Payout', { platformId }, [payout.id])).get(payout.id);
    if (!now || isFinished(EntityKind.PAYOUT, now.status)) return { done: true };
    return { done: false, retryInMs: backoffMs(attempt, this.pollDelayMs()) };
  }

  async rescheduleOpen(): Promise<number> {
    const open = await this.db.manager
      .getRepository(Payout)
      .createQueryBuilder('p')
      .where('p.vendor = :vendor AND p.status IN (:...statuses)', {
        vendor: Vendor.YUNZHANGHU,
        statuses: [PayoutStatus.PENDING, PayoutStatus.PROCESSING, PayoutStatus.ON_HOLD, PayoutStatus.NEEDS_ATTENTION],
      })
      .getMany();
    for (const payout of open) await this.schedulePoll(payout, !payout.vendorRef);
    return open.length;
  }

  async sync(scope: Scope, id: string): Promise<PayoutResult<{ payout: Payout; changed: boolean }>> {
    const payout = await this.reads.get('Payout', scope, id);
    const config = await this.config(scope.platformId);
    if (!config) return this.notConfigured();
    const result = await this.syncWith(config, payout, EventSource.POLL);
    const current = await this.reads.get('Payout', scope, id);
    if (result.kind !== 'ok') return { ...refusalOf(result), payout: current };
    return { ok: true, payout: current, changed: result.changed };
  }

  /** Through the PAYOUTS capability: the vendor's view of the payout, applied and checked. */
  private async syncWith(
    config: ResolvedProviderConfig,
    payout: Payout,
    source: EventSource,
  ): Promise<{ kind: 'ok'; changed: boolean } | FailedCall> {
    const adapter = this.providers.adapter(Capability.PAYOUTS, payout.vendor);
    if (!adapter) throw new Error(`no payouts adapter for ${payout.vendor}`);
    const outcome = await adapter.queryPayout(config, payout.orderNo, payout.channel);
    if (outcome.kind !== 'found') return outcome;
    return { kind: 'ok', changed: await this.applyFound(payout, outcome, source) };
  }

  /** The vendor's view of a payout, checked against our amount: a different one is never accepted. */
  private async applyFound(
    payout: Payout,
    found: Extract<PayoutQueryOutcome, { kind: 'found' }>,
    source: EventSource,
  ): Promise<boolean> {
    const detail = { step: 'query', ...found.detail };
    const patch = { vendorRef: found.vendorRef, vendorData: found.vendorData };
    return this.apply(payout, found.status, source, detail, patch, { amount: found.amount });
  }

  private async apply(
    payout: Pick<Payout, 'id' | 'platformId'>,
    to: PayoutStatus,
    source: EventSource,
    detail: Record<string, unknown>,
    patch: TransitionRequest['patch'] = {},
    reported?: TransitionRequest['reported'],
  ): Promise<boolean> {
    const outcome = await this.statusWriter.change({
      kind: EntityKind.PAYOUT,
      entityId: payout.id,
      platformId: payout.platformId,
      to,
      source,
      detail,
      patch,
      ...(reported ? { reported } : {}),
    });
    return outcome.changed;
  }
}

/** What the API shows of a payee: masks only. */
export function mask(channel: PayoutChannel, payee: PayeeInput): MaskedPayee {
  const account =
    channel === PayoutChannel.BANK_CARD
      ? maskCard(payee.account ?? '')
      : channel === PayoutChannel.ALIPAY
        ? maskAccount(payee.account ?? '')
        : maskAccount(payee.openid ?? '');
  return {
    realName: maskName(payee.realName),
    idCard: maskIdCard(payee.idCard),
    account,
    phoneNo: payee.phoneNo ? maskPhone(payee.phoneNo) : null,
  };
}
