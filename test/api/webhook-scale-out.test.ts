import { fromGlobalIdOf } from '../../src/graphql/global-id';
import { EntityKind, EventSource, TransactionKind, TransactionStatus } from '../../src/domain/enums';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/services/webhooks/webhook-settings';
import { WebhookAttempt, WebhookDelivery } from '../../src/entities';
import { insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { graphqlData } from '../support/graphql-client';
import { describeWithMysqlAndRedis, startTwoInstances, type TwoInstances } from '../support/two-instances';
import { waitFor } from '../support/wait-for';
import { CREATE_WEBHOOK_ENDPOINT, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const TOGGLE = (name: string) => `mutation($id: ID!) { ${name}(input: { id: $id }) { __typename } }`;

/**
 * Two instances dispatch, send, retry (BullMQ jobs) and sweep the same deliveries at once,
 * sweeping every 50 ms to make them collide: every event is delivered, and no attempt is ever
 * made by both (each request the receiver got is one recorded attempt, and no two requests
 * of one event overlap).
 */
describeWithMysqlAndRedis('webhooks from two instances on one MySQL and one Redis', () => {
  let instances: TwoInstances;
  let receiver: WebhookReceiver;
  let seeded: SeededPlatform;
  const firstTries = new Set<string>();

  beforeAll(async () => {
    // Every event's first attempt fails, so its retry is a job either instance may take.
    receiver = await startWebhookReceiver((hook) => {
      if (firstTries.has(hook.json.id)) return 200;
      firstTries.add(hook.json.id);
      return 500;
    });
    instances = await startTwoInstances(
      {
        webhooks: {
          ...DEFAULT_WEBHOOK_SETTINGS,
          retryBaseMs: 50,
          retryMaxMs: 200,
          leaseMs: 5000,
          sweepIntervalMs: 50,
          allowLoopback: true,
          requireHttps: false,
        },
      },
      {
        WEBHOOK_RETRY_BASE_SECONDS: '0.05',
        WEBHOOK_RETRY_MAX_SECONDS: '0.2',
        WEBHOOK_LEASE_SECONDS: '5',
        WEBHOOK_SWEEP_SECONDS: '0.05',
      },
    );
    seeded = await seedPlatform(instances.a.runtime.services, 'hooks-scale', 0);
  });

  afterAll(async () => {
    await instances?.stop();
    await receiver?.stop();
  });

  it('delivers every event, each attempt made by one instance only', async () => {
    const services = instances.a.runtime.services;
    const created = await graphqlData(
      instances.urlB,
      CREATE_WEBHOOK_ENDPOINT,
      { input: { url: receiver.url } },
      seeded.apiKey,
    );
    const other = await graphqlData(
      instances.urlB,
      CREATE_WEBHOOK_ENDPOINT,
      { input: { url: `${receiver.url}/other`, eventTypes: ['REFUND'] } },
      seeded.apiKey,
    );
    const otherId = other.createWebhookEndpoint.webhookEndpoint.id;
    const who = { clientId: seeded.clientIds[0], bizId: seeded.bizId, payerAccountId: null, payeeAccountId: null };
    const payments: string[] = [];
    for (let index = 0; index < 20; index += 1) {
      // Events committed on A (payments) and on B (the other endpoint disabled and enabled).
      payments.push(await insertTransaction(services, seeded.platformId, who, { kind: TransactionKind.PAYMENT }));
      if (index % 5 === 0) {
        await graphqlData(instances.urlB, TOGGLE('disableWebhookEndpoint'), { id: otherId }, seeded.apiKey);
        await graphqlData(instances.urlB, TOGGLE('enableWebhookEndpoint'), { id: otherId }, seeded.apiKey);
      }
    }
    for (const id of payments)
      await services.statusWriter.change({
        kind: EntityKind.TRANSACTION,
        entityId: id,
        platformId: seeded.platformId,
        to: TransactionStatus.SUCCEEDED,
        source: EventSource.CALLBACK,
      });
    const endpointId = fromGlobalIdOf('WebhookEndpoint', created.createWebhookEndpoint.webhookEndpoint.id, 'id');
    const expected = 20 * 2 + 4 * 2;
    const deliveries = await waitFor(
      async () => {
        const rows = await services.db.manager.find(WebhookDelivery, { where: { endpointId } });
        return rows.length === expected && rows.every((row) => row.status === 'DELIVERED') && rows;
      },
      'every event delivered',
      30_000,
    );
    const attempts = await services.db.manager.find(WebhookAttempt, { where: { endpointId } });
    for (const delivery of deliveries) {
      const cursor = JSON.parse(delivery.body).id;
      const requests = receiver.received.filter((hook) => hook.json.id === cursor);
      // One request per recorded attempt: no attempt was sent twice.
      expect(requests).toHaveLength(attempts.filter((attempt) => attempt.deliveryId === delivery.id).length);
      expect(requests.map((request) => request.json.id)).toEqual([cursor, cursor]);
      // The retry began after the first attempt was answered.
      expect(requests[1].receivedAt).toBeGreaterThanOrEqual(requests[0].answeredAt as number);
    }
    // In order per payment: its SUCCEEDED was first sent after its PENDING was delivered.
    for (const id of payments) {
      const own = receiver.received.filter(
        (hook) => hook.json.entity?.id?.length && hook.json.entity.orderNo === `ord-${id}`,
      );
      const pendingDelivered = own.findIndex((hook, index) => hook.json.toStatus === 'PENDING' && index > 0);
      const succeededFirst = own.findIndex((hook) => hook.json.toStatus === 'SUCCEEDED');
      expect(succeededFirst).toBeGreaterThan(pendingDelivered);
    }
  });
});
