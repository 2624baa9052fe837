import { IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, InterfaceType, ObjectType } from 'type-graphql';
import { mutationResult } from './mutation-result';
import {
  DiscrepancyKind,
  PayoutChannel,
  PayoutStatus,
  ReconciliationStatus,
  Vendor,
  VerificationStatus,
} from '../domain/enums';
import { ReconciliationReport } from '../entities';
import { connectionTypes } from './connection';
import { Node } from './node';
import { PayoutNode, TransactionFailure } from './object-types';
import { Money } from './money';
import { ErrorResult, MutationResult, ProviderNotConfiguredError, VendorRefusedError, MutationInput } from './results';
import { CalendarDate, DateTime, SafeInt } from './scalars';

@ObjectType({ description: 'The payee as the API shows it: masked, never whole.' })
export class MaskedPayee {
  @Field({ description: 'The real name, masked after its first character (张*).' }) realName: string;
  @Field({ description: 'The ID card number, masked: 1201**********2146.' }) idCard: string;
  @Field(() => String, { nullable: true, description: 'Card (6228********2220), Alipay account or openid, masked.' })
  account: string | null;
  @Field(() => String, { nullable: true, description: 'The mobile number, masked (134****5491); null if not given.' })
  phoneNo: string | null;
}

@InputType({ description: 'The person paid. Stored encrypted; the API only ever shows it masked.' })
export class PayeeInput {
  @Field({ description: 'The real name on the ID card.' }) @Length(1, 64) realName: string;
  @Field({ description: 'The ID card number (for tax); stored encrypted, shown masked.' })
  @Length(15, 18)
  idCard: string;
  @Field(() => String, { nullable: true, description: 'BANK_CARD: the card number; ALIPAY: the Alipay account.' })
  @IsOptional()
  @MaxLength(64)
  account?: string;
  @Field(() => String, { nullable: true, description: "The payee's mobile number, if you have it." })
  @IsOptional()
  @MaxLength(20)
  phoneNo?: string;
  @Field(() => String, { nullable: true, description: "WECHAT: the payee's openid under your app." })
  @IsOptional()
  @MaxLength(64)
  openid?: string;
}

@InputType({ description: 'A payout to make: to whom, through which channel, and how much.' })
export class CreatePayoutInput extends MutationInput {
  @Field({ description: 'Same key and input within 24 hours: the same payout, never a second one.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => PayoutChannel, { description: 'Where the money goes: a bank card, Alipay or WeChat.' })
  channel: PayoutChannel;
  @Field(() => SafeInt, {
    description:
      'The amount in fen. BANK_CARD 1 to 500000000, ALIPAY 1 to 100000000, WECHAT 100 to 20000 (or the limit you were granted).',
  })
  amountFen: number;
  @Field(() => ID, { nullable: true, description: 'The client being paid, if it is one.' }) clientId?: string;
  // Nested inputs are validated only when asked (class-validator's ValidateNested).
  @Field(() => PayeeInput, { description: 'The person paid.' }) @ValidateNested() payee: PayeeInput;
  @Field(() => String, {
    nullable: true,
    description:
      'Shown to the payee with the money: at most 20 characters (a Chinese character counts 2), none of \' " & | @ % * ( ) - : # ¥.',
  })
  remark?: string;
  @Field(() => String, { nullable: true, description: 'A note of yours, kept with the payout (at most 256).' })
  @IsOptional()
  @MaxLength(256)
  notes?: string;
}

@InterfaceType({
  implements: MutationResult,
  description: 'What createPayout and syncPayout answer on success: a fragment on it fits both.',
})
export class PayoutPayload extends MutationResult {
  @Field(() => PayoutNode, { description: 'The payout as it stands after this call.' }) payout: unknown;
  @Field({ description: 'True when this answered a repeated idempotencyKey.' }) replayed: boolean;
}

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description:
    'The payout vendor refused the payout, or could not be reached; `affectedPayout` is the payout as it stands.',
})
export class PayoutRefusedError extends ErrorResult {
  @Field(() => TransactionFailure, { nullable: true, description: 'Why, when the vendor said so.' })
  failure: TransactionFailure | null;
  @Field(() => PayoutNode, {
    nullable: true,
    description:
      'The payout concerned (FAILED, or NEEDS_ATTENTION when the outcome is unknown); null if none was made.',
  })
  affectedPayout: unknown;
}

const PAYOUT_ERRORS = [PayoutRefusedError, ProviderNotConfiguredError] as const;
export const CreatePayoutResult = mutationResult('createPayout', PayoutPayload, PAYOUT_ERRORS);
export const SyncPayoutResult = mutationResult('syncPayout', PayoutPayload, PAYOUT_ERRORS);

@InputType({ description: 'Which payout to ask the vendor about.' })
export class SyncPayoutInput extends MutationInput {
  @Field(() => ID, { description: 'The payout to ask its vendor about.' }) payoutId: string;
}

@InputType({ description: 'The bank card and the person to check it against.' })
export class VerifyBankCardInput extends MutationInput {
  @Field({ description: 'The bank card number (12-19 digits).' }) @Length(12, 19) cardNo: string;
  @Field({ description: "The card holder's ID card number (18 characters)." }) @Length(18, 18) idCard: string;
  @Field({ description: "The card holder's real name." }) @Length(1, 64) realName: string;
  @Field(() => String, { nullable: true, description: 'With it: four factors; without: three.' })
  @IsOptional()
  @Length(11, 11)
  mobile?: string;
}

@InputType({ description: 'The ID card number and name to check against each other.' })
export class VerifyIdentityInput extends MutationInput {
  @Field({ description: 'The ID card number (18 characters).' }) @Length(18, 18) idCard: string;
  @Field({ description: 'The real name on it.' }) @Length(1, 64) realName: string;
}

/** The four factors of an SMS verification, sent in both of its steps. */
@InputType()
abstract class BankCardFactorsInput extends MutationInput {
  @Field({ description: 'The bank card number (12-19 digits).' }) @Length(12, 19) cardNo: string;
  @Field({ description: "The card holder's ID card number (18 characters)." }) @Length(18, 18) idCard: string;
  @Field({ description: "The card holder's real name." }) @Length(1, 64) realName: string;
  @Field({ description: 'The mobile number the bank has for the card, where the code is sent (11 digits).' })
  @Length(11, 11)
  mobile: string;
}

@InputType({ description: 'Step 1 of verifying a bank card by SMS: the card holder gets a code.' })
export class RequestBankCardVerificationInput extends BankCardFactorsInput {}

@InputType({ description: 'Step 2 of verifying a bank card by SMS: the same four factors, the code and the ref.' })
export class ConfirmBankCardVerificationInput extends BankCardFactorsInput {
  @Field({ description: 'The code from the SMS (valid for one minute).' }) @Length(1, 16) captcha: string;
  @Field({ description: 'The ref that requestBankCardVerification answered.' }) @Length(1, 128) ref: string;
}

@InterfaceType({
  implements: MutationResult,
  description: 'What every verification mutation answers on success: a fragment on it fits all five.',
})
export class VerificationPayload extends MutationResult {
  @Field({ description: 'True only once the vendor confirmed the details (status VERIFIED).' }) verified: boolean;
  @Field(() => VerificationStatus, { description: 'Where the verification stands.' }) status: VerificationStatus;
  @Field(() => TransactionFailure, { nullable: true, description: 'Why not, in our terms and the vendor’s.' })
  failure: TransactionFailure | null;
  @Field(() => String, { nullable: true, description: 'The SMS request: pass to confirmBankCardVerification.' }) ref:
    string | null;
}

const VERIFICATION_ERRORS = [VendorRefusedError, ProviderNotConfiguredError] as const;
export const VerifyBankCardResult = mutationResult('verifyBankCard', VerificationPayload, VERIFICATION_ERRORS);
export const VerifyIdentityResult = mutationResult('verifyIdentity', VerificationPayload, VERIFICATION_ERRORS);
export const RequestBankCardVerificationResult = mutationResult(
  'requestBankCardVerification',
  VerificationPayload,
  VERIFICATION_ERRORS,
);
export const ConfirmBankCardVerificationResult = mutationResult(
  'confirmBankCardVerification',
  VerificationPayload,
  VERIFICATION_ERRORS,
);
export const UploadIdCardImagesResult = mutationResult('uploadIdCardImages', VerificationPayload, VERIFICATION_ERRORS);
/** Any verification mutation's answer: they share a payload class. */
export type VerificationResult = typeof VerifyBankCardResult;

@InputType({ description: "A payee's ID card images, with the name and number they show." })
export class UploadIdCardImagesInput extends MutationInput {
  @Field({ description: 'The real name on the card.' }) @Length(1, 64) realName: string;
  @Field({ description: 'The ID card number (18 characters).' }) @Length(18, 18) idCard: string;
  @Field({ description: 'The front image, base64 (JPEG).' }) @MaxLength(4_000_000) frontBase64: string;
  @Field({ description: 'The back image, base64 (JPEG).' }) @MaxLength(4_000_000) backBase64: string;
}

@InputType({ description: 'A payout you made elsewhere, for the vendor to record.' })
export class ReportPayoutInput extends MutationInput {
  @Field(() => PayoutChannel, { description: 'Where the money went.' }) channel: PayoutChannel;
  @Field({ description: 'Your order number of the payout made elsewhere.' }) @Length(1, 64) orderId: string;
  @Field({ description: "The payee's real name." }) @Length(1, 64) realName: string;
  @Field({ description: "The payee's ID card number." }) @Length(15, 18) idCard: string;
  @Field({ description: 'Card number, Alipay account, or WeChat openid.' }) @Length(1, 64) account: string;
  @Field(() => String, { nullable: true, description: "The payee's mobile number, if you have it." })
  @IsOptional()
  @MaxLength(20)
  phoneNo?: string;
  @Field(() => SafeInt, { description: 'The amount paid, in fen.' }) amountFen: number;
  @Field(() => DateTime, { description: 'When it was paid.' }) paidAt: Date;
  @Field({ description: 'Whether the payout succeeded.' }) succeeded: boolean;
  @Field(() => String, { nullable: true, description: 'A note of yours (at most 256).' })
  @IsOptional()
  @MaxLength(256)
  notes?: string;
}

@ObjectType({ implements: MutationResult, description: 'What reportPayout answers when it succeeds.' })
export class ReportPayoutPayload extends MutationResult {
  @Field({ description: 'Whether the vendor recorded the report.' }) accepted: boolean;
  @Field({ description: "The vendor's reference ('' when not accepted)." }) ref: string;
  @Field(() => TransactionFailure, { nullable: true, description: 'Why not, when it was not accepted.' })
  failure: TransactionFailure | null;
}

export const ReportPayoutResult = mutationResult('reportPayout', ReportPayoutPayload, [
  VendorRefusedError,
  ProviderNotConfiguredError,
]);

@ObjectType({
  description:
    'Your balances at the payout vendor with one broker (the licensed company that pays on your behalf): what each channel can still pay out.',
})
export class BrokerBalanceNode {
  @Field({ description: 'The broker id.' }) brokerId: string;
  @Field(() => Money, { description: 'Left for bank card payouts.' }) bankCard: Money;
  @Field(() => Money, { description: 'Left for Alipay payouts.' }) alipay: Money;
  @Field(() => Money, { description: 'Left for WeChat payouts.' }) wechat: Money;
  @Field(() => Money, { description: 'Service fee rebates credited to you.' }) rebateFee: Money;
  @Field({ description: 'Whether bank card payouts are open to you.' }) bankCardOpen: boolean;
  @Field({ description: 'Whether Alipay payouts are open to you.' }) alipayOpen: boolean;
  @Field({ description: 'Whether WeChat payouts are open to you.' }) wechatOpen: boolean;
}

@ObjectType({ description: "What a reconciliation compared: counts of our payouts and of the vendor's records." })
export class ReconciliationSummary {
  @Field(() => Int, { description: 'Our payouts created that day.' }) localPayouts: number;
  @Field(() => Int, { description: "Orders in the vendor's records of that day." }) vendorOrders: number;
  @Field(() => Int, { description: "Rows in the vendor's bill (money movements) of that day." }) billRows: number;
  @Field(() => Int, { description: 'Payouts the bill shows returned.' }) returns: number;
  @Field(() => Int, { description: 'Our payouts that matched the vendor in amount and status.' }) matched: number;
}

@ObjectType('Discrepancy', { description: "One way a payout and the vendor's record of it differ." })
export class DiscrepancyNode {
  @Field(() => DiscrepancyKind, { description: 'How they differ.' }) kind: DiscrepancyKind;
  @Field({ description: 'The order number both sides know it by.' }) orderNo: string;
  @Field(() => PayoutNode, { nullable: true, description: 'Our payout; null when only the vendor has it.' })
  payout: unknown;
  @Field(() => Money, { nullable: true, description: 'Our amount; null when only the vendor has it.' })
  ourAmount: Money | null;
  @Field(() => Money, {
    nullable: true,
    description: "The vendor's amount; null when the vendor has no record or its amount is unreadable.",
  })
  theirAmount: Money | null;
  @Field(() => PayoutStatus, { nullable: true, description: 'Our status; null when only the vendor has it.' })
  ourStatus: PayoutStatus | null;
  @Field(() => PayoutStatus, {
    nullable: true,
    description: "The vendor's status in our terms; null when it has none we can map (see theirStatusWord).",
  })
  theirStatus: PayoutStatus | null;
  @Field(() => String, {
    nullable: true,
    description: "The vendor's own word for the status, when it is not one we can map.",
  })
  theirStatusWord: string | null;
}

@ObjectType('ReconciliationReport', {
  implements: Node,
  description: "One day's payouts compared with the vendor's records of that day.",
})
export class ReconciliationReportNode extends Node {
  @Field(() => CalendarDate, { description: 'The day reconciled (China time).' }) day: string;
  @Field(() => Vendor, { description: 'The payout vendor compared with.' }) vendor: Vendor;
  @Field(() => ReconciliationStatus, { description: 'Whether everything matched.' }) status: ReconciliationStatus;
  @Field(() => ReconciliationSummary, { description: 'What was compared.' }) summary: ReconciliationSummary;
  @Field(() => [DiscrepancyNode], { description: 'Every difference found; empty when MATCHED.' })
  discrepancies: DiscrepancyNode[];
  @Field(() => DateTime, { description: 'When the report was last made (reconciling a day again replaces it).' })
  updatedAt: Date;
}

export const ReconciliationReportConnection = connectionTypes(ReconciliationReportNode, 'ReconciliationReport');

@InputType({ description: 'The day to reconcile.' })
export class ReconcilePayoutsInput extends MutationInput {
  @Field(() => CalendarDate, { description: 'The day to reconcile (China time); it must have ended.' }) day: Date;
}

@ObjectType({ implements: MutationResult, description: 'What reconcilePayouts answers when it succeeds.' })
export class ReconcilePayoutsPayload extends MutationResult {
  @Field(() => ReconciliationReportNode, { description: "The day's report (stored: reconciliationReports lists it)." })
  report: ReconciliationReport;
}

export const ReconcilePayoutsResult = mutationResult('reconcilePayouts', ReconcilePayoutsPayload, [
  VendorRefusedError,
  ProviderNotConfiguredError,
]);
