import type { Client } from 'graphql-ws';
import { EntityKind, EventSource, TransactionStatus } from '../../src/domain/enums';
import type { TestApp } from '../support/app';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { webSocketClient } from '../support/graphql-client';
import { describeWithMysqlAndRedis, startTwoInstances, type TwoInstances } from '../support/two-instances';
import { waitFor } from '../support/wait-for';

describeWithMysqlAndRedis('two instances on one MySQL and one Redis', () => {
  let instances: TwoInstances;
  let instanceA: TestApp;
  let urlB: string;
  let seeded: SeededPlatform;
  const sockets: Client[] = [];

  beforeAll(async () => {
    instances = await startTwoInstances();
    instanceA = instances.a;
    urlB = instances.urlB;
    seeded = await seedPlatform(instanceA.runtime.services, 'scale', 1);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await instances?.stop();
  });

  it('delivers a status change committed on instance A to a subscriber connected to instance B', async () => {
    const socket = webSocketClient(urlB, seeded.apiKey);
    sockets.push(socket);
    const received: any[] = [];
    let subscribed = false;
    socket.on('connected', () => (subscribed = true));
    const stop = socket.subscribe(
      { query: 'subscription { transactionUpdated { event { sequence toStatus source } transaction { status } } }' },
      { next: (value) => received.push(value), error: (error) => received.push({ error }), complete: () => undefined },
    );
    await waitFor(() => subscribed, 'the connection to instance B');
    const transition = async (to: TransactionStatus) =>
      instanceA.runtime.services.statusWriter.change({
        kind: EntityKind.TRANSACTION,
        entityId: seeded.transactionIds[0],
        platformId: seeded.platformId,
        to,
        source: EventSource.CALLBACK,
      });
    await waitFor(() => instanceBHasSubscriber(), 'the subscription on B');
    await transition(TransactionStatus.PROCESSING);
    await transition(TransactionStatus.SUCCEEDED);
    await waitFor(() => received.length >= 2, 'both events on instance B', 15_000);
    expect(received.map((value) => value.data?.transactionUpdated)).toEqual([
      {
        event: expect.objectContaining({ toStatus: 'PROCESSING', source: 'CALLBACK' }),
        transaction: expect.any(Object),
      },
      { event: expect.objectContaining({ toStatus: 'SUCCEEDED' }), transaction: { status: 'SUCCEEDED' } },
    ]);
    stop();
  });

  /** Instance B reports its live subscriptions through /healthz. */
  async function instanceBHasSubscriber(): Promise<boolean> {
    const health = (await (await fetch(`${urlB}/healthz`)).json()) as { subscriptions?: number };
    return (health.subscriptions ?? 0) > 0;
  }
});
