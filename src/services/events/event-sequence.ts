import type { DataSource, EntityManager } from 'typeorm';
import { newId } from '../../crypto/ids';
import { insertRows, insertStatement, type Statement } from '../../db/bulk-sql';
import type { Database } from '../../db/database';
import type { ResultHeader } from '../../db/pipelined-transaction';
import { Platform, StatusEvent } from '../../entities';
import { notFound } from '../../errors/app-errors';
import type { NewEvent } from './transition-plan';

/**
 * The one place that numbers events: each platform's gap-free sequence (ADR 0006), kept in
 * `platforms.lastEventSequence`. A reservation is an UPDATE of the platform row, so it takes
 * that row's lock: concurrent writers get consecutive ranges in commit order, and a rolled-back
 * transaction leaves no gap.
 */

/**
 * MySQL: the reservation and its result in one statement. LAST_INSERT_ID(expr) hands the new
 * value back in the UPDATE's own reply (insertId), and later statements of the same
 * connection can read it with LAST_INSERT_ID().
 */
const RESERVE_MYSQL =
  'UPDATE `platforms` SET `lastEventSequence` = LAST_INSERT_ID(`lastEventSequence` + ?) WHERE `id` = ?';

/** Event rows for `fieldsList`, in order, created now and not yet numbered. */
export function newEventRows(fieldsList: NewEvent[]): StatusEvent[] {
  const createdAt = new Date();
  return fieldsList.map((fields) =>
    Object.assign(new StatusEvent(), { ...fields, id: newId(), sequence: 0, createdAt, publishedAt: null }),
  );
}

/**
 * Appends events in order inside the caller's transaction, numbering each platform's with one
 * reservation. The caller publishes them after its commit.
 */
export async function appendEvents(
  db: Database,
  manager: EntityManager,
  fieldsList: NewEvent[],
): Promise<StatusEvent[]> {
  if (fieldsList.length === 0) return [];
  const events = newEventRows(fieldsList);
  for (const [platformId, own] of byPlatform(events))
    numberUpTo(own, await reserveSequence(db, manager, platformId, own.length));
  await insertRows(manager, StatusEvent, events);
  return events;
}

/**
 * The statements that number and insert `events` inside a pipelined MySQL transaction, each
 * event numbered by the database itself from the reservation just before its INSERT.
 * `numberFrom(results)` then numbers the row objects from the replies, once committed.
 */
export function pipelinedEventStatements(
  source: DataSource,
  events: StatusEvent[],
  offset: number,
): { statements: Statement[]; numberFrom(results: unknown[]): void } {
  const statements: Statement[] = [];
  const reservations: Array<{ at: number; events: StatusEvent[] }> = [];
  for (const [platformId, own] of byPlatform(events)) {
    reservations.push({ at: offset + statements.length, events: own });
    statements.push(
      { sql: RESERVE_MYSQL, params: [own.length, platformId] },
      insertStatement(source, StatusEvent, own, {
        // Numbered from the value the UPDATE just left in LAST_INSERT_ID (this connection's own).
        sequence: (index) => `LAST_INSERT_ID() - ${own.length - 1 - index}`,
      }) as Statement,
    );
  }
  return {
    statements,
    numberFrom: (results) => {
      for (const { at, events: own } of reservations) numberUpTo(own, Number((results[at] as ResultHeader).insertId));
    },
  };
}

/**
 * Takes the platform's sequence lock up front. A transaction that inserts a row referencing
 * the platform (a foreign key, so a shared lock) and then appends an event (an exclusive
 * lock) would deadlock with a concurrent one doing the same; taking the exclusive lock first
 * makes them queue instead. A no-op on SQLite, whose transactions are serialised.
 */
export async function lockSequence(db: Database, manager: EntityManager, platformId: string): Promise<void> {
  if (db.kind !== 'mysql') return;
  await manager
    .getRepository(Platform)
    .createQueryBuilder('platform')
    .select('platform.id')
    .where('platform.id = :platformId', { platformId })
    .setLock('pessimistic_write')
    .getOne();
}

/** Adds `count` to the platform's sequence and returns the new last number. */
async function reserveSequence(db: Database, manager: EntityManager, platformId: string, count: number) {
  if (db.kind === 'mysql') {
    const result = (await manager.query(RESERVE_MYSQL, [count, platformId])) as {
      affectedRows: number;
      insertId: number | string;
    };
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
