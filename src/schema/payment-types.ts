import { IsOptional, Length, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { mutationResult } from './mutation-result';
import { CheckoutAction } from '../domain/enums';
import { TransactionNode } from './object-types';
import { ErrorResult, MutationResult, ProviderNotConfiguredError, MutationInput } from './results';
import { describeEnum } from './describe-enum';
import { OneOfInput } from './one-of';
import { SafeInt } from './scalars';

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

@InputType({ description: 'A payment on the hosted checkout page.' })
export class CheckoutInput {
  @Field(() => CheckoutAction, { description: 'Which page the checkout opens.' }) action: CheckoutAction;
  @Field(() => String, { nullable: true, description: 'Where the payer lands after paying (your page).' })
  @IsOptional()
  @MaxLength(512)
  returnUrl?: string;
  @Field(() => String, { nullable: true, description: 'Bound-card payments: the payer name (with payerIdNumber).' })
  @IsOptional()
  @Length(1, 64)
  payerName?: string;
  @Field(() => String, {
    nullable: true,
    description: "Bound-card payments: the payer's ID card number (with payerName). Sent to the cashier, never stored.",
  })
  @IsOptional()
  @Length(15, 18)
  payerIdNumber?: string;
}

export enum Wallet {
  ALIPAY = 'ALIPAY',
  WECHAT = 'WECHAT',
}
describeEnum(Wallet, 'Wallet', 'The wallet app a payer scans a QR code with.', {
  ALIPAY: 'Alipay.',
  WECHAT: 'WeChat Pay.',
});

@InputType({ description: "An in-store payment: the merchant scans the payer's payment code." })
export class BarcodeInput {
  @Field({ description: "The payer's payment code as scanned (never stored)." })
  @Length(1, 32)
  dynamicId: string;
}

@InputType({ description: 'An in-store payment: the payer scans a QR code the merchant shows.' })
export class QrCodeInput {
  @Field(() => Wallet, { description: 'The wallet the payer scans with.' }) wallet: Wallet;
}

@OneOfInput()
@InputType({ description: 'How the payment is taken: give exactly one of these.' })
export class PaymentMethodInput {
  // Nested inputs are validated only when asked (class-validator's ValidateNested).
  @Field(() => CheckoutInput, { nullable: true, description: 'On the hosted checkout page.' })
  @IsOptional()
  @ValidateNested()
  checkout?: CheckoutInput;
  @Field(() => BarcodeInput, { nullable: true, description: "In store: scan the payer's payment code." })
  @IsOptional()
  @ValidateNested()
  barcode?: BarcodeInput;
  @Field(() => QrCodeInput, { nullable: true, description: 'In store: show the payer a QR code to scan.' })
  @IsOptional()
  @ValidateNested()
  qrCode?: QrCodeInput;
}

@InputType({ description: 'A payment to take: how much, from whom, to which merchant, and how.' })
export class CreatePaymentInput extends MutationInput {
  @Field({ description: 'Same key and input within 24 hours: the same payment, never a second one.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => PaymentMethodInput, { description: 'How the payment is taken.' })
  @ValidateNested()
  method: PaymentMethodInput;
  @Field(() => SafeInt, { description: 'The amount in fen (1 yuan = 100 fen).' }) @Min(1) amountFen: number;
  @Field(() => ID, { nullable: true, description: 'The paying client (implied for a client token).' })
  clientId?: string;
  @Field(() => ID, { nullable: true, description: 'The merchant being paid.' }) bizId?: string;
  @Field(() => String, { nullable: true, description: 'What is paid for, shown to the payer (at most 256).' })
  @IsOptional()
  @MaxLength(256)
  description?: string;
  @Field(() => String, { nullable: true, description: 'In store: the operator at the till; "paygraph" by default.' })
  @IsOptional()
  @Length(1, 32)
  operator?: string;
}

@ObjectType({ description: 'One field of the signed checkout form.' })
export class CheckoutFormField {
  @Field({ description: 'The form field name.' }) name: string;
  @Field({ description: 'Its value, exactly as signed: send it unchanged.' }) value: string;
}

@ObjectType({
  description:
    'How to send the payer to the hosted checkout: open `url`, or POST `formFields` to `formAction`, or render `html`. All three carry the same signed request.',
})
export class Checkout {
  @Field({ description: 'Open this URL in the browser or a web view (a GET with the signed fields).' }) url: string;
  @Field({ description: 'Or POST formFields to this address.' }) formAction: string;
  /** Kept as the signed map; the schema shows it as a list (see CheckoutResolver). */
  formFields: Record<string, string>;
  @Field({ description: 'An auto-submitting HTML form doing the POST, for a web view.' }) html: string;
}

@ObjectType({ implements: MutationResult, description: 'What createPayment answers when it succeeds.' })
export class CreatePaymentPayload extends MutationResult {
  @Field(() => TransactionNode, { description: 'The payment, as it stands after this call.' }) transaction: unknown;
  @Field(() => Checkout, { nullable: true, description: 'CHECKOUT: where to send the payer.' })
  checkout: Checkout | null;
  @Field(() => String, { nullable: true, description: 'QR_CODE: the content to show as a QR code.' })
  qrCode: string | null;
  @Field({ description: 'True when this answered a repeated idempotencyKey.' }) replayed: boolean;
}

export const CreatePaymentResult = mutationResult('createPayment', CreatePaymentPayload, [ProviderNotConfiguredError]);

@InputType({ description: 'Which payment to ask its vendor about.' })
export class SyncPaymentInput extends MutationInput {
  @Field(() => ID, { description: 'The payment to ask its vendor about.' }) paymentId: string;
}

@ObjectType({ implements: MutationResult, description: 'What syncPayment answers when it succeeds.' })
export class SyncPaymentPayload extends MutationResult {
  @Field(() => TransactionNode, { description: 'The payment with what the vendor said applied.' }) transaction: unknown;
  @Field({ description: 'Whether the vendor reported a change.' }) changed: boolean;
}

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description: 'The vendor could not be asked, or gave no answer to trust; the payment is unchanged.',
})
export class VendorQueryFailedError extends ErrorResult {
  @Field(() => TransactionNode, { description: 'The payment, unchanged.' }) transaction: unknown;
}

export const SyncPaymentResult = mutationResult('syncPayment', SyncPaymentPayload, [VendorQueryFailedError]);
