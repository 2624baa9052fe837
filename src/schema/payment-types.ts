import { IsOptional, Length, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, ObjectType, createUnionType } from 'type-graphql';
import { CheckoutAction } from '../domain/enums';
import { TransactionNode } from './object-types';
import { ErrorResult, MutationResult, ProviderNotConfiguredError, MutationInput } from './results';
import { describeEnum } from './describe-enum';
import { JSONObject, SafeInt } from './scalars';

export enum PaymentMethod {
  /** The payer's payment code, scanned by the merchant (Shouqianba pay, B scans C). */
  BARCODE = 'BARCODE',
  /** A QR code the payer scans with a wallet (Shouqianba precreate, C scans B). */
  QR_CODE = 'QR_CODE',
  /** A hosted checkout page (the cashier). */
  CHECKOUT = 'CHECKOUT',
}
describeEnum(PaymentMethod, 'PaymentMethod', 'How a payment is taken.', {
  BARCODE: "The merchant scans the payer's payment code (in store).",
  QR_CODE: 'The payer scans a QR code shown by the merchant (in store).',
  CHECKOUT: 'The payer pays on a hosted checkout page.',
});

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
describeEnum(Wallet, 'Wallet', 'The wallet app a payer scans a QR code with.', {
  ALIPAY: 'Alipay.',
  WECHAT: 'WeChat Pay.',
});

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
export class CreatePaymentInput extends MutationInput {
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

export const CreatePaymentResult = createUnionType({
  name: 'CreatePaymentResult',
  types: () => [CreatePaymentPayload, ProviderNotConfiguredError] as const,
});

@InputType()
export class SyncPaymentInput extends MutationInput {
  @Field(() => ID, { description: 'The payment to ask its vendor about.' }) paymentId: string;
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
