import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data only, written by hand: WeChat has one name in the schema (WECHAT), so the account kinds
 * and checkout actions stored as WEIXIN follow. Safe to run again.
 */
export class OneWordForWeChat1796199768941 implements MigrationInterface {
  name = 'OneWordForWeChat1796199768941';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "account_types" SET "kind" = 'WECHAT' WHERE "kind" = 'WEIXIN'`);
    await queryRunner.query(
      `UPDATE "transactions" SET "vendorData" = REPLACE("vendorData", '"action":"WEIXIN"', '"action":"WECHAT"') WHERE "vendorData" LIKE '%"action":"WEIXIN"%'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "account_types" SET "kind" = 'WEIXIN' WHERE "kind" = 'WECHAT'`);
    await queryRunner.query(
      `UPDATE "transactions" SET "vendorData" = REPLACE("vendorData", '"action":"WECHAT"', '"action":"WEIXIN"') WHERE "vendorData" LIKE '%"action":"WECHAT"%'`,
    );
  }
}
