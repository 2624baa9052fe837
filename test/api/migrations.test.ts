import { newId } from '../../src/crypto/ids';
import { Database } from '../../src/db/database';
import { OneWordForWeChat1796199768941 as MysqlOneWordForWeChat } from '../../src/db/migrations/mysql/1796199768941-OneWordForWeChat';
import { OneWordForWeChat1796199768941 as SqliteOneWordForWeChat } from '../../src/db/migrations/sqlite/1796199768941-OneWordForWeChat';
import { AccountTypeKind, RecordStatus, Vendor } from '../../src/domain/enums';
import { AccountType, Platform } from '../../src/entities';
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

  it('renames stored WEIXIN kinds to WECHAT, and can run again', async () => {
    const { settings, drop } = await database.create();
    const db = new Database(settings);
    try {
      await db.open({ migrate: true });
      const platformId = newId();
      await db.manager.insert(Platform, { id: platformId, name: 'legacy', status: RecordStatus.ACTIVE });
      const legacy = { platformId, vendor: Vendor.COLOURLIFE, name: 'WeChat', vendorPano: null, iconUrl: null };
      await db.manager.insert(AccountType, { ...legacy, id: newId(), kind: 'WEIXIN' as never, vendorAtid: '3' });
      await db.manager.insert(AccountType, { ...legacy, id: newId(), kind: AccountTypeKind.ALIPAY, vendorAtid: '4' });
      const migration = db.kind === 'mysql' ? new MysqlOneWordForWeChat() : new SqliteOneWordForWeChat();
      for (let run = 0; run < 2; run++) {
        const runner = db.dataSource.createQueryRunner();
        await migration.up(runner);
        await runner.release();
      }
      const kinds = (await db.manager.find(AccountType, { order: { vendorAtid: 'ASC' } })).map((type) => type.kind);
      expect(kinds).toEqual([AccountTypeKind.WECHAT, AccountTypeKind.ALIPAY]);
    } finally {
      await db.close();
      await drop();
    }
  });
});
