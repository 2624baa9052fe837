import { isFinished } from '../../domain/transitions';
import { backoffMs } from '../../util/backoff';
import { Brackets } from 'typeorm';
import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { SecretBox } from '../../crypto/secret-box';
import type { Database } from '../../db/database';
import {
  EntityKind,
  EventSource,
  TransactionKind,
  TransactionStatus,
  Vendor,
  CheckoutAction,
} from '../../domain/enums';
import { Transaction } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import { Capability, type ProviderRegistry } from '../../providers/capabilities';
import type { CheckoutAdapter, HostedCheckout } from '../../providers/checkout';
import { UnknownOutcomeError, VendorUnavailableError } from '../../providers/http-client';
import type { JobOutcome, JobQueue } from '../../jobs/job-queue';
import { checkoutData, vendorDataOf, type CheckoutData } from '../vendor-data';
import type { IdempotencyService } from '../tenancy/idempotency-service';
import type { ProviderConfigService, ResolvedProviderConfig } from '../tenancy/provider-config-service';
import type { ScopedReads } from '../tenancy/scoped-reads';
import type { StatusWriter } from '../events/status-writer';
import { checkParties, insertTransaction, orderNoOf } from './payment-records';

export interface CheckoutPaymentInput {
  idempotencyKey: string;
  amountFen: number;
  clientId?: string;
  bizId?: string;
  description?: string;
  action: CheckoutAction;
  /** Where the payer's browser lands after our front-notification page (the platform's page). */
  returnUrl?: string;
  payerName?: string;
  payerIdNumber?: string;
}

export type CreatePaymentOutcome =
  | { ok: true; transaction: Transaction; checkout: HostedCheckout; replayed: boolean }
  | { ok: false; error: 'PROVIDER_NOT_CONFIGURED'; vendor: Vendor };

export type SyncOutcome =
  | { ok: true; transaction: Transaction; changed: boolean }
  | {
      ok: false;
      error: 'VENDOR_UNREACHABLE' | 'OUTCOME_UNKNOWN' | 'VENDOR_REFUSED';
      transaction: Transaction;
      message: string;
    };

/** The cashier gives no checkout expiry; after a day without an outcome we stop asking. */
const POLL_GIVE_UP_MS = 24 * 3_600_000;

function checkUrl(value: string | undefined, field: string): void {
  if (value === undefined) return;
  try {
    if (!['http:', 'https:'].includes(new URL(value).protocol)) throw new Error();
  } catch {
    throw badUserInput(`${field} must be an absolute http(s) URL`, field);
  }
}

/**
 * Payments collected through a payment vendor. Creating a checkout payment persists the
 * transaction (with its order number) before anything is handed to the payer, so every later
 * notification or query finds it, and an idempotency key makes retries return the same one.
 */
export class PaymentService {
  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly statusWriter: StatusWriter,
    private readonly idempotency: IdempotencyService,
    private readonly providerConfigs: ProviderConfigService,
    private readonly secretBox: SecretBox,
    private readonly cashier: CheckoutAdapter,
    private readonly providers: ProviderRegistry,
    private readonly publicUrl: () => string,
    private readonly jobs: JobQueue,
    private readonly pollDelayMs: () => number,
  ) {}

  /** The job that queries the vendor until a payment reaches a final state (or 24 hours pass). */
  static readonly POLL_JOB = 'payment-poll';

  schedulePoll(transaction: Pick<Transaction, 'id' | 'platformId'>, delayMs = this.pollDelayMs()): Promise<void> {
    return this.jobs.schedule({
      name: PaymentService.POLL_JOB,
      id: `payment-poll.${transaction.id}`,
      data: { platformId: transaction.platformId, transactionId: transaction.id },
      delayMs,
    });
  }

  /** The poll job: done when final or too old; otherwise query again later, backing off to hourly. */
  async pollPayment(data: Record<string, unknown>, attempt: number): Promise<JobOutcome> {
    const scope = { platformId: String(data.platformId) };
    const transaction = await this.reads
      .findByIds('Transaction', scope, [String(data.transactionId)])
      .then((rows) => rows.get(String(data.transactionId)));
    if (!transaction || isFinished(EntityKind.TRANSACTION, transaction.status)) return { done: true };
    if (Date.now() - transaction.createdAt.getTime() > POLL_GIVE_UP_MS) return { done: true };
    const outcome = await this.syncPayment(scope, transaction.id);
    if (outcome.ok && isFinished(EntityKind.TRANSACTION, outcome.transaction.status)) return { done: true };
    return { done: false, retryInMs: backoffMs(attempt, this.pollDelayMs()) };
  }

  /** After a restart of the in-process queue: poll again every payment still open. */
  async rescheduleOpenPayments(): Promise<number> {
    const open = await this.db.manager
      .getRepository(Transaction)
      .createQueryBuilder('t')
      .where('t.kind = :kind', { kind: TransactionKind.PAYMENT })
      // Open Shouqianba payments are resumed by their own poll-then-cancel loop; only the
      // ones it handed to a person are polled slowly here.
      .andWhere(
        new Brackets((where) =>
          where
            .where('t.vendor = :cashier AND t.status IN (:...open)', {
              cashier: Vendor.CASHIER,
              open: [TransactionStatus.PROCESSING, TransactionStatus.NEEDS_ATTENTION, TransactionStatus.PENDING],
            })
            .orWhere('t.vendor = :inStore AND t.status = :attention', {
              inStore: Vendor.SHOUQIANBA,
              attention: TransactionStatus.NEEDS_ATTENTION,
            }),
        ),
      )
      .andWhere('t.createdAt > :since', { since: new Date(Date.now() - POLL_GIVE_UP_MS) })
      .getMany();
    for (const transaction of open) await this.schedulePoll(transaction);
    return open.length;
  }

  async createCheckoutPayment(scope: Scope, input: CheckoutPaymentInput): Promise<CreatePaymentOutcome> {
    checkUrl(input.returnUrl, 'checkout.returnUrl');
    if ((input.payerName === undefined) !== (input.payerIdNumber === undefined)) {
      throw badUserInput('payerName and payerIdNumber go together (bound-card payments)', 'checkout.payerName');
    }
    const { clientId } = await checkParties(this.reads, scope, input);
    const config = await this.providers.configOf(scope.platformId, Capability.PAYMENTS, [Vendor.CASHIER]);
    if (!config) return { ok: false, error: 'PROVIDER_NOT_CONFIGURED', vendor: Vendor.CASHIER };

    const { replayed, result } = await this.idempotency.run(
      scope.platformId,
      input.idempotencyKey,
      'createPayment',
      { ...input, clientId },
      async (bind) => {
        const id = newId();
        const vendorData: CheckoutData = {
          method: 'CHECKOUT',
          action: input.action,
          returnUrl: input.returnUrl ?? null,
          payerCiphertext: input.payerName
            ? this.secretBox.encrypt(JSON.stringify({ name: input.payerName, idNumber: input.payerIdNumber }))
            : null,
        };
        const { event } = await this.db.transaction(async (manager) => {
          await bind(manager, { kind: 'Transaction', id });
          return insertTransaction(manager, this.statusWriter, {
            id,
            platformId: scope.platformId,
            vendor: Vendor.CASHIER,
            kind: TransactionKind.PAYMENT,
            clientId: clientId ?? null,
            bizId: input.bizId ?? null,
            amountFen: input.amountFen,
            // The checkout is open for the payer from now on: nothing is pending on our side.
            status: TransactionStatus.PROCESSING,
            // §3.1.3: 8-32 letters and digits; the UUID's hex is 32, unique, and stable on retries.
            orderNo: orderNoOf(id),
            description: input.description ?? null,
            vendorData,
            detail: { method: 'CHECKOUT', action: input.action },
          });
        });
        const transaction = { id, platformId: scope.platformId, orderNo: orderNoOf(id) };
        this.statusWriter.publish(event);
        // A notification may have raced ahead of this commit; apply it now.
        await this.statusWriter.applyWaiting(scope.platformId, transaction.orderNo);
        // If no notification ever comes (lost, or the payer walked away), ask the vendor.
        await this.schedulePoll(transaction);
        // The checkout is about to be handed to the payer: the row must outlive a crash.
        await this.db.durable();
        return { kind: 'Transaction', id };
      },
    );
    const transaction = await this.reads.get('Transaction', scope, result.id);
    return { ok: true, transaction, checkout: this.checkoutFor(config, transaction), replayed };
  }

  /**
   * The hosted checkout of a payment the payer has not finished: for a CHECKOUT payment still
   * PENDING or PROCESSING, null otherwise (or when the cashier is not configured any more).
   */
  async openCheckout(transaction: Transaction): Promise<HostedCheckout | null> {
    const open = [TransactionStatus.PENDING, TransactionStatus.PROCESSING].includes(transaction.status);
    if (transaction.vendor !== Vendor.CASHIER || transaction.kind !== TransactionKind.PAYMENT || !open) return null;
    const config = await this.providerConfigs.resolve(transaction.platformId, Vendor.CASHIER).catch(() => undefined);
    return config ? this.checkoutFor(config, transaction) : null;
  }

  /** Rebuilt from the stored row, so a replayed request gets byte-identical signed data. */
  checkoutFor(config: ResolvedProviderConfig, transaction: Transaction): HostedCheckout {
    const data = vendorDataOf(transaction, checkoutData);
    const payer = data.payerCiphertext
      ? (JSON.parse(this.secretBox.decrypt(data.payerCiphertext)) as { name: string; idNumber: string })
      : undefined;
    const base = `${this.publicUrl()}/callbacks/cashier/${transaction.platformId}`;
    return this.cashier.buildCheckout(config, {
      orderNo: transaction.orderNo,
      amountFen: transaction.amountFen,
      action: data.action,
      backUrl: base,
      frontUrl: `${base}/front`,
      payerName: payer?.name,
      payerIdNumber: payer?.idNumber,
    });
  }

  /** Asks the vendor for the payment's state and applies it (source POLL). */
  async syncPayment(scope: Scope, transactionId: string): Promise<SyncOutcome> {
    const transaction = await this.reads.get('Transaction', scope, transactionId);
    const adapter = this.providers.paymentsAdapter(transaction.vendor);
    if (!adapter) throw badUserInput(`${transaction.vendor} payments cannot be synced`, 'id');
    const config = await this.providerConfigs.resolve(scope.platformId, transaction.vendor);
    let result;
    try {
      result = await adapter.queryPayment(config, transaction.orderNo);
    } catch (error) {
      if (error instanceof VendorUnavailableError)
        return { ok: false, error: 'VENDOR_UNREACHABLE', transaction, message: error.message };
      if (error instanceof UnknownOutcomeError)
        return { ok: false, error: 'OUTCOME_UNKNOWN', transaction, message: error.message };
      throw error;
    }
    if (result.kind === 'refused')
      return { ok: false, error: 'VENDOR_REFUSED', transaction, message: `${result.code} ${result.message}` };
    if (result.kind === 'unreachable')
      return { ok: false, error: 'VENDOR_UNREACHABLE', transaction, message: result.reason };
    if (result.kind === 'unverifiable')
      return { ok: false, error: 'OUTCOME_UNKNOWN', transaction, message: result.reason };
    // The vendor's word: a different, missing or unreadable amount is never accepted (the writer's amount rule).
    const outcome = await this.statusWriter.change({
      kind: EntityKind.TRANSACTION,
      entityId: transaction.id,
      platformId: scope.platformId,
      to: result.status,
      source: EventSource.POLL,
      detail: result.detail,
      reported: { amount: result.amount },
    });
    return {
      ok: true,
      transaction: await this.reads.get('Transaction', scope, transactionId),
      changed: outcome.changed,
    };
  }
}
