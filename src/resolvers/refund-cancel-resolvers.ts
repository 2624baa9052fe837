import { IsOptional, Length, Min } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import { Money } from '../schema/money';
import { TransactionNode } from '../schema/object-types';
import {
  ErrorResult,
  MutationResult,
  ResultErrorCode,
  ProviderNotConfiguredError,
  providerNotConfigured,
  MutationInput,
} from '../schema/results';
import { SafeInt } from '../schema/scalars';
import { mutationResult } from '../schema/mutation-result';
import { CURRENCY_CNY } from '../domain/enums';
import { describeEnum } from '../schema/describe-enum';
import { Role } from './auth-checker';

export enum RefundRefusalReason {
  /** The payment's vendor has no refunds (the cashier), or it is not a payment. */
  NOT_SUPPORTED = 'NOT_SUPPORTED',
  /** Only a SUCCEEDED payment can be refunded. */
  NOT_PAID = 'NOT_PAID',
  /** More than what is left after earlier refunds (including ones still uncertain). */
  EXCEEDS_REFUNDABLE = 'EXCEEDS_REFUNDABLE',
}
describeEnum(RefundRefusalReason, 'RefundRefusalReason', 'Why a payment cannot be refunded.', {
  NOT_SUPPORTED: "The payment's vendor takes no refunds through paygraph, or it is not a payment.",
  NOT_PAID: 'Only a SUCCEEDED payment can be refunded.',
  EXCEEDS_REFUNDABLE: 'More than what is left after earlier refunds (including ones not yet settled).',
});

export enum CancelRefusalReason {
  NOT_SUPPORTED = 'NOT_SUPPORTED',
  /** A paid payment is refunded with refundPayment, never canceled. */
  ALREADY_PAID = 'ALREADY_PAID',
}
describeEnum(CancelRefusalReason, 'CancelRefusalReason', 'Why a payment cannot be canceled.', {
  NOT_SUPPORTED: "The payment's vendor takes no cancels through paygraph.",
  ALREADY_PAID: 'A paid payment is refunded with refundPayment, never canceled.',
});

@InputType({ description: 'Which payment to refund, and how much of it.' })
export class RefundPaymentInput extends MutationInput {
  @Field({ description: 'Retrying with the same key and input returns the same refund, never a second one.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => ID, { description: 'The payment to refund.' }) paymentId: string;
  @Field(() => SafeInt, { description: 'Any part of what is left; refunds repeat until nothing is.' })
  @Min(1)
  amountFen: number;
  @Field(() => String, { nullable: true, description: "Who refunds, for the vendor's records (your staff id)." })
  @IsOptional()
  @Length(1, 64)
  operator?: string;
}

@ObjectType({ implements: MutationResult, description: 'What refundPayment answers when it succeeds.' })
export class RefundPaymentPayload extends MutationResult {
  @Field(() => TransactionNode, { description: 'The refund: SUCCEEDED, FAILED, or NEEDS_ATTENTION while retried.' })
  refund: unknown;
  @Field(() => TransactionNode, { description: 'The payment, with its refunded amount.' }) payment: unknown;
  @Field({ description: 'True when this answered a repeated idempotencyKey (nothing was refunded again).' })
  replayed: boolean;
}

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description: 'The refund was refused before anything was sent: `reason` says why.',
})
export class RefundNotPossibleError extends ErrorResult {
  @Field(() => RefundRefusalReason, { description: 'Why the payment cannot be refunded.' })
  reason: RefundRefusalReason;
  @Field(() => Money, { description: 'What can still be refunded.' }) refundable: Money;
  @Field(() => TransactionNode, { description: 'The payment.' }) payment: unknown;
}

export const RefundPaymentResult = mutationResult('refundPayment', RefundPaymentPayload, [
  RefundNotPossibleError,
  ProviderNotConfiguredError,
]);

@InputType({ description: 'Which unpaid payment to cancel.' })
export class CancelPaymentInput extends MutationInput {
  @Field({ description: 'The same key makes a retry return the first answer instead of canceling twice.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => ID, { description: 'The unpaid payment to cancel.' }) paymentId: string;
}

@ObjectType({ implements: MutationResult, description: 'What cancelPayment answers when it succeeds.' })
export class CancelPaymentPayload extends MutationResult {
  @Field(() => TransactionNode, {
    description: 'CANCELED, FAILED (nothing to cancel), or NEEDS_ATTENTION when the gateway could not confirm.',
  })
  transaction: unknown;
  @Field({ description: 'True when this answered a repeated idempotencyKey.' }) replayed: boolean;
}

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description: 'The payment cannot be canceled: `reason` says why.',
})
export class CancelNotPossibleError extends ErrorResult {
  @Field(() => CancelRefusalReason, { description: 'Why not.' }) reason: CancelRefusalReason;
  @Field(() => TransactionNode, { description: 'The payment.' }) transaction: unknown;
}

export const CancelPaymentResult = mutationResult('cancelPayment', CancelPaymentPayload, [
  CancelNotPossibleError,
  ProviderNotConfiguredError,
]);

const REFUND_MESSAGES: Record<RefundRefusalReason, string> = {
  NOT_SUPPORTED: "this payment's vendor does not refund through paygraph",
  NOT_PAID: 'only a SUCCEEDED payment can be refunded',
  EXCEEDS_REFUNDABLE: 'the amount is more than what is left to refund',
};

const CANCEL_MESSAGES: Record<CancelRefusalReason, string> = {
  NOT_SUPPORTED: "this payment's vendor has no cancel",
  ALREADY_PAID: 'the payment is paid: refund it with refundPayment',
};

@Resolver()
export class RefundCancelResolver {
  @Authorized(Role.PLATFORM)
  @Mutation(() => RefundPaymentResult, {
    description:
      "Refunds part or all of what is left of a paid payment. Follow the refund on transactionUpdated (a subscription to the payment hears it too). Needs an API key: a refund is the platform's decision, made server-side; a client token gets FORBIDDEN.",
  })
  async refundPayment(
    @Arg('input') input: RefundPaymentInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof RefundPaymentResult> {
    const clientMutationId = input.clientMutationId ?? null;
    const outcome = await context.services.refunds.refund(requireScope(context), {
      idempotencyKey: input.idempotencyKey,
      paymentId: fromGlobalIdOf('Transaction', input.paymentId, 'paymentId'),
      amountFen: input.amountFen,
      operator: input.operator,
    });
    if (!outcome.ok) {
      if (outcome.reason === 'PROVIDER_NOT_CONFIGURED')
        return providerNotConfigured(clientMutationId, outcome.payment.vendor);
      const reason = RefundRefusalReason[outcome.reason];
      return Object.assign(new RefundNotPossibleError(), {
        clientMutationId,
        code: ResultErrorCode.REFUND_NOT_POSSIBLE,
        message: REFUND_MESSAGES[reason],
        reason,
        refundable: Money.of(outcome.refundableFen, CURRENCY_CNY),
        payment: outcome.payment,
      });
    }
    return Object.assign(new RefundPaymentPayload(), {
      clientMutationId,
      refund: outcome.refund,
      payment: outcome.payment,
      replayed: outcome.replayed,
    });
  }

  @Authorized()
  @Mutation(() => CancelPaymentResult, {
    description:
      'Cancels a payment that is not paid yet; a paid one is refunded with refundPayment instead. Needs an API key or a client token (its own payments).',
  })
  async cancelPayment(
    @Arg('input') input: CancelPaymentInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof CancelPaymentResult> {
    const clientMutationId = input.clientMutationId ?? null;
    const outcome = await context.services.inStorePayments.cancel(requireScope(context), {
      idempotencyKey: input.idempotencyKey,
      id: fromGlobalIdOf('Transaction', input.paymentId, 'paymentId'),
    });
    if (!outcome.ok) {
      if (outcome.error === 'PROVIDER_NOT_CONFIGURED')
        return providerNotConfigured(clientMutationId, outcome.transaction.vendor);
      const reason = CancelRefusalReason[outcome.error];
      return Object.assign(new CancelNotPossibleError(), {
        clientMutationId,
        code: ResultErrorCode.CANCEL_NOT_POSSIBLE,
        message: CANCEL_MESSAGES[reason],
        reason,
        transaction: outcome.transaction,
      });
    }
    return Object.assign(new CancelPaymentPayload(), {
      clientMutationId,
      transaction: outcome.transaction,
      replayed: outcome.replayed,
    });
  }
}
