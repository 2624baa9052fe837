import { IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import {
  Arg,
  Authorized,
  createUnionType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { PayoutChannel, Vendor, VerificationStatus } from '../domain/enums';
import type { Payout } from '../entities';
import { ReconciliationReport } from '../entities';
import { AppError, ErrorCode } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import type { PayoutResult, PayoutVendorData } from '../services/payouts/payout-service';
import { PayoutNode, TransactionFailure } from '../schema/object-types';
import { Money } from '../schema/money';
import { ErrorResult, MutationResult, VENDOR_ERROR_CODES } from '../schema/results';
import { DateTime, JSONObject, SafeInt } from '../schema/scalars';
import { Role } from './auth-checker';

@ObjectType({ description: 'The payee as the API shows it: masked, never whole.' })
export class MaskedPayee {
  @Field() realName: string;
  @Field({ description: 'e.g. 1201**********2146' }) idCard: string;
  @Field(() => String, { nullable: true, description: 'Card (6228********2220), Alipay account or openid, masked.' })
  account: string | null;
  @Field(() => String, { nullable: true }) phoneNo: string | null;
}

@InputType()
export class PayeeInput {
  @Field() @Length(1, 64) realName: string;
  @Field({ description: 'The ID card number (for tax); stored encrypted, shown masked.' })
  @Length(15, 18)
  idCard: string;
  @Field(() => String, { nullable: true, description: 'BANK_CARD: the card number; ALIPAY: the Alipay account.' })
  @IsOptional()
  @MaxLength(64)
  account?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(20) phoneNo?: string;
  @Field(() => String, { nullable: true, description: "WECHAT: the payee's openid under your app." })
  @IsOptional()
  @MaxLength(64)
  openid?: string;
}

@InputType()
export class CreatePayoutInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field({ description: 'Same key and input within 24 hours: the same payout, never a second one.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => PayoutChannel) channel: PayoutChannel;
  @Field(() => SafeInt, {
    description: 'BANK_CARD 1-500000000, ALIPAY 1-100000000, WECHAT 100-20000 (or your granted limit).',
  })
  amountFen: number;
  @Field(() => ID, { nullable: true, description: 'The client being paid, if it is one.' }) clientId?: string;
  // Nested inputs are validated only when asked (class-validator's ValidateNested).
  @Field(() => PayeeInput) @ValidateNested() payee: PayeeInput;
  @Field(() => String, {
    nullable: true,
    description: 'pay_remark: at most 20 (a Chinese character counts 2), no \' " & | @ % * ( ) - : # ¥.',
  })
  remark?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(256) notes?: string;
}

@ObjectType({ implements: MutationResult })
export class PayoutPayload extends MutationResult {
  @Field(() => PayoutNode) payout: unknown;
  @Field({ description: 'True when this answered a repeated idempotencyKey.' }) replayed: boolean;
}

@ObjectType({ implements: [MutationResult, ErrorResult], description: 'Yunzhanghu refused, or could not be reached.' })
export class PayoutRefusedError extends ErrorResult {
  @Field(() => TransactionFailure, { nullable: true }) failure: TransactionFailure | null;
  @Field(() => PayoutNode, { nullable: true }) affectedPayout: unknown;
}

export const PayoutResultUnion = createUnionType({
  name: 'PayoutResult',
  types: () => [PayoutPayload, PayoutRefusedError] as const,
});

@InputType()
export class SyncPayoutInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field(() => ID) id: string;
}

@InputType()
export class VerifyBankCardInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field() @Length(12, 19) cardNo: string;
  @Field() @Length(18, 18) idCard: string;
  @Field() @Length(1, 64) realName: string;
  @Field(() => String, { nullable: true, description: 'With it: four factors; without: three.' })
  @IsOptional()
  @Length(11, 11)
  mobile?: string;
}

@InputType()
export class VerifyIdentityInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field() @Length(18, 18) idCard: string;
  @Field() @Length(1, 64) realName: string;
}

@InputType()
export class BankCardSmsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field() @Length(12, 19) cardNo: string;
  @Field() @Length(18, 18) idCard: string;
  @Field() @Length(1, 64) realName: string;
  @Field() @Length(11, 11) mobile: string;
  @Field(() => String, { nullable: true, description: 'Confirm only: the code from the SMS (valid 1 minute).' })
  captcha?: string;
  @Field(() => String, { nullable: true, description: 'Confirm only: the ref from the request.' }) ref?: string;
}

@ObjectType({ implements: MutationResult })
export class VerificationPayload extends MutationResult {
  @Field({ description: 'True only once the vendor confirmed the details (status VERIFIED).' }) verified: boolean;
  @Field(() => VerificationStatus) status: VerificationStatus;
  @Field(() => TransactionFailure, { nullable: true, description: 'Why not, in our terms and the vendor’s.' })
  failure: TransactionFailure | null;
  @Field(() => String, { nullable: true, description: 'The SMS request: pass to confirmBankCardVerification.' }) ref:
    string | null;
}

export const VerificationResult = createUnionType({
  name: 'VerificationResult',
  types: () => [VerificationPayload, PayoutRefusedError] as const,
});

@InputType()
export class UploadIdCardInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field() @Length(1, 64) realName: string;
  @Field() @Length(18, 18) idCard: string;
  @Field({ description: 'The front image, base64 (JPEG).' }) @MaxLength(4_000_000) frontBase64: string;
  @Field({ description: 'The back image, base64 (JPEG).' }) @MaxLength(4_000_000) backBase64: string;
}

@InputType()
export class ReportPayoutInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field(() => PayoutChannel) channel: PayoutChannel;
  @Field({ description: 'Your order number of the payout made elsewhere.' }) @Length(1, 64) orderId: string;
  @Field() @Length(1, 64) realName: string;
  @Field() @Length(15, 18) idCard: string;
  @Field({ description: 'Card number, Alipay account, or WeChat openid.' }) @Length(1, 64) account: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(20) phoneNo?: string;
  @Field(() => SafeInt) amountFen: number;
  @Field(() => DateTime) paidAt: Date;
  @Field() succeeded: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(256) notes?: string;
}

@ObjectType({ implements: MutationResult })
export class ReportPayoutPayload extends MutationResult {
  @Field() accepted: boolean;
  @Field({ description: "The vendor's reference ('' when not accepted)." }) ref: string;
  @Field(() => TransactionFailure, { nullable: true }) failure: TransactionFailure | null;
}

export const ReportPayoutResult = createUnionType({
  name: 'ReportPayoutResult',
  types: () => [ReportPayoutPayload, PayoutRefusedError] as const,
});

@ObjectType({ description: "One broker's balances at Yunzhanghu (2.1 6)." })
export class BrokerBalanceNode {
  @Field() brokerId: string;
  @Field(() => Money) bankCard: Money;
  @Field(() => Money) alipay: Money;
  @Field(() => Money) wechat: Money;
  @Field(() => Money) rebateFee: Money;
  @Field() bankCardOpen: boolean;
  @Field() alipayOpen: boolean;
  @Field() wechatOpen: boolean;
}

@ObjectType('ReconciliationReport', {
  description: "One day's payouts compared with the vendor's order and bill files.",
})
export class ReconciliationReportNode {
  @Field({ description: 'yyyy-mm-dd, China time.' }) day: string;
  @Field(() => Vendor) vendor: Vendor;
  @Field({ description: 'MATCHED or DISCREPANCIES.' }) status: string;
  @Field(() => JSONObject) summary: Record<string, unknown>;
  @Field(() => [JSONObject], {
    description: 'kind: MISSING_LOCALLY, MISSING_AT_VENDOR, AMOUNT_MISMATCH, STATUS_MISMATCH, UNKNOWN_AT_VENDOR.',
  })
  discrepancies: Array<Record<string, unknown>>;
  @Field(() => DateTime) updatedAt: Date;
}

@InputType()
export class ReconcilePayoutsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field({ description: 'The day to reconcile, yyyy-mm-dd (China time).' }) day: string;
}

@ObjectType({ implements: MutationResult })
export class ReconcilePayoutsPayload extends MutationResult {
  @Field(() => ReconciliationReportNode) report: ReconciliationReport;
}

export const ReconcilePayoutsResult = createUnionType({
  name: 'ReconcilePayoutsResult',
  types: () => [ReconcilePayoutsPayload, PayoutRefusedError] as const,
});

function refused(
  clientMutationId: string | undefined,
  result: Exclude<PayoutResult<object>, { ok: true }>,
): PayoutRefusedError {
  return Object.assign(new PayoutRefusedError(), {
    clientMutationId: clientMutationId ?? null,
    code: VENDOR_ERROR_CODES[result.error],
    message: result.message,
    failure: result.failure,
    affectedPayout: result.payout ?? null,
  });
}

function verification(
  clientMutationId: string | undefined,
  result: PayoutResult<{ status: VerificationStatus; failure: TransactionFailure | null; ref?: string | null }>,
): typeof VerificationResult {
  if (!result.ok) return refused(clientMutationId, result);
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
  @Mutation(() => PayoutResultUnion, { description: "Pays out to a person's bank card, Alipay or WeChat." })
  async createPayout(
    @Arg('input') input: CreatePayoutInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof PayoutResultUnion> {
    const result = await context.services.payouts.createPayout(requireScope(context), {
      idempotencyKey: input.idempotencyKey,
      channel: input.channel,
      amountFen: input.amountFen,
      clientId: input.clientId ? fromGlobalIdOf('Client', input.clientId, 'clientId') : undefined,
      payee: { ...input.payee },
      remark: input.remark,
      notes: input.notes,
    });
    if (!result.ok) return refused(input.clientMutationId, result);
    return Object.assign(new PayoutPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      payout: result.payout,
      replayed: result.replayed,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => PayoutResultUnion, { description: "Asks Yunzhanghu for the payout's state and applies it." })
  async syncPayout(
    @Arg('input') input: SyncPayoutInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof PayoutResultUnion> {
    const result = await context.services.payouts.sync(requireScope(context), fromGlobalIdOf('Payout', input.id, 'id'));
    if (!result.ok) return refused(input.clientMutationId, result);
    return Object.assign(new PayoutPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      payout: result.payout,
      replayed: false,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => VerificationResult, {
    description: 'Bank card four-factor (with mobile) or three-factor verification.',
  })
  async verifyBankCard(@Arg('input') input: VerifyBankCardInput, @Ctx() context: RequestContext) {
    return verification(
      input.clientMutationId,
      await context.services.verification.verifyBankCard(requireScope(context), input),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => VerificationResult, { description: 'ID card real-name verification.' })
  async verifyIdentity(@Arg('input') input: VerifyIdentityInput, @Ctx() context: RequestContext) {
    return verification(
      input.clientMutationId,
      await context.services.verification.verifyIdentity(requireScope(context), input),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => VerificationResult, {
    description:
      'Four-factor verification by SMS, step 1: sends the code and returns the ref, with status CODE_SENT (not verified yet).',
  })
  async requestBankCardVerification(@Arg('input') input: BankCardSmsInput, @Ctx() context: RequestContext) {
    return verification(
      input.clientMutationId,
      await context.services.verification.requestBankCardVerification(requireScope(context), input),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => VerificationResult, { description: 'Four-factor verification by SMS, step 2: the code and the ref.' })
  async confirmBankCardVerification(@Arg('input') input: BankCardSmsInput, @Ctx() context: RequestContext) {
    if (!input.captcha || !input.ref)
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'captcha and ref are required', { field: 'captcha' });
    return verification(
      input.clientMutationId,
      await context.services.verification.confirmBankCardVerification(requireScope(context), {
        ...input,
        captcha: input.captcha,
        ref: input.ref,
      }),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => VerificationResult, { description: "Uploads the payee's ID card images (2.4)." })
  async uploadIdCardImages(@Arg('input') input: UploadIdCardInput, @Ctx() context: RequestContext) {
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
  @Mutation(() => ReportPayoutResult, { description: 'Reports a payout made outside Yunzhanghu (2.5).' })
  async reportPayout(
    @Arg('input') input: ReportPayoutInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof ReportPayoutResult> {
    const result = await context.services.verification.report(requireScope(context), input);
    if (!result.ok) return refused(input.clientMutationId, result);
    return Object.assign(new ReportPayoutPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      accepted: result.accepted,
      ref: result.ref,
      failure: result.failure,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => ReconcilePayoutsResult, {
    description: "Compares a day's payouts with Yunzhanghu's order and bill files.",
  })
  async reconcilePayouts(
    @Arg('input') input: ReconcilePayoutsInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof ReconcilePayoutsResult> {
    const result = await context.services.reconciliation.reconcile(requireScope(context), input.day);
    if (!result.ok) return refused(input.clientMutationId, result);
    return Object.assign(new ReconcilePayoutsPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      report: result.report,
    });
  }

  @Authorized(Role.PLATFORM)
  @Query(() => [BrokerBalanceNode], {
    description: "The dealer's balances per broker and channel, live from Yunzhanghu.",
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
  @Query(() => String, { description: 'The Alipay authorisation string for the app SDK (2.3 5).' })
  async alipayAuthInfo(@Ctx() context: RequestContext): Promise<string> {
    const result = await context.services.verification.alipayAuthInfo(requireScope(context));
    if (!result.ok) throw new AppError(ErrorCode.PROVIDER_ERROR, result.message, { reason: result.error });
    return result.info;
  }

  @Authorized(Role.PLATFORM)
  @Query(() => [ReconciliationReportNode], { description: 'Reconciliation reports, newest day first.' })
  async reconciliationReports(
    @Arg('day', () => String, { nullable: true }) day: string | undefined,
    @Arg('limit', () => Int, { defaultValue: 30 }) limit: number,
    @Ctx() context: RequestContext,
  ): Promise<ReconciliationReport[]> {
    const scope = requireScope(context);
    return context.services.db.manager.find(ReconciliationReport, {
      where: { platformId: scope.platformId, ...(day ? { day } : {}) },
      order: { day: 'DESC' },
      take: Math.min(Math.max(limit, 1), 100),
    });
  }
}

@Resolver(() => PayoutNode)
export class PayoutFieldsResolver {
  @FieldResolver(() => MaskedPayee, { nullable: true, description: 'Masked; the full details are encrypted at rest.' })
  payee(@Root() payout: Payout): MaskedPayee | null {
    return (payout.vendorData as unknown as PayoutVendorData | null)?.payee ?? null;
  }

  @FieldResolver(() => TransactionFailure, { nullable: true })
  failure(@Root() payout: Payout): TransactionFailure | null {
    return (
      ((payout.vendorData as unknown as PayoutVendorData | null)?.failure as TransactionFailure | undefined) ?? null
    );
  }

  @FieldResolver(() => Int, { nullable: true, description: "Yunzhanghu's status (附录1), as last reported." })
  vendorStatus(@Root() payout: Payout): number | null {
    return (payout.vendorData as unknown as PayoutVendorData | null)?.status ?? null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: "Yunzhanghu's status_detail (附录2), e.g. 27: red packet awaiting claim.",
  })
  vendorStatusDetail(@Root() payout: Payout): number | null {
    return (payout.vendorData as unknown as PayoutVendorData | null)?.statusDetail ?? null;
  }
}
