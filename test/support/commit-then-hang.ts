import 'reflect-metadata';
import { newId } from '../../src/crypto/ids';
import { insertStatement } from '../../src/db/bulk-sql';
import { Database } from '../../src/db/database';
import type { SqliteEngine } from '../../src/db/sqlite-engine';
import { RecordStatus } from '../../src/domain/enums';
import { Platform } from '../../src/entities';

/**
 * For the embedded durability test: opens the SQLite file argv[2] on engine argv[3], commits
 * one platform row the way the callback path commits (a pipelined transaction), prints
 * `COMMITTED <id>` and then waits to be killed, never closing the database.
 */
async function main(): Promise<void> {
  const [file, engine] = process.argv.slice(2);
  const db = new Database({ kind: 'sqlite', file, engine: engine as SqliteEngine });
  await db.open({ migrate: true });
  const row = Object.assign(new Platform(), {
    id: newId(),
    name: 'durable',
    status: RecordStatus.ACTIVE,
    lastEventSequence: 0,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await db.pipelined((transaction) => transaction.commit([insertStatement(db.dataSource, Platform, [row])!]));
  console.log(`COMMITTED ${row.id}`);
  setInterval(() => undefined, 60_000);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
