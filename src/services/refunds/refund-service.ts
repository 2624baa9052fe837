import { isFinished } from '../../domain/transitions';
import { backoffMs } from '../../util/backoff';
import { In } from 'typeorm';
import { failpoint } from '../../util/failpoints';
import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { Database } from '../../db/database';
import { EntityKind, EventSource, FailureReason, TransactionKind, TransactionStatus, Vendor } from '../../domain/enums';
import { Transaction } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { JobOutcome, JobQueue } from '../../jobs/job-queue';
import type { InStoreAdapter, InStoreRefundOutcome } from '../../providers/in-store';
import type { BindResult, IdempotencyService } from '../tenancy/idempotency-service';
import { insertTransaction, transactionChange, orderNoOf } from '../payments/payment-records';
import { Capability, type ProviderRegistry } from '../../providers/capabilities';
import type { ScopedReads } from '../tenancy/scoped-reads';
import type { StatusWriter, TransitionRequest } from '../events/status-writer';
import { refundData, vendorDataOf, type RefundData } from '../vendor-data';

export type RefundRefusal = 'NOT_SUPPORTED' | 'NOT_PAID' | 'EXCEEDS_REFUNDABLE' | 'PROVIDER_NOT_CONFIGURED';

export type RefundOutcome =
  | { ok: true; refund: Transaction; payment: Transaction; replayed: boolean }
  | { ok: false; reason: RefundRefusal; payment: Transaction; refundableFen: number };

class RefundRefused extends Error {
  constructor(
    readonly reason: RefundRefusal,
    readonly refundableFen: number,
  ) {
    super(reason);
  }
}

/** Statuses whose amount is spoken for: a refund that may still happen counts against the rest. */
const COUNTED = new Set<string>([
  TransactionStatus.PENDING,
  TransactionStatus.PROCESSING,
  TransactionStatus.SUCCEEDED,
  TransactionStatus.NEEDS_ATTENTION,
]);
const GIVE_UP_MS = 24 * 3_600_000;

/** How much of a payment can still be refunded, given its refunds so far. */
export function refundableFen(
  payment: Pick<Transaction, 'amountFen'>,
  refunds: Array<Pick<Transaction, 'amountFen' | 'status'>>,
): number {
  return payment.amountFen - refunds.filter((r) => COUNTED.has(r.status)).reduce((sum, r) => sum + r.amountFen, 0);
}

/**
 * Partial, repeatable refunds of Shouqianba payments (§3.3). Each refund is a child
 * transaction whose order number is its refund_request_no: an uncertain refund is retried by
 * a job with the same number and amount, which the gateway answers without refunding twice.
 * The refundable amount is checked under the payment's row lock, so concurrent refunds can
 * never add up to more than was paid.
 */
export class RefundService {
  static readonly RETRY_JOB = 'in-store-refund-retry';

  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly statusWriter: StatusWriter,
    private readonly idempotency: IdempotencyService,
    private readonly providers: ProviderRegistry,
    private readonly adapter: InStoreAdapter,
    private readonly jobs: JobQueue,
    private readonly retryDelayMs: () => number,
  ) {}

  async refund(
    scope: Scope,
    input: { idempotencyKey: string; paymentId: string; amountFen: number; operator?: string },
  ): Promise<RefundOutcome> {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
      throw badUserInput('amountFen must be a positive whole number of fen', 'amountFen');
    }
    const operator = input.operator ?? 'paygraph';
    if (operator.length > 64) throw badUserInput('operator is at most 64 characters', 'operator');
    const payment = await this.reads.get('Transaction', scope, input.paymentId);
    const refusal = (reason: RefundRefusal, fen: number): RefundOutcome => ({
      ok: false,
      reason,
      payment,
      refundableFen: fen,
    });
    if (payment.kind !== TransactionKind.PAYMENT || payment.vendor !== Vendor.SHOUQIANBA)
      return refusal('NOT_SUPPORTED', 0);
    const config = await this.providers.configOf(scope.platformId, Capability.PAYMENTS, [Vendor.SHOUQIANBA]);
    if (!config) return refusal('PROVIDER_NOT_CONFIGURED', 0);
    let outcome: { replayed: boolean; result: { id: string } };
    try {
      outcome = await this.idempotency.run(
        scope.platformId,
        input.idempotencyKey,
        'refundPayment',
        { ...input, operator },
        async (bind) => {
          const refund = await this.open(payment, input.amountFen, operator, bind);
          await this.db.durable();
          await this.send(refund, EventSource.API, payment);
          return { kind: 'Transaction', id: refund.id };
        },
      );
    } catch (error) {
      if (error instanceof RefundRefused) return refusal(error.reason, error.refundableFen);
      throw error;
    }
    return {
      ok: true,
      refund: await this.reads.get('Transaction', scope, outcome.result.id),
      payment: await this.reads.get('Transaction', scope, payment.id),
      replayed: outcome.replayed,
    };
  }

  /** The retry job: resend an uncertain refund, same number and amount, until the gateway says. */
  async retry(data: Record<string, unknown>, attempt: number): Promise<JobOutcome> {
    const platformId = String(data.platformId);
    const refund = (await this.reads.findByIds('Transaction', { platformId }, [String(data.refundId)])).get(
      String(data.refundId),
    );
    if (!refund || isFinished(EntityKind.TRANSACTION, refund.status)) return { done: true };
    if (Date.now() - refund.createdAt.getTime() > GIVE_UP_MS) return { done: true };
    await this.send(refund, EventSource.POLL);
    const now = (await this.reads.findByIds('Transaction', { platformId }, [refund.id])).get(refund.id);
    if (!now || isFinished(EntityKind.TRANSACTION, now.status)) return { done: true };
    return { done: false, retryInMs: backoffMs(attempt, this.retryDelayMs()) };
  }

  /** Checks the refundable amount under the payment's lock and inserts the refund row. */
  private async open(
    payment: Transaction,
    amountFen: number,
    operator: string,
    bind: BindResult,
  ): Promise<Transaction> {
    const id = newId();
    const { transaction, event } = await this.db.transaction(async (manager) => {
      const query = manager
        .getRepository(Transaction)
        .createQueryBuilder('row')
        .where('row.id = :id', { id: payment.id });
      if (this.db.kind === 'mysql') query.setLock('pessimistic_write');
      const locked = await query.getOneOrFail();
      const refunds = await manager.findBy(Transaction, { parentId: payment.id, kind: TransactionKind.REFUND });
      const available = refundableFen(locked, refunds);
      if (locked.status !== TransactionStatus.SUCCEEDED) throw new RefundRefused('NOT_PAID', 0);
      if (amountFen > available) throw new RefundRefused('EXCEEDS_REFUNDABLE', available);
      const vendorData: RefundData = { operator };
      await bind(manager, { kind: 'Transaction', id });
      return insertTransaction(manager, this.statusWriter, {
        id,
        platformId: payment.platformId,
        vendor: Vendor.SHOUQIANBA,
        kind: TransactionKind.REFUND,
        parentId: payment.id,
        clientId: payment.clientId,
        bizId: payment.bizId,
        amountFen,
        status: TransactionStatus.PENDING,
        // §3.3: refund_request_no is at most 32 characters; the hex id is exactly that.
        orderNo: orderNoOf(id),
        description: null,
        vendorData,
        detail: { refundOf: payment.orderNo },
      });
    });
    this.statusWriter.publish(event);
    return transaction;
  }

  /** Sends (or re-sends) a refund; `payment` is its parent when the caller already has it. */
  private async send(refund: Transaction, source: EventSource, payment?: Transaction): Promise<void> {
    payment ??= await this.db.manager.findOneByOrFail(Transaction, { id: refund.parentId as string });
    const config = await this.providers.requireConfig(refund.platformId, Capability.PAYMENTS, [Vendor.SHOUQIANBA]);
    const result = await this.adapter.refund(config, {
      sn: payment.vendorRef,
      clientSn: payment.orderNo,
      requestNo: refund.orderNo,
      amountFen: refund.amountFen,
      operator: vendorDataOf(refund, refundData).operator,
    });
    failpoint('refund.after-call');
    await this.apply(refund, result, source);
  }

  /**
   * On start: retry every refund still uncertain, and every one left PENDING by a crash between
   * the gateway call and its commit (the same refund_request_no makes the gateway refund once).
   */
  async rescheduleUncertain(): Promise<number> {
    const open = await this.db.manager.findBy(Transaction, {
      vendor: Vendor.SHOUQIANBA,
      kind: TransactionKind.REFUND,
      status: In([TransactionStatus.NEEDS_ATTENTION, TransactionStatus.PENDING]),
    });
    for (const refund of open) await this.scheduleRetry(refund);
    return open.length;
  }

  private scheduleRetry(refund: Pick<Transaction, 'id' | 'platformId'>): Promise<void> {
    return this.jobs.schedule({
      name: RefundService.RETRY_JOB,
      id: `in-store-refund.${refund.id}`,
      data: { platformId: refund.platformId, refundId: refund.id },
      delayMs: this.retryDelayMs(),
    });
  }

  private async apply(refund: Transaction, given: InStoreRefundOutcome, source: EventSource): Promise<void> {
    // Only a first attempt that never left is a failure; a retry that cannot be sent leaves
    // the earlier attempt's outcome open.
    const result: InStoreRefundOutcome =
      given.kind === 'not_sent' && source !== EventSource.API ? { kind: 'uncertain', reason: given.reason } : given;
    const change = (to: TransactionStatus, detail: Record<string, unknown>, patch?: TransitionRequest['patch']) =>
      this.statusWriter.change(transactionChange(refund, to, source, { step: 'refund', ...detail }, patch));
    switch (result.kind) {
      case 'refunded':
        await change(
          TransactionStatus.SUCCEEDED,
          result.order ? { orderStatus: result.order.orderStatus, netFen: result.order.netFen } : {},
          { vendorRef: result.order?.sn },
        );
        return;
      case 'refused':
        await change(
          TransactionStatus.FAILED,
          { reason: result.failure.reason, vendorCode: result.failure.vendorCode },
          { vendorData: { failure: result.failure } },
        );
        return;
      case 'not_sent':
        await change(
          TransactionStatus.FAILED,
          { reason: FailureReason.VENDOR_UNREACHABLE },
          {
            vendorData: {
              failure: {
                reason: FailureReason.VENDOR_UNREACHABLE,
                vendorCode: result.reason,
                message: 'nothing was sent',
              },
            },
          },
        );
        return;
      case 'uncertain':
        await change(TransactionStatus.NEEDS_ATTENTION, { result: result.reason });
        await this.scheduleRetry(refund);
        return;
    }
  }
}
