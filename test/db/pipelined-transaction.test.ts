import { In } from 'typeorm';
import { newId } from '../../src/crypto/ids';
import { hydrate, insertStatement, selectStatement } from '../../src/db/bulk-sql';
import { Database } from '../../src/db/database';
import type { ResultHeader } from '../../src/db/pipelined-transaction';
import { RecordStatus } from '../../src/domain/enums';
import { Platform } from '../../src/entities';
import { testDatabases } from '../support/databases';

/**
 * The callback hot path's transactions: statements sent together (one packet per call on
 * MySQL, START TRANSACTION and COMMIT riding along), one result per statement, and a failure
 * anywhere rolls back everything the transaction wrote.
 */
describe.each(testDatabases({ sqlJs: true }))('pipelined transactions on $name', (database) => {
  let db: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await database.create();
    drop = created.drop;
    db = new Database(created.settings);
    await db.open({ migrate: true });
  });

  afterAll(async () => {
    await db.close();
    await drop();
  });

  const platform = (name: string) =>
    Object.assign(new Platform(), {
      id: newId(),
      name,
      status: RecordStatus.ACTIVE,
      lastEventSequence: 0,
      createdAt: new Date(),
      updatedAt: new Date(),
    });

  it('returns one result per statement and commits what it wrote', async () => {
    const [first, second] = [platform('first'), platform('second')];
    const read = await db.pipelined(async (transaction) => {
      const [inserted] = await transaction.run([insertStatement(db.dataSource, Platform, [first, second])!]);
      if (transaction.kind === 'mysql') expect((inserted as ResultHeader).affectedRows).toBe(2);
      const [one, many] = await transaction.commit([
        selectStatement(db.dataSource, Platform, { id: first.id }),
        selectStatement(db.dataSource, Platform, { id: [first.id, second.id] }, { forUpdate: true }),
      ]);
      return { one: hydrate(db.dataSource, Platform, one), many: hydrate(db.dataSource, Platform, many) };
    });
    expect(read.one.map((row) => row.name)).toEqual(['first']);
    expect(read.many.map((row) => row.name).sort()).toEqual(['first', 'second']);
    // Written and read back exactly as TypeORM writes and reads it (dates in UTC, numbers).
    expect(read.one[0]).toEqual(await db.manager.findOneByOrFail(Platform, { id: first.id }));
    expect(read.one[0]).toMatchObject({ lastEventSequence: 0, status: RecordStatus.ACTIVE });
    expect(read.one[0].createdAt.getTime()).toBe(first.createdAt.getTime());
    expect(await db.manager.countBy(Platform, { name: 'second' })).toBe(1);
  });

  it('matches nothing for an empty list instead of sending invalid SQL', async () => {
    const [rows] = await db.pipelined((transaction) =>
      transaction.run([selectStatement(db.dataSource, Platform, { id: [] })]),
    );
    expect(rows).toEqual([]);
  });

  it('rolls back every statement when one in the same packet fails, and keeps its connections usable', async () => {
    const duplicate = platform('duplicate');
    await db.pipelined((transaction) => transaction.commit([insertStatement(db.dataSource, Platform, [duplicate])!]));
    // More failing transactions than the pipeline has connections: each must go back to the pool.
    const lostIds: string[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const lost = platform(`lost-${attempt}`);
      lostIds.push(lost.id);
      await expect(
        db.pipelined((transaction) =>
          transaction.commit([
            insertStatement(db.dataSource, Platform, [lost])!,
            insertStatement(db.dataSource, Platform, [duplicate])!, // the same primary key again
          ]),
        ),
      ).rejects.toThrow();
      expect(await db.manager.countBy(Platform, { id: lost.id })).toBe(0);
    }
    // Every pooled connection used again: a transaction left open by a failure would be
    // committed now by the next START TRANSACTION on its connection.
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const kept = platform(`kept-${attempt}`);
      await db.pipelined((transaction) => transaction.run([insertStatement(db.dataSource, Platform, [kept])!]));
      // Committed when the work returns, though it never called commit.
      expect(await db.manager.countBy(Platform, { id: kept.id })).toBe(1);
    }
    expect(await db.manager.countBy(Platform, { id: In(lostIds) })).toBe(0);
  });

  it('rolls back when the work itself throws after writing', async () => {
    const abandoned = platform('abandoned');
    await expect(
      db.pipelined(async (transaction) => {
        await transaction.run([insertStatement(db.dataSource, Platform, [abandoned])!]);
        throw new Error('decided against it');
      }),
    ).rejects.toThrow('decided against it');
    expect(await db.manager.countBy(Platform, { id: abandoned.id })).toBe(0);
  });
});
