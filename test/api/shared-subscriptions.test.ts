import type { Client } from 'graphql-ws';
import { toGlobalId } from '../../src/graphql/global-id';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { collectSubscription, graphqlData, webSocketClient } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';

const UPDATES = `subscription {
  transactionUpdated {
    event { entityId toStatus sequence }
    transaction { id amount { fen } client { id name } biz { id name } }
  }
}`;

/**
 * A subscription's payload is executed once per group of subscribers that would get the same
 * result, and shared. Each subscriber must still get exactly what its own execution would
 * have given: the same data, its own visibility, and a client token never another client's.
 */
describe.each(testDatabases())('shared subscription execution, on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  const sockets: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(database, {}, {}, { background: false });
    seeded = await seedPlatform(app.runtime.services, 'shared', 0);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await app?.stop();
  });

  const tokenOf = (clientId: string) =>
    app.runtime.services.auth.signClientToken(seeded.platformId, clientId, 600).token;

  function subscriber(credential: string) {
    const socket = webSocketClient(app.url, credential);
    sockets.push(socket);
    return collectSubscription(socket, UPDATES).result;
  }

  it('executes once per group and gives every member what its own execution gives', async () => {
    const [first, second] = seeded.clientIds;
    const platformA = subscriber(seeded.apiKey);
    const platformB = subscriber(seeded.apiKey);
    const firstClient = subscriber(tokenOf(first));
    const firstClientAgain = subscriber(tokenOf(first));
    const secondClient = subscriber(tokenOf(second));
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 5, 'five subscriptions');

    const before = app.http.subscriptionExecutions();
    const ids = [];
    for (const clientId of [first, second])
      ids.push(
        await insertTransaction(app.runtime.services, seeded.platformId, {
          clientId,
          bizId: seeded.bizId,
          payerAccountId: null,
          payeeAccountId: null,
        }),
      );
    await waitFor(
      () =>
        platformA.events.length === 2 &&
        platformB.events.length === 2 &&
        firstClient.events.length === 1 &&
        firstClientAgain.events.length === 1 &&
        secondClient.events.length === 1,
      'every delivery',
    );

    // Each event executed once per visibility that may see it: the platform's, and its client's.
    expect(app.http.subscriptionExecutions() - before).toBe(4);
    expect(platformB.events).toEqual(platformA.events);
    expect(firstClientAgain.events).toEqual(firstClient.events);
    // A client hears only its own, and the fields a client token may read of it.
    const only = (events: any[]) => events.map((e) => e.transactionUpdated.transaction.id);
    expect(only(firstClient.events)).toEqual([toGlobalId('Transaction', ids[0])]);
    expect(only(secondClient.events)).toEqual([toGlobalId('Transaction', ids[1])]);

    // What each one's own execution gives: the same transaction read by the same credential.
    const READ = `query($id: ID!) { node(id: $id) { ... on Transaction { id amount { fen } client { id name } biz { id name } } } }`;
    for (const [events, credential, index] of [
      [platformA.events, seeded.apiKey, 0],
      [platformA.events, seeded.apiKey, 1],
      [firstClient.events, tokenOf(first), 0],
      [secondClient.events, tokenOf(second), 0],
    ] as const) {
      const delivered = events[index].transactionUpdated.transaction;
      const own = (await graphqlData(app.url, READ, { id: delivered.id }, credential)).node;
      expect(delivered).toEqual(own);
    }
    // The merchant is the other side of a client's payment: its name only reaches the platform.
    expect(firstClient.events[0].transactionUpdated.transaction.biz).toEqual(
      (await graphqlData(app.url, READ, { id: toGlobalId('Transaction', ids[0]) }, tokenOf(first))).node.biz,
    );
  });
});
