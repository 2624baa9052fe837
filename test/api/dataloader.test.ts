import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { graphql, graphqlData } from '../support/graphql-client';

const NESTED = `query($first: Int!) {
  transactions(first: $first) {
    nodes {
      id
      amount { yuan }
      client { id name accounts { nodes { id balance { fen } accountType { id kind name } } } }
      biz { name }
      statusHistory { toStatus }
    }
  }
}`;

describe.each(testDatabases())('DataLoader batching on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;

  beforeAll(async () => {
    app = await startTestApp(database);
    seeded = await seedPlatform(app.runtime.services, 'loader', 0);
    for (let n = 0; n < 50; n += 1) {
      const owner = n % 2;
      await insertTransaction(app.runtime.services, seeded.platformId, {
        clientId: seeded.clientIds[owner],
        bizId: seeded.bizId,
        payerAccountId: seeded.clientAccountIds[owner],
        payeeAccountId: seeded.bizAccountId,
      });
    }
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function statementsFor(first: number): Promise<number> {
    // Warm the API-key cache so only the query's own statements are counted.
    await graphqlData(app.url, '{ viewer { kind } }', {}, seeded.apiKey);
    const response = await graphql(app.url, NESTED, { first }, seeded.apiKey);
    const data = response.body.data as any;
    expect(data.transactions.nodes).toHaveLength(first);
    expect(data.transactions.nodes[0].client.accounts.nodes[0].accountType.kind).toBe('FANPIAO');
    // The server counts the statements run in this request's own async context.
    const match = /sql;desc="(\d+) statements"/.exec(response.headers['server-timing'] ?? '');
    if (!match) throw new Error('no server-timing header');
    return Number(match[1]);
  }

  it('runs the same number of SQL statements for 5 rows as for 50 (transactions → client → accounts → accountType)', async () => {
    const atFive = await statementsFor(5);
    const atFifty = await statementsFor(50);
    // One statement per level: transactions, clients, accounts, account types, bizs, history.
    expect(atFive).toBeLessThanOrEqual(6);
    expect(atFifty).toBe(atFive);
  });
});
