import { In } from 'typeorm';
import type { Scope } from '../../auth/viewer';
import type { Database } from '../../db/database';
import { EntityKind, EventSource, FailureReason, TransactionStatus, Vendor } from '../../domain/enums';
import { isFinished } from '../../domain/transitions';
import { Account, Transaction } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { JobOutcome, JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../logging/logger';
import type { ProviderRegistry, TransferQueryOutcome } from '../../providers/capabilities';
import type { LedgerGateway, TransferSent } from '../../providers/ledger';
import { backoffMs } from '../../util/backoff';
import type { StatusWriter } from '../events/status-writer';
import { ledgerData, vendorDataOf, type LedgerData } from '../vendor-data';
import { changeTransaction } from '../payments/payment-records';
import { refusalOf } from '../payments/vendor-refusal';
import type { ResolvedProviderConfig } from '../tenancy/provider-config-service';
import type { ScopedReads } from '../tenancy/scoped-reads';
import type { LedgerAccounts } from './ledger-accounts';
import {
  ledgerAccountOf,
  ledgerConfig,
  ledgerNotConfigured,
  type LedgerRefusal,
  type LedgerResult,
} from './ledger-common';

type Ref = { id: string; platformId: string };

/**
 * The local rows follow the ledger: after every answer a transfer is re-read (the LEDGER
 * capability's queryTransfer) and its status applied through the status writer; a job does the
 * same for outcomes left unknown, and a lost answer is looked for before anything is re-sent.
 */
export class LedgerSync {
  static readonly SYNC_JOB = 'ledger-sync';

  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly statusWriter: StatusWriter,
    private readonly providers: ProviderRegistry,
    private readonly ledger: LedgerGateway,
    private readonly accounts: LedgerAccounts,
    private readonly jobs: JobQueue,
    private readonly publicUrl: () => string,
    private readonly retryDelayMs: () => number,
    private readonly logger: Logger,
  ) {}

  /** The ledger's record of a transfer, applied now. */
  async sync(scope: Scope, id: string): Promise<LedgerResult<{ transaction: Transaction; replayed: boolean }>> {
    const transaction = await this.reads.get('Transaction', scope, id);
    if (transaction.vendor !== Vendor.COLOURLIFE) throw badUserInput('not a ledger transaction', 'id');
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    const outcome = await this.resolve(config, transaction, EventSource.POLL);
    const current = await this.reads.get('Transaction', scope, id);
    if (outcome !== true) return { ...outcome, transaction: current };
    return { ok: true, transaction: current, replayed: false };
  }

  /** The sync job: until the ledger gives a definite answer. */
  async syncJob(data: Record<string, unknown>, attempt: number): Promise<JobOutcome> {
    const platformId = String(data.platformId);
    const id = String(data.transactionId);
    const transaction = (await this.reads.findByIds('Transaction', { platformId }, [id])).get(id);
    if (
      !transaction ||
      isFinished(EntityKind.TRANSACTION, transaction.status) ||
      transaction.status === TransactionStatus.PROCESSING
    )
      return { done: true };
    if (Date.now() - transaction.createdAt.getTime() > 24 * 3_600_000) return { done: true };
    const config = await ledgerConfig(this.providers, platformId);
    if (config) await this.resolve(config, transaction, EventSource.POLL);
    const now = (await this.reads.findByIds('Transaction', { platformId }, [transaction.id])).get(transaction.id);
    if (!now || now.status !== TransactionStatus.NEEDS_ATTENTION) return { done: true };
    return { done: false, retryInMs: backoffMs(attempt, this.retryDelayMs()) };
  }

  /** On start: every transfer whose outcome is unknown, or left PENDING by a crash between the ledger call and its commit. */
  async rescheduleUnresolved(): Promise<number> {
    const open = await this.db.manager.findBy(Transaction, {
      vendor: Vendor.COLOURLIFE,
      status: In([TransactionStatus.NEEDS_ATTENTION, TransactionStatus.PENDING]),
    });
    for (const transaction of open) await this.scheduleSync(transaction);
    return open.length;
  }

  scheduleSync(transaction: Ref): Promise<void> {
    return this.jobs.schedule({
      name: LedgerSync.SYNC_JOB,
      id: `ledger-sync.${transaction.id}`,
      data: { platformId: transaction.platformId, transactionId: transaction.id },
      delayMs: this.retryDelayMs(),
    });
  }

  /** Where the ledger notifies us of this platform's transfers. */
  callbackUrl(config: ResolvedProviderConfig, platformId: string): string {
    return `${this.publicUrl()}/callbacks/${this.ledger.vendor.toLowerCase()}/${platformId}/${this.ledger.callbackPath(config)}`;
  }

  /** What a prepay or fast answer means for the local row. */
  async afterCreate(
    config: ResolvedProviderConfig,
    ref: Ref,
    mode: 'prepay' | 'fast',
    sent: TransferSent,
    source: EventSource,
  ): Promise<void> {
    if (sent.kind === 'ok') {
      const tno = sent.ref;
      if (!tno) {
        await changeTransaction(this.statusWriter, ref, TransactionStatus.NEEDS_ATTENTION, source, {
          step: mode,
          result: 'no tno in the answer',
        });
        return;
      }
      const vendorData = sent.walletPayment ? { walletPayment: sent.walletPayment } : {};
      const detail = { step: mode };
      await changeTransaction(this.statusWriter, ref, TransactionStatus.PROCESSING, source, detail, {
        vendorRef: tno,
        vendorData,
      });
      if (mode === 'fast') await this.syncByTno(config, ref, tno, source);
      return;
    }
    // Our order number was already used: by our own earlier attempt. Adopt that transaction.
    if (sent.kind === 'already_made') {
      const adopted = sent.ref;
      const detail = { step: mode, result: 'adopted' };
      await changeTransaction(this.statusWriter, ref, TransactionStatus.PROCESSING, source, detail, {
        vendorRef: adopted,
      });
      await this.syncByTno(config, ref, adopted, source);
      return;
    }
    if (sent.kind === 'refused' || sent.kind === 'not_sent') {
      const failure =
        sent.kind === 'refused'
          ? sent.failure
          : { reason: FailureReason.VENDOR_UNREACHABLE, vendorCode: sent.reason, message: 'nothing was sent' };
      const detail = { step: mode, reason: failure.reason, vendorCode: failure.vendorCode };
      await changeTransaction(this.statusWriter, ref, TransactionStatus.FAILED, source, detail, {
        // The create call's own answer was this refusal (a used order number answers the
        // transaction instead): a replay of its key answers it again.
        vendorData: {
          failure,
          refusedOnCreate: source === EventSource.API && !(sent.kind === 'refused' && sent.repeatedOrder),
        },
      });
      return;
    }
    await changeTransaction(this.statusWriter, ref, TransactionStatus.NEEDS_ATTENTION, source, {
      step: mode,
      result: sent.reason,
    });
    await this.scheduleSync(ref);
  }

  /**
   * Settles a transaction whose answer was lost. With its tno, it is read (get). Without one,
   * it is looked for before anything is sent again, because the spec never says the ledger
   * deduplicates on orderno: a fast transaction or a paid prepay is found in the list of its
   * account. A prepay not found (unpaid ones are never listed) is sent again byte for byte as
   * first sent, so a ledger that deduplicates answers with the same tno and one that does not
   * holds a second unpaid prepay that nobody pays. A fast transaction not found is never sent
   * again (money could move twice): it stays NEEDS_ATTENTION for the sync job and a person.
   */
  private async resolve(
    config: ResolvedProviderConfig,
    transaction: Transaction,
    source: EventSource,
  ): Promise<true | LedgerRefusal> {
    if (transaction.vendorRef) return this.syncByTno(config, transaction, transaction.vendorRef, source);
    const data = vendorDataOf(transaction, ledgerData);
    const found = await this.findByOrderNo(config, transaction, data);
    if (found.kind === 'found') {
      const detail = { step: 'list', result: 'found by orderno' };
      await changeTransaction(this.statusWriter, transaction, TransactionStatus.PROCESSING, source, detail, {
        vendorRef: found.ref,
      });
      return this.syncByTno(config, transaction, found.ref, source);
    }
    if (found.kind !== 'absent') return refusalOf(found);
    if (data.mode === 'fast' || !data.request) {
      await changeTransaction(this.statusWriter, transaction, TransactionStatus.NEEDS_ATTENTION, source, {
        step: 'list',
        result: 'not found at the ledger; not sent again (money could move twice)',
      });
      return true;
    }
    const sent = await this.ledger.send(
      config,
      'prepay',
      data.request,
      this.callbackUrl(config, transaction.platformId),
    );
    await this.afterCreate(config, transaction, data.mode, sent, source);
    if (sent.kind === 'ok' || sent.kind === 'already_made') return true;
    return sent.kind === 'refused' && sent.repeatedOrder ? true : refusalOf(sent);
  }

  /** Our transfer in the list of its payer's account (or the payee's, for a payment from WeChat or Alipay). */
  private async findByOrderNo(config: ResolvedProviderConfig, transaction: Transaction, data: LedgerData) {
    const accountId = transaction.payerAccountId ?? transaction.payeeAccountId;
    if (!accountId) return { kind: 'absent' as const };
    const account = await this.db.manager.findOneByOrFail(Account, { id: accountId });
    const ledger = await ledgerAccountOf(this.reads, transaction.platformId, account);
    if (!ledger) return { kind: 'absent' as const };
    // Ten minutes before our row: the ledger's clock and ours may differ a little.
    const since = new Date(transaction.createdAt.getTime() - 600_000);
    const paid = Boolean(transaction.payerAccountId);
    return this.ledger.findByOrderNo(config, transaction.orderNo, ledger, paid, since, data.request);
  }

  /** Reads the ledger's record (the LEDGER capability) and applies it; the amount is checked by the status writer. */
  async syncByTno(
    config: ResolvedProviderConfig,
    ref: Ref,
    tno: string,
    source: EventSource,
  ): Promise<true | LedgerRefusal> {
    const outcome = await this.ledger.queryTransfer(config, tno);
    if (outcome.kind !== 'found') return refusalOf(outcome);
    await this.applyFound(config, ref, outcome, source);
    return true;
  }

  private async applyFound(
    config: ResolvedProviderConfig,
    ref: Ref,
    found: Extract<TransferQueryOutcome, { kind: 'found' }>,
    source: EventSource,
  ): Promise<void> {
    const row = await this.db.manager.findOneByOrFail(Transaction, { id: ref.id });
    // Our amount is the payer's when it was fixed for an exchange, the payee's otherwise.
    const theirs =
      found.exchange && vendorDataOf(row, ledgerData).fixPayerAmount ? found.payerAmountFen : found.payeeAmountFen;
    const detail = {
      step: 'get',
      ...found.detail,
      payerFen: found.payerAmountFen ?? null,
      payeeFen: found.payeeAmountFen ?? null,
    };
    const vendorData = {
      transferKind: found.transferKind,
      payerAmountFen: found.payerAmountFen,
      payeeAmountFen: found.payeeAmountFen,
    };
    const patch = { vendorRef: found.vendorRef, vendorData };
    await changeTransaction(this.statusWriter, ref, found.status, source, detail, patch, { amount: theirs });
    if (found.status === TransactionStatus.SUCCEEDED) await this.refreshParties(config, row);
  }

  /** Mirrors the balances of both sides after money moved (best effort; refreshLedgerAccount repeats it). */
  private async refreshParties(config: ResolvedProviderConfig, row: Transaction): Promise<void> {
    for (const accountId of [row.payerAccountId, row.payeeAccountId]) {
      if (!accountId) continue;
      const account = await this.db.manager.findOneBy(Account, { id: accountId });
      const ledger = account && (await ledgerAccountOf(this.reads, row.platformId, account));
      if (!ledger) continue;
      const result = await this.accounts.mirror(config, accountId, ledger);
      if (result !== true) this.logger.warn({ accountId, error: result.error }, 'balance refresh failed');
    }
  }
}
