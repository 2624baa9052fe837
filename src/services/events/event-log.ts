import type { Database } from '../../db/database';
import { Brackets, In } from 'typeorm';
import { EntityKind, EventType, TransactionKind } from '../../domain/enums';
import { Platform, StatusEvent } from '../../entities';

type TransactionEventType = EventType.PAYMENT | EventType.REFUND | EventType.LEDGER;

const TRANSACTION_KIND_OF: Record<TransactionEventType, TransactionKind> = {
  [EventType.PAYMENT]: TransactionKind.PAYMENT,
  [EventType.REFUND]: TransactionKind.REFUND,
  [EventType.LEDGER]: TransactionKind.LEDGER,
};

/** The event types that are a whole entity kind, not a kind of transaction. */
const ENTITY_KIND_OF: Partial<Record<EventType, EntityKind>> = {
  [EventType.PAYOUT]: EntityKind.PAYOUT,
  [EventType.WEBHOOK_ENDPOINT]: EntityKind.WEBHOOK_ENDPOINT,
};

/** The type of an event: its entity kind, or for a transaction the transaction's kind. */
export function eventTypeOf(entityKind: EntityKind, transactionKind?: TransactionKind): EventType {
  if (entityKind === EntityKind.PAYOUT) return EventType.PAYOUT;
  if (entityKind === EntityKind.WEBHOOK_ENDPOINT) return EventType.WEBHOOK_ENDPOINT;
  const type = (Object.keys(TRANSACTION_KIND_OF) as TransactionEventType[]).find(
    (each) => TRANSACTION_KIND_OF[each] === transactionKind,
  );
  if (!type) throw new Error(`No event type for a ${entityKind} of kind ${transactionKind}`);
  return type;
}

/** Reads of the event log: what subscriptions resume from and what history fields show. */
export class EventLog {
  constructor(private readonly db: Database) {}

  /** Events of one platform with sequence >= `fromSequence` (and <= `toSequence`), in order. */
  async eventsFrom(platformId: string, fromSequence: number, toSequence?: number, limit = 500): Promise<StatusEvent[]> {
    const query = this.db.manager
      .getRepository(StatusEvent)
      .createQueryBuilder('event')
      .where('event.platformId = :platformId AND event.sequence >= :fromSequence', { platformId, fromSequence });
    if (toSequence !== undefined) query.andWhere('event.sequence <= :toSequence', { toSequence });
    return query.orderBy('event.sequence', 'ASC').limit(limit).getMany();
  }

  /**
   * The events feed: a platform's events after `afterSequence`, oldest first, at most `first`,
   * only of `types` when given (a transaction's kind tells a payment, a refund and a ledger
   * transfer apart). The same sequence as subscriptions, so their cursors are interchangeable.
   */
  async feedPage(
    platformId: string,
    afterSequence: number,
    first: number,
    types?: EventType[],
  ): Promise<{ events: StatusEvent[]; hasNextPage: boolean }> {
    const query = this.db.manager
      .getRepository(StatusEvent)
      .createQueryBuilder('event')
      .where('event.platformId = :platformId AND event.sequence > :afterSequence', { platformId, afterSequence });
    if (types && types.length > 0) {
      const entityKinds = types.flatMap((type) => ENTITY_KIND_OF[type] ?? []);
      const kinds = types
        .filter((type): type is TransactionEventType => type in TRANSACTION_KIND_OF)
        .map((type) => TRANSACTION_KIND_OF[type]);
      query.andWhere(
        new Brackets((either) => {
          if (entityKinds.length > 0) either.orWhere('event.entityKind IN (:...entityKinds)', { entityKinds });
          if (kinds.length > 0)
            either.orWhere(
              'event.entityKind = :transaction AND event.entityId IN (SELECT t.id FROM transactions t WHERE t.platformId = :platformId AND t.kind IN (:...kinds))',
              { transaction: EntityKind.TRANSACTION, kinds },
            );
        }),
      );
    }
    const rows = await query
      .orderBy('event.sequence', 'ASC')
      .limit(first + 1)
      .getMany();
    return { events: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Events of one platform by row id. */
  async byIds(platformId: string, ids: readonly string[]): Promise<Map<string, StatusEvent>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.manager.find(StatusEvent, { where: { platformId, id: In([...ids]) } });
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** The newest sequence number of a platform (0 before its first event). */
  async lastSequence(platformId: string): Promise<number> {
    const platform = await this.db.manager.findOne(Platform, {
      where: { id: platformId },
      select: { id: true, lastEventSequence: true },
    });
    return platform?.lastEventSequence ?? 0;
  }

  /** The events of each of `keys` (kind and id), oldest first. */
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
