import type { DataSource, EntityManager } from 'typeorm';
import { newId } from '../../crypto/ids';
import {
  insertRows,
  insertStatement,
  runStatement,
  selectStatement,
  updateStatement,
  type Statement,
} from '../../db/bulk-sql';
import type { PipelinedTransaction, ResultHeader } from '../../db/pipelined-transaction';
import type { Database } from '../../db/database';
import { EntityKind, EventSource, PayoutStatus, TransactionStatus } from '../../domain/enums';
import { canTransition, isTerminal, PAYOUT_TRANSITIONS, TRANSACTION_TRANSITIONS } from '../../domain/transitions';
import { Payout, Platform, StatusEvent, Transaction } from '../../entities';
import { notFound } from '../../errors/app-errors';
import type { Logger } from '../../logging/logger';
import type { OutboxRelay } from './outbox-relay';

type Tracked = Transaction | Payout;

const TRACKED = {
  [EntityKind.TRANSACTION]: { entity: Transaction, table: TRANSACTION_TRANSITIONS },
  [EntityKind.PAYOUT]: { entity: Payout, table: PAYOUT_TRANSITIONS },
} as const;

export interface TransitionRequest {
  kind: EntityKind;
  entityId: string;
  platformId: string;
  to: TransactionStatus | PayoutStatus;
  source: EventSource;
  detail?: Record<string, unknown>;
  /**
   * What the vendor told us about the row itself (its number, codes, a failure), written with
   * the status when the change is allowed or the status is unchanged, never when a late answer
   * is refused by the table: a settled row is not rewritten.
   */
  patch?: { vendorRef?: string | null; vendorData?: Record<string, unknown> };
}

export type TransitionOutcome =
  { changed: true; event: StatusEvent } | { changed: false; reason: 'same_status' | 'not_allowed'; current: string };

/**
 * Every status change goes through here: checked against the transitions table, written with
 * its StatusEvent in one DB transaction, numbered with the platform's gap-free sequence, and
 * published only after the commit succeeded.
 */
export class StatusEventService {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxRelay,
    private readonly logger: Logger,
  ) {}

  async transition(request: TransitionRequest): Promise<TransitionOutcome> {
    const outcome = await this.db.transaction((manager) => this.transitionWithin(manager, request));
    this.afterCommit(request, outcome);
    return outcome;
  }

  /** Publishes (or logs) a transition's outcome; call only after its transaction committed. */
  afterCommit(request: TransitionRequest, outcome: TransitionOutcome): void {
    this.afterCommitAll([{ request, outcome }]);
  }

  /** afterCommit for the transitions of one transaction: their events are published together. */
  afterCommitAll(results: Array<{ request: TransitionRequest; outcome: TransitionOutcome }>): void {
    const events: StatusEvent[] = [];
    for (const { request, outcome } of results) {
      if (outcome.changed) events.push(outcome.event);
      else this.logger.info({ ...request, current: outcome.current, reason: outcome.reason }, 'status change ignored');
    }
    this.outbox.publishCommitted(events);
  }

  /**
   * The transition inside the caller's DB transaction (the row is locked, checked against the
   * table, updated, and its event appended). The caller must call afterCommit once committed.
   */
  async transitionWithin(manager: EntityManager, request: TransitionRequest): Promise<TransitionOutcome> {
    const row = await this.lockRow(manager, request);
    const [outcome] = await this.applyToLockedRows(manager, [{ row, request }]);
    return outcome;
  }

  /**
   * Several transitions against rows the caller has locked in this DB transaction, decided in
   * order (a later change sees the row as the earlier ones left it), then written with one
   * UPDATE per entity table and one sequence reservation for all their events. This is what
   * lets a burst of callbacks commit together instead of one transaction each.
   */
  async applyToLockedRows(
    manager: EntityManager,
    changes: Array<{ row: Tracked; request: TransitionRequest }>,
  ): Promise<TransitionOutcome[]> {
    const plan = planTransitions(changes);
    for (const statement of rowUpdates(manager.connection, plan)) await runStatement(manager, statement);
    // The sequence is reserved last: it takes the platform row's lock, which every status
    // change of the platform waits for, so it is held only until the COMMIT that follows.
    const written = await this.appendEvents(manager, plan.events);
    return plan.outcomesWith(written);
  }

  /**
   * applyToLockedRows for a pipelined transaction: the `before` statements, the row updates,
   * the sequence reservation, the events and the COMMIT go to MySQL in one round trip, the
   * events numbered by the database itself (LAST_INSERT_ID) under the platform row's lock.
   * On SQLite the same steps run one by one and the caller's transaction commits them.
   */
  async commitToLockedRows(
    transaction: PipelinedTransaction,
    source: DataSource,
    before: Statement[],
    changes: Array<{ row: Tracked; request: TransitionRequest }>,
  ): Promise<TransitionOutcome[]> {
    // SQLite: the same steps one by one; the caller's transaction commits them.
    if (transaction.manager) {
      await transaction.run(before);
      return this.applyToLockedRows(transaction.manager, changes);
    }
    const plan = planTransitions(changes);
    const statements = [...before, ...rowUpdates(source, plan)];
    const events = newEventRows(plan.events);
    const reservations: Array<{ at: number; events: StatusEvent[] }> = [];
    for (const [platformId, own] of byPlatform(events)) {
      reservations.push({ at: statements.length, events: own });
      statements.push(
        {
          sql: 'UPDATE `platforms` SET `lastEventSequence` = LAST_INSERT_ID(`lastEventSequence` + ?) WHERE `id` = ?',
          params: [own.length, platformId],
        },
        insertStatement(source, StatusEvent, own, {
          // Numbered from the value the UPDATE just left in LAST_INSERT_ID (this connection's own).
          sequence: (index) => `LAST_INSERT_ID() - ${own.length - 1 - index}`,
        }) as Statement,
      );
    }
    const results = await transaction.commit(statements);
    for (const { at, events: own } of reservations) numberUpTo(own, Number((results[at] as ResultHeader).insertId));
    return plan.outcomesWith(events);
  }

  /**
   * Records a step that does not change the status (a poll that found the payment still in
   * progress, a cancel being sent), so subscribers see every step of a long flow. The event's
   * fromStatus and toStatus are both the current status; a patch is written with it.
   */
  async recordStep(request: Omit<TransitionRequest, 'to'>): Promise<StatusEvent> {
    const event = await this.db.transaction(async (manager) => {
      const row = await this.lockRow(manager, request);
      const patch = patchFields(row, request.patch);
      if (Object.keys(patch).length > 0)
        await manager.update(TRACKED[request.kind].entity, { id: row.id }, patch as never);
      return this.appendEvent(manager, {
        platformId: row.platformId,
        entityKind: request.kind,
        entityId: row.id,
        clientId: row.clientId,
        bizId: 'bizId' in row ? row.bizId : null,
        fromStatus: row.status,
        toStatus: row.status,
        source: request.source,
        terminal: false,
        detail: request.detail ?? null,
      });
    });
    this.publish(event);
    return event;
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
    if (!row) throw notFound(request.kind === EntityKind.TRANSACTION ? 'Transaction' : 'Payout');
    return row;
  }

  /** SELECT of a platform's rows by our order numbers, locked for the rest of the transaction. */
  lockByOrderNo(source: DataSource, kind: EntityKind, platformId: string, orderNos: string[]): Statement {
    return selectStatement<Tracked>(
      source,
      TRACKED[kind].entity,
      { platformId, orderNo: orderNos },
      { forUpdate: true },
    );
  }

  /**
   * Takes the platform's sequence lock up front. A transaction that inserts a row referencing
   * the platform (a foreign key, so a shared lock) and then appends an event (an exclusive
   * lock) would deadlock with a concurrent one doing the same; taking the exclusive lock first
   * makes them queue instead. A no-op on SQLite, whose transactions are serialised.
   */
  async lockSequence(manager: EntityManager, platformId: string): Promise<void> {
    if (this.db.kind !== 'mysql') return;
    await manager
      .getRepository(Platform)
      .createQueryBuilder('platform')
      .select('platform.id')
      .where('platform.id = :platformId', { platformId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * Appends an event inside the caller's transaction (e.g. the creation event of a new row).
   * The caller publishes it after its commit.
   */
  async appendEvent(manager: EntityManager, fields: NewEvent): Promise<StatusEvent> {
    const [event] = await this.appendEvents(manager, [fields]);
    return event;
  }

  /**
   * Appends events in order inside the caller's transaction, numbering each platform's with one
   * reservation. The UPDATE takes the platform row's lock, so concurrent writers get
   * consecutive ranges in commit order and a rolled-back transaction leaves no gap.
   */
  async appendEvents(manager: EntityManager, fieldsList: NewEvent[]): Promise<StatusEvent[]> {
    if (fieldsList.length === 0) return [];
    const events = newEventRows(fieldsList);
    for (const [platformId, own] of byPlatform(events))
      numberUpTo(own, await this.reserveSequence(manager, platformId, own.length));
    await insertRows(manager, StatusEvent, events);
    return events;
  }

  /** Adds `count` to the platform's sequence and returns the new last number. */
  private async reserveSequence(manager: EntityManager, platformId: string, count: number): Promise<number> {
    if (this.db.kind === 'mysql') {
      // LAST_INSERT_ID(expr) hands the new value back in the UPDATE's own reply: one round
      // trip instead of an UPDATE and a SELECT, while the platform row's lock is held.
      const result = (await manager.query(
        'UPDATE `platforms` SET `lastEventSequence` = LAST_INSERT_ID(`lastEventSequence` + ?) WHERE `id` = ?',
        [count, platformId],
      )) as { affectedRows: number; insertId: number | string };
      if (result.affectedRows !== 1) throw notFound('Platform');
      return Number(result.insertId);
    }
    await manager.query('UPDATE `platforms` SET `lastEventSequence` = `lastEventSequence` + ? WHERE `id` = ?', [
      count,
      platformId,
    ]);
    const [platform] = (await manager.query('SELECT `lastEventSequence` AS `last` FROM `platforms` WHERE `id` = ?', [
      platformId,
    ])) as Array<{ last: string | number }>;
    if (!platform) throw notFound('Platform');
    return Number(platform.last);
  }

  /** Call after the commit that wrote `event`; never before, so nobody hears of a rollback. */
  publish(event: StatusEvent): void {
    this.outbox.publishCommitted([event]);
  }

  /** Events of one platform with sequence >= `fromSequence` (and <= `toSequence`), in order. */
  async eventsFrom(platformId: string, fromSequence: number, toSequence?: number, limit = 500): Promise<StatusEvent[]> {
    const query = this.db.manager
      .getRepository(StatusEvent)
      .createQueryBuilder('event')
      .where('event.platformId = :platformId AND event.sequence >= :fromSequence', { platformId, fromSequence });
    if (toSequence !== undefined) query.andWhere('event.sequence <= :toSequence', { toSequence });
    return query.orderBy('event.sequence', 'ASC').limit(limit).getMany();
  }

  /** The newest sequence number of a platform (0 before its first event). */
  async lastSequence(platformId: string): Promise<number> {
    const platform = await this.db.manager.findOne(Platform, {
      where: { id: platformId },
      select: { id: true, lastEventSequence: true },
    });
    return platform?.lastEventSequence ?? 0;
  }

  async historyOf(platformId: string, keys: Array<[EntityKind, string]>): Promise<Map<string, StatusEvent[]>> {
    const history = new Map<string, StatusEvent[]>();
    if (keys.length === 0) return history;
    const rows = await this.db.manager
      .getRepository(StatusEvent)
      .createQueryBuilder('event')
      .where('event.platformId = :platformId', { platformId })
      .andWhere('event.entityId IN (:...ids)', { ids: keys.map(([, id]) => id) })
      .orderBy('event.sequence', 'ASC')
      .getMany();
    for (const row of rows) {
      const key = `${row.entityKind}:${row.entityId}`;
      history.set(key, [...(history.get(key) ?? []), row]);
    }
    return history;
  }
}

type NewEvent = Omit<StatusEvent, 'id' | 'sequence' | 'createdAt' | 'publishedAt'>;

/** Event rows for `fieldsList`, in order, created now and not yet numbered. */
function newEventRows(fieldsList: NewEvent[]): StatusEvent[] {
  const createdAt = new Date();
  return fieldsList.map((fields) =>
    Object.assign(new StatusEvent(), { ...fields, id: newId(), sequence: 0, createdAt, publishedAt: null }),
  );
}

/** Events grouped by platform, platforms in id order (the order their sequence locks are taken). */
function byPlatform(events: StatusEvent[]): Array<[string, StatusEvent[]]> {
  const groups = new Map<string, StatusEvent[]>();
  for (const event of events) {
    if (!groups.has(event.platformId)) groups.set(event.platformId, []);
    groups.get(event.platformId)?.push(event);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Numbers one platform's events, in order, so that the last gets `last`. */
function numberUpTo(events: StatusEvent[], last: number): void {
  events.forEach((event, index) => (event.sequence = last - (events.length - 1 - index)));
}

interface TransitionPlan {
  /** Rows whose status or patch changed, by table. */
  dirty: Map<EntityKind, Tracked[]>;
  /** The events to append, in order. */
  events: NewEvent[];
  /** The outcome of each change, given the events as written (numbered). */
  outcomesWith(written: StatusEvent[]): TransitionOutcome[];
}

/**
 * Decides each change against its transitions table, in order, and applies the allowed ones
 * to the row objects. Nothing is written here.
 */
function planTransitions(changes: Array<{ row: Tracked; request: TransitionRequest }>): TransitionPlan {
  const outcomes: Array<TransitionOutcome | undefined> = [];
  const dirty = new Map<string, { kind: EntityKind; row: Tracked }>();
  const events: NewEvent[] = [];
  const eventAt: number[] = [];
  for (const { row, request } of changes) {
    const { table } = TRACKED[request.kind];
    const from = row.status as string;
    const to = request.to as string;
    const patch = patchFields(row, request.patch);
    const allowed = from === to || canTransition(table as Record<string, readonly string[]>, from, to);
    if (allowed && Object.keys(patch).length > 0) {
      Object.assign(row, patch);
      dirty.set(row.id, { kind: request.kind, row });
    }
    if (from === to) {
      outcomes.push({ changed: false, reason: 'same_status', current: from });
      continue;
    }
    if (!allowed) {
      outcomes.push({ changed: false, reason: 'not_allowed', current: from });
      continue;
    }
    row.status = to as never;
    dirty.set(row.id, { kind: request.kind, row });
    eventAt.push(outcomes.length);
    events.push({
      platformId: row.platformId,
      entityKind: request.kind,
      entityId: row.id,
      clientId: row.clientId,
      bizId: 'bizId' in row ? row.bizId : null,
      fromStatus: from,
      toStatus: to,
      source: request.source,
      terminal: isTerminal(table as Record<string, readonly string[]>, to),
      detail: request.detail ?? null,
    });
    outcomes.push(undefined); // the event, once numbered
  }
  const byKind = new Map<EntityKind, Tracked[]>();
  for (const { kind, row } of dirty.values()) {
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind)?.push(row);
  }
  return {
    dirty: byKind,
    events,
    outcomesWith: (written) => {
      eventAt.forEach((index, position) => (outcomes[index] = { changed: true, event: written[position] }));
      return outcomes as TransitionOutcome[];
    },
  };
}

/** One UPDATE per entity table for the rows a plan changed. */
function rowUpdates(source: DataSource, plan: TransitionPlan): Statement[] {
  const statements: Statement[] = [];
  for (const kind of [EntityKind.TRANSACTION, EntityKind.PAYOUT]) {
    const statement = updateStatement(source, TRACKED[kind].entity, plan.dirty.get(kind) ?? [], [
      'status',
      'vendorRef',
      'vendorData',
    ]);
    if (statement) statements.push(statement);
  }
  return statements;
}

/** The columns a patch changes: the vendor's number, and its data merged into what the row has. */
function patchFields(row: Tracked, patch: TransitionRequest['patch']): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (patch?.vendorRef) fields.vendorRef = patch.vendorRef;
  if (patch?.vendorData) fields.vendorData = { ...(row.vendorData ?? {}), ...patch.vendorData };
  return fields;
}
