// Generated list: scripts/generate-migration.ts appends each new migration here.
import { Webhooks1796210039659 } from './1796210039659-Webhooks';
import { SchemaReview1796200065585 } from './1796200065585-SchemaReview';
import { OneWordForWeChat1796199768941 } from './1796199768941-OneWordForWeChat';
import { ReconciliationReports1795314595838 } from './1795314595838-ReconciliationReports';
import { IdempotencyAndInbox1795306368006 } from './1795306368006-IdempotencyAndInbox';
import { EventPublishedAt1795305991783 } from './1795305991783-EventPublishedAt';
import { Initial1795304034000 } from './1795304034000-Initial';
export const MYSQL_MIGRATIONS: Function[] = [
  Initial1795304034000,
  EventPublishedAt1795305991783,
  IdempotencyAndInbox1795306368006,
  ReconciliationReports1795314595838,
  OneWordForWeChat1796199768941,
  SchemaReview1796200065585,
  Webhooks1796210039659,
];
