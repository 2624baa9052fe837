import { isFinished } from '../../domain/transitions';
import type { Scope } from '../../auth/viewer';
import type { InStoreSettings } from '../../config/config';
import { newId } from '../../crypto/ids';
import type { Database } from '../../db/database';
import { EntityKind, EventSource, FailureReason, TransactionKind, TransactionStatus, Vendor } from '../../domain/enums';
import { Transaction } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { JobOutcome, JobQueue } from '../../jobs/job-queue';
import {
  orderDetail,
  type InStoreAdapter,
  type InStoreCancelOutcome,
  type InStoreCreateOutcome,
  type InStoreOrder,
  type Wallet,
} from '../../providers/in-store';
import type { VendorFailure } from '../../providers/failures';
import { failpoint } from '../../util/failpoints';
import { inStoreData, vendorDataOf, type InStoreData } from '../vendor-data';
import type { IdempotencyService } from '../tenancy/idempotency-service';
import { changeTransaction, checkParties, insertTransaction, orderNoOf } from './payment-records';
import type { PaymentService } from './payment-service';
import { Capability, type ProviderRegistry } from '../../providers/capabilities';
import type { ScopedReads } from '../tenancy/scoped-reads';
import type { StatusWriter, TransitionRequest } from '../events/status-writer';

export interface InStorePaymentInput {
  idempotencyKey: string;
  method: 'BARCODE' | 'QR_CODE';
  amountFen: number;
  clientId?: string;
  bizId?: string;
  description?: string;
  operator?: string;
  /** BARCODE: the payer's payment code, scanned by the merchant. Never stored. */
  dynamicId?: string;
  /** QR_CODE: the wallet the payer will scan with. */
  wallet?: Wallet;
}

export type InStorePaymentOutcome =
  | { ok: true; transaction: Transaction; replayed: boolean }
  | { ok: false; error: 'PROVIDER_NOT_CONFIGURED'; vendor: Vendor };

export type CancelOutcome =
  | { ok: true; transaction: Transaction; replayed: boolean }
  | { ok: false; error: 'PROVIDER_NOT_CONFIGURED' | 'NOT_SUPPORTED' | 'ALREADY_PAID'; transaction: Transaction };

const DEFAULT_OPERATOR = 'paygraph';
const OPEN_STATUSES = [TransactionStatus.PENDING, TransactionStatus.PROCESSING];

/**
 * In-store payments through Shouqianba: barcode (B scans C) and QR code (C scans B), and the
 * spec's client algorithm (§2.4) as a job: query every few seconds while the outcome is open,
 * cancel at the deadline, and hand anything unconfirmed to a person (NEEDS_ATTENTION) and to
 * the slow poll. Every step is an event subscribers see.
 */
export class InStorePaymentService {
  static readonly POLL_JOB = 'in-store-poll-then-cancel';

  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly statusWriter: StatusWriter,
    private readonly idempotency: IdempotencyService,
    private readonly providers: ProviderRegistry,
    private readonly adapter: InStoreAdapter,
    private readonly payments: PaymentService,
    private readonly jobs: JobQueue,
    private readonly settings: () => InStoreSettings,
  ) {}

  async create(scope: Scope, input: InStorePaymentInput): Promise<InStorePaymentOutcome> {
    const { clientId } = await checkParties(this.reads, scope, input);
    if (input.method === 'BARCODE' && !/^[0-9A-Za-z]{1,32}$/.test(input.dynamicId ?? '')) {
      throw badUserInput(
        'barcode.dynamicId must be the scanned payment code (1-32 letters and digits)',
        'barcode.dynamicId',
      );
    }
    if (input.method === 'QR_CODE' && !input.wallet) throw badUserInput('qrCode.wallet is required', 'qrCode.wallet');
    const operator = input.operator ?? DEFAULT_OPERATOR;
    if (operator.length > 32) throw badUserInput('operator is at most 32 characters', 'operator');
    const subject = (input.description ?? 'Payment').slice(0, 64);
    const config = await this.providers.configOf(scope.platformId, Capability.PAYMENTS, [Vendor.SHOUQIANBA]);
    if (!config) return { ok: false, error: 'PROVIDER_NOT_CONFIGURED', vendor: Vendor.SHOUQIANBA };

    // The barcode is a one-time credential of the payer: hashed into the idempotency check
    // (same key + another barcode is a conflict) but never stored.
    const { replayed, result } = await this.idempotency.run(
      scope.platformId,
      input.idempotencyKey,
      'createPayment',
      { ...input, clientId },
      async (bind) => {
        const id = newId();
        const settings = this.settings();
        const deadlineMs = input.method === 'BARCODE' ? settings.barcodeDeadlineMs : settings.qrDeadlineMs;
        const vendorData: InStoreData = {
          method: input.method,
          wallet: input.wallet ?? null,
          operator,
          deadlineAt: new Date(Date.now() + deadlineMs).toISOString(),
        };
        const transaction = { platformId: scope.platformId, id, orderNo: orderNoOf(id), amountFen: input.amountFen };
        const { event } = await this.db.transaction(async (manager) => {
          await bind(manager, { kind: 'Transaction', id });
          return insertTransaction(manager, this.statusWriter, {
            ...transaction,
            vendor: Vendor.SHOUQIANBA,
            kind: TransactionKind.PAYMENT,
            clientId: clientId ?? null,
            bizId: input.bizId ?? null,
            status: TransactionStatus.PENDING,
            description: input.description ?? null,
            vendorData,
            detail: { method: input.method },
          });
        });
        this.statusWriter.publish(event);
        // Scheduled before the vendor call: if this process dies after it, the loop still
        // finds the order by query and adopts it; it never sends a second one.
        await this.schedule(transaction);
        await this.db.durable();
        const order = {
          clientSn: transaction.orderNo,
          amountFen: input.amountFen,
          subject,
          operator,
          description: input.description,
        };
        const outcome =
          input.method === 'BARCODE'
            ? await this.adapter.pay(config, { ...order, dynamicId: input.dynamicId as string })
            : await this.adapter.precreate(config, { ...order, wallet: input.wallet as Wallet });
        failpoint('in-store.after-create-call');
        await this.applyCreate(transaction, outcome);
        return { kind: 'Transaction', id };
      },
    );
    return { ok: true, transaction: await this.reads.get('Transaction', scope, result.id), replayed };
  }

  /** The §2.4 loop, one step per run: query until the deadline, then cancel. */
  async pollThenCancel(data: Record<string, unknown>, attempt: number): Promise<JobOutcome> {
    const platformId = String(data.platformId);
    const transaction = await this.load(platformId, String(data.transactionId));
    if (!transaction || isFinished(EntityKind.TRANSACTION, transaction.status)) return { done: true };
    const vendorData = vendorDataOf(transaction, inStoreData);
    if (vendorData.cancelSent) return { done: true };
    const config = await this.providers.requireConfig(platformId, Capability.PAYMENTS, [Vendor.SHOUQIANBA]);
    const settings = this.settings();
    const retry = { done: false, retryInMs: settings.pollIntervalMs } as const;
    if (Date.now() < Date.parse(vendorData.deadlineAt)) {
      const result = await this.adapter.query(config, transaction.orderNo);
      const step = { step: 'query', attempt };
      if (result.kind === 'found') {
        const status = await this.applyOrder(transaction, result.order, EventSource.POLL, step);
        if (status === TransactionStatus.NEEDS_ATTENTION) {
          await this.payments.schedulePoll(transaction);
          return { done: true };
        }
        return isFinished(EntityKind.TRANSACTION, status) ? { done: true } : retry;
      }
      if (result.kind === 'missing') {
        // Until our own pay request has timed out it may still reach the gateway: keep asking.
        if (Date.now() < transaction.createdAt.getTime() + settings.requestTimeoutMs) {
          await this.step(transaction, { ...step, result: 'order not found yet' });
          return retry;
        }
        await this.fail(
          transaction,
          EventSource.POLL,
          { ...step, result: 'UPAY_ORDER_NOT_EXISTS' },
          {
            reason: FailureReason.ORDER_NOT_FOUND,
            vendorCode: 'UPAY_ORDER_NOT_EXISTS',
            message: 'the gateway never received the order',
          },
        );
        return { done: true };
      }
      // A network or gateway error continues the loop (§2.4).
      await this.step(transaction, {
        ...step,
        error: result.kind === 'refused' ? result.failure.vendorCode : result.reason,
      });
      return retry;
    }
    // The loop is over once the cancel is sent, whatever comes back: recorded with the step.
    await this.step(transaction, { step: 'cancel', reason: 'deadline reached' }, EventSource.POLL, {
      vendorData: { cancelSent: true },
    });
    await this.applyCancel(transaction, await this.adapter.cancel(config, transaction.orderNo), EventSource.POLL);
    return { done: true };
  }

  /** cancelPayment: a payment still open is canceled at the gateway (§3.5). */
  async cancel(scope: Scope, input: { idempotencyKey: string; id: string }): Promise<CancelOutcome> {
    const transaction = await this.reads.get('Transaction', scope, input.id);
    if (transaction.vendor !== Vendor.SHOUQIANBA || transaction.kind !== TransactionKind.PAYMENT) {
      return { ok: false, error: 'NOT_SUPPORTED', transaction };
    }
    if (transaction.status === TransactionStatus.SUCCEEDED) return { ok: false, error: 'ALREADY_PAID', transaction };
    const config = await this.providers.configOf(scope.platformId, Capability.PAYMENTS, [Vendor.SHOUQIANBA]);
    if (!config) return { ok: false, error: 'PROVIDER_NOT_CONFIGURED', transaction };
    const { replayed } = await this.idempotency.run(
      scope.platformId,
      input.idempotencyKey,
      'cancelPayment',
      { id: input.id },
      async () => {
        const current = await this.reads.get('Transaction', scope, input.id);
        if (!isFinished(EntityKind.TRANSACTION, current.status)) {
          await this.step(current, { step: 'cancel', reason: 'requested' }, EventSource.API);
          await this.applyCancel(current, await this.adapter.cancel(config, current.orderNo), EventSource.API);
        }
        return { kind: 'Transaction', id: current.id };
      },
    );
    return { ok: true, transaction: await this.reads.get('Transaction', scope, input.id), replayed };
  }

  /** After a restart of the in-process queue: resume the loop of every payment still open. */
  async rescheduleOpen(): Promise<number> {
    const open = await this.db.manager
      .getRepository(Transaction)
      .createQueryBuilder('t')
      .where('t.vendor = :vendor AND t.kind = :kind', { vendor: Vendor.SHOUQIANBA, kind: TransactionKind.PAYMENT })
      .andWhere('t.status IN (:...statuses)', { statuses: OPEN_STATUSES })
      .getMany();
    for (const transaction of open) await this.schedule(transaction, 0);
    return open.length;
  }

  private schedule(transaction: Pick<Transaction, 'id' | 'platformId'>, delayMs = this.settings().pollIntervalMs) {
    return this.jobs.schedule({
      name: InStorePaymentService.POLL_JOB,
      id: `in-store-poll.${transaction.id}`,
      data: { platformId: transaction.platformId, transactionId: transaction.id },
      delayMs,
    });
  }

  private async applyCreate(
    transaction: { id: string; platformId: string; amountFen: number },
    outcome: InStoreCreateOutcome,
  ): Promise<void> {
    const detail = { step: 'create' };
    switch (outcome.kind) {
      case 'accepted': {
        const patch = outcome.failure ? { failure: outcome.failure } : {};
        if (outcome.order) {
          await this.applyOrder(transaction, outcome.order, EventSource.API, detail, outcome.status, patch);
        } else {
          await changeTransaction(this.statusWriter, transaction, outcome.status, EventSource.API, detail, {
            vendorData: patch,
          });
        }
        return;
      }
      case 'refused':
        await this.fail(
          transaction,
          EventSource.API,
          { ...detail, vendorCode: outcome.failure.vendorCode },
          outcome.failure,
        );
        return;
      case 'not_sent':
        await this.fail(transaction, EventSource.API, detail, {
          reason: FailureReason.VENDOR_UNREACHABLE,
          vendorCode: outcome.reason,
          message: 'the gateway could not be reached; nothing was sent',
        });
        return;
      case 'exists':
      case 'unknown':
        // Not a failure: the gateway may hold the order. The loop's query settles it.
        await changeTransaction(this.statusWriter, transaction, TransactionStatus.NEEDS_ATTENTION, EventSource.API, {
          ...detail,
          outcome: outcome.kind === 'exists' ? 'CLIENT_SN_CONFLICT' : outcome.reason,
        });
        return;
    }
  }

  /** The gateway's view of the order, checked against our amount. Returns the resulting status. */
  private async applyOrder(
    transaction: { id: string; platformId: string; amountFen: number },
    order: InStoreOrder,
    source: EventSource,
    step: Record<string, unknown>,
    reported: TransactionStatus = order.status,
    patch: Record<string, unknown> = {},
  ): Promise<TransactionStatus> {
    // The vendor's word: its amount goes through the writer's amount rule.
    const detail = { ...step, ...orderDetail(order) };
    const vendorData = { ...patch, order: orderDetail(order), ...(order.qrCode ? { qrCode: order.qrCode } : {}) };
    const outcome = await changeTransaction(
      this.statusWriter,
      transaction,
      reported,
      source,
      detail,
      { vendorRef: order.sn, vendorData },
      { amount: order.totalFen },
    );
    if (!outcome.changed && outcome.reason === 'same_status') {
      await this.step(transaction, { ...step, orderStatus: order.orderStatus }, source);
    }
    return (outcome.changed ? outcome.event.toStatus : outcome.current) as TransactionStatus;
  }

  private async applyCancel(
    transaction: { id: string; platformId: string; amountFen: number },
    result: InStoreCancelOutcome,
    source: EventSource,
  ): Promise<void> {
    switch (result.kind) {
      case 'canceled':
        await changeTransaction(this.statusWriter, transaction, TransactionStatus.CANCELED, source, {
          step: 'cancel',
          ...(result.order ? orderDetail(result.order) : {}),
        });
        return;
      case 'missing':
        await this.fail(
          transaction,
          source,
          { step: 'cancel', result: 'nothing to cancel' },
          {
            reason: FailureReason.ORDER_NOT_FOUND,
            vendorCode: 'UPAY_ORDER_NOT_EXISTS',
            message: 'the gateway never received the order',
          },
        );
        return;
      case 'uncertain':
        // §2.4: "撤单异常请联系收钱吧客服". A person looks; the slow poll learns the end state.
        await changeTransaction(
          this.statusWriter,
          transaction,
          TransactionStatus.NEEDS_ATTENTION,
          source,
          { step: 'cancel', result: result.reason },
          { vendorData: { cancelSent: true, failure: result.failure ?? null } },
        );
        await this.payments.schedulePoll(transaction);
        return;
    }
  }

  private fail(
    transaction: { id: string; platformId: string },
    source: EventSource,
    detail: Record<string, unknown>,
    failure: VendorFailure,
  ) {
    return changeTransaction(
      this.statusWriter,
      transaction,
      TransactionStatus.FAILED,
      source,
      { ...detail, reason: failure.reason },
      {
        vendorData: { failure },
      },
    );
  }

  private step(
    transaction: { id: string; platformId: string },
    detail: Record<string, unknown>,
    source = EventSource.POLL,
    patch?: TransitionRequest['patch'],
  ) {
    return this.statusWriter.recordStep({
      kind: EntityKind.TRANSACTION,
      entityId: transaction.id,
      platformId: transaction.platformId,
      source,
      detail,
      patch,
    });
  }

  private async load(platformId: string, id: string): Promise<Transaction | undefined> {
    const rows = await this.reads.findByIds('Transaction', { platformId }, [id]);
    return rows.get(id);
  }
}
