import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { Database } from '../../db/database';
import {
  AccountTypeKind,
  EventSource,
  FailureReason,
  TransactionKind,
  TransactionStatus,
  Vendor,
} from '../../domain/enums';
import type { Transaction } from '../../entities';
import { badUserInput, forbidden } from '../../errors/app-errors';
import type { LedgerCall, LedgerGateway, TransferOrder } from '../../providers/ledger';
import type { ProviderRegistry } from '../../providers/capabilities';
import { failpoint } from '../../util/failpoints';
import type { StatusWriter } from '../events/status-writer';
import type { LedgerData } from '../vendor-data';
import { changeTransaction, insertTransaction, orderNoOf } from '../payments/payment-records';
import { refusalOf, refusalOnFirstAnswer } from '../payments/vendor-refusal';
import type { IdempotencyService } from '../tenancy/idempotency-service';
import type { ResolvedProviderConfig } from '../tenancy/provider-config-service';
import type { ScopedReads } from '../tenancy/scoped-reads';
import {
  ledgerAccountOf,
  ledgerConfig,
  ledgerNotConfigured,
  type LedgerRefusal,
  type LedgerResult,
} from './ledger-common';
import type { LedgerSync } from './ledger-sync';

/** A transfer as the API asks for it: the ledger's order, and which of our accounts pay and are paid. */
export interface TransferInput extends Omit<TransferOrder, 'orderNo'> {
  idempotencyKey: string;
  payerAccountId?: string;
  /** A WeChat or Alipay payment into the ledger (4.1): no payer account. */
  externalPayer?: 'WECHAT' | 'ALIPAY';
  payeeAccountId: string;
}

type TransferResult = LedgerResult<{ transaction: Transaction; replayed: boolean }>;

/**
 * Ledger transfers: prepay → confirm, fast, cancel. The local row and its order number are
 * committed before the call; what the ledger then says is applied by LedgerSync.
 */
export class LedgerTransfers {
  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly statusWriter: StatusWriter,
    private readonly idempotency: IdempotencyService,
    private readonly providers: ProviderRegistry,
    private readonly ledger: LedgerGateway,
    private readonly sync: LedgerSync,
  ) {}

  /**
   * Prepay (mode 'prepay') or fast transaction (mode 'fast'). A timeout is resolved by the
   * sync, which looks for the transaction before anything is sent again.
   */
  async transfer(scope: Scope, mode: 'prepay' | 'fast', input: TransferInput): Promise<TransferResult> {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0)
      throw badUserInput('amountFen must be a positive whole number of fen', 'amountFen');
    if (scope.clientId && mode === 'fast')
      throw forbidden(
        'a client token cannot move money without the platform confirming it; use createLedgerTransaction',
      );
    if (Boolean(input.payerAccountId) === Boolean(input.externalPayer)) {
      throw badUserInput('give exactly one of payerAccountId and externalPayer', 'payerAccountId');
    }
    if (mode === 'fast' && input.externalPayer)
      throw badUserInput('fast transactions cannot be paid by WeChat or Alipay', 'externalPayer');
    if (mode === 'fast') {
      // The fast transaction defines none of these: sent anyway, a ledger that ignores them
      // would do something else than asked (an exchange's fixed side decides which amount is ours).
      for (const field of ['fixPayerAmount', 'remoteIp', 'payerSubaccounts', 'payeeSubaccounts'] as const) {
        if (input[field] !== undefined && input[field] !== false)
          throw badUserInput(
            `${field} is only for createLedgerTransaction (prepay, then confirm): the fast transaction has no such parameter`,
            field,
          );
      }
    }
    const platformScope = { platformId: scope.platformId };
    const payee = await this.reads.get('Account', platformScope, input.payeeAccountId);
    // A client token moves money only out of its own accounts.
    const payer = input.payerAccountId ? await this.reads.get('Account', scope, input.payerAccountId) : undefined;
    if (scope.clientId && payer && payer.clientId !== scope.clientId) throw forbidden();
    const payeeAt = await ledgerAccountOf(this.reads, scope.platformId, payee);
    if (!payeeAt) throw badUserInput('not a Colourlife ledger account', 'payeeAccountId');
    const payerAt = payer ? await ledgerAccountOf(this.reads, scope.platformId, payer) : undefined;
    if (payer && !payerAt) throw badUserInput('not a Colourlife ledger account', 'payerAccountId');
    if (payerAt) {
      const verdict = this.ledger.verdict(payerAt, payeeAt);
      if (!verdict.allowed) {
        const failure = { reason: FailureReason.TRANSFER_NOT_ALLOWED, vendorCode: '', message: verdict.reason };
        return { ok: false, error: 'NOT_ALLOWED', failure, message: verdict.reason };
      }
      if ([AccountTypeKind.WECHAT, AccountTypeKind.ALIPAY].includes(payerAt.kind) && mode === 'fast') {
        throw badUserInput('WeChat and Alipay accounts cannot pay by fast transaction', 'payerAccountId');
      }
    } else {
      const expected = input.externalPayer === 'WECHAT' ? AccountTypeKind.WECHAT : AccountTypeKind.ALIPAY;
      if (payeeAt.kind !== expected) {
        throw badUserInput(`a ${input.externalPayer} payment goes into an account of that channel`, 'payeeAccountId');
      }
    }
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    let refusedNow: LedgerRefusal | undefined;
    const { replayed, result } = await this.idempotency.run(
      scope.platformId,
      input.idempotencyKey,
      mode === 'prepay' ? 'createLedgerTransaction' : 'fastLedgerTransaction',
      input,
      async (bind) => {
        const id = newId();
        const request = this.ledger.transferRequest(mode, { ...input, orderNo: orderNoOf(id) }, payerAt, payeeAt);
        // Kept as sent, so a re-send is the same request (only the callback is derived again).
        const vendorData: LedgerData = { mode, fixPayerAmount: input.fixPayerAmount ?? false, request };
        const { event } = await this.db.transaction(async (manager) => {
          await bind(manager, { kind: 'Transaction', id });
          return insertTransaction(manager, this.statusWriter, {
            id,
            platformId: scope.platformId,
            vendor: Vendor.COLOURLIFE,
            kind: TransactionKind.LEDGER,
            payerAccountId: payer?.id ?? null,
            payeeAccountId: payee.id,
            clientId: payer?.clientId ?? payee.clientId ?? null,
            bizId: payee.bizId ?? payer?.bizId ?? null,
            amountFen: input.amountFen,
            status: TransactionStatus.PENDING,
            orderNo: orderNoOf(id),
            description: input.content,
            vendorData,
            detail: { mode },
          });
        });
        this.statusWriter.publish(event);
        await this.db.durable();
        const sent = await this.ledger.send(config, mode, request, this.sync.callbackUrl(config, scope.platformId));
        failpoint('ledger.after-create-call');
        await this.sync.afterCreate(config, { id, platformId: scope.platformId }, mode, sent, EventSource.API);
        if ((sent.kind === 'refused' && !sent.repeatedOrder) || sent.kind === 'not_sent') refusedNow = refusalOf(sent);
        return { kind: 'Transaction', id };
      },
    );
    const transaction = await this.reads.get('Transaction', scope, result.id);
    // A replay answers as the first call did: a refusal again if the transfer was refused.
    const refusal = refusedNow ?? (replayed ? refusalOnFirstAnswer(transaction) : undefined);
    if (refusal) return { ...refusal, transaction };
    return { ok: true, transaction, replayed };
  }

  /** Pay: the platform's server confirms a prepay after its own checks. */
  async confirm(scope: Scope, input: { idempotencyKey: string; id: string }): Promise<TransferResult> {
    if (scope.clientId)
      throw forbidden('only the platform server confirms a ledger transaction (after its own checks)');
    return this.onPrepaid(scope, input, 'confirmLedgerTransaction', (config, tno) => this.ledger.confirm(config, tno));
  }

  /** Cancel: only an unpaid transaction. A client may cancel its own. */
  async cancel(scope: Scope, input: { idempotencyKey: string; id: string }): Promise<TransferResult> {
    return this.onPrepaid(scope, input, 'cancelLedgerTransaction', (config, tno) => this.ledger.cancel(config, tno));
  }

  private async onPrepaid(
    scope: Scope,
    input: { idempotencyKey: string; id: string },
    operation: string,
    send: (config: ResolvedProviderConfig, tno: string) => Promise<LedgerCall<unknown>>,
  ): Promise<TransferResult> {
    const transaction = await this.reads.get('Transaction', scope, input.id);
    if (transaction.vendor !== Vendor.COLOURLIFE || transaction.kind !== TransactionKind.LEDGER) {
      throw badUserInput('not a ledger transaction', 'id');
    }
    const tno = transaction.vendorRef;
    if (!tno) throw badUserInput('the ledger has not issued this transaction yet; sync it first', 'id');
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    let vendorAnswer: LedgerRefusal | undefined;
    const { replayed } = await this.idempotency.run(
      scope.platformId,
      input.idempotencyKey,
      operation,
      { id: input.id },
      async () => {
        const call = await send(config, tno);
        if (call.kind === 'unknown') {
          await changeTransaction(this.statusWriter, transaction, TransactionStatus.NEEDS_ATTENTION, EventSource.API, {
            step: operation,
            result: call.reason,
          });
          await this.sync.scheduleSync(transaction);
        } else {
          // Whatever the answer, the ledger's own record of the transaction decides its status.
          await this.sync.syncByTno(config, transaction, tno, EventSource.API);
        }
        if (call.kind !== 'ok') vendorAnswer = refusalOf(call);
        return { kind: 'Transaction', id: transaction.id };
      },
    );
    const current = await this.reads.get('Transaction', scope, input.id);
    if (vendorAnswer) return { ...vendorAnswer, transaction: current };
    return { ok: true, transaction: current, replayed };
  }
}
