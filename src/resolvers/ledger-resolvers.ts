import { IsIP, IsOptional, Length, MaxLength, Min } from 'class-validator';
import {
  Arg,
  Authorized,
  createUnionType,
  Ctx,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
} from 'type-graphql';
import { RecordStatus } from '../domain/enums';
import { AppError, ErrorCode } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import { LedgerTransferKind } from '../domain/enums';
import { yuanToFen } from '../domain/money';
import type { LedgerRefusal } from '../services/ledger/ledger-common';
import { Money } from '../schema/money';
import { AccountNode, AccountTypeNode, TransactionFailure, TransactionNode } from '../schema/object-types';
import { ErrorResult, MutationResult, ResultErrorCode, VENDOR_ERROR_CODES } from '../schema/results';
import { DateTime, JSONObject, SafeInt } from '../schema/scalars';
import { Role } from './auth-checker';

export enum ExternalPayer {
  WEIXIN = 'WEIXIN',
  ALIPAY = 'ALIPAY',
}
registerEnumType(ExternalPayer, { name: 'ExternalPayer' });

export enum StatementDirection {
  ALL = 'ALL',
  PAID = 'PAID',
  RECEIVED = 'RECEIVED',
}
registerEnumType(StatementDirection, { name: 'StatementDirection' });

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
  types: () => [SyncAccountTypesPayload, LedgerRefusedError] as const,
});
export const LedgerAccountResult = createUnionType({
  name: 'LedgerAccountResult',
  types: () => [LedgerAccountPayload, LedgerRefusedError] as const,
});
export const LedgerTransactionResult = createUnionType({
  name: 'LedgerTransactionResult',
  types: () => [LedgerTransactionPayload, LedgerRefusedError] as const,
});

@InputType()
export class SyncAccountTypesInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
}

@InputType()
export class OpenLedgerAccountInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field(() => ID, { nullable: true, description: 'The client (needs a mobile number); or bizId.' }) clientId?: string;
  @Field(() => ID, { nullable: true }) bizId?: string;
  @Field(() => ID) accountTypeId: string;
  @Field({ defaultValue: false, description: 'May the balance go below zero?' }) canNegative: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(256) memo?: string;
}

@InputType()
export class LedgerAccountInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field(() => ID) accountId: string;
}

@InputType()
export class CreateLedgerTransactionInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
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

@InputType()
export class LedgerTransactionActionInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field() @Length(1, 128) idempotencyKey: string;
  @Field(() => ID) id: string;
}

@InputType()
export class SyncLedgerTransactionInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) clientMutationId?: string;
  @Field(() => ID) id: string;
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

function subaccountsInFen(
  value: Record<string, unknown> | undefined,
  field: string,
): Record<string, number> | undefined {
  if (!value) return undefined;
  const result: Record<string, number> = {};
  for (const [name, amount] of Object.entries(value)) {
    const fen = yuanToFen(amount);
    if (fen === undefined || !/^[A-Za-z0-9_]{1,32}$/.test(name)) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        `${field}.${name} must be an amount in yuan with at most 2 decimals`,
        {
          field: `${field}.${name}`,
        },
      );
    }
    result[name] = fen;
  }
  return result;
}

const REFUSAL_CODES: Record<LedgerRefusal['error'], ResultErrorCode> = {
  ...VENDOR_ERROR_CODES,
  NOT_ALLOWED: ResultErrorCode.TRANSFER_NOT_ALLOWED,
};

function refused(clientMutationId: string | undefined, result: LedgerRefusal): LedgerRefusedError {
  return Object.assign(new LedgerRefusedError(), {
    clientMutationId: clientMutationId ?? null,
    code: REFUSAL_CODES[result.error],
    message: result.message,
    failure: result.failure,
    affectedTransaction: result.transaction ?? null,
  });
}

function transactionResult(
  clientMutationId: string | undefined,
  result: Awaited<ReturnType<RequestContext['services']['ledger']['transfers']['transfer']>>,
): typeof LedgerTransactionResult {
  if (!result.ok) return refused(clientMutationId, result);
  return Object.assign(new LedgerTransactionPayload(), {
    clientMutationId: clientMutationId ?? null,
    transaction: result.transaction,
    replayed: result.replayed,
  });
}

/**
 * The Colourlife ledger. Platform servers manage account types and accounts and confirm
 * transactions; a client token may create a prepay from its own account, cancel it, and watch
 * it complete on `transactionUpdated`.
 */
@Resolver()
export class LedgerResolver {
  @Authorized(Role.PLATFORM)
  @Mutation(() => SyncAccountTypesResult, {
    description: "Reads the platform's account types from the ledger (5.3.7).",
  })
  async syncAccountTypes(
    @Arg('input', () => SyncAccountTypesInput, { nullable: true }) input: SyncAccountTypesInput | undefined,
    @Ctx() context: RequestContext,
  ): Promise<typeof SyncAccountTypesResult> {
    const result = await context.services.ledger.accounts.syncAccountTypes(requireScope(context));
    if (!result.ok) return refused(input?.clientMutationId, result);
    return Object.assign(new SyncAccountTypesPayload(), {
      clientMutationId: input?.clientMutationId ?? null,
      accountTypes: result.accountTypes,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => LedgerAccountResult, { description: 'Opens a ledger account for a client or a biz (5.4.1, 5.5.1).' })
  async openLedgerAccount(
    @Arg('input') input: OpenLedgerAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof LedgerAccountResult> {
    const result = await context.services.ledger.accounts.openAccount(requireScope(context), {
      clientId: input.clientId ? fromGlobalIdOf('Client', input.clientId, 'clientId') : undefined,
      bizId: input.bizId ? fromGlobalIdOf('Biz', input.bizId, 'bizId') : undefined,
      accountTypeId: fromGlobalIdOf('AccountType', input.accountTypeId, 'accountTypeId'),
      canNegative: input.canNegative,
      memo: input.memo,
    });
    return this.accountResult(input.clientMutationId, result);
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => LedgerAccountResult, { description: 'Forbids a client or biz account (5.4.2, 5.5.2).' })
  async forbidLedgerAccount(@Arg('input') input: LedgerAccountInput, @Ctx() context: RequestContext) {
    return this.accountResult(
      input.clientMutationId,
      await context.services.ledger.accounts.setAccountStatus(
        requireScope(context),
        fromGlobalIdOf('Account', input.accountId, 'accountId'),
        RecordStatus.FORBIDDEN,
      ),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => LedgerAccountResult, { description: 'Recovers a forbidden account (5.4.3, 5.5.3).' })
  async recoverLedgerAccount(@Arg('input') input: LedgerAccountInput, @Ctx() context: RequestContext) {
    return this.accountResult(
      input.clientMutationId,
      await context.services.ledger.accounts.setAccountStatus(
        requireScope(context),
        fromGlobalIdOf('Account', input.accountId, 'accountId'),
        RecordStatus.ACTIVE,
      ),
    );
  }

  @Authorized()
  @Mutation(() => LedgerAccountResult, { description: "Mirrors the account's balance and status from the ledger." })
  async syncLedgerAccount(@Arg('input') input: LedgerAccountInput, @Ctx() context: RequestContext) {
    return this.accountResult(
      input.clientMutationId,
      await context.services.ledger.accounts.refreshAccount(
        requireScope(context),
        fromGlobalIdOf('Account', input.accountId, 'accountId'),
      ),
    );
  }

  @Authorized()
  @Mutation(() => LedgerTransactionResult, {
    description: 'A prepay (5.3.1): the payer confirms in the app, then the platform calls confirmLedgerTransaction.',
  })
  async createLedgerTransaction(@Arg('input') input: CreateLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.transfers.transfer(requireScope(context), 'prepay', this.transferInput(input)),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => LedgerTransactionResult, { description: 'Prepay and pay in one request (5.3.3).' })
  async fastLedgerTransaction(@Arg('input') input: CreateLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.transfers.transfer(requireScope(context), 'fast', this.transferInput(input)),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => LedgerTransactionResult, { description: 'Pays a prepay after your own checks (5.3.2).' })
  async confirmLedgerTransaction(@Arg('input') input: LedgerTransactionActionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.transfers.confirm(requireScope(context), {
        idempotencyKey: input.idempotencyKey,
        id: fromGlobalIdOf('Transaction', input.id, 'id'),
      }),
    );
  }

  @Authorized()
  @Mutation(() => LedgerTransactionResult, { description: 'Cancels an unpaid transaction (5.3.4).' })
  async cancelLedgerTransaction(@Arg('input') input: LedgerTransactionActionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.transfers.cancel(requireScope(context), {
        idempotencyKey: input.idempotencyKey,
        id: fromGlobalIdOf('Transaction', input.id, 'id'),
      }),
    );
  }

  @Authorized()
  @Mutation(() => LedgerTransactionResult, { description: 'Re-reads the transaction from the ledger (5.3.6).' })
  async syncLedgerTransaction(@Arg('input') input: SyncLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.sync.sync(requireScope(context), fromGlobalIdOf('Transaction', input.id, 'id')),
    );
  }

  @Authorized()
  @Query(() => [LedgerStatementEntry], {
    description: "An account's successful transactions, newest first, live from the ledger (5.3.5).",
  })
  async ledgerStatement(
    @Arg('accountId', () => ID) accountId: string,
    @Arg('direction', () => StatementDirection, { defaultValue: StatementDirection.ALL }) direction: StatementDirection,
    @Arg('kind', () => LedgerTransferKind, { nullable: true }) kind: LedgerTransferKind | undefined,
    @Arg('from', () => DateTime, { nullable: true }) from: Date | undefined,
    @Arg('to', () => DateTime, { nullable: true }) to: Date | undefined,
    @Arg('skip', () => Int, { defaultValue: 0 }) skip: number,
    @Arg('limit', () => Int, { defaultValue: 20 }) limit: number,
    @Ctx() context: RequestContext,
  ): Promise<LedgerStatementEntry[]> {
    if (skip < 0) throw new AppError(ErrorCode.BAD_USER_INPUT, 'skip must not be negative', { field: 'skip' });
    const result = await context.services.ledger.statement.statement(requireScope(context), {
      accountId: fromGlobalIdOf('Account', accountId, 'accountId'),
      direction,
      transferKind: kind,
      from,
      to,
      skip,
      limit,
    });
    if (!result.ok) throw new AppError(ErrorCode.PROVIDER_ERROR, result.message, { reason: result.error });
    const accounts = await Promise.all(
      result.entries.map((entry) => context.loaders.related('Account', entry.counterpartyAccountId)),
    );
    return result.entries.map((entry, index) =>
      Object.assign(new LedgerStatementEntry(), {
        tno: entry.tno,
        direction: entry.direction === 'PAID' ? StatementDirection.PAID : StatementDirection.RECEIVED,
        amount: Money.of(entry.amountFen),
        occurredAt: entry.occurredAt,
        status: entry.status,
        statusMessage: entry.statusMessage,
        counterparty: accounts[index],
        counterpartyAccountNo: entry.counterpartyAccountNo,
      }),
    );
  }

  private accountResult(
    clientMutationId: string | undefined,
    result: Awaited<ReturnType<RequestContext['services']['ledger']['accounts']['refreshAccount']>>,
  ): typeof LedgerAccountResult {
    if (!result.ok) return refused(clientMutationId, result);
    return Object.assign(new LedgerAccountPayload(), {
      clientMutationId: clientMutationId ?? null,
      account: result.account,
    });
  }

  private transferInput(input: CreateLedgerTransactionInput) {
    return {
      idempotencyKey: input.idempotencyKey,
      payerAccountId: input.payerAccountId
        ? fromGlobalIdOf('Account', input.payerAccountId, 'payerAccountId')
        : undefined,
      externalPayer: input.externalPayer,
      payeeAccountId: fromGlobalIdOf('Account', input.payeeAccountId, 'payeeAccountId'),
      amountFen: input.amountFen,
      content: input.content,
      detail: input.detail,
      startsAt: input.startsAt,
      expiresAt: input.expiresAt,
      fixPayerAmount: input.fixPayerAmount,
      payerSubaccounts: subaccountsInFen(input.payerSubaccounts, 'payerSubaccounts'),
      payeeSubaccounts: subaccountsInFen(input.payeeSubaccounts, 'payeeSubaccounts'),
      remoteIp: input.remoteIp,
    };
  }
}
