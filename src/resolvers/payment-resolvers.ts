import { IsOptional, Length, MaxLength, Min } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  ID,
  InputType,
  Mutation,
  ObjectType,
  registerEnumType,
  Resolver,
  createUnionType,
} from 'type-graphql';
import { Vendor } from '../domain/enums';
import { badUserInput } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import type { CashierAction } from '../providers/cashier/wire-types';
import { TransactionNode } from '../schema/object-types';
import { ErrorResult, MutationResult, ResultErrorCode } from '../schema/results';
import { JSONObject, SafeInt } from '../schema/scalars';

export enum PaymentMethod {
  /** The payer's barcode, scanned by the merchant (Shouqianba; not available yet). */
  BARCODE = 'BARCODE',
  /** A QR code the payer scans (Shouqianba; not available yet). */
  QR_CODE = 'QR_CODE',
  /** A hosted checkout page (the cashier). */
  CHECKOUT = 'CHECKOUT',
}
registerEnumType(PaymentMethod, { name: 'PaymentMethod' });

export enum CheckoutAction {
  BANK = 'BANK',
  WEIXIN = 'WEIXIN',
  ALIPAY = 'ALIPAY',
  /** The payer chooses among the merchant's methods. */
  ARBI = 'ARBI',
}
registerEnumType(CheckoutAction, { name: 'CheckoutAction' });

const CASHIER_ACTION: Record<CheckoutAction, CashierAction> = {
  BANK: 'Bank',
  WEIXIN: 'WeiXin',
  ALIPAY: 'AliPay',
  ARBI: 'Arbi',
};

@InputType()
export class CheckoutInput {
  @Field(() => CheckoutAction) action: CheckoutAction;
  @Field(() => String, { nullable: true, description: 'Where the payer lands after paying (your page).' })
  @IsOptional()
  @MaxLength(512)
  returnUrl?: string;
  @Field(() => String, { nullable: true, description: 'Bound-card payments: the payer name (with payerIdNumber).' })
  @IsOptional()
  @Length(1, 64)
  payerName?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(15, 18) payerIdNumber?: string;
}

@InputType()
export class CreatePaymentInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field({ description: 'Same key and input within 24 hours: the same payment, never a second one.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => PaymentMethod) method: PaymentMethod;
  @Field(() => SafeInt) @Min(1) amountFen: number;
  @Field(() => ID, { nullable: true, description: 'The paying client (implied for a client token).' })
  clientId?: string;
  @Field(() => ID, { nullable: true, description: 'The merchant being paid.' }) bizId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(256) description?: string;
  @Field(() => CheckoutInput, { nullable: true, description: 'Required for CHECKOUT.' }) checkout?: CheckoutInput;
}

@ObjectType({ description: 'How to send the payer to the hosted checkout.' })
export class Checkout {
  @Field({ description: 'Open this URL (GET submission).' }) url: string;
  @Field({ description: 'Or POST formFields to formAction.' }) formAction: string;
  @Field(() => JSONObject) formFields: Record<string, string>;
  @Field({ description: 'An auto-submitting HTML form doing the POST.' }) html: string;
}

@ObjectType({ implements: MutationResult })
export class CreatePaymentPayload extends MutationResult {
  @Field(() => TransactionNode) transaction: unknown;
  @Field(() => Checkout, { nullable: true }) checkout: Checkout | null;
  @Field({ description: 'True when this answered a repeated idempotencyKey.' }) replayed: boolean;
}

@ObjectType({ implements: [MutationResult, ErrorResult] })
export class ProviderNotConfiguredError extends ErrorResult {
  @Field(() => Vendor) vendor: Vendor;
}

@ObjectType({ implements: [MutationResult, ErrorResult] })
export class MethodNotAvailableError extends ErrorResult {
  @Field(() => PaymentMethod) method: PaymentMethod;
}

export const CreatePaymentResult = createUnionType({
  name: 'CreatePaymentResult',
  types: () => [CreatePaymentPayload, ProviderNotConfiguredError, MethodNotAvailableError] as const,
});

@InputType()
export class SyncPaymentInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field(() => ID) id: string;
}

@ObjectType({ implements: MutationResult })
export class SyncPaymentPayload extends MutationResult {
  @Field(() => TransactionNode) transaction: unknown;
  @Field({ description: 'Whether the vendor reported a change.' }) changed: boolean;
}

@ObjectType({ implements: [MutationResult, ErrorResult] })
export class VendorQueryFailedError extends ErrorResult {
  @Field(() => TransactionNode) transaction: unknown;
}

export const SyncPaymentResult = createUnionType({
  name: 'SyncPaymentResult',
  types: () => [SyncPaymentPayload, VendorQueryFailedError] as const,
});

@Resolver()
export class PaymentResolver {
  @Authorized()
  @Mutation(() => CreatePaymentResult, {
    description: 'Creates a payment. CHECKOUT returns the hosted checkout to send the payer to.',
  })
  async createPayment(
    @Arg('input') input: CreatePaymentInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof CreatePaymentResult> {
    const clientMutationId = input.clientMutationId ?? null;
    if (input.method !== PaymentMethod.CHECKOUT) {
      return Object.assign(new MethodNotAvailableError(), {
        clientMutationId,
        code: ResultErrorCode.METHOD_NOT_AVAILABLE,
        message: `${input.method} payments are not available yet`,
        method: input.method,
      });
    }
    if (!input.checkout) throw badUserInput('checkout is required for CHECKOUT payments', 'checkout');
    const outcome = await context.services.payments.createCheckoutPayment(requireScope(context), {
      idempotencyKey: input.idempotencyKey,
      amountFen: input.amountFen,
      clientId: input.clientId ? fromGlobalIdOf('Client', input.clientId, 'clientId') : undefined,
      bizId: input.bizId ? fromGlobalIdOf('Biz', input.bizId, 'bizId') : undefined,
      description: input.description,
      action: CASHIER_ACTION[input.checkout.action],
      returnUrl: input.checkout.returnUrl,
      payerName: input.checkout.payerName,
      payerIdNumber: input.checkout.payerIdNumber,
    });
    if (!outcome.ok) {
      return Object.assign(new ProviderNotConfiguredError(), {
        clientMutationId,
        code: ResultErrorCode.PROVIDER_NOT_CONFIGURED,
        message: `Configure ${outcome.vendor} with configureProvider first`,
        vendor: outcome.vendor,
      });
    }
    return Object.assign(new CreatePaymentPayload(), {
      clientMutationId,
      transaction: outcome.transaction,
      checkout: outcome.checkout,
      replayed: outcome.replayed,
    });
  }

  @Authorized()
  @Mutation(() => SyncPaymentResult, { description: "Asks the vendor for the payment's current state and applies it." })
  async syncPayment(
    @Arg('input') input: SyncPaymentInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof SyncPaymentResult> {
    const outcome = await context.services.payments.syncPayment(
      requireScope(context),
      fromGlobalIdOf('Transaction', input.id, 'id'),
    );
    const clientMutationId = input.clientMutationId ?? null;
    if (!outcome.ok) {
      return Object.assign(new VendorQueryFailedError(), {
        clientMutationId,
        code: ResultErrorCode[outcome.error],
        message: outcome.message,
        transaction: outcome.transaction,
      });
    }
    return Object.assign(new SyncPaymentPayload(), {
      clientMutationId,
      transaction: outcome.transaction,
      changed: outcome.changed,
    });
  }
}
