import { z } from 'zod';
import { newId } from '../../crypto/ids';
import type { SecretBox } from '../../crypto/secret-box';
import { hydrate, insertStatement, selectStatement, updateStatement, type Statement } from '../../db/bulk-sql';
import { isUniqueViolation, type Database } from '../../db/database';
import { EntityKind, EventSource, PayoutStatus, TransactionStatus, type Vendor } from '../../domain/enums';
import { CallbackInbox, Payout, Transaction } from '../../entities';
import { guardedByAmount } from '../../domain/vendor-amount';
import type { Logger } from '../../logging/logger';
import type {
  CallbackRegistry,
  CallbackReply,
  CallbackVerification,
  RawCallback,
  VerifiedNotification,
} from '../../providers/callbacks';
import { GroupCommit } from '../../util/group-commit';
import type { ProviderConfigService } from '../tenancy/provider-config-service';
import type { StatusEventService, TransitionRequest } from './status-writer';

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
  ) {
    // One batch of a platform at a time. With a batch in two round trips, a second one in
    // flight only waited for the first's platform lock and made batches smaller: measured at
    // 1,000 callbacks/s, one writer gave lower latency and less CPU than two or three.
    this.writer = new GroupCommit<InboundCallback, WriteOutcome>((platformId, items) =>
      this.applyBatch(platformId, items),
    );
  }

  /** Callbacks of a platform that arrive while its previous batch commits go in the next one. */
  private readonly writer: GroupCommit<InboundCallback, WriteOutcome>;

  /** Verified callbacks waiting for their platform's current batch to commit. */
  get queued(): number {
    return this.writer.queued;
  }

  /** Verified callbacks in a batch being committed right now. */
  get writing(): number {
    return this.writer.writing;
  }

  async receive(
    vendor: Vendor,
    platformId: string,
    callback: RawCallback,
  ): Promise<{ outcome: IngressOutcome; reply: CallbackReply; orderNo?: string }> {
    const handler = this.registry.get(vendor);
    if (!handler) return { outcome: 'unknown_vendor', reply: NOT_FOUND_REPLY };
    const config = await this.providerConfigs.resolve(platformId, vendor).catch(() => undefined);
    if (!config) return { outcome: 'not_configured', reply: NOT_FOUND_REPLY };

    // Only a callback we could not store is answered 5xx (the vendor then retries it). One we
    // cannot read, or cannot store because it names what cannot be ours, gets the vendor's own
    // failure reply; so does one whose verification broke (a vendor re-query that failed).
    let verification: CallbackVerification;
    try {
      verification = await handler.verify(callback, config);
    } catch (error) {
      this.logger.error({ err: error, vendor, platformId }, 'callback verification failed unexpectedly');
      return { outcome: 'rejected', reply: handler.failure };
    }
    const problem = verification.ok ? storableProblem(verification) : verification.reason;
    if (!verification.ok || problem) {
      this.logger.warn({ vendor, platformId, reason: problem }, 'callback rejected');
      return { outcome: 'rejected', reply: handler.failure };
    }
    const { notification, dedupeKey } = verification;
    // Stored and applied with the other callbacks of the platform that arrive meanwhile: the
    // inbox rows, the status changes and their events commit together or not at all.
    const outcome = await this.writer.submit(platformId, { vendor, dedupeKey, notification });
    if (outcome === 'duplicate') this.logger.info({ vendor, platformId, dedupeKey }, 'duplicate callback acknowledged');
    return { outcome, reply: handler.success, orderNo: notification.orderNo };
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
      const item = { vendor: row.vendor, dedupeKey: row.dedupeKey, notification, inboxId: row.id };
      if ((await this.writer.submit(row.platformId, item)) === 'applied') applied += 1;
    }
    return applied;
  }

  /**
   * One DB transaction for a batch of one platform's callbacks, in arrival order, in two round
   * trips to MySQL. The first checks for repeats and locks the rows the callbacks name; then
   * every change is decided against the transitions table; the second writes the inbox rows,
   * the row updates, the sequence reservation and the events with one statement each, and
   * commits. Events are published after the commit.
   */
  private async applyBatch(platformId: string, items: InboundCallback[]): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = new Array(items.length);
    const source = this.db.dataSource;
    const transitions = await this.db
      .pipelined(async (transaction) => {
        const incoming = items.filter((item) => !item.inboxId);
        // Our order numbers by entity kind. The rows are locked for repeats too: that keeps the
        // reads to one round trip, and a repeat is rare.
        const orderNos = new Map<EntityKind, Set<string>>();
        for (const { notification } of items) {
          if (!orderNos.has(notification.entityKind)) orderNos.set(notification.entityKind, new Set());
          orderNos.get(notification.entityKind)?.add(notification.orderNo);
        }
        // Always in the same order, so two instances' batches take their row locks alike.
        const kinds = [EntityKind.TRANSACTION, EntityKind.PAYOUT].filter((kind) => orderNos.has(kind));
        const [stored, ...locked] = await transaction.run([
          selectStatement(
            source,
            CallbackInbox,
            {
              platformId,
              vendor: [...new Set(incoming.map((item) => item.vendor))],
              dedupeKey: [...new Set(incoming.map((item) => item.dedupeKey))],
            },
            { properties: ['vendor', 'dedupeKey'] },
          ),
          ...kinds.map((kind) => this.events.lockByOrderNo(source, kind, platformId, [...(orderNos.get(kind) ?? [])])),
        ]);
        const fresh = withoutRepeats(items, hydrate(source, CallbackInbox, stored), outcomes);
        if (fresh.length === 0) return [];
        const rows = new Map<string, Transaction | Payout>();
        kinds.forEach((kind, index) => {
          const entity = kind === EntityKind.TRANSACTION ? Transaction : Payout;
          for (const row of hydrate<Transaction | Payout>(source, entity, locked[index]))
            rows.set(`${kind}:${row.orderNo}`, row);
        });
        const changes: Array<{ row: Transaction | Payout; request: TransitionRequest }> = [];
        const inboxRows: CallbackInbox[] = [];
        const retried: CallbackInbox[] = [];
        const now = new Date();
        for (const index of fresh) {
          const { vendor, dedupeKey, notification, inboxId } = items[index];
          const row = rows.get(`${notification.entityKind}:${notification.orderNo}`);
          // No row yet: kept, and applied once the row exists (applyWaiting).
          outcomes[index] = row ? 'applied' : 'waiting';
          if (row) changes.push({ row, request: this.requestFor(platformId, row, notification) });
          const state = row ? ('APPLIED' as const) : ('WAITING' as const);
          if (inboxId) {
            retried.push(Object.assign(new CallbackInbox(), { id: inboxId, state, appliedAt: row ? now : null }));
            continue;
          }
          inboxRows.push({
            id: newId(),
            platformId,
            vendor,
            dedupeKey,
            orderNo: notification.orderNo,
            state,
            payloadCiphertext: this.secretBox.encrypt(JSON.stringify(notification)),
            attempts: 1,
            lastError: null,
            receivedAt: now,
            appliedAt: row ? now : null,
          });
        }
        // A callback stored by another instance since the check above fails this insert with a
        // unique violation; the batch then goes again item by item, and that one is a duplicate.
        const inboxWrites = [
          insertStatement(source, CallbackInbox, inboxRows),
          updateStatement(source, CallbackInbox, retried, ['state', 'appliedAt'], { increment: 'attempts' }),
        ].filter((statement): statement is Statement => statement !== undefined);
        const results = await this.events.commitToLockedRows(transaction, source, inboxWrites, changes);
        return changes.map((change, index) => ({ request: change.request, outcome: results[index] }));
      })
      .catch(async (error: unknown) => {
        // Alone in its batch, a unique violation is a callback stored meanwhile: a duplicate,
        // once the stored copy is seen. Anything else fails the request, so the vendor retries.
        if (items.length === 1 && !items[0].inboxId && isUniqueViolation(error)) {
          const { vendor, dedupeKey } = items[0];
          if (await this.db.manager.existsBy(CallbackInbox, { platformId, vendor, dedupeKey })) {
            outcomes[0] = 'duplicate';
            return [];
          }
        }
        throw error;
      });
    this.events.afterCommitAll(transitions);
    return outcomes;
  }

  /** The status change a notification asks for, checked against what we hold for the row. */
  private requestFor(
    platformId: string,
    row: Transaction | Payout,
    notification: VerifiedNotification,
  ): TransitionRequest {
    const needsAttention =
      notification.entityKind === EntityKind.TRANSACTION
        ? TransactionStatus.NEEDS_ATTENTION
        : PayoutStatus.NEEDS_ATTENTION;
    const { to, detail, mismatch } = guardedByAmount<TransactionStatus | PayoutStatus>(
      row.amountFen,
      notification.amount,
      notification.status,
      needsAttention,
      notification.detail,
    );
    if (mismatch) {
      this.logger.error(
        { platformId, orderNo: notification.orderNo, ...mismatch },
        'vendor amount is not ours; flagged for attention',
      );
    }
    return {
      kind: notification.entityKind,
      entityId: row.id,
      platformId,
      to,
      source: EventSource.CALLBACK,
      detail,
      // What the vendor told us about the row itself, written with the status under its lock:
      // its own number (if we never learned it, e.g. the answer to our request was lost) and,
      // on a failure, why; and the vendor's own status words, as last reported.
      patch: {
        vendorRef: notification.vendorRef && !row.vendorRef ? notification.vendorRef : undefined,
        vendorData: notification.vendorData,
      },
    };
  }
}

/**
 * The last check before a verified callback is stored, the same for every vendor and both
 * databases: what it names must fit our columns (MySQL refuses an over-long value with an error,
 * SQLite stores it) and its amount must be fen or undefined. Vendors check their own stricter
 * patterns first; this keeps a vendor module's omission from ever becoming a 500.
 */
const storableNotification = z.object({
  dedupeKey: z.string().min(1).max(191),
  notification: z.object({
    orderNo: z.string().min(1).max(64),
    vendorRef: z.string().max(64).optional(),
    amount: z.union([z.number().int(), z.array(z.number().int())]).optional(),
  }),
});

function storableProblem(verification: { dedupeKey: string; notification: VerifiedNotification }): string | undefined {
  const parsed = storableNotification.safeParse(verification);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `cannot be ours: ${issue?.path.join('.')} ${issue?.message}`;
}

/** Indexes of the items not stored before and not repeated earlier in the batch; marks the rest. */
function withoutRepeats(
  items: InboundCallback[],
  stored: Array<Pick<CallbackInbox, 'vendor' | 'dedupeKey'>>,
  outcomes: WriteOutcome[],
): number[] {
  const key = (vendor: string, dedupeKey: string) => `${vendor}\n${dedupeKey}`;
  const seen = new Set(stored.map((row) => key(row.vendor, row.dedupeKey)));
  const fresh: number[] = [];
  items.forEach((item, index) => {
    if (item.inboxId) return void fresh.push(index);
    const itemKey = key(item.vendor, item.dedupeKey);
    if (seen.has(itemKey)) {
      outcomes[index] = 'duplicate';
      return;
    }
    seen.add(itemKey);
    fresh.push(index);
  });
  return fresh;
}

/** A verified callback on its way into the inbox, or a stored WAITING one (inboxId) being retried. */
interface InboundCallback {
  vendor: Vendor;
  dedupeKey: string;
  notification: VerifiedNotification;
  inboxId?: string;
}

type WriteOutcome = 'applied' | 'waiting' | 'duplicate';
