import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Vendor, VerificationStatus } from '../domain/enums';
import { AppError, ErrorCode } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import type { PayoutResult } from '../services/payouts/payout-service';
import { TransactionFailure } from '../schema/object-types';
import { Money } from '../schema/money';
import {
  providerNotConfigured,
  VENDOR_ERROR_CODES,
  VendorRefusedError,
  type ProviderNotConfiguredError,
} from '../schema/results';
import { Role } from './auth-checker';
import { CalendarDate, dayOf } from '../schema/scalars';
import { toConnection, type ConnectionShape } from '../schema/connection';
import { PageArgs } from '../schema/inputs';
import { encodeCursor } from '../services/tenancy/scoped-reads';
import {
  CreatePayoutInput,
  PayoutPayload,
  PayoutRefusedError,
  CreatePayoutResult,
  SyncPayoutResult,
  SyncPayoutInput,
  VerifyBankCardInput,
  VerifyIdentityInput,
  RequestBankCardVerificationInput,
  ConfirmBankCardVerificationInput,
  VerificationPayload,
  VerifyBankCardResult,
  VerifyIdentityResult,
  RequestBankCardVerificationResult,
  ConfirmBankCardVerificationResult,
  UploadIdCardImagesResult,
  UploadIdCardImagesInput,
  ReportPayoutInput,
  ReportPayoutPayload,
  ReportPayoutResult,
  BrokerBalanceNode,
  ReconciliationReportConnection,
  ReconcilePayoutsInput,
  ReconcilePayoutsPayload,
  ReconcilePayoutsResult,
} from '../schema/payout-types';

/** A payout the vendor refused, or the vendor not configured. */
function payoutRefused(
  clientMutationId: string | undefined,
  result: Exclude<PayoutResult<object>, { ok: true }>,
): PayoutRefusedError | ProviderNotConfiguredError {
  if (result.error === 'PROVIDER_NOT_CONFIGURED') return providerNotConfigured(clientMutationId, Vendor.YUNZHANGHU);
  return Object.assign(new PayoutRefusedError(), {
    clientMutationId: clientMutationId ?? null,
    code: VENDOR_ERROR_CODES[result.error],
    message: result.message,
    failure: result.failure,
    affectedPayout: result.payout ?? null,
  });
}

/** Verification, a report or a reconciliation the vendor refused, or the vendor not configured. */
function vendorRefused(
  clientMutationId: string | undefined,
  result: Exclude<PayoutResult<object>, { ok: true }>,
): VendorRefusedError | ProviderNotConfiguredError {
  if (result.error === 'PROVIDER_NOT_CONFIGURED') return providerNotConfigured(clientMutationId, Vendor.YUNZHANGHU);
  return Object.assign(new VendorRefusedError(), {
    clientMutationId: clientMutationId ?? null,
    code: VENDOR_ERROR_CODES[result.error],
    message: result.message,
    failure: result.failure,
  });
}

function verification(
  clientMutationId: string | undefined,
  result: PayoutResult<{ status: VerificationStatus; failure: TransactionFailure | null; ref?: string | null }>,
): typeof VerifyBankCardResult {
  if (!result.ok) return vendorRefused(clientMutationId, result);
  return Object.assign(new VerificationPayload(), {
    clientMutationId: clientMutationId ?? null,
    verified: result.status === VerificationStatus.VERIFIED,
    status: result.status,
    failure: result.failure,
    ref: result.ref ?? null,
  });
}

/** Payouts (Yunzhanghu): a platform-server capability, never a client token's. */
@Resolver()
export class PayoutMutationResolver {
  @Authorized(Role.PLATFORM)
  @Mutation(() => CreatePayoutResult, {
    description:
      "Pays money out to a person's bank card, Alipay account or WeChat (through Yunzhanghu, after configureProvider). Answers at once with the payout PROCESSING; follow it on payoutUpdated, or ask again with syncPayout. The same idempotencyKey never pays twice. Needs an API key.",
  })
  async createPayout(
    @Arg('input') input: CreatePayoutInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof CreatePayoutResult> {
    const result = await context.services.payouts.createPayout(requireScope(context), {
      idempotencyKey: input.idempotencyKey,
      channel: input.channel,
      amountFen: input.amountFen,
      clientId: input.clientId ? fromGlobalIdOf('Client', input.clientId, 'clientId') : undefined,
      payee: { ...input.payee },
      remark: input.remark,
      notes: input.notes,
    });
    if (!result.ok) return payoutRefused(input.clientMutationId, result);
    return Object.assign(new PayoutPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      payout: result.payout,
      replayed: result.replayed,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => SyncPayoutResult, {
    description:
      "Asks the payout vendor for the payout's state now and applies it (paygraph also asks on its own while a payout is unsettled). Needs an API key.",
  })
  async syncPayout(
    @Arg('input') input: SyncPayoutInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof SyncPayoutResult> {
    const result = await context.services.payouts.sync(
      requireScope(context),
      fromGlobalIdOf('Payout', input.payoutId, 'payoutId'),
    );
    if (!result.ok) return payoutRefused(input.clientMutationId, result);
    return Object.assign(new PayoutPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      payout: result.payout,
      replayed: false,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => VerifyBankCardResult, {
    description:
      'Checks that a bank card belongs to a person: card, ID card and name (three factors), and the mobile number when given (four). Needs an API key.',
  })
  async verifyBankCard(@Arg('input') input: VerifyBankCardInput, @Ctx() context: RequestContext) {
    return verification(
      input.clientMutationId,
      await context.services.verification.verifyBankCard(requireScope(context), input),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => VerifyIdentityResult, {
    description: 'Checks that an ID card number and a real name belong together. Needs an API key.',
  })
  async verifyIdentity(@Arg('input') input: VerifyIdentityInput, @Ctx() context: RequestContext) {
    return verification(
      input.clientMutationId,
      await context.services.verification.verifyIdentity(requireScope(context), input),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => RequestBankCardVerificationResult, {
    description:
      'Verifying a bank card by SMS, step 1: the bank texts a code to the mobile number; answers the ref with status CODE_SENT (not verified yet). Needs an API key.',
  })
  async requestBankCardVerification(
    @Arg('input') input: RequestBankCardVerificationInput,
    @Ctx() context: RequestContext,
  ) {
    return verification(
      input.clientMutationId,
      await context.services.verification.requestBankCardVerification(requireScope(context), input),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => ConfirmBankCardVerificationResult, {
    description:
      'Verifying a bank card by SMS, step 2: the code the card holder received and the ref of step 1. Needs an API key.',
  })
  async confirmBankCardVerification(
    @Arg('input') input: ConfirmBankCardVerificationInput,
    @Ctx() context: RequestContext,
  ) {
    return verification(
      input.clientMutationId,
      await context.services.verification.confirmBankCardVerification(requireScope(context), input),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => UploadIdCardImagesResult, {
    description:
      "Uploads a payee's ID card images, which the payout vendor asks for before paying some people. Needs an API key.",
  })
  async uploadIdCardImages(@Arg('input') input: UploadIdCardImagesInput, @Ctx() context: RequestContext) {
    return verification(
      input.clientMutationId,
      await context.services.verification.uploadIdCard(requireScope(context), {
        realName: input.realName,
        idCard: input.idCard,
        front: Buffer.from(input.frontBase64, 'base64'),
        back: Buffer.from(input.backBase64, 'base64'),
        contentType: 'image/jpeg',
      }),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => ReportPayoutResult, {
    description:
      'Tells the payout vendor of a payout you made elsewhere, so that its tax records are complete. Needs an API key.',
  })
  async reportPayout(
    @Arg('input') input: ReportPayoutInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof ReportPayoutResult> {
    const result = await context.services.verification.report(requireScope(context), input);
    if (!result.ok) return vendorRefused(input.clientMutationId, result);
    return Object.assign(new ReportPayoutPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      accepted: result.accepted,
      ref: result.ref,
      failure: result.failure,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => ReconcilePayoutsResult, {
    description:
      "Compares one day's payouts with the payout vendor's records of that day (its daily order and bill files) and stores the report; run it once a day has ended. Needs an API key.",
  })
  async reconcilePayouts(
    @Arg('input') input: ReconcilePayoutsInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof ReconcilePayoutsResult> {
    const result = await context.services.reconciliation.reconcile(requireScope(context), dayOf(input.day));
    if (!result.ok) return vendorRefused(input.clientMutationId, result);
    return Object.assign(new ReconcilePayoutsPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      report: result.report,
    });
  }

  @Authorized(Role.PLATFORM)
  @Query(() => [BrokerBalanceNode], {
    nullable: true,
    description:
      'Your balances at the payout vendor, per broker and channel, read live. When the vendor cannot answer, this field is null with an error (extensions.code PROVIDER_ERROR) and the rest of the query still arrives. Needs an API key.',
  })
  async payoutBalances(@Ctx() context: RequestContext): Promise<BrokerBalanceNode[]> {
    const result = await context.services.verification.balances(requireScope(context));
    if (!result.ok) throw new AppError(ErrorCode.PROVIDER_ERROR, result.message, { reason: result.error });
    return result.brokers.map((b) =>
      Object.assign(new BrokerBalanceNode(), {
        brokerId: b.brokerId,
        bankCard: Money.of(b.bankCardFen),
        alipay: Money.of(b.alipayFen),
        wechat: Money.of(b.wechatFen),
        rebateFee: Money.of(b.rebateFeeFen),
        bankCardOpen: b.bankCardOpen,
        alipayOpen: b.alipayOpen,
        wechatOpen: b.wechatOpen,
      }),
    );
  }

  @Authorized(Role.PLATFORM)
  @Query(() => String, {
    nullable: true,
    description:
      'The authorisation string the Alipay app SDK needs to let a payee authorise Alipay payouts. When the vendor cannot answer, this field is null with an error (extensions.code PROVIDER_ERROR) and the rest of the query still arrives. Needs an API key.',
  })
  async alipayAuthInfo(@Ctx() context: RequestContext): Promise<string> {
    const result = await context.services.verification.alipayAuthInfo(requireScope(context));
    if (!result.ok) throw new AppError(ErrorCode.PROVIDER_ERROR, result.message, { reason: result.error });
    return result.info;
  }

  @Authorized(Role.PLATFORM)
  @Query(() => ReconciliationReportConnection, {
    description:
      'Reconciliation reports, newest day first. The daily task makes one for yesterday; reconcilePayouts makes one on demand. Needs an API key.',
  })
  async reconciliationReports(
    @Args() page: PageArgs,
    @Arg('day', () => CalendarDate, { nullable: true, description: 'Only the report of this day.' })
    day: Date | undefined,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<unknown>> {
    const reports = await context.services.reconciliation.reports(requireScope(context), {
      ...page,
      day: day && dayOf(day),
    });
    return toConnection(reports, Boolean(page.after), (report) => encodeCursor(`${report.day}/${report.id}`));
  }
}
