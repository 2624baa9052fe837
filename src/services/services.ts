import type { AppConfig } from '../config/config';
import type { SecretBox } from '../crypto/secret-box';
import type { Database } from '../db/database';
import { PayoutStatus, TransactionStatus } from '../domain/enums';
import { Payout, Transaction } from '../entities';
import type { Logger } from '../logging/logger';
import { Metrics } from '../observability/metrics';
import { AuthService } from './tenancy/auth-service';
import type { EventBus } from './events/event-bus';
import { EventFeeds } from './events/event-stream';
import { CallbackRegistry } from '../providers/callbacks';
import { Capability, ProviderRegistry } from '../providers/capabilities';
import { CashierAdapter } from '../providers/cashier';
import { cashierCallbackHandler } from '../providers/cashier';
import { VendorHttpClient } from '../providers/http-client';
import type { JobQueue } from '../jobs/job-queue';
import { BackgroundTasks } from '../jobs/background-tasks';
import { PaymentService } from './payments/payment-service';
import { InStorePaymentService } from './payments/in-store-payment-service';
import { RefundService } from './refunds/refund-service';
import { ShouqianbaAdapter } from '../providers/shouqianba';
import { ColourlifeAdapter, ColourlifeLedger } from '../providers/colourlife';
import { colourlifeCallbackHandler } from '../providers/colourlife';
import { LedgerAccounts } from './ledger/ledger-accounts';
import { LedgerStatement } from './ledger/ledger-statement';
import { LedgerSync } from './ledger/ledger-sync';
import { LedgerTransfers } from './ledger/ledger-transfers';
import { YunzhanghuAdapter, YunzhanghuGateway } from '../providers/yunzhanghu';
import { yunzhanghuCallbackHandler } from '../providers/yunzhanghu';
import { PayoutService } from './payouts/payout-service';
import { VerificationService } from './verification/verification-service';
import { ReconciliationService } from './reconciliation/reconciliation-service';
import { DEFAULT_IDEMPOTENCY_SETTINGS, IdempotencyService } from './tenancy/idempotency-service';
import { OutboxRelay, type OutboxSettings } from './events/outbox-relay';
import { PartyService } from './tenancy/party-service';
import { PlatformService } from './tenancy/platform-service';
import { ProviderConfigService } from './tenancy/provider-config-service';
import { ScopedReads } from './tenancy/scoped-reads';
import { EventLog } from './events/event-log';
import { StatusWriter } from './events/status-writer';
import { WebhookSender } from '../webhooks/webhook-sender';
import { DeliveryEngine } from './webhooks/delivery-engine';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookEndpoints } from './webhooks/webhook-endpoints';
import { WebhookService } from './webhooks/webhook-service';

/** The process-wide services. Stateless apart from caches; per-request state lives in the context. */
export interface Services {
  config: AppConfig;
  db: Database;
  logger: Logger;
  bus: EventBus;
  /** The subscriptions of this process, one ordered feed per platform. */
  feeds: EventFeeds;
  outbox: OutboxRelay;
  reads: ScopedReads;
  platforms: PlatformService;
  auth: AuthService;
  parties: PartyService;
  /** The one writer of statuses, events and callbacks' inbox rows. */
  statusWriter: StatusWriter;
  /** Reads of the event log. */
  eventLog: EventLog;
  providerConfigs: ProviderConfigService;
  idempotency: IdempotencyService;
  callbackHandlers: CallbackRegistry;
  /** Adapters by capability and vendor, and the routing of operations by configuration. */
  providers: ProviderRegistry;
  background: BackgroundTasks;
  payments: PaymentService;
  inStorePayments: InStorePaymentService;
  refunds: RefundService;
  ledger: { accounts: LedgerAccounts; transfers: LedgerTransfers; sync: LedgerSync; statement: LedgerStatement };
  payouts: PayoutService;
  verification: VerificationService;
  reconciliation: ReconciliationService;
  jobs: JobQueue;
  metrics: Metrics;
  /** Webhook endpoints, the delivery of the event log to them, and their delivery log. */
  webhooks: WebhookService;
}

export function createServices(deps: {
  config: AppConfig;
  db: Database;
  logger: Logger;
  bus: EventBus;
  secretBox: SecretBox;
  jobs: JobQueue;
  outboxSettings?: OutboxSettings;
}): Services {
  const reads = new ScopedReads(deps.db);
  const platforms = new PlatformService(deps.db);
  const auth = new AuthService(platforms, deps.secretBox);
  const outbox = new OutboxRelay(deps.db, deps.bus, deps.logger, deps.outboxSettings);
  const statusWriter = new StatusWriter(deps.db, outbox, deps.secretBox, deps.logger);
  const eventLog = new EventLog(deps.db);
  const providerConfigs = new ProviderConfigService(deps.db, deps.secretBox);
  const callbackHandlers = new CallbackRegistry();
  callbackHandlers.register(cashierCallbackHandler);
  const http = new VendorHttpClient(deps.logger);
  const feeds = new EventFeeds(deps.bus, eventLog, deps.logger);
  const webhooks = createWebhooks(deps, reads, statusWriter, eventLog);
  const metrics = new Metrics({
    liveSubscriptions: () => feeds.activeSubscriptions,
    jobQueueDepth: () => deps.jobs.depth(),
    pendingWebhooks: () => webhooks.pendingCount(),
    needsAttention: async () => ({
      transactions: await deps.db.manager.countBy(Transaction, { status: TransactionStatus.NEEDS_ATTENTION }),
      payouts: await deps.db.manager.countBy(Payout, { status: PayoutStatus.NEEDS_ATTENTION }),
    }),
  });
  http.observe = (vendor, operation, outcome, seconds) => {
    metrics.vendorCalls.inc({ vendor, operation, outcome });
    metrics.vendorDuration.observe({ vendor, operation }, seconds);
  };
  outbox.observeLag = (seconds) => metrics.outboxLag.observe(seconds);
  deps.jobs.onFailure = (job) => metrics.jobFailures.inc({ job });
  const colourlife = new ColourlifeAdapter(http);
  const ledgerGateway = new ColourlifeLedger(colourlife);
  callbackHandlers.register(colourlifeCallbackHandler(colourlife));
  callbackHandlers.register(yunzhanghuCallbackHandler);
  const yunzhanghu = new YunzhanghuGateway(new YunzhanghuAdapter(http));
  const cashier = new CashierAdapter(http);
  const providers = new ProviderRegistry(providerConfigs);
  providers.registerPayments(cashier);
  const shouqianba = new ShouqianbaAdapter(http, () => deps.config.inStore.requestTimeoutMs);
  providers.registerPayments(shouqianba);
  providers.register(Capability.LEDGER, ledgerGateway);
  providers.register(Capability.PAYOUTS, yunzhanghu);
  providers.register(Capability.VERIFICATION, yunzhanghu);
  const idempotency = new IdempotencyService(deps.db, {
    ...DEFAULT_IDEMPOTENCY_SETTINGS,
    waitMs: deps.config.idempotencyWaitMs,
  });
  const payouts = new PayoutService(
    deps.db,
    reads,
    statusWriter,
    idempotency,
    providers,
    deps.secretBox,
    yunzhanghu,
    deps.jobs,
    () => deps.config.paymentPollDelayMs,
  );
  const reconciliation = new ReconciliationService(deps.db, payouts, yunzhanghu, deps.logger);

  outbox.onCommitted = (events) => webhooks.dispatcher.notify(new Set(events.map((event) => event.platformId)));
  webhooks.engine.observeDelivered = (seconds) => metrics.webhookLatency.observe(seconds);
  webhooks.engine.observeAttempt = (delivered) =>
    metrics.webhookAttempts.inc({ result: delivered ? 'delivered' : 'failed' });
  const background = new BackgroundTasks(
    [
      { name: 'outbox-sweep', everyMs: outbox.sweepIntervalMs, run: () => outbox.sweep() },
      { name: 'waiting-callbacks', everyMs: 2000, run: () => statusWriter.applyWaiting() },
      { name: 'idempotency-purge', everyMs: 3_600_000, run: () => idempotency.purgeExpired() },
      { name: 'daily-reconciliation', everyMs: 3_600_000, run: () => reconciliation.runDaily() },
      { name: 'webhook-purge', everyMs: 3_600_000, run: () => webhooks.purgeFinished() },
      {
        name: 'webhook-sweep',
        everyMs: deps.config.webhooks.sweepIntervalMs,
        run: async () => [await webhooks.dispatcher.sweep(), await webhooks.engine.sweepDue()],
      },
    ],
    deps.logger,
  );
  const payments = new PaymentService(
    deps.db,
    reads,
    statusWriter,
    idempotency,
    providerConfigs,
    deps.secretBox,
    cashier,
    providers,
    () => deps.config.publicUrl,
    deps.jobs,
    () => deps.config.paymentPollDelayMs,
  );
  const parties = new PartyService(deps.db, reads, deps.secretBox, auth, deps.config.clientTokenTtlSeconds);
  const accounts = new LedgerAccounts(deps.db, reads, providers, parties, ledgerGateway, deps.logger);
  const sync = new LedgerSync(
    deps.db,
    reads,
    statusWriter,
    providers,
    ledgerGateway,
    accounts,
    deps.jobs,
    () => deps.config.publicUrl,
    () => deps.config.inStore.pollIntervalMs,
    deps.logger,
  );
  const ledger = {
    accounts,
    sync,
    transfers: new LedgerTransfers(deps.db, reads, statusWriter, idempotency, providers, ledgerGateway, sync),
    statement: new LedgerStatement(deps.db, reads, providers, ledgerGateway),
  };
  return {
    config: deps.config,
    db: deps.db,
    logger: deps.logger,
    bus: deps.bus,
    feeds,
    metrics,
    outbox,
    reads,
    platforms,
    auth,
    parties,
    statusWriter,
    eventLog,
    providerConfigs,
    idempotency,
    callbackHandlers,
    providers,
    background,
    jobs: deps.jobs,
    payments,
    inStorePayments: new InStorePaymentService(
      deps.db,
      reads,
      statusWriter,
      idempotency,
      providers,
      shouqianba,
      payments,
      deps.jobs,
      () => deps.config.inStore,
    ),
    payouts,
    verification: new VerificationService(payouts, yunzhanghu, providers),
    reconciliation,
    webhooks,
    ledger,
    refunds: new RefundService(
      deps.db,
      reads,
      statusWriter,
      idempotency,
      providers,
      shouqianba,
      deps.jobs,
      () => deps.config.inStore.pollIntervalMs,
    ),
  };
}

function createWebhooks(
  deps: Parameters<typeof createServices>[0],
  reads: ScopedReads,
  statusWriter: StatusWriter,
  eventLog: EventLog,
): WebhookService {
  const settings = deps.config.webhooks;
  const endpoints = new WebhookEndpoints(deps.db, reads, deps.secretBox, statusWriter, () => settings);
  const sender = new WebhookSender({ allowLoopback: settings.allowLoopback }, settings.timeoutMs);
  const engine = new DeliveryEngine(deps.db, endpoints, sender, deps.jobs, settings, deps.logger);
  const dispatcher = new WebhookDispatcher(deps.db, eventLog, engine, settings, deps.logger);
  endpoints.onChanged = ({ endpointId, platformId, ready }) => {
    engine.forgetEndpoint(endpointId);
    if (ready) dispatcher.wake(platformId);
  };
  return new WebhookService(deps.db, reads, endpoints, dispatcher, engine, settings, deps.logger);
}
