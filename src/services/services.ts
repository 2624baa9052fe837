import type { AppConfig } from '../config/config';
import type { SecretBox } from '../crypto/secret-box';
import type { Database } from '../db/database';
import type { Logger } from '../logging/logger';
import { AuthService } from './auth-service';
import type { EventBus } from './event-bus';
import { IdempotencyService } from './idempotency-service';
import { OutboxRelay, type OutboxSettings } from './outbox-relay';
import { PartyService } from './party-service';
import { PlatformService } from './platform-service';
import { ProviderConfigService } from './provider-config-service';
import { ScopedReads } from './scoped-reads';
import { StatusEventService } from './status-event-service';

/** The process-wide services. Stateless apart from caches; per-request state lives in the context. */
export interface Services {
  config: AppConfig;
  db: Database;
  logger: Logger;
  bus: EventBus;
  outbox: OutboxRelay;
  reads: ScopedReads;
  platforms: PlatformService;
  auth: AuthService;
  parties: PartyService;
  events: StatusEventService;
  providerConfigs: ProviderConfigService;
  idempotency: IdempotencyService;
}

export function createServices(deps: {
  config: AppConfig;
  db: Database;
  logger: Logger;
  bus: EventBus;
  secretBox: SecretBox;
  outboxSettings?: OutboxSettings;
}): Services {
  const reads = new ScopedReads(deps.db);
  const platforms = new PlatformService(deps.db);
  const auth = new AuthService(platforms, deps.secretBox);
  const outbox = new OutboxRelay(deps.db, deps.bus, deps.logger, deps.outboxSettings);
  return {
    config: deps.config,
    db: deps.db,
    logger: deps.logger,
    bus: deps.bus,
    outbox,
    reads,
    platforms,
    auth,
    parties: new PartyService(deps.db, reads, deps.secretBox, auth, deps.config.clientTokenTtlSeconds),
    events: new StatusEventService(deps.db, outbox, deps.logger),
    providerConfigs: new ProviderConfigService(deps.db, deps.secretBox),
    idempotency: new IdempotencyService(deps.db),
  };
}
