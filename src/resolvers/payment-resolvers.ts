import { IsOptional, Length, MaxLength, Min, ValidateNested } from 'class-validator';
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
import type { CashierAction } from '../providers/cashier';
import { TransactionNode } from '../schema/object-types';
import { ErrorResult, MutationResult, ResultErrorCode } from '../schema/results';
import { JSONObject, SafeInt } from '../schema/scalars';

export enum PaymentMethod {
  /** The payer's payment code, scanned by the merchant (Shouqianba pay, B scans C). */
  BARCODE = 'BARCODE',
  /** A QR code the payer scans with a wallet (Shouqianba precreate, C scans B). */
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

export enum Wallet {
  ALIPAY = 'ALIPAY',
  WECHAT = 'WECHAT',
}
registerEnumType(Wallet, { name: 'Wallet' });

@InputType()
export class BarcodeInput {
  @Field({ description: "The payer's payment code as scanned (never stored)." })
  @Length(1, 32)
  dynamicId: string;
}

@InputType()
export class QrCodeInput {
  @Field(() => Wallet, { description: 'The wallet the payer scans with.' }) wallet: Wallet;
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
  // Nested inputs are validated only when asked (class-validator's ValidateNested).
  @Field(() => CheckoutInput, { nullable: true, description: 'Required for CHECKOUT.' })
  @IsOptional()
  @ValidateNested()
  checkout?: CheckoutInput;
  @Field(() => BarcodeInput, { nullable: true, description: 'Required for BARCODE.' })
  @IsOptional()
  @ValidateNested()
  barcode?: BarcodeInput;
  @Field(() => QrCodeInput, { nullable: true, description: 'Required for QR_CODE.' })
  @IsOptional()
  @ValidateNested()
  qrCode?: QrCodeInput;
  @Field(() => String, { nullable: true, description: 'The store operator (BARCODE, QR_CODE); "paygraph" by default.' })
  @IsOptional()
  @Length(1, 32)
  operator?: string;
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
  @Field(() => Checkout, { nullable: true, description: 'CHECKOUT: where to send the payer.' })
  checkout: Checkout | null;
  @Field(() => String, { nullable: true, description: 'QR_CODE: the content to show as a QR code.' })
  qrCode: string | null;
  @Field({ description: 'True when this answered a repeated idempotencyKey.' }) replayed: boolean;
}

@ObjectType({ implements: [MutationResult, ErrorResult] })
export class ProviderNotConfiguredError extends ErrorResult {
  @Field(() => Vendor) vendor: Vendor;
}

export const CreatePaymentResult = createUnionType({
  name: 'CreatePaymentResult',
  types: () => [CreatePaymentPayload, ProviderNotConfiguredError] as const,
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

function providerNotConfigured(clientMutationId: string | null, vendor: Vendor): ProviderNotConfiguredError {
  return Object.assign(new ProviderNotConfiguredError(), {
    clientMutationId,
    code: ResultErrorCode.PROVIDER_NOT_CONFIGURED,
    message: `Configure ${vendor} with configureProvider first`,
    vendor,
  });
}

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
    const scope = requireScope(context);
    const common = {
      idempotencyKey: input.idempotencyKey,
      amountFen: input.amountFen,
      clientId: input.clientId ? fromGlobalIdOf('Client', input.clientId, 'clientId') : undefined,
      bizId: input.bizId ? fromGlobalIdOf('Biz', input.bizId, 'bizId') : undefined,
      description: input.description,
    };
    if (input.method !== PaymentMethod.CHECKOUT) {
      if (input.method === PaymentMethod.BARCODE && !input.barcode)
        throw badUserInput('barcode is required for BARCODE payments', 'barcode');
      if (input.method === PaymentMethod.QR_CODE && !input.qrCode)
        throw badUserInput('qrCode is required for QR_CODE payments', 'qrCode');
      const outcome = await context.services.inStorePayments.create(scope, {
        ...common,
        method: input.method,
        operator: input.operator,
        dynamicId: input.barcode?.dynamicId,
        wallet: input.qrCode?.wallet,
      });
      if (!outcome.ok) return providerNotConfigured(clientMutationId, outcome.vendor);
      const vendorData = (outcome.transaction.vendorData ?? {}) as { qrCode?: string | null };
      return Object.assign(new CreatePaymentPayload(), {
        clientMutationId,
        transaction: outcome.transaction,
        checkout: null,
        qrCode: vendorData.qrCode ?? null,
        replayed: outcome.replayed,
      });
    }
    if (!input.checkout) throw badUserInput('checkout is required for CHECKOUT payments', 'checkout');
    const outcome = await context.services.payments.createCheckoutPayment(scope, {
      ...common,
      action: CASHIER_ACTION[input.checkout.action],
      returnUrl: input.checkout.returnUrl,
      payerName: input.checkout.payerName,
      payerIdNumber: input.checkout.payerIdNumber,
    });
    if (!outcome.ok) return providerNotConfigured(clientMutationId, outcome.vendor);
    return Object.assign(new CreatePaymentPayload(), {
      clientMutationId,
      transaction: outcome.transaction,
      checkout: outcome.checkout,
      qrCode: null,
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
