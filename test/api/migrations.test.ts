import { Database } from '../../src/db/database';
import { testDatabases } from '../support/databases';

describe.each(testDatabases({ sqlJs: true }))('migrations on $name', (database) => {
  it('bring an empty database exactly to the entities, and are idempotent', async () => {
    const { settings, drop } = await database.create();
    const db = new Database(settings);
    try {
      await db.open({ migrate: false });
      const applied = await db.migrate();
      expect(applied.length).toBeGreaterThan(0);
      expect(await db.migrate()).toEqual([]);
      // What TypeORM would still change to reach the entities: nothing, or a migration is missing.
      const pending = await db.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
      const columns = await db.dataSource.query(
        db.kind === 'mysql'
          ? "SELECT DATA_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'transactions' AND COLUMN_NAME = 'amountFen'"
          : "SELECT type FROM pragma_table_info('transactions') WHERE name = 'amountFen'",
      );
      expect(String(columns[0].type).toLowerCase()).toBe('bigint');
    } finally {
      await db.close();
      await drop();
    }
  });
});
