import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics, one registry per process (tests build several apps in one process, so
 * nothing registers globally). Labels are bounded: operation names are cut to 64 characters,
 * vendor paths come from the adapters' fixed endpoint lists.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly graphqlRequests = new Counter({
    name: 'paygraph_graphql_requests_total',
    help: 'GraphQL operations answered, by operation name and whether they carried errors.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'paygraph_graphql_request_duration_seconds',
    help: 'Time to answer a GraphQL operation, by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly vendorCalls = new Counter({
    name: 'paygraph_vendor_calls_total',
    help: 'Calls to vendors: ok (an answer arrived), refused (a 4xx answer), unknown_outcome (sent, no answer: timeout, dropped connection, 5xx), not_sent.',
    labelNames: ['vendor', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly vendorDuration = new Histogram({
    name: 'paygraph_vendor_call_duration_seconds',
    help: 'Time of a vendor call, by vendor and operation.',
    labelNames: ['vendor', 'operation'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly callbacks = new Counter({
    name: 'paygraph_callbacks_total',
    help: 'Vendor callbacks, by result: applied, duplicate, rejected (failure reply), parked (waiting for its row), not_found.',
    labelNames: ['vendor', 'result'] as const,
    registers: [this.registry],
  });

  readonly outboxLag = new Histogram({
    name: 'paygraph_outbox_lag_seconds',
    help: 'From the commit of a status event to its publication to subscribers.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
    registers: [this.registry],
  });

  readonly webhookLatency = new Histogram({
    name: 'paygraph_webhook_delivery_seconds',
    help: 'From a webhook delivery being made (just after its event commits) to its 2xx, first attempts only.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 10],
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'paygraph_webhook_attempts_total',
    help: 'Webhook attempts, by result: delivered, failed.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: 'paygraph_job_failures_total',
    help: 'Background job runs that threw, by job name.',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });

  constructor(sources: {
    liveSubscriptions: () => number;
    jobQueueDepth: () => Promise<number>;
    pendingWebhooks: () => Promise<number>;
    needsAttention: () => Promise<{ transactions: number; payouts: number }>;
  }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'paygraph_process_' });
    new Gauge({
      name: 'paygraph_live_subscriptions',
      help: 'GraphQL subscriptions open on this instance.',
      registers: [this.registry],
      collect() {
        this.set(sources.liveSubscriptions());
      },
    });
    new Gauge({
      name: 'paygraph_job_queue_depth',
      help: 'Background jobs waiting or delayed (for BullMQ: in the shared queue).',
      registers: [this.registry],
      async collect() {
        this.set(await sources.jobQueueDepth().catch(() => -1));
      },
    });
    new Gauge({
      name: 'paygraph_webhook_pending_deliveries',
      help: 'Webhook deliveries not yet answered 2xx, on every platform: waiting, in flight or to be retried.',
      registers: [this.registry],
      async collect() {
        this.set(await sources.pendingWebhooks().catch(() => -1));
      },
    });
    new Gauge({
      name: 'paygraph_needs_attention',
      help: 'Entities in NEEDS_ATTENTION: the outcome is not confirmed by the vendor; see README, Operating.',
      labelNames: ['entity'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await sources.needsAttention().catch(() => undefined);
        if (!counts) return;
        this.set({ entity: 'transaction' }, counts.transactions);
        this.set({ entity: 'payout' }, counts.payouts);
      },
    });
  }

  /** A bounded label for a GraphQL operation. */
  static operationLabel(name: string | null | undefined): string {
    return name ? name.slice(0, 64) : 'anonymous';
  }
}
