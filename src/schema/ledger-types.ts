import { IsIP, IsOptional, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { createUnionType, Field, ID, InputType, InterfaceType, ObjectType } from 'type-graphql';
import type { WalletPayment } from '../providers/ledger';
import { connectionTypes } from './connection';
import { Money } from './money';
import { AccountNode, AccountTypeNode, TransactionFailure, TransactionNode } from './object-types';
import { ErrorResult, MutationResult, ProviderNotConfiguredError, MutationInput } from './results';
import { describeEnum } from './describe-enum';
import { DateTime, SafeInt } from './scalars';
import { mutationResult } from './mutation-result';

export enum ExternalPayer {
  WECHAT = 'WECHAT',
  ALIPAY = 'ALIPAY',
}
describeEnum(
  ExternalPayer,
  'ExternalPayer',
  'A payer from outside the ledger, paying into an account of the same channel.',
  {
    WECHAT: 'The payer pays with WeChat Pay in the app.',
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
  @Field(() => TransactionFailure, { nullable: true, description: 'Why, when the ledger said so.' })
  failure: TransactionFailure | null;
  @Field(() => TransactionNode, { nullable: true, description: 'The transaction concerned, when one exists.' })
  affectedTransaction: unknown;
}

@ObjectType({ implements: MutationResult, description: 'What syncAccountTypes answers when it succeeds.' })
export class SyncAccountTypesPayload extends MutationResult {
  @Field(() => [AccountTypeNode], { description: "The platform's account types, as the ledger has them now." })
  accountTypes: unknown[];
}

@InterfaceType({
  implements: MutationResult,
  description: 'What every ledger account mutation answers on success: a fragment on it fits all four.',
})
export class LedgerAccountPayload extends MutationResult {
  @Field(() => AccountNode, { description: 'The account, as the ledger has it now.' }) account: unknown;
}

@InterfaceType({
  implements: MutationResult,
  description: 'What every ledger transfer mutation answers on success: a fragment on it fits all five.',
})
export class LedgerTransactionPayload extends MutationResult {
  @Field(() => TransactionNode, { description: 'The ledger transaction, as it stands after this call.' })
  transaction: unknown;
  @Field({ description: 'True when this answered a repeated idempotencyKey (nothing was sent again).' })
  replayed: boolean;
}

const LEDGER_ERRORS = [LedgerRefusedError, ProviderNotConfiguredError] as const;
export const SyncAccountTypesResult = mutationResult('syncAccountTypes', SyncAccountTypesPayload, LEDGER_ERRORS);
export const OpenLedgerAccountResult = mutationResult('openLedgerAccount', LedgerAccountPayload, LEDGER_ERRORS);
export const ForbidLedgerAccountResult = mutationResult('forbidLedgerAccount', LedgerAccountPayload, LEDGER_ERRORS);
export const RecoverLedgerAccountResult = mutationResult('recoverLedgerAccount', LedgerAccountPayload, LEDGER_ERRORS);
export const SyncLedgerAccountResult = mutationResult('syncLedgerAccount', LedgerAccountPayload, LEDGER_ERRORS);
export const CreateLedgerTransactionResult = mutationResult(
  'createLedgerTransaction',
  LedgerTransactionPayload,
  LEDGER_ERRORS,
);
export const FastLedgerTransactionResult = mutationResult(
  'fastLedgerTransaction',
  LedgerTransactionPayload,
  LEDGER_ERRORS,
);
export const ConfirmLedgerTransactionResult = mutationResult(
  'confirmLedgerTransaction',
  LedgerTransactionPayload,
  LEDGER_ERRORS,
);
export const CancelLedgerTransactionResult = mutationResult(
  'cancelLedgerTransaction',
  LedgerTransactionPayload,
  LEDGER_ERRORS,
);
export const SyncLedgerTransactionResult = mutationResult(
  'syncLedgerTransaction',
  LedgerTransactionPayload,
  LEDGER_ERRORS,
);
/** Any of the transfer mutations' answers: they share a payload class. */
export type LedgerTransactionResult = typeof CreateLedgerTransactionResult;
export type LedgerAccountResult = typeof OpenLedgerAccountResult;

@InputType({ description: "syncAccountTypes needs nothing else: it reads your platform's types." })
export class SyncAccountTypesInput extends MutationInput {}

@InputType({ description: 'Which account to open, for whom, and of which type.' })
export class OpenLedgerAccountInput extends MutationInput {
  @Field(() => ID, {
    nullable: true,
    description: 'The client the account is for (it needs a mobile number); give this or bizId.',
  })
  clientId?: string;
  @Field(() => ID, { nullable: true, description: 'The biz (merchant) the account is for; give this or clientId.' })
  bizId?: string;
  @Field(() => ID, { description: 'The account type (see accountTypes), which fixes its channel and currency.' })
  accountTypeId: string;
  @Field({ defaultValue: false, description: 'May the balance go below zero?' }) canNegative: boolean;
  @Field(() => String, { nullable: true, description: 'A note of yours, kept by the ledger (at most 256).' })
  @IsOptional()
  @MaxLength(256)
  memo?: string;
}

/** The account one of the account mutations acts on; each has its own input named after it. */
@InputType()
abstract class LedgerAccountRefInput extends MutationInput {
  @Field(() => ID, { description: 'The ledger Account.' }) accountId: string;
}

@InputType({ description: 'Which account to forbid: it can then neither pay nor be paid.' })
export class ForbidLedgerAccountInput extends LedgerAccountRefInput {}

@InputType({ description: 'Which forbidden account to allow again.' })
export class RecoverLedgerAccountInput extends LedgerAccountRefInput {}

@InputType({ description: 'Which account to read again from the ledger (balance and state).' })
export class SyncLedgerAccountInput extends LedgerAccountRefInput {}

@InputType({ description: 'A change to one sub-account (a named part of a balance, such as cash or tickets).' })
export class SubaccountAmountInput {
  @Field({ description: 'The sub-account name at the ledger (1-32 of A-Z a-z 0-9 _).' })
  @Matches(/^[A-Za-z0-9_]{1,32}$/)
  name: string;
  @Field(() => SafeInt, { description: 'How much of the transfer comes from or goes to it, in fen.' })
  @Min(0)
  amountFen: number;
}

/** What a prepay and a fast transaction both carry. */
@InputType()
abstract class LedgerTransferInput extends MutationInput {
  @Field({ description: 'Same key and input within 24 hours: the same transaction, never a second one.' })
  @Length(1, 128)
  idempotencyKey: string;
  @Field(() => ID, { description: 'The account paid.' }) payeeAccountId: string;
  @Field(() => SafeInt, {
    description: "The amount in fen. For an exchange between currencies, the fixed side's amount (see fixPayerAmount).",
  })
  @Min(1)
  amountFen: number;
  @Field({ description: 'What the transfer is for, shown to the user (at most 256).' }) @Length(1, 256) content: string;
  @Field(() => String, { nullable: true, description: 'More detail of yours, kept by the ledger (at most 2000).' })
  @IsOptional()
  @MaxLength(2000)
  detail?: string;
  @Field(() => DateTime, { nullable: true, description: 'Not payable before this time.' }) startsAt?: Date;
  @Field(() => DateTime, { nullable: true, description: 'Not payable after this time.' }) expiresAt?: Date;
}

@InputType({ description: 'A prepay: created now, paid when your server confirms it (confirmLedgerTransaction).' })
export class CreateLedgerTransactionInput extends LedgerTransferInput {
  @Field(() => ID, { nullable: true, description: 'The paying account; or externalPayer.' }) payerAccountId?: string;
  @Field(() => ExternalPayer, {
    nullable: true,
    description: 'Paid with WeChat Pay or Alipay in the app instead of from an account.',
  })
  externalPayer?: ExternalPayer;
  @Field({
    defaultValue: false,
    description: "An exchange between currencies: amountFen is the payer's amount (true) or the payee's (false).",
  })
  fixPayerAmount: boolean;
  @Field(() => [SubaccountAmountInput], {
    nullable: true,
    description: "How the payer's sub-accounts share the amount.",
  })
  @IsOptional()
  @ValidateNested()
  payerSubaccounts?: SubaccountAmountInput[];
  @Field(() => [SubaccountAmountInput], {
    nullable: true,
    description: "How the payee's sub-accounts share the amount.",
  })
  @IsOptional()
  @ValidateNested()
  payeeSubaccounts?: SubaccountAmountInput[];
  @Field(() => String, { nullable: true, description: "The paying user's IP address, if you know it." })
  @IsOptional()
  @IsIP()
  remoteIp?: string;
}

@InputType({ description: 'A fast transaction: paid at once from one account to another, without a confirm step.' })
export class FastLedgerTransactionInput extends LedgerTransferInput {
  @Field(() => ID, { description: 'The paying account.' }) payerAccountId: string;
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

@ObjectType({ description: 'One successful transfer of an account, as the ledger lists it.' })
export class LedgerStatementEntry {
  @Field({ description: "The ledger's own number for the transfer." }) tno: string;
  @Field(() => StatementDirection, { description: 'Whether the account paid (PAID) or received (RECEIVED) it.' })
  direction: StatementDirection;
  @Field(() => Money, { description: 'The amount moved.' }) amount: Money;
  @Field(() => DateTime, { description: 'When the ledger last changed the transfer (when it completed).' })
  occurredAt: Date;
  @Field({ description: "The ledger's own words for the transfer's state (statements list only completed ones)." })
  statusMessage: string;
  @Field(() => TransactionNode, {
    nullable: true,
    description: 'The paygraph transaction of this transfer; null when it was made outside paygraph.',
  })
  transaction: unknown;
  @Field(() => AccountNode, { nullable: true, description: 'The other side, when it is an account paygraph knows.' })
  counterparty: unknown;
  @Field({ description: "The other side's account number at the ledger." }) counterpartyAccountNo: string;
}

export const LedgerStatementConnection = connectionTypes(LedgerStatementEntry, 'LedgerStatementEntry');

@ObjectType({ description: "Pay with WeChat Pay: pass these to the WeChat SDK's payment request in the app." })
export class WeChatPayParameters {
  @Field({ description: 'The merchant id at WeChat Pay (partnerId).' }) partnerId: string;
  @Field({ description: 'The app id at WeChat (appId).' }) appId: string;
  @Field({ description: "WeChat Pay's prepay id (prepayId)." }) prepayId: string;
  @Field({ description: 'The random string the signature covers (nonceStr).' }) nonceStr: string;
  @Field({ description: 'The signed time, seconds since 1970 in China time, as text (timeStamp).' })
  timestamp: string;
  @Field({ description: 'Always "Sign=WXPAY" (package).' }) packageValue: string;
  @Field({ description: 'The signature of the parameters above (sign).' }) sign: string;
}

@ObjectType({ description: "Pay with Alipay: pass orderInfo to the Alipay SDK's payment call in the app." })
export class AlipayPayParameters {
  @Field({ description: 'The signed order string for the Alipay SDK.' }) orderInfo: string;
}

@ObjectType({ description: 'Pay through the Shuangqian gateway the ledger uses for card payments.' })
export class ShuangqianPayParameters {
  @Field({ description: "The merchant number Shuangqian assigned (the ledger's merNo)." }) merchantNo: string;
}

export const WalletPaymentParameters = createUnionType({
  name: 'WalletPaymentParameters',
  description:
    "What the payer's app needs to pay a ledger prepay from outside the ledger, by wallet. More may be added: handle an unknown __typename.",
  types: () => [WeChatPayParameters, AlipayPayParameters, ShuangqianPayParameters] as const,
});

/** The typed parameters of a stored wallet payment. */
export function walletPaymentParameters(payment: WalletPayment): typeof WalletPaymentParameters {
  switch (payment.wallet) {
    case 'WECHAT': {
      const { wallet: _wallet, ...parameters } = payment;
      return Object.assign(new WeChatPayParameters(), parameters);
    }
    case 'ALIPAY':
      return Object.assign(new AlipayPayParameters(), { orderInfo: payment.orderInfo });
    case 'SHUANGQIAN':
      return Object.assign(new ShuangqianPayParameters(), { merchantNo: payment.merchantNo });
  }
}
