import type { Database } from '../../db/database';
import type { EntityKind } from '../../domain/enums';
import { Platform, StatusEvent } from '../../entities';

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
