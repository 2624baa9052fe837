import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { RecordStatus, Vendor } from '../domain/enums';
import { badUserInput } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import type { LedgerRefusal } from '../services/ledger/ledger-common';
import {
  ResultErrorCode,
  VENDOR_ERROR_CODES,
  providerNotConfigured,
  type ProviderNotConfiguredError,
} from '../schema/results';
import { Role } from './auth-checker';
import {
  CancelLedgerTransactionInput,
  CancelLedgerTransactionResult,
  ConfirmLedgerTransactionInput,
  ConfirmLedgerTransactionResult,
  CreateLedgerTransactionInput,
  CreateLedgerTransactionResult,
  FastLedgerTransactionInput,
  FastLedgerTransactionResult,
  ForbidLedgerAccountInput,
  ForbidLedgerAccountResult,
  LedgerAccountPayload,
  type LedgerAccountResult,
  LedgerRefusedError,
  LedgerTransactionPayload,
  type LedgerTransactionResult,
  OpenLedgerAccountInput,
  OpenLedgerAccountResult,
  RecoverLedgerAccountInput,
  RecoverLedgerAccountResult,
  type SubaccountAmountInput,
  SyncAccountTypesInput,
  SyncAccountTypesPayload,
  SyncAccountTypesResult,
  SyncLedgerAccountInput,
  SyncLedgerAccountResult,
  SyncLedgerTransactionInput,
  SyncLedgerTransactionResult,
} from '../schema/ledger-types';

/** Sub-account shares by name; a name given twice is refused rather than summed or overwritten. */
function subaccountsInFen(
  value: SubaccountAmountInput[] | undefined,
  field: string,
): Record<string, number> | undefined {
  if (!value) return undefined;
  const result: Record<string, number> = {};
  for (const [index, share] of value.entries()) {
    if (share.name in result) throw badUserInput(`${share.name} is given twice`, `${field}.${index}.name`);
    result[share.name] = share.amountFen;
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
): LedgerTransactionResult {
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
    description:
      "Reads your platform's account types from the ledger and stores them: run it once after configureProvider for COLOURLIFE, and again when types are added at the ledger. Needs an API key.",
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
  @Mutation(() => OpenLedgerAccountResult, {
    description:
      'Opens a ledger account of one type for a client or a biz (after syncAccountTypes). Money then moves between accounts with createLedgerTransaction or fastLedgerTransaction. Needs an API key.',
  })
  async openLedgerAccount(
    @Arg('input') input: OpenLedgerAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<LedgerAccountResult> {
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
  @Mutation(() => ForbidLedgerAccountResult, {
    description: 'Forbids an account at the ledger: it can neither pay nor be paid until recovered. Needs an API key.',
  })
  async forbidLedgerAccount(@Arg('input') input: ForbidLedgerAccountInput, @Ctx() context: RequestContext) {
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
  @Mutation(() => RecoverLedgerAccountResult, {
    description: 'Allows a forbidden account to transact again. Needs an API key.',
  })
  async recoverLedgerAccount(@Arg('input') input: RecoverLedgerAccountInput, @Ctx() context: RequestContext) {
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
  @Mutation(() => SyncLedgerAccountResult, {
    description:
      "Reads the account's balance and status from the ledger again and stores them (Account.balance, balanceUpdatedAt). Needs an API key or a client token (its own accounts).",
  })
  async syncLedgerAccount(@Arg('input') input: SyncLedgerAccountInput, @Ctx() context: RequestContext) {
    return this.accountResult(
      input.clientMutationId,
      await context.services.ledger.accounts.refreshAccount(
        requireScope(context),
        fromGlobalIdOf('Account', input.accountId, 'accountId'),
      ),
    );
  }

  @Authorized()
  @Mutation(() => CreateLedgerTransactionResult, {
    description:
      'Creates a prepay: a transfer between two accounts that waits (PROCESSING) until your server pays it with confirmLedgerTransaction after its own checks, or cancels it. Follow it on transactionUpdated. Needs an API key or a client token (from its own accounts).',
  })
  async createLedgerTransaction(@Arg('input') input: CreateLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.transfers.transfer(requireScope(context), 'prepay', this.transferInput(input)),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => FastLedgerTransactionResult, {
    description:
      'Moves money between two accounts at once, without a confirm step. A lost answer is looked for at the ledger, never sent twice. Needs an API key.',
  })
  async fastLedgerTransaction(@Arg('input') input: FastLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.transfers.transfer(requireScope(context), 'fast', this.transferInput(input)),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => ConfirmLedgerTransactionResult, {
    description: 'Pays a prepay (createLedgerTransaction) after your own checks. Needs an API key.',
  })
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
  @Mutation(() => CancelLedgerTransactionResult, {
    description: 'Cancels an unpaid prepay. Needs an API key or a client token (its own).',
  })
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
  @Mutation(() => SyncLedgerTransactionResult, {
    description:
      'Asks the ledger for the transaction now and applies what it says (the sync job does the same on its own). Needs an API key or a client token (its own).',
  })
  async syncLedgerTransaction(@Arg('input') input: SyncLedgerTransactionInput, @Ctx() context: RequestContext) {
    return transactionResult(
      input.clientMutationId,
      await context.services.ledger.sync.sync(
        requireScope(context),
        fromGlobalIdOf('Transaction', input.transactionId, 'transactionId'),
      ),
    );
  }

  private accountResult(
    clientMutationId: string | undefined,
    result: Awaited<ReturnType<RequestContext['services']['ledger']['accounts']['refreshAccount']>>,
  ): LedgerAccountResult {
    if (!result.ok) return refused(clientMutationId, result);
    return Object.assign(new LedgerAccountPayload(), {
      clientMutationId: clientMutationId ?? null,
      account: result.account,
    });
  }

  private transferInput(input: CreateLedgerTransactionInput | FastLedgerTransactionInput) {
    const prepay = input instanceof CreateLedgerTransactionInput ? input : undefined;
    return {
      idempotencyKey: input.idempotencyKey,
      payerAccountId: input.payerAccountId
        ? fromGlobalIdOf('Account', input.payerAccountId, 'payerAccountId')
        : undefined,
      externalPayer: prepay?.externalPayer,
      payeeAccountId: fromGlobalIdOf('Account', input.payeeAccountId, 'payeeAccountId'),
      amountFen: input.amountFen,
      content: input.content,
      detail: input.detail,
      startsAt: input.startsAt,
      expiresAt: input.expiresAt,
      fixPayerAmount: prepay?.fixPayerAmount,
      payerSubaccounts: subaccountsInFen(prepay?.payerSubaccounts, 'payerSubaccounts'),
      payeeSubaccounts: subaccountsInFen(prepay?.payeeSubaccounts, 'payeeSubaccounts'),
      remoteIp: prepay?.remoteIp,
    };
  }
}
