import type { EntityManager } from 'typeorm';
import { newId } from '../crypto/ids';
import type { SecretBox } from '../crypto/secret-box';
import { isUniqueViolation, type Database } from '../db/database';
import { EntityKind, EventSource, PayoutStatus, TransactionStatus, type Vendor } from '../domain/enums';
import { CallbackInbox, Payout, Transaction } from '../entities';
import type { Logger } from '../logging/logger';
import type { CallbackRegistry, CallbackReply, RawCallback, VerifiedNotification } from '../providers/callbacks';
import type { ProviderConfigService } from './provider-config-service';
import type { StatusEventService, TransitionOutcome, TransitionRequest } from './status-event-service';

export type IngressOutcome = 'applied' | 'duplicate' | 'waiting' | 'rejected' | 'unknown_vendor' | 'not_configured';

const NOT_FOUND_REPLY: CallbackReply = { status: 404, contentType: 'text/plain; charset=utf-8', body: 'not found' };

/**
 * Vendor callbacks: verify, store once, apply through the state machine, answer the vendor in
 * its own format. A duplicate is acknowledged and changes nothing; a forged callback gets the
 * vendor's failure reply and changes nothing; a callback for a row that is not committed yet
 * is kept (WAITING) and applied once the row exists.
 */
export class CallbackIngress {
  constructor(
    private readonly db: Database,
    private readonly registry: CallbackRegistry,
    private readonly providerConfigs: ProviderConfigService,
    private readonly events: StatusEventService,
    private readonly secretBox: SecretBox,
    private readonly logger: Logger,
  ) {}

  async receive(
    vendor: Vendor,
    platformId: string,
    callback: RawCallback,
  ): Promise<{ outcome: IngressOutcome; reply: CallbackReply; orderNo?: string }> {
    const handler = this.registry.get(vendor);
    if (!handler) return { outcome: 'unknown_vendor', reply: NOT_FOUND_REPLY };
    const config = await this.providerConfigs.resolve(platformId, vendor).catch(() => undefined);
    if (!config) return { outcome: 'not_configured', reply: NOT_FOUND_REPLY };

    const verification = await handler.verify(callback, config);
    if (!verification.ok) {
      this.logger.warn({ vendor, platformId, reason: verification.reason }, 'callback rejected');
      return { outcome: 'rejected', reply: handler.failure };
    }
    const { notification, dedupeKey } = verification;
    // Store and apply in one DB transaction: the inbox row, the status change and its event
    // commit together or not at all.
    let result: ApplyResult;
    try {
      result = await this.db.transaction(async (manager) => {
        const inboxId = newId();
        await manager.insert(CallbackInbox, {
          id: inboxId,
          platformId,
          vendor,
          dedupeKey,
          orderNo: notification.orderNo,
          state: 'RECEIVED',
          payloadCiphertext: this.secretBox.encrypt(JSON.stringify(notification)),
          attempts: 0,
          lastError: null,
          appliedAt: null,
        });
        return this.applyWithin(manager, inboxId, platformId, notification);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      this.logger.info({ vendor, platformId, dedupeKey }, 'duplicate callback acknowledged');
      return { outcome: 'duplicate', reply: handler.success, orderNo: notification.orderNo };
    }
    if (result.transition) this.events.afterCommit(result.transition.request, result.transition.outcome);
    return { outcome: result.outcome, reply: handler.success, orderNo: notification.orderNo };
  }

  /** Applies WAITING callbacks whose row now exists (call after committing a new row, and periodically). */
  async applyWaiting(platformId?: string, orderNo?: string): Promise<number> {
    const waiting = await this.db.manager.find(CallbackInbox, {
      where: { state: 'WAITING', ...(platformId ? { platformId } : {}), ...(orderNo ? { orderNo } : {}) },
      order: { receivedAt: 'ASC' },
      take: 200,
    });
    let applied = 0;
    for (const row of waiting) {
      // Claim the row, so two instances sweeping at once do not both apply it.
      const claimed = await this.db.transaction((manager) =>
        manager.update(CallbackInbox, { id: row.id, state: 'WAITING' }, { state: 'RECEIVED' }),
      );
      if (!claimed.affected) continue;
      const notification = JSON.parse(this.secretBox.decrypt(row.payloadCiphertext)) as VerifiedNotification;
      if ((await this.apply(row.id, row.platformId, notification)) === 'applied') applied += 1;
    }
    return applied;
  }

  private async apply(
    inboxId: string,
    platformId: string,
    notification: VerifiedNotification,
  ): Promise<'applied' | 'waiting'> {
    const result = await this.db.transaction((manager) => this.applyWithin(manager, inboxId, platformId, notification));
    if (result.transition) this.events.afterCommit(result.transition.request, result.transition.outcome);
    return result.outcome;
  }

  private async applyWithin(
    manager: EntityManager,
    inboxId: string,
    platformId: string,
    notification: VerifiedNotification,
  ): Promise<ApplyResult> {
    const entity = notification.entityKind === EntityKind.TRANSACTION ? Transaction : Payout;
    const row = (await manager.findOneBy(entity as typeof Transaction, {
      platformId,
      orderNo: notification.orderNo,
    })) as Transaction | Payout | null;
    if (!row) {
      await manager.update(CallbackInbox, { id: inboxId }, { state: 'WAITING', attempts: () => 'attempts + 1' });
      return { outcome: 'waiting' };
    }
    const mismatch =
      (notification.amountFen !== undefined && notification.amountFen !== row.amountFen) ||
      (notification.amountCandidatesFen !== undefined && !notification.amountCandidatesFen.includes(row.amountFen));
    if (mismatch) {
      this.logger.error(
        { platformId, orderNo: notification.orderNo, ours: row.amountFen, theirs: notification.amountFen },
        'vendor amount differs from ours; flagged for attention',
      );
    }
    const needsAttention =
      notification.entityKind === EntityKind.TRANSACTION
        ? TransactionStatus.NEEDS_ATTENTION
        : PayoutStatus.NEEDS_ATTENTION;
    const request: TransitionRequest = {
      kind: notification.entityKind,
      entityId: row.id,
      platformId,
      // A different amount is never accepted: the row goes to NEEDS_ATTENTION instead.
      to: mismatch ? needsAttention : notification.status,
      source: EventSource.CALLBACK,
      detail: mismatch
        ? {
            ...notification.detail,
            amountMismatch: { ours: row.amountFen, theirs: notification.amountFen ?? notification.amountCandidatesFen },
            reportedStatus: notification.status,
          }
        : notification.detail,
      // What the vendor told us about the row itself, written with the status under its lock:
      // its own number (if we never learned it, e.g. the answer to our request was lost) and,
      // on a failure, why.
      patch: {
        vendorRef: notification.vendorRef && !row.vendorRef ? notification.vendorRef : undefined,
        vendorData: notification.failure ? { failure: notification.failure } : undefined,
      },
    };
    // The inbox row first: the transition takes the platform's sequence lock, which every
    // status change of the platform waits for, so it comes last, just before COMMIT.
    await manager.update(
      CallbackInbox,
      { id: inboxId },
      { state: 'APPLIED', appliedAt: new Date(), attempts: () => 'attempts + 1' },
    );
    const outcome = await this.events.transitionWithin(manager, request);
    return { outcome: 'applied', transition: { request, outcome } };
  }
}

interface ApplyResult {
  outcome: 'applied' | 'waiting';
  transition?: { request: TransitionRequest; outcome: TransitionOutcome };
}
