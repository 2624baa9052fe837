import type { EntityManager } from 'typeorm';
import type { SecretBox } from '../../crypto/secret-box';
import { runStatement } from '../../db/bulk-sql';
import { isUniqueViolation, type Database } from '../../db/database';
import type { PipelinedTransaction } from '../../db/pipelined-transaction';
import type { Vendor } from '../../domain/enums';
import { CallbackInbox, type StatusEvent } from '../../entities';
import { notFound } from '../../errors/app-errors';
import type { Logger } from '../../logging/logger';
import type { VerifiedNotification } from '../../providers/callbacks';
import { GroupCommit } from '../../util/group-commit';
import {
  prepareCallbackBatch,
  storableProblem,
  type CallbackWriteOutcome,
  type InboundCallback,
} from './callback-batch';
import { appendEvents, lockSequence, newEventRows, pipelinedEventStatements } from './event-sequence';
import type { OutboxRelay } from './outbox-relay';
import {
  eventOf,
  patchFields,
  planTransitions,
  rowUpdates,
  TRACKED,
  type NewEvent,
  type Tracked,
  type TransitionOutcome,
  type TransitionRequest,
} from './transition-plan';

export type { TransitionOutcome, TransitionRequest } from './transition-plan';
export type CallbackOutcome = CallbackWriteOutcome | 'rejected';

/**
 * The one writer of statuses. API calls, callbacks, polls, syncs and reconciliation all change
 * a payment, refund, ledger transfer or payout through here, and so does a step that changes
 * nothing but is worth an event. It owns, in this order:
 * - the row lock (SELECT … FOR UPDATE on MySQL; SQLite transactions are serialised);
 * - deduplication of callbacks, by the inbox's unique (platform, vendor, dedupe key);
 * - the one amount rule for what a vendor reports (in the plan, transition-plan.ts);
 * - the transition plan, against the entity's allowed-transitions table;
 * - inbox rows, events and their gap-free sequence (event-sequence.ts), in the same DB
 *   transaction as the status;
 * - publishing the events after the commit, never before (outbox-relay.ts).
 */
export class StatusWriter {
  /** Callbacks of a platform that arrive while its previous batch commits go in the next one. */
  private readonly callbackWriter: GroupCommit<InboundCallback, CallbackWriteOutcome>;

  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxRelay,
    private readonly secretBox: SecretBox,
    private readonly logger: Logger,
  ) {
    // One batch of a platform at a time. With a batch in two round trips, a second one in
    // flight only waited for the first's platform lock and made batches smaller: measured at
    // 1,000 callbacks/s, one writer gave lower latency and less CPU than two or three.
    this.callbackWriter = new GroupCommit((platformId, items) => this.writeCallbacks(platformId, items));
  }

  /** A status change in its own DB transaction, published after the commit. */
  async change(request: TransitionRequest): Promise<TransitionOutcome> {
    const outcome = await this.db.transaction((manager) => this.changeWithin(manager, request));
    this.afterCommit([{ request, outcome }]);
    return outcome;
  }

  /**
   * A status change inside the caller's DB transaction: the row locked, the change planned and
   * written with its event. The caller must call afterCommit once committed.
   */
  async changeWithin(manager: EntityManager, request: TransitionRequest): Promise<TransitionOutcome> {
    const row = await this.lockRow(manager, request);
    const plan = planTransitions([{ row, request }]);
    this.logMismatches(plan.mismatches);
    for (const statement of rowUpdates(manager.connection, plan)) await runStatement(manager, statement);
    // The sequence is reserved last: it takes the platform row's lock, which every status
    // change of the platform waits for, so it is held only until the COMMIT that follows.
    const [outcome] = plan.outcomesWith(await appendEvents(this.db, manager, plan.events));
    return outcome;
  }

  /**
   * Records a step that does not change the status (a poll that found the payment still in
   * progress, a cancel being sent), so subscribers see every step of a long flow. The event's
   * fromStatus and toStatus are both the current status; a patch is written with it.
   */
  async recordStep(request: Omit<TransitionRequest, 'to' | 'reported'>): Promise<StatusEvent> {
    const [event] = await this.db.transaction(async (manager) => {
      const row = await this.lockRow(manager, request);
      const patch = patchFields(row, request.patch);
      if (Object.keys(patch).length > 0)
        await manager.update(TRACKED[request.kind].entity, { id: row.id }, patch as never);
      const step = { fromStatus: row.status, toStatus: row.status, terminal: false };
      return appendEvents(this.db, manager, [
        { ...eventOf(request.kind, row, request.source, request.detail), ...step },
      ]);
    });
    this.outbox.publishCommitted([event]);
    return event;
  }

  /**
   * The creation event of a row the caller inserts in its DB transaction. Call before the
   * INSERT (it takes the platform's sequence lock first: see lockSequence); publish the event
   * with `publish` after the commit.
   */
  async recordCreation(manager: EntityManager, insert: () => Promise<unknown>, event: NewEvent): Promise<StatusEvent> {
    await lockSequence(this.db, manager, event.platformId);
    await insert();
    const [created] = await appendEvents(this.db, manager, [event]);
    return created;
  }

  /** Call after the commit that wrote `event`; never before, so nobody hears of a rollback. */
  publish(event: StatusEvent): void {
    this.outbox.publishCommitted([event]);
  }

  /** Publishes (or logs) the outcomes of one committed transaction's changes, together. */
  afterCommit(results: Array<{ request: TransitionRequest; outcome: TransitionOutcome }>): void {
    const events: StatusEvent[] = [];
    for (const { request, outcome } of results) {
      if (outcome.changed) events.push(outcome.event);
      else this.logger.info({ ...request, current: outcome.current, reason: outcome.reason }, 'status change ignored');
    }
    this.outbox.publishCommitted(events);
  }

  /**
   * A verified callback: checked that it can be stored, then stored once and applied with the
   * other callbacks of its platform that arrive meanwhile (the inbox rows, the status changes
   * and their events commit together or not at all). A repeat is a 'duplicate' and changes
   * nothing; one whose row is not committed yet is kept 'waiting'.
   */
  async receiveCallback(
    vendor: Vendor,
    platformId: string,
    verified: { dedupeKey: string; notification: VerifiedNotification },
  ): Promise<{ outcome: CallbackOutcome; problem?: string }> {
    const problem = storableProblem(verified);
    if (problem) return { outcome: 'rejected', problem };
    const outcome = await this.callbackWriter.submit(platformId, { vendor, ...verified });
    if (outcome === 'duplicate')
      this.logger.info({ vendor, platformId, dedupeKey: verified.dedupeKey }, 'duplicate callback acknowledged');
    return { outcome };
  }

  /** Verified callbacks waiting for their platform's current batch to commit. */
  get queuedCallbacks(): number {
    return this.callbackWriter.queued;
  }

  /** Verified callbacks in a batch being committed right now. */
  get writingCallbacks(): number {
    return this.callbackWriter.writing;
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
      if ((await this.callbackWriter.submit(row.platformId, item)) === 'applied') applied += 1;
    }
    return applied;
  }

  /**
   * One DB transaction for a batch of one platform's callbacks, in arrival order, in two round
   * trips to MySQL: the first checks for repeats and locks the rows (callback-batch.ts); the
   * second writes the inbox rows, the row updates, the sequence reservation and the events with
   * one statement each, and commits. On SQLite the same steps run one by one.
   */
  private async writeCallbacks(platformId: string, items: InboundCallback[]): Promise<CallbackWriteOutcome[]> {
    const outcomes: CallbackWriteOutcome[] = new Array(items.length);
    const results = await this.db
      .pipelined(async (transaction) => {
        const source = this.db.dataSource;
        const batch = await prepareCallbackBatch(transaction, source, this.secretBox, platformId, items, outcomes);
        if (batch.changes.length === 0 && batch.inboxWrites.length === 0) return [];
        const written = await this.commitChanges(transaction, batch.inboxWrites, batch.changes);
        return batch.changes.map((change, index) => ({ request: change.request, outcome: written[index] }));
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
    this.afterCommit(results);
    return outcomes;
  }

  /**
   * Changes against rows locked in a pipelined transaction: on MySQL the `before` statements,
   * the row updates, the sequence reservation, the events and the COMMIT go in one round trip,
   * the events numbered by the database itself under the platform row's lock. On SQLite the
   * same steps run one by one and the caller's transaction commits them.
   */
  private async commitChanges(
    transaction: PipelinedTransaction,
    before: Parameters<PipelinedTransaction['run']>[0],
    changes: Array<{ row: Tracked; request: TransitionRequest }>,
  ): Promise<TransitionOutcome[]> {
    const plan = planTransitions(changes);
    this.logMismatches(plan.mismatches);
    const updates = [...before, ...rowUpdates(this.db.dataSource, plan)];
    if (transaction.manager) {
      await transaction.run(updates);
      return plan.outcomesWith(await appendEvents(this.db, transaction.manager, plan.events));
    }
    const events = newEventRows(plan.events);
    const numbered = pipelinedEventStatements(this.db.dataSource, events, updates.length);
    numbered.numberFrom(await transaction.commit([...updates, ...numbered.statements]));
    return plan.outcomesWith(events);
  }

  /** The entity's row, locked for the rest of the transaction (SQLite transactions are already serialised). */
  private async lockRow(
    manager: EntityManager,
    request: Pick<TransitionRequest, 'kind' | 'entityId' | 'platformId'>,
  ): Promise<Tracked> {
    const query = manager
      .getRepository<Tracked>(TRACKED[request.kind].entity)
      .createQueryBuilder('row')
      .where('row.id = :id AND row.platformId = :platformId', { id: request.entityId, platformId: request.platformId });
    if (this.db.kind === 'mysql') query.setLock('pessimistic_write');
    const row = await query.getOne();
    if (!row) throw notFound(TRACKED[request.kind].label);
    return row;
  }

  private logMismatches(mismatches: ReturnType<typeof planTransitions>['mismatches']): void {
    for (const { request, orderNo, mismatch } of mismatches)
      this.logger.error(
        { platformId: request.platformId, kind: request.kind, orderNo, source: request.source, ...mismatch },
        'vendor amount is not ours; flagged for attention',
      );
  }
}
