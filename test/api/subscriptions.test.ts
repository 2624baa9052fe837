import type { Client } from 'graphql-ws';
import { EntityKind, EventSource, TransactionStatus } from '../../src/domain/enums';
import { toGlobalId } from '../../src/graphql/global-id';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { collectSubscription as collect, webSocketClient } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';

const SUBSCRIPTION = `subscription($filter: UpdateFilter) {
  transactionUpdated(filter: $filter) {
    event { sequence fromStatus toStatus source terminal entityId }
    transaction { id status amount { yuan } }
  }
}`;

describe.each(testDatabases())('subscriptions over graphql-ws on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  const clients: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(database);
    seeded = await seedPlatform(app.runtime.services, 'subs', 1);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await app?.stop();
  });

  function connect(token?: string): Client {
    const client = webSocketClient(app.url, token);
    clients.push(client);
    return client;
  }

  it('delivers committed status changes, scoped to the client token and the filter', async () => {
    const tokenOf = (clientId: string) =>
      app.runtime.services.auth.signClientToken(seeded.platformId, clientId, 300).token;
    const platformSubscriber = collect(connect(seeded.apiKey), SUBSCRIPTION);
    const ownerSubscriber = collect(connect(tokenOf(seeded.clientIds[0])), SUBSCRIPTION);
    const otherClientSubscriber = collect(connect(tokenOf(seeded.clientIds[1])), SUBSCRIPTION);
    const filtered = collect(connect(seeded.apiKey), SUBSCRIPTION, {
      filter: { id: toGlobalId('Transaction', seeded.transactionIds[1]) },
    });
    const transactionId = seeded.transactionIds[0];
    const transition = (to: TransactionStatus) =>
      app.runtime.services.statusWriter.change({
        kind: EntityKind.TRANSACTION,
        entityId: transactionId,
        platformId: seeded.platformId,
        to,
        source: EventSource.CALLBACK,
      });
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 4, 'four live subscriptions');
    await transition(TransactionStatus.PROCESSING);
    // `transaction` is the state when the event is delivered, so step only after delivery.
    await waitFor(() => platformSubscriber.result.events.length >= 1, 'first platform event');
    await transition(TransactionStatus.SUCCEEDED);
    await waitFor(() => platformSubscriber.result.events.length >= 2, 'platform events');
    await waitFor(() => ownerSubscriber.result.events.length >= 2, 'owner events');
    expect(
      platformSubscriber.result.events.map((e) => [
        e.transactionUpdated.event.toStatus,
        e.transactionUpdated.transaction.status,
      ]),
    ).toEqual([
      ['PROCESSING', 'PROCESSING'],
      ['SUCCEEDED', 'SUCCEEDED'],
    ]);
    expect(ownerSubscriber.result.events[1].transactionUpdated).toMatchObject({
      event: { fromStatus: 'PROCESSING', toStatus: 'SUCCEEDED', source: 'CALLBACK', terminal: true },
      transaction: { id: toGlobalId('Transaction', transactionId), amount: { yuan: '12.34' } },
    });
    expect(otherClientSubscriber.result.events).toEqual([]);
    expect(filtered.result.events).toEqual([]);
    for (const subscriber of [platformSubscriber, ownerSubscriber, otherClientSubscriber, filtered]) subscriber.stop();
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 0, 'subscriptions to close');
  });

  it('refuses a connection with a bad credential and a subscription without one', async () => {
    const bad = webSocketClient(app.url, 'pgk_AAAAAAAAAAAAAAAA_' + 'A'.repeat(43));
    clients.push(bad);
    const refused = collect(bad, SUBSCRIPTION);
    await waitFor(() => refused.result.errors.length > 0, 'refusal');
    const anonymous = collect(connect(), SUBSCRIPTION);
    await waitFor(() => anonymous.result.errors.length > 0, 'anonymous refusal');
    expect(JSON.stringify(anonymous.result.errors)).toMatch(/UNAUTHENTICATED/);
  });

  it('applies the same validation and limits as HTTP', async () => {
    const invalid = collect(connect(seeded.apiKey), 'subscription { transactionUpdated { nope } }');
    await waitFor(() => invalid.result.errors.length > 0, 'validation error');
    expect(JSON.stringify(invalid.result.errors)).toMatch(/GRAPHQL_VALIDATION_FAILED/);
  });
});
