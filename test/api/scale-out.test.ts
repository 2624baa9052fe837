import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { EntityKind, EventSource, TransactionStatus } from '../../src/domain/enums';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases, type TestDatabase } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { webSocketClient } from '../support/graphql-client';
import { PROJECT_ROOT, startProcess, waitForOutput, type RunningProcess } from '../support/processes';
import { waitFor } from '../support/wait-for';

const mysql = testDatabases().find((database) => database.name === 'mysql');
const redisUrl = process.env.REDIS_URL;
// Runs whenever MySQL and Redis are configured (always in CI); embedded mode has one process.
const describeScaleOut = mysql && redisUrl ? describe : describe.skip;

describeScaleOut('two instances on one MySQL and one Redis', () => {
  let drop: () => Promise<void>;
  let instanceA: TestApp;
  let instanceB: RunningProcess;
  let urlB: string;
  let seeded: SeededPlatform;
  const sockets: Client[] = [];

  beforeAll(async () => {
    const created = await (mysql as TestDatabase).create();
    drop = created.drop;
    const dataKey = randomBytes(32);
    const shared: TestDatabase = {
      name: 'mysql',
      create: async () => ({ settings: created.settings, drop: async () => undefined }),
    };
    const jobQueue = `paygraph-test-${randomBytes(4).toString('hex')}`;
    instanceA = await startTestApp(shared, { redisUrl, dataKey, jobQueue });
    seeded = await seedPlatform(instanceA.runtime.services, 'scale', 1);
    instanceB = startProcess(['-r', '@swc-node/register', join(PROJECT_ROOT, 'test', 'support', 'instance.ts')], {
      DATABASE_URL: created.settings.kind === 'mysql' ? created.settings.url : '',
      REDIS_URL: redisUrl,
      DATA_KEY: dataKey.toString('hex'),
      JOB_QUEUE: jobQueue,
      LOG_LEVEL: 'warn',
      SANDBOX: 'off',
    });
    const [, port] = await waitForOutput(instanceB, /READY (\d+)/, 'instance B');
    urlB = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await instanceB?.stop();
    await instanceA?.stop();
    await drop?.();
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
      instanceA.runtime.services.events.transition({
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
