import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeDataKey, type AppConfig } from './config/config';
import { SecretBox } from './crypto/secret-box';
import { Database } from './db/database';
import { startHttpServer, type RunningHttpServer } from './http/app';
import type { Logger } from './logging/logger';
import { InProcessEventBus, RedisEventBus, type EventBus } from './services/events/event-bus';
import type { OutboxSettings } from './services/events/outbox-relay';
import { Sandboxes } from './sandbox/sandboxes';
import { createServices, type Services } from './services/services';
import { BullMqJobQueue } from './jobs/bullmq-job-queue';
import { InProcessJobQueue, type JobQueue } from './jobs/job-queue';
import { PaymentService } from './services/payments/payment-service';
import { InStorePaymentService } from './services/payments/in-store-payment-service';
import { RefundService } from './services/refunds/refund-service';
import { LedgerSync } from './services/ledger/ledger-sync';
import { PayoutService } from './services/payouts/payout-service';
import { DeliveryEngine } from './services/webhooks/delivery-engine';
import { createWebhookSnapshots } from './graphql/webhook-snapshots';

/**
 * Outside production a missing DATA_KEY is generated once and kept under DATA_DIR, so
 * `npm start` works with no setup and encrypted rows stay readable across restarts.
 */
export function resolveDataKey(config: AppConfig, logger: Logger): Buffer {
  if (config.dataKey) return config.dataKey;
  const file = join(config.dataDir, 'data-key');
  if (existsSync(file)) {
    const key = decodeDataKey(readFileSync(file, 'utf8'));
    if (!key) throw new Error(`${file} does not hold a 32-byte key`);
    return key;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  logger.warn({ file }, 'DATA_KEY is not set: generated a development key; set DATA_KEY in production');
  return key;
}

export interface Runtime {
  config: AppConfig;
  services: Services;
  /** The vendor emulators, when SANDBOX is on. */
  sandboxes?: Sandboxes;
  http?: RunningHttpServer;
  startHttp(port?: number, host?: string): Promise<RunningHttpServer>;
  stop(): Promise<void>;
}

/** Opens the database (running migrations), builds the services; HTTP is started separately. */
export async function createRuntime(
  config: AppConfig,
  logger: Logger,
  options: { outbox?: OutboxSettings; background?: boolean } = {},
): Promise<Runtime> {
  const db = new Database(config.database, logger);
  await db.open({ migrate: true });
  // Redis when configured, so an event committed on one instance reaches every instance.
  const bus: EventBus = config.redisUrl
    ? await RedisEventBus.connect(config.redisUrl, logger)
    : new InProcessEventBus();
  const jobs: JobQueue = config.redisUrl
    ? new BullMqJobQueue(config.redisUrl, logger, config.jobQueue)
    : new InProcessJobQueue(logger);
  const services = createServices({
    config,
    db,
    logger,
    bus,
    jobs,
    secretBox: new SecretBox(resolveDataKey(config, logger)),
    outboxSettings: options.outbox,
  });
  // Webhook bodies carry entities as the schema shows them.
  services.webhooks.dispatcher.snapshots = createWebhookSnapshots(services);
  if (options.background !== false) {
    services.background.start();
    await jobs.start({
      [PaymentService.POLL_JOB]: (data, attempt) => services.payments.pollPayment(data, attempt),
      [InStorePaymentService.POLL_JOB]: (data, attempt) => services.inStorePayments.pollThenCancel(data, attempt),
      [RefundService.RETRY_JOB]: (data, attempt) => services.refunds.retry(data, attempt),
      [LedgerSync.SYNC_JOB]: (data, attempt) => services.ledger.sync.syncJob(data, attempt),
      [PayoutService.POLL_JOB]: (data, attempt) => services.payouts.poll(data, attempt),
      [DeliveryEngine.RETRY_JOB]: (data) => services.webhooks.engine.retry(data),
    });
    // The database, not the queue, says what still needs work: in-process jobs die with the
    // process, and even with BullMQ a crash between a vendor call and its commit leaves a row
    // open with no job (the poll is scheduled only after the answer). Every open row gets its
    // job again; the queues dedupe work already pending, so instances starting together or a
    // job that survived in Redis run it once.
    await services.payments.rescheduleOpenPayments();
    await services.inStorePayments.rescheduleOpen();
    await services.refunds.rescheduleUncertain();
    await services.ledger.sync.rescheduleUnresolved();
    await services.payouts.rescheduleOpen();
  }
  // The in-process sandboxes notify only this server's own callback routes: a platform's
  // notifyUrl or backurl can never make the server call anything else.
  const ownCallbackRoute = (target: string): boolean => {
    const url = new URL(target);
    if (!url.pathname.startsWith('/callbacks/')) return false;
    if (url.origin === new URL(config.publicUrl).origin) return true;
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return loopback && runtime.http !== undefined && Number(url.port) === runtime.http.port;
  };
  const sandboxes = config.sandbox ? new Sandboxes(logger, ownCallbackRoute) : undefined;
  if (sandboxes && config.nodeEnv === 'production')
    logger.warn(
      'SANDBOX=on in production: the vendor sandboxes and their _admin routes are served; never point real money at them',
    );
  if (sandboxes) await sandboxes.restoreMerchants(services);
  const runtime: Runtime = {
    config,
    services,
    sandboxes,
    async startHttp(port = config.port, host = config.host) {
      runtime.http = await startHttpServer(services, port, host, sandboxes);
      if (!config.publicUrlExplicit) {
        config.publicUrl = `http://${host === '127.0.0.1' ? '127.0.0.1' : 'localhost'}:${runtime.http.port}`;
      }
      return runtime.http;
    },
    async stop() {
      await runtime.http?.close();
      sandboxes?.stop();
      await services.background.stop();
      await services.webhooks.dispatcher.idle();
      await services.webhooks.engine.stop();
      await jobs.close();
      await services.outbox.stop();
      await bus.close();
      await db.close();
    },
  };
  return runtime;
}
