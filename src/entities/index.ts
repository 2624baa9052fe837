import { Account } from './account.entity';
import { AccountType } from './account-type.entity';
import { ApiKey } from './api-key.entity';
import { Biz } from './biz.entity';
import { CallbackInbox } from './callback-inbox.entity';
import { Client } from './client.entity';
import { IdempotencyKey } from './idempotency-key.entity';
import { Payout } from './payout.entity';
import { Platform } from './platform.entity';
import { ProviderConfig } from './provider-config.entity';
import { ReconciliationReport } from './reconciliation-report.entity';
import { StatusEvent } from './status-event.entity';
import { Transaction } from './transaction.entity';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export {
  Account,
  AccountType,
  ApiKey,
  Biz,
  CallbackInbox,
  Client,
  IdempotencyKey,
  Payout,
  Platform,
  ProviderConfig,
  ReconciliationReport,
  StatusEvent,
  Transaction,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
};

export const ALL_ENTITIES = [
  Platform,
  ApiKey,
  ProviderConfig,
  Client,
  Biz,
  AccountType,
  Account,
  Transaction,
  Payout,
  StatusEvent,
  IdempotencyKey,
  CallbackInbox,
  ReconciliationReport,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
];
