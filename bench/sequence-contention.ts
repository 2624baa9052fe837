import { randomBytes, randomUUID } from 'node:crypto';
import { createConnection, createPool, type Pool } from 'mysql2/promise';

/**
 * `npm run bench:sequence`: a measured prototype for ADR 0019. How many status events per
 * second can one platform append on MySQL when every event takes the platform's sequence
 * (today's gap-free per-platform log), against the same events on a log partitioned by entity,
 * each partition with its own gap-free sequence (a cursor is then one position per partition)?
 * Writers are concurrent connections, each appending events of random entities in transactions
 * like the status writer's: reserve a number, insert the event, commit.
 *
 *   SEQUENCE_SECONDS   per measurement (default 5)
 *   SEQUENCE_WRITERS   concurrent connections, as several instances would hold (default 32)
 *   SEQUENCE_BATCHES   events per transaction to try (default 1,16: one callback, a group commit)
 *   SEQUENCE_PARTITIONS partitions to try (default 1,8,32; 1 is today's design)
 */
const SECONDS = Number(process.env.SEQUENCE_SECONDS ?? 5);
const WRITERS = Number(process.env.SEQUENCE_WRITERS ?? 32);
const BATCHES = (process.env.SEQUENCE_BATCHES ?? '1,16').split(',').map(Number);
const PARTITIONS = (process.env.SEQUENCE_PARTITIONS ?? '1,8,32').split(',').map(Number);

async function withScratchDatabase<T>(url: string, work: (pool: Pool) => Promise<T>): Promise<T> {
  const name = `paygraph_seq_${randomBytes(4).toString('hex')}`;
  const admin = new URL(url);
  admin.pathname = '/';
  const connection = await createConnection(admin.toString());
  await connection.query(`CREATE DATABASE \`${name}\``);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const pool = createPool({ uri: target.toString(), connectionLimit: WRITERS });
  try {
    await pool.query(
      'CREATE TABLE sequences (platformId varchar(36) NOT NULL, part int NOT NULL, lastSequence bigint NOT NULL, PRIMARY KEY (platformId, part)) ENGINE=InnoDB',
    );
    await pool.query(
      'CREATE TABLE events (id varchar(36) NOT NULL PRIMARY KEY, platformId varchar(36) NOT NULL, part int NOT NULL, sequence bigint NOT NULL, entityId varchar(36) NOT NULL, toStatus varchar(24) NOT NULL, UNIQUE KEY log (platformId, part, sequence)) ENGINE=InnoDB',
    );
    return await work(pool);
  } finally {
    await pool.end();
    await connection.query(`DROP DATABASE \`${name}\``);
    await connection.end();
  }
}

/**
 * Events per second one platform appends with `partitions` partitions and `batch` events per
 * transaction. `grouped`: a batch holds events of one partition only (a group-committing writer
 * per partition), instead of events of random entities.
 */
async function measure(pool: Pool, partitions: number, batch: number, grouped: boolean): Promise<number> {
  const platformId = randomUUID();
  const rows = Array.from({ length: partitions }, (_, part) => [platformId, part, 0]);
  await pool.query('INSERT INTO sequences (platformId, part, lastSequence) VALUES ?', [rows]);
  let appended = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const writer = async () => {
    const connection = await pool.getConnection();
    try {
      while (Date.now() < deadline) {
        // A batch's events, each of a random entity; an entity always maps to the same partition.
        const batchPart = Math.floor(Math.random() * partitions);
        const events = Array.from({ length: batch }, () => {
          const entityId = randomUUID();
          return { entityId, part: grouped ? batchPart : parseInt(entityId.slice(0, 8), 16) % partitions };
        });
        await connection.query('START TRANSACTION');
        for (const part of [...new Set(events.map((event) => event.part))].sort((a, b) => a - b)) {
          const own = events.filter((event) => event.part === part);
          // The reservation takes the partition's row lock until COMMIT: that is the contention.
          // As the status writer does, the new value comes back in the UPDATE's own reply.
          const [reserved] = (await connection.query(
            'UPDATE sequences SET lastSequence = LAST_INSERT_ID(lastSequence + ?) WHERE platformId = ? AND part = ?',
            [own.length, platformId, part],
          )) as unknown as [{ insertId: number }];
          const last = reserved.insertId;
          await connection.query('INSERT INTO events (id, platformId, part, sequence, entityId, toStatus) VALUES ?', [
            own.map((event, index) => [
              randomUUID(),
              platformId,
              part,
              Number(last) - own.length + 1 + index,
              event.entityId,
              'SUCCEEDED',
            ]),
          ]);
        }
        await connection.query('COMMIT');
        appended += batch;
      }
    } finally {
      connection.release();
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  // Gap-free per partition: the last number of each equals its count of events.
  const [check] = (await pool.query(
    'SELECT COUNT(*) AS n, MAX(sequence) AS last FROM events WHERE platformId = ? GROUP BY part',
    [platformId],
  )) as unknown as [Array<{ n: number; last: number }>];
  if (check.some((row) => Number(row.n) !== Number(row.last))) throw new Error('a partition has a gap');
  return appended / SECONDS;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('mysql')) throw new Error('DATABASE_URL=mysql://… is needed');
  const rows: string[][] = [];
  await withScratchDatabase(url, async (pool) => {
    for (const batch of BATCHES)
      for (const partitions of PARTITIONS)
        for (const grouped of batch > 1 && partitions > 1 ? [false, true] : [false])
          rows.push([
            String(partitions),
            String(batch),
            grouped ? 'one' : 'any',
            (await measure(pool, partitions, batch, grouped)).toFixed(0),
          ]);
  });
  console.log(`\none platform's status events per second on MySQL, ${WRITERS} concurrent writers, ${SECONDS}s each\n`);
  console.log(['partitions', 'events/tx', 'parts/tx', 'events/s'].map((title) => title.padStart(11)).join(''));
  for (const row of rows) console.log(row.map((cell) => cell.padStart(11)).join(''));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
