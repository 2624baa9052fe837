import type { Client } from 'graphql-ws';
import { TransactionKind, Vendor } from '../../src/domain/enums';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertPayout, insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { collectSubscription, graphql, graphqlData, webSocketClient } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';

const FEED = `query($after: String, $first: Int, $types: [EventType!]) {
  events(after: $after, first: $first, types: $types) {
    edges { cursor node { __typename sequence cursor entityId ... on TransactionStatusEvent { toStatus } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * The events feed is the event log for servers that poll: oldest first after a cursor, the same
 * cursors as the subscriptions, so a consumer moves between them without a gap.
 */
describe.each(testDatabases())('the events feed, on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  const sockets: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(database, {}, {}, { background: false });
    seeded = await seedPlatform(app.runtime.services, 'feed', 0);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await app?.stop();
  });

  const feed = (variables: Record<string, unknown>) =>
    graphqlData(app.url, FEED, variables, seeded.apiKey).then((data) => data.events);
  const parties = (services: TestApp['runtime']['services']) => ({
    services,
    parties: { clientId: seeded.clientIds[0], bizId: seeded.bizId, payerAccountId: null, payeeAccountId: null },
  });

  it('pages the whole log in order, filters by type, and hands over to a subscription without a gap', async () => {
    const { services, parties: who } = parties(app.runtime.services);
    await insertTransaction(services, seeded.platformId, who, {
      vendor: Vendor.SHOUQIANBA,
      kind: TransactionKind.PAYMENT,
    });
    await insertTransaction(services, seeded.platformId, who, { kind: TransactionKind.LEDGER });
    await insertPayout(services, seeded.platformId, 5_000, seeded.clientIds[0]);

    const all = await app.runtime.services.eventLog.eventsFrom(seeded.platformId, 1);
    const pages = [];
    let after: string | null = null;
    do {
      const page: any = await feed({ after, first: 2 });
      pages.push(...page.edges);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(pages.map((edge: any) => edge.node.sequence)).toEqual(all.map((event) => event.sequence));
    expect(pages.every((edge: any) => edge.cursor === edge.node.cursor)).toBe(true);

    const sequencesOf = (page: any) => page.edges.map((edge: any) => edge.node.sequence);
    const payoutEvents = all.filter((event) => event.entityKind === 'PAYOUT').map((event) => event.sequence);
    expect(payoutEvents.length).toBeGreaterThan(0);
    expect(sequencesOf(await feed({ types: ['PAYOUT'], first: 100 }))).toEqual(payoutEvents);
    const transactionEvents = all.filter((event) => event.entityKind === 'TRANSACTION').map((event) => event.sequence);
    expect(sequencesOf(await feed({ types: ['PAYMENT', 'LEDGER'], first: 100 }))).toEqual(transactionEvents);
    expect(sequencesOf(await feed({ types: ['REFUND'] }))).toEqual([]);

    // Caught up: an empty page keeps the place, and a subscription from it hears what follows.
    const last = pages.at(-1).cursor;
    const empty = await feed({ after: last });
    expect(empty).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: last } });
    const socket = webSocketClient(app.url, seeded.apiKey);
    sockets.push(socket);
    const live = collectSubscription(
      socket,
      'subscription($after: String) { transactionUpdated(after: $after) { event { sequence cursor } } }',
      { after: last },
    ).result;
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions > 0, 'the subscription');
    await insertTransaction(services, seeded.platformId, who, {
      vendor: Vendor.SHOUQIANBA,
      kind: TransactionKind.PAYMENT,
    });
    await waitFor(() => live.events.length === 1, 'the next event, live');
    const next = await feed({ after: last });
    expect(next.edges.map((edge: any) => edge.cursor)).toEqual([live.events[0].transactionUpdated.event.cursor]);
  });

  it('is for the platform server: a client token gets FORBIDDEN, a foreign cursor BAD_USER_INPUT', async () => {
    const token = app.runtime.services.auth.signClientToken(seeded.platformId, seeded.clientIds[0], 60).token;
    expect((await graphql(app.url, FEED, {}, token)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const forged = await graphql(app.url, FEED, { after: 'bm90LWEtY3Vyc29y' }, seeded.apiKey);
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
