import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Client } from 'graphql-ws';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { webSocketClient } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';

const REDIS_SERVER = '/usr/bin/redis-server';
// A private Redis on its own port, so restarting it cannot disturb other suites.
const describeWithRedisServer = process.env.REDIS_URL && existsSync(REDIS_SERVER) ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'pipe' },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  await waitFor(() => /Ready to accept connections/.test(output), 'redis to start');
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describeWithRedisServer('a Redis restart while subscribers are connected', () => {
  let app: TestApp;
  let seeded: SeededPlatform;
  let redis: ChildProcess;
  let port: number;
  const sockets: Client[] = [];

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    app = await startTestApp(
      testDatabases()[0],
      { redisUrl: `redis://127.0.0.1:${port}` },
      {},
      { outbox: { sweepIntervalMs: 100, graceMs: 300 } },
    );
    seeded = await seedPlatform(app.runtime.services, 'redis-restart', 0);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await app?.stop();
    if (redis && redis.exitCode === null) await stopRedis(redis);
  });

  function newTransaction(): Promise<string> {
    return insertTransaction(app.runtime.services, seeded.platformId, {
      clientId: seeded.clientIds[0],
      bizId: seeded.bizId,
      payerAccountId: null,
      payeeAccountId: null,
    });
  }

  it('delivers every event committed while Redis was down, once and in order, after it returns', async () => {
    const socket = webSocketClient(app.url, seeded.apiKey);
    sockets.push(socket);
    const sequences: number[] = [];
    socket.subscribe(
      { query: 'subscription { transactionUpdated { event { sequence } } }' },
      {
        next: (value: any) => sequences.push(value.data.transactionUpdated.event.sequence),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 1, 'the subscription');
    await newTransaction();
    await waitFor(() => sequences.length === 1, 'the first event');

    await stopRedis(redis);
    // Committed while the bus is gone: the publishes fail or wait, the events stay in the log.
    for (let n = 0; n < 3; n += 1) await newTransaction();

    redis = await startRedis(port);
    // One more after the restart. Whatever the bus lost meanwhile is read from the log: the
    // subscriber connection's reconnect triggers a catch-up, and any later event a gap fill.
    await newTransaction();
    await waitFor(() => sequences.length >= 5, 'all five events', 30_000);
    const log = (await app.runtime.services.eventLog.eventsFrom(seeded.platformId, 1)).map((event) => event.sequence);
    expect(sequences).toEqual(log.slice(-5));
  });
});
