import { IsIP, IsOptional, Length, MaxLength, Min } from 'class-validator';
import { createUnionType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Money } from './money';
import { AccountNode, AccountTypeNode, TransactionFailure, TransactionNode } from './object-types';
import { ErrorResult, MutationResult, ProviderNotConfiguredError, MutationInput } from './results';
import { describeEnum } from './describe-enum';
import { DateTime, JSONObject, SafeInt } from './scalars';

export enum ExternalPayer {
  WEIXIN = 'WEIXIN',
  ALIPAY = 'ALIPAY',
}
describeEnum(
  ExternalPayer,
  'ExternalPayer',
  'A payer from outside the ledger, paying into an account of the same channel.',
  {
    WEIXIN: 'The payer pays with WeChat Pay in the app.',
    ALIPAY: 'The payer pays with Alipay in the app.',
  },
);

export enum StatementDirection {
  ALL = 'ALL',
  PAID = 'PAID',
  RECEIVED = 'RECEIVED',
}
describeEnum(StatementDirection, 'StatementDirection', "Which of an account's transfers a statement lists.", {
  ALL: 'Money paid out and money received.',
  PAID: 'Money the account paid out.',
  RECEIVED: 'Money the account received.',
});

@ObjectType({ implements: [MutationResult, ErrorResult], description: 'The ledger refused, or could not be reached.' })
export class LedgerRefusedError extends ErrorResult {
  @Field(() => TransactionFailure, { nullable: true }) failure: TransactionFailure | null;
  @Field(() => TransactionNode, { nullable: true, description: 'The transaction concerned, when one exists.' })
  affectedTransaction: unknown;
}

@ObjectType({ implements: MutationResult })
export class SyncAccountTypesPayload extends MutationResult {
  @Field(() => [AccountTypeNode]) accountTypes: unknown[];
}

@ObjectType({ implements: MutationResult })
export class LedgerAccountPayload extends MutationResult {
  @Field(() => AccountNode) account: unknown;
}

@ObjectType({ implements: MutationResult })
export class LedgerTransactionPayload extends MutationResult {
  @Field(() => TransactionNode) transaction: unknown;
  @Field() replayed: boolean;
}

export const SyncAccountTypesResult = createUnionType({
  name: 'SyncAccountTypesResult',
  types: () => [SyncAccountTypesPayload, LedgerRefusedError, ProviderNotConfiguredError] as const,
});
export const LedgerAccountResult = createUnionType({
  name: 'LedgerAccountResult',
  types: () => [LedgerAccountPayload, LedgerRefusedError, ProviderNotConfiguredError] as const,
});
export const LedgerTransactionResult = createUnionType({
  name: 'LedgerTransactionResult',
  types: () => [LedgerTransactionPayload, LedgerRefusedError, ProviderNotConfiguredError] as const,
});

@InputType()
export class SyncAccountTypesInput extends MutationInput {}

@InputType()
export class OpenLedgerAccountInput extends MutationInput {
  @Field(() => ID, { nullable: true, description: 'The client (needs a mobile number); or bizId.' }) clientId?: string;
  @Field(() => ID, { nullable: true }) bizId?: string;
  @Field(() => ID) accountTypeId: string;
  @Field({ defaultValue: false, description: 'May the balance go below zero?' }) canNegative: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(256) memo?: string;
}

@InputType()
export class LedgerAccountInput extends MutationInput {
  @Field(() => ID) accountId: string;
}

@InputType()
export class CreateLedgerTransactionInput extends MutationInput {
  @Field({ description: 'Same key and input within 24 hours: the same transaction, never a second one.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => ID, { nullable: true, description: 'The paying account; or externalPayer.' }) payerAccountId?: string;
  @Field(() => ExternalPayer, { nullable: true, description: 'Paid by WeChat or Alipay in the app (4.1).' })
  externalPayer?: ExternalPayer;
  @Field(() => ID) payeeAccountId: string;
  @Field(() => SafeInt, { description: "For an exchange, the fixed side's amount (see fixPayerAmount)." })
  @Min(1)
  amountFen: number;
  @Field({ description: 'Shown to the user.' }) @Length(1, 256) content: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) detail?: string;
  @Field(() => DateTime, { nullable: true, description: 'Not payable before.' }) startsAt?: Date;
  @Field(() => DateTime, { nullable: true, description: 'Not payable after.' }) expiresAt?: Date;
  @Field({ defaultValue: false, description: "Exchange: fix the payer's amount (fixedorgmoney = 1)." })
  fixPayerAmount: boolean;
  @Field(() => JSONObject, { nullable: true, description: 'Sub-account changes in yuan, e.g. {"cash": "10.00"}.' })
  payerSubaccounts?: Record<string, unknown>;
  @Field(() => JSONObject, { nullable: true }) payeeSubaccounts?: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: "The paying user's IP address (remoteip), if you know it." })
  @IsOptional()
  @IsIP()
  remoteIp?: string;
}

@InputType({ description: 'Which prepay to confirm.' })
export class ConfirmLedgerTransactionInput extends MutationInput {
  @Field({ description: 'The same key makes a retry return the first answer instead of paying twice.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => ID, { description: 'The prepay (a ledger Transaction) to pay.' }) transactionId: string;
}

@InputType({ description: 'Which unpaid ledger transaction to cancel.' })
export class CancelLedgerTransactionInput extends MutationInput {
  @Field({ description: 'The same key makes a retry return the first answer.' }) @Length(1, 128) idempotencyKey: string;
  @Field(() => ID, { description: 'The ledger Transaction to cancel.' }) transactionId: string;
}

@InputType({ description: 'Which ledger transaction to read again from the ledger.' })
export class SyncLedgerTransactionInput extends MutationInput {
  @Field(() => ID, { description: 'The ledger Transaction.' }) transactionId: string;
}

@ObjectType({ description: "One successful transaction of an account, from the ledger's own list (5.3.5)." })
export class LedgerStatementEntry {
  @Field({ description: "The ledger's transaction number (tno)." }) tno: string;
  @Field(() => StatementDirection) direction: StatementDirection;
  @Field(() => Money) amount: Money;
  @Field(() => DateTime) occurredAt: Date;
  @Field(() => Int) status: number;
  @Field() statusMessage: string;
  @Field(() => AccountNode, { nullable: true, description: 'The other side, when it is an account paygraph knows.' })
  counterparty: unknown;
  @Field({ description: "The other side's account number at the ledger." }) counterpartyAccountNo: string;
}
