import type { Client } from 'graphql-ws';
import { EntityKind, EventSource, TransactionStatus } from '../../src/domain/enums';
import { toMessage } from '../../src/services/events/event-bus';
import { appendEvents } from '../../src/services/events/event-sequence';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { webSocketClient } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';

const SUBSCRIPTION = `subscription($after: String) {
  transactionUpdated(after: $after) {
    event { sequence cursor toStatus entityId }
    transaction { id status }
  }
}`;

interface Received {
  sequence: number;
  cursor: string;
  toStatus: string;
}

function subscribe(client: Client, after?: string) {
  const received: Received[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe(
    { query: SUBSCRIPTION, variables: { after: after ?? null } },
    {
      next: (value: any) =>
        value.errors ? errors.push(...value.errors) : received.push(value.data.transactionUpdated.event),
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { received, errors, stop };
}

/** Every transaction event of the platform in the log, oldest first. */
async function logSequences(app: TestApp, platformId: string): Promise<number[]> {
  const events = await app.runtime.services.eventLog.eventsFrom(platformId, 1);
  return events.filter((event) => event.entityKind === EntityKind.TRANSACTION).map((event) => event.sequence);
}

describe.each(testDatabases({ sqlJs: true }))('lossless event delivery on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  const sockets: Client[] = [];

  beforeAll(async () => {
    // A fast outbox sweep so the crash-between-commit-and-publish case resolves in a second.
    app = await startTestApp(database, {}, {}, { outbox: { sweepIntervalMs: 100, graceMs: 300 } });
    seeded = await seedPlatform(app.runtime.services, 'delivery', 1);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await app?.stop();
  });

  function connect(): Client {
    const socket = webSocketClient(app.url, seeded.apiKey);
    sockets.push(socket);
    return socket;
  }

  async function newTransaction(): Promise<string> {
    return insertTransaction(app.runtime.services, seeded.platformId, {
      clientId: seeded.clientIds[0],
      bizId: seeded.bizId,
      payerAccountId: seeded.clientAccountIds[0],
      payeeAccountId: seeded.bizAccountId,
    });
  }

  it('resumes from a cursor after a disconnect while events keep arriving: no gap, no duplicate', async () => {
    const first = subscribe(connect());
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 1, 'the first subscription');
    await newTransaction();
    await newTransaction();
    await waitFor(() => first.received.length === 2, 'two live events');
    const lastSeen = first.received[1];
    first.stop();
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 0, 'the disconnect');

    // Events committed while nobody listens.
    for (let n = 0; n < 5; n += 1) await newTransaction();

    const resumed = subscribe(connect(), lastSeen.cursor);
    await waitFor(() => resumed.received.length === 5, 'the five missed events from the log');
    // And live ones after the backlog, racing with it.
    for (let n = 0; n < 3; n += 1) await newTransaction();
    await waitFor(() => resumed.received.length === 8, 'three more live events');

    const expected = (await logSequences(app, seeded.platformId)).filter((sequence) => sequence > lastSeen.sequence);
    expect(resumed.received.map((event) => event.sequence)).toEqual(expected);
    expect(resumed.errors).toEqual([]);
    resumed.stop();
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 0, 'the unsubscribe');
  });

  it('fills gaps and drops duplicates when the bus loses, repeats or reorders messages', async () => {
    const subscriber = subscribe(connect());
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 1, 'a subscription');
    const { db } = app.runtime.services;
    const transactionId = await newTransaction();
    await waitFor(() => subscriber.received.length === 1, 'the creation event');

    // Three status changes committed, but the bus only carries the last one, twice, and an old one.
    const written = await app.runtime.services.db.transaction(async (manager) => {
      const rows = [];
      for (const toStatus of [
        TransactionStatus.PROCESSING,
        TransactionStatus.NEEDS_ATTENTION,
        TransactionStatus.SUCCEEDED,
      ]) {
        rows.push(
          ...(await appendEvents(db, manager, [
            {
              platformId: seeded.platformId,
              entityKind: EntityKind.TRANSACTION,
              parentId: null,
              entityId: transactionId,
              clientId: seeded.clientIds[0],
              bizId: seeded.bizId,
              fromStatus: null,
              toStatus,
              source: EventSource.CALLBACK,
              terminal: toStatus === TransactionStatus.SUCCEEDED,
              detail: null,
            },
          ])),
        );
      }
      return rows;
    });
    await app.runtime.services.bus.publish(toMessage(written[2]));
    await app.runtime.services.bus.publish(toMessage(written[2]));
    await app.runtime.services.bus.publish(toMessage(written[0]));
    await waitFor(() => subscriber.received.length === 4, 'the filled gap');
    expect(subscriber.received.slice(1).map((event) => [event.sequence, event.toStatus])).toEqual(
      written.map((event) => [event.sequence, event.toStatus]),
    );
    subscriber.stop();
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 0, 'the unsubscribe');
  });

  it('still delivers an event whose writer died between commit and publish (outbox sweep)', async () => {
    const subscriber = subscribe(connect());
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 1, 'a subscription');
    const transactionId = await newTransaction();
    await waitFor(() => subscriber.received.length === 1, 'the creation event');
    // Committed, never published: what a crash right after COMMIT leaves behind.
    const [orphan] = await app.runtime.services.db.transaction((manager) =>
      appendEvents(app.runtime.services.db, manager, [
        {
          platformId: seeded.platformId,
          entityKind: EntityKind.TRANSACTION,
          parentId: null,
          entityId: transactionId,
          clientId: seeded.clientIds[0],
          bizId: seeded.bizId,
          fromStatus: 'PENDING',
          toStatus: TransactionStatus.FAILED,
          source: EventSource.POLL,
          terminal: true,
          detail: null,
        },
      ]),
    );
    await waitFor(() => subscriber.received.length === 2, 'the sweep to publish the orphaned event');
    expect(subscriber.received[1]).toMatchObject({ sequence: orphan.sequence, toStatus: 'FAILED' });
    const [row] = await app.runtime.services.eventLog.eventsFrom(seeded.platformId, orphan.sequence, orphan.sequence);
    await waitFor(async () => {
      const [fresh] = await app.runtime.services.eventLog.eventsFrom(seeded.platformId, row.sequence, row.sequence);
      return fresh.publishedAt !== null;
    }, 'the event to be marked published');
    subscriber.stop();
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 0, 'the unsubscribe');
  });

  it('rejects a malformed resume cursor with BAD_USER_INPUT', async () => {
    const bad = subscribe(connect(), 'not-a-cursor');
    await waitFor(() => bad.errors.length > 0, 'the refusal');
    expect(JSON.stringify(bad.errors)).toMatch(/BAD_USER_INPUT/);
  });
});
