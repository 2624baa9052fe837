import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RecordStatus, Vendor } from '../domain/enums';
import { AppError, ErrorCode } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import { LedgerTransferKind } from '../domain/enums';
import { yuanToFen } from '../domain/money';
import type { LedgerRefusal } from '../services/ledger/ledger-common';
import { Money } from '../schema/money';
import {
  ResultErrorCode,
  VENDOR_ERROR_CODES,
  providerNotConfigured,
  type ProviderNotConfiguredError,
} from '../schema/results';
import { DateTime } from '../schema/scalars';
import { Role } from './auth-checker';
import {
  StatementDirection,
  LedgerRefusedError,
  SyncAccountTypesPayload,
  LedgerAccountPayload,
  LedgerTransactionPayload,
  SyncAccountTypesResult,
  LedgerAccountResult,
  LedgerTransactionResult,
  SyncAccountTypesInput,
  OpenLedgerAccountInput,
  LedgerAccountInput,
  CreateLedgerTransactionInput,
  CancelLedgerTransactionInput,
  ConfirmLedgerTransactionInput,
  SyncLedgerTransactionInput,
  LedgerStatementEntry,
} from '../schema/ledger-types';

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

function refused(
  clientMutationId: string | undefined,
  result: LedgerRefusal,
): LedgerRefusedError | ProviderNotConfiguredError {
  if (result.error === 'PROVIDER_NOT_CONFIGURED') return providerNotConfigured(clientMutationId, Vendor.COLOURLIFE);
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
  async confirmLedgerTransaction(@Arg('input') input: ConfirmLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.transfers.confirm(requireScope(context), {
        idempotencyKey: input.idempotencyKey,
        id: fromGlobalIdOf('Transaction', input.transactionId, 'transactionId'),
      }),
    );
  }

  @Authorized()
  @Mutation(() => LedgerTransactionResult, { description: 'Cancels an unpaid transaction (5.3.4).' })
  async cancelLedgerTransaction(@Arg('input') input: CancelLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.transfers.cancel(requireScope(context), {
        idempotencyKey: input.idempotencyKey,
        id: fromGlobalIdOf('Transaction', input.transactionId, 'transactionId'),
      }),
    );
  }

  @Authorized()
  @Mutation(() => LedgerTransactionResult, { description: 'Re-reads the transaction from the ledger (5.3.6).' })
  async syncLedgerTransaction(@Arg('input') input: SyncLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.sync.sync(
        requireScope(context),
        fromGlobalIdOf('Transaction', input.transactionId, 'transactionId'),
      ),
    );
  }

  @Authorized()
  @Query(() => [LedgerStatementEntry], {
    nullable: true,
    description:
      "An account's successful transfers, newest first, read live from the ledger. When the vendor cannot answer, this field is null with an error (extensions.code PROVIDER_ERROR) and the rest of the query still arrives.",
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
