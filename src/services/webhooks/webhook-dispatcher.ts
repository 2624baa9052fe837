import { IsNull, type DataSource } from 'typeorm';
import { newId } from '../../crypto/ids';
import { hydrate, insertStatement, selectStatement, type Statement } from '../../db/bulk-sql';
import type { PipelinedTransaction } from '../../db/pipelined-transaction';
import type { Database } from '../../db/database';
import {
  EntityKind,
  WebhookDeliveryKind,
  WebhookDeliveryStatus,
  WebhookEndpointStatus,
  type EventType,
} from '../../domain/enums';
import { StatusEvent, WebhookDelivery, WebhookEndpoint } from '../../entities';
import type { Logger } from '../../logging/logger';
import type { EventLog } from '../events/event-log';
import type { ClaimedDelivery, DeliveryEngine } from './delivery-engine';
import { entityKeyOf, eventBody, typeOfEvent, type EntitySnapshots } from './webhook-bodies';
import { leaseSpanMs, type WebhookSettings } from './webhook-settings';

/** Events handed to the endpoints in one transaction. */
const BATCH = 200;

interface PreparedEvent {
  event: StatusEvent;
  type: EventType;
  key: string;
  body: string;
}

/**
 * Hands the event log to webhook endpoints. Each endpoint keeps the last sequence it has been
 * handed (dispatchedSequence); a dispatch reads the events after it, makes one delivery row
 * per event the endpoint wants, and moves the mark, in one transaction with the endpoint rows
 * locked. So every committed event gets its delivery exactly once per endpoint, whichever
 * instance dispatches, and a crash before the commit leaves the mark where it was.
 *
 * A dispatch starts right after a commit on this instance (the outbox tells it), and a sweep
 * on every instance catches what a crash or another instance left behind.
 */
export class WebhookDispatcher {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /**
   * Platforms found with no enabled endpoint, until when: their commits start no dispatch (no
   * query on the callback path of a platform without webhooks). An endpoint made or enabled on
   * this instance clears it at once; one made on another instance starts at the log's end, and
   * the sweep hands it what follows.
   */
  private readonly idleUntil = new Map<string, number>();

  /** Set by the wiring: reads entities as the schema shows them. */
  snapshots?: EntitySnapshots;

  constructor(
    private readonly db: Database,
    private readonly eventLog: EventLog,
    private readonly engine: DeliveryEngine,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
  ) {}

  /** Events of these platforms were committed: dispatch them soon, one run per platform at a time. */
  notify(platformIds: Iterable<string>): void {
    for (const platformId of platformIds) {
      if ((this.idleUntil.get(platformId) ?? 0) > Date.now()) continue;
      if (this.running.has(platformId)) {
        this.again.add(platformId);
        continue;
      }
      const run = this.dispatchPlatform(platformId)
        .catch((error) =>
          this.logger.warn({ err: String(error), platformId }, 'webhook dispatch failed; the sweep retries'),
        )
        .finally(() => {
          this.running.delete(platformId);
          if (this.again.delete(platformId)) this.notify([platformId]);
        });
      this.running.set(platformId, run);
    }
  }

  /** The platform's endpoints changed on this instance: dispatch its next commits again. */
  wake(platformId: string): void {
    this.idleUntil.delete(platformId);
  }

  /** Waits for the dispatches under way (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /**
   * Dispatches every platform whose enabled endpoints are behind its log, and puts back at the
   * head of its chain any event left with no head (a delivered event and its successor's
   * creation that crossed). Returns how many platforms were behind.
   */
  async sweep(): Promise<number> {
    const behind = await this.db.manager
      .getRepository(WebhookEndpoint)
      .createQueryBuilder('endpoint')
      .innerJoin('endpoint.platform', 'platform')
      .select('DISTINCT endpoint.platformId', 'platformId')
      .where('endpoint.status = :enabled', { enabled: WebhookEndpointStatus.ENABLED })
      .andWhere('endpoint.dispatchedSequence < platform.lastEventSequence')
      .getRawMany<{ platformId: string }>();
    for (const { platformId } of behind) this.wake(platformId);
    this.notify(behind.map((row) => row.platformId));
    await this.restoreHeads();
    return behind.length;
  }

  private async dispatchPlatform(platformId: string): Promise<void> {
    for (;;) {
      const { claimed, endpoints, full } = await this.dispatchBatch(platformId);
      if (endpoints.length > 0) this.engine.sendClaimed(claimed, endpoints);
      // A short batch read the log to its end; what commits later notifies again.
      if (!full) return;
    }
  }

  /** One batch: up to BATCH events after the furthest-behind endpoint's mark. */
  private async dispatchBatch(
    platformId: string,
  ): Promise<{ claimed: ClaimedDelivery[]; endpoints: WebhookEndpoint[]; full: boolean }> {
    const marks = await this.db.manager.find(WebhookEndpoint, {
      where: { platformId, status: WebhookEndpointStatus.ENABLED },
      select: { id: true, dispatchedSequence: true },
    });
    if (marks.length === 0) {
      this.idleUntil.set(platformId, Date.now() + this.settings.sweepIntervalMs);
      return { claimed: [], endpoints: [], full: false };
    }
    const from = Math.min(...marks.map((mark) => mark.dispatchedSequence)) + 1;
    const events = await this.eventLog.eventsFrom(platformId, from, undefined, BATCH);
    if (events.length === 0) return { claimed: [], endpoints: [], full: false };
    // Bodies are built before the transaction: reads of committed rows, kept out of the locks.
    const prepared = await this.bodiesOf(platformId, events);
    const upTo = events[events.length - 1].sequence;
    const handed = await this.db.pipelined((transaction) =>
      this.handOver(transaction, platformId, marks, prepared, upTo),
    );
    return { ...handed, full: events.length === BATCH };
  }

  /** The webhook bodies of some events of one platform (a dispatch's, a redelivery's). */
  async bodiesOf(platformId: string, events: StatusEvent[]): Promise<PreparedEvent[]> {
    const entities = [
      ...new Map(events.map((event) => [entityKeyOf(event.entityKind, event.entityId), event])).values(),
    ].map((event) => ({ kind: event.entityKind as EntityKind, id: event.entityId }));
    if (!this.snapshots) throw new Error('webhook snapshots are not wired');
    const snapshots = await this.snapshots(platformId, entities);
    return events.map((event) => {
      const key = entityKeyOf(event.entityKind, event.entityId);
      const snapshot = snapshots.get(key) ?? null;
      const type = typeOfEvent(event, snapshot);
      // Entities are never deleted: an event with no entity is a bug to stop at, not to skip.
      if (!type) throw new Error(`no entity for event ${event.id}; its webhooks wait until it is read`);
      return { event, type, key, body: JSON.stringify(eventBody(event, type, snapshot)) };
    });
  }

  /**
   * In one transaction of two round trips on MySQL: the endpoints locked (by primary key: a
   * range lock on the (platform, status) index would block an endpoint's status change, which
   * locks the same row first: a deadlock) with the chains already waiting; then the delivery
   * rows and the new marks, and the commit. `marks` are the endpoints enabled when the events
   * were read; one made since starts after them (at the log's end), with nothing to hand here.
   */
  private async handOver(
    transaction: PipelinedTransaction,
    platformId: string,
    marks: Array<Pick<WebhookEndpoint, 'id' | 'dispatchedSequence'>>,
    prepared: PreparedEvent[],
    upTo: number,
  ): Promise<{ claimed: ClaimedDelivery[]; endpoints: WebhookEndpoint[] }> {
    const source = this.db.dataSource;
    const ids = marks.map((mark) => mark.id);
    const asked = chainKeys(prepared, Math.max(...marks.map((mark) => mark.dispatchedSequence)));
    const [locked, waiting] = await transaction.run([
      selectStatement(source, WebhookEndpoint, { id: ids }, { forUpdate: true }),
      ...(asked.size > 0 ? [chainsStatement(source, ids, asked)] : []),
    ]);
    const endpoints = hydrate(source, WebhookEndpoint, locked)
      .filter((endpoint) => endpoint.status === WebhookEndpointStatus.ENABLED && endpoint.dispatchedSequence < upTo)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    if (endpoints.length === 0) return { claimed: [], endpoints: [] };
    const busy = new Set(
      hydrate(source, WebhookDelivery, waiting ?? []).map((row) => `${row.endpointId}|${row.entityKey}`),
    );
    // A mark moved since it was read: entities created in between may have chains after all.
    const more = [...chainKeys(prepared, Math.max(...endpoints.map((endpoint) => endpoint.dispatchedSequence)))].filter(
      (key) => !asked.has(key),
    );
    if (more.length > 0) {
      const [rows] = await transaction.run([chainsStatement(source, ids, new Set(more))]);
      for (const row of hydrate(source, WebhookDelivery, rows)) busy.add(`${row.endpointId}|${row.entityKey}`);
    }
    const rows = this.deliveryRows(platformId, endpoints, prepared, busy);
    const inserts = [];
    for (let start = 0; start < rows.length; start += 100)
      inserts.push(insertStatement(source, WebhookDelivery, rows.slice(start, start + 100)));
    await transaction.commit([
      ...inserts.filter((statement): statement is Statement => statement !== undefined),
      {
        sql: `UPDATE \`webhook_endpoints\` SET \`dispatchedSequence\` = ? WHERE \`id\` IN (${endpoints.map(() => '?').join(', ')})`,
        params: [upTo, ...endpoints.map((endpoint) => endpoint.id)],
      },
    ]);
    return { claimed: rows.filter((row) => row.leaseUntil !== null), endpoints };
  }

  /** One row per event each endpoint wants; an entity's first undelivered one is leased to us. */
  private deliveryRows(
    platformId: string,
    endpoints: WebhookEndpoint[],
    prepared: PreparedEvent[],
    busy: Set<string>,
  ): WebhookDelivery[] {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + leaseSpanMs(this.settings));
    const rows: WebhookDelivery[] = [];
    for (const endpoint of endpoints)
      for (const { event, type, key, body } of prepared) {
        if (event.sequence <= endpoint.dispatchedSequence) continue;
        if (endpoint.eventTypes.length > 0 && !endpoint.eventTypes.includes(type)) continue;
        const chain = `${endpoint.id}|${key}`;
        // Only an entity's first undelivered event at an endpoint is sent; the rest wait.
        const head = !busy.has(chain);
        busy.add(chain);
        rows.push(
          Object.assign(new WebhookDelivery(), {
            id: newId(),
            endpointId: endpoint.id,
            platformId,
            kind: WebhookDeliveryKind.EVENT,
            eventId: event.id,
            sequence: event.sequence,
            entityKey: key,
            dedupeKey: event.id,
            body,
            status: WebhookDeliveryStatus.PENDING,
            attempts: head ? 1 : 0,
            nextAttemptAt: head ? now : null,
            leaseUntil: head ? leaseUntil : null,
            failingSince: null,
            deliveredAt: null,
            createdAt: now,
          }),
        );
      }
    return rows;
  }

  /** Chains whose undelivered events all wait for a head that is gone: the oldest becomes due. */
  private async restoreHeads(): Promise<void> {
    const orphans = await this.db.manager.query(
      `SELECT d.id AS id FROM webhook_deliveries d
       WHERE d.status = ? AND d.kind = ? AND d.nextAttemptAt IS NULL
       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpointId = d.endpointId
         AND p.entityKey = d.entityKey AND p.kind = d.kind AND p.status = ? AND p.sequence < d.sequence)
       LIMIT 100`,
      [WebhookDeliveryStatus.PENDING, WebhookDeliveryKind.EVENT, WebhookDeliveryStatus.PENDING],
    );
    for (const { id } of orphans as Array<{ id: string }>)
      await this.db.write((manager) =>
        manager.update(WebhookDelivery, { id, nextAttemptAt: IsNull() }, { nextAttemptAt: new Date() }),
      );
  }
}

/**
 * The entities of a batch that may already have a chain at an endpoint: all but those created
 * in the batch after `highestMark` (their first event is in the batch for every endpoint).
 */
function chainKeys(prepared: PreparedEvent[], highestMark: number): Set<string> {
  const seen = new Set<string>();
  const keys = new Set<string>();
  for (const { event, key } of prepared) {
    if (!seen.has(key) && !(event.fromStatus === null && event.sequence > highestMark)) keys.add(key);
    seen.add(key);
  }
  return keys;
}

/** The waiting event deliveries of some entities at some endpoints: their chains. */
function chainsStatement(source: DataSource, endpointIds: string[], keys: Set<string>): Statement {
  return selectStatement(
    source,
    WebhookDelivery,
    {
      endpointId: endpointIds,
      entityKey: [...keys],
      kind: WebhookDeliveryKind.EVENT,
      status: WebhookDeliveryStatus.PENDING,
    },
    { properties: ['endpointId', 'entityKey'] },
  );
}
