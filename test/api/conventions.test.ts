import { EntityKind, EventSource, TransactionStatus } from '../../src/domain/enums';
import { toGlobalId } from '../../src/graphql/global-id';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { graphql, graphqlData } from '../support/graphql-client';

const CREATE_CLIENT = `mutation($input: CreateClientInput!) {
  createClient(input: $input) {
    __typename
    ... on MutationResult { clientMutationId }
    ... on CreateClientPayload { client { id externalRef name mobile status } }
    ... on ErrorResult { code message }
    ... on DuplicateExternalRefError { externalRef }
    ... on InvalidInputError { fields { field message } }
  }
}`;

describe.each(testDatabases())('GraphQL conventions on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;

  beforeAll(async () => {
    app = await startTestApp(database);
    seeded = await seedPlatform(app.runtime.services, 'conv', 3);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('creates a client, echoing clientMutationId, and returns a duplicate as a typed result', async () => {
    const input = { clientMutationId: 'abc', externalRef: 'user-42', name: '王五', mobile: '13912345678' };
    const created = await graphqlData(app.url, CREATE_CLIENT, { input }, seeded.apiKey);
    expect(created.createClient).toMatchObject({
      __typename: 'CreateClientPayload',
      clientMutationId: 'abc',
      client: { externalRef: 'user-42', name: '王五', mobile: '13912345678', status: 'ACTIVE' },
    });
    const duplicate = await graphqlData(
      app.url,
      CREATE_CLIENT,
      { input: { ...input, clientMutationId: 'again' } },
      seeded.apiKey,
    );
    expect(duplicate.createClient).toEqual({
      __typename: 'DuplicateExternalRefError',
      clientMutationId: 'again',
      code: 'DUPLICATE_EXTERNAL_REF',
      message: expect.stringContaining('user-42'),
      externalRef: 'user-42',
    });
  });

  it('answers concurrent creates with the same externalRef with one client and typed duplicates', async () => {
    const input = { externalRef: 'racer', name: 'Racer' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => graphqlData(app.url, CREATE_CLIENT, { input }, seeded.apiKey)),
    );
    const types = results.map((result) => result.createClient.__typename).sort();
    expect(types.filter((type) => type === 'CreateClientPayload')).toHaveLength(1);
    expect(types.filter((type) => type === 'DuplicateExternalRefError')).toHaveLength(9);
  });

  it('keeps personal data encrypted at rest and out of the logs', async () => {
    await graphqlData(
      app.url,
      CREATE_CLIENT,
      { input: { externalRef: 'pii-check', name: '赵六隐私', mobile: '13700001111' } },
      seeded.apiKey,
    );
    const rows = await app.runtime.services.db.dataSource.query(
      'SELECT nameCiphertext, mobileCiphertext FROM clients WHERE externalRef = ?',
      ['pii-check'],
    );
    expect(JSON.stringify(rows)).not.toMatch(/赵六隐私|13700001111/);
    expect(JSON.stringify(app.logs)).not.toMatch(/赵六隐私|13700001111|pgk_/);
  });

  it('answers invalid mutation input with InvalidInputError naming every field', async () => {
    const response = await graphql(
      app.url,
      CREATE_CLIENT,
      { input: { clientMutationId: 'bad-1', externalRef: 'bad ref with spaces', name: '', mobile: 'x' } },
      seeded.apiKey,
    );
    expect(response.body.errors).toBeUndefined();
    const answer = response.body.data?.createClient as any;
    expect(answer).toMatchObject({
      __typename: 'InvalidInputError',
      code: 'BAD_USER_INPUT',
      clientMutationId: 'bad-1',
    });
    expect(answer.fields.map((f: { field: string }) => f.field).sort()).toEqual(['externalRef', 'mobile', 'name']);
    expect(JSON.stringify(response.body)).not.toMatch(/stack|at .*\.ts/);
  });

  it('answers a variable that does not match its GraphQL type with a BAD_USER_INPUT error', async () => {
    const response = await graphql(app.url, CREATE_CLIENT, { input: { externalRef: 42, name: 'x' } }, seeded.apiKey);
    const error = response.body.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.extensions?.fields).toEqual([{ field: 'input.externalRef', message: expect.any(String) }]);
  });

  it('pages through a connection with first/after and caps the page size', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    // Bounded: six rows in pages of two end on the third page; a cursor that never ends fails here.
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(10);
      const page: any = await graphqlData(
        app.url,
        'query($after: String) { transactions(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
        seeded.apiKey,
      );
      seen.push(...page.transactions.edges.map((edge: any) => edge.node.id));
      if (!page.transactions.pageInfo.hasNextPage) break;
      after = page.transactions.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    // Newest first.
    expect(seen).toEqual(seeded.transactionIds.map((id) => toGlobalId('Transaction', id)).reverse());
    const tooMany = await graphql(app.url, '{ transactions(first: 101) { nodes { id } } }', {}, seeded.apiKey);
    expect(tooMany.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await graphql(app.url, '{ transactions(after: "bm9wZQ") { nodes { id } } }', {}, seeded.apiKey);
    expect(badCursor.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('filters transactions by status, client and order number', async () => {
    const clientId = toGlobalId('Client', seeded.clientIds[1]);
    const data = await graphqlData(
      app.url,
      `query($clientId: ID!) {
        byClient: transactions(filter: { clientId: $clientId }) { nodes { id client { id } } }
        succeeded: transactions(filter: { status: [SUCCEEDED] }) { nodes { id } }
        pending: transactions(filter: { status: [PENDING], kind: LEDGER }) { nodes { id } }
      }`,
      { clientId },
      seeded.apiKey,
    );
    expect(data.byClient.nodes).toHaveLength(3);
    expect(data.byClient.nodes.every((n: any) => n.client.id === clientId)).toBe(true);
    expect(data.succeeded.nodes).toHaveLength(0);
    expect(data.pending.nodes).toHaveLength(6);
    // A client's own transactions take the same filter.
    const own = await graphqlData(
      app.url,
      `query($clientId: ID!) { node(id: $clientId) { ... on Client {
        all: transactions { nodes { id } }
        pending: transactions(filter: { status: [PENDING] }) { nodes { id } }
        succeeded: transactions(filter: { status: [SUCCEEDED] }) { nodes { id } } } } }`,
      { clientId },
      seeded.apiKey,
    );
    expect(own.node.all.nodes).toEqual(data.byClient.nodes.map(({ id }: any) => ({ id })));
    expect(own.node.pending.nodes).toEqual(own.node.all.nodes);
    expect(own.node.succeeded.nodes).toEqual([]);
  });

  it('returns money as exact fen, a yuan string and a currency', async () => {
    const data = await graphqlData(
      app.url,
      'query($id: ID!) { node(id: $id) { ... on Transaction { amount { fen yuan currency } } } }',
      { id: toGlobalId('Transaction', seeded.transactionIds[0]) },
      seeded.apiKey,
    );
    expect(data.node.amount).toEqual({ fen: 1234, yuan: '12.34', currency: 'CNY' });
  });

  it('records status changes with a gap-free sequence, refuses backwards moves, and exposes statusHistory', async () => {
    const writer = app.runtime.services.statusWriter;
    const transactionId = seeded.transactionIds[0];
    const request = { kind: EntityKind.TRANSACTION as const, entityId: transactionId, platformId: seeded.platformId };
    expect(
      (await writer.change({ ...request, to: TransactionStatus.PROCESSING, source: EventSource.API })).changed,
    ).toBe(true);
    expect(
      (await writer.change({ ...request, to: TransactionStatus.SUCCEEDED, source: EventSource.CALLBACK })).changed,
    ).toBe(true);
    const late = await writer.change({
      ...request,
      to: TransactionStatus.PROCESSING,
      source: EventSource.CALLBACK,
    });
    expect(late).toEqual({ changed: false, reason: 'not_allowed', current: 'SUCCEEDED' });
    const data = await graphqlData(
      app.url,
      'query($id: ID!) { node(id: $id) { ... on Transaction { status statusHistory { sequence fromStatus toStatus source terminal } } } }',
      { id: toGlobalId('Transaction', transactionId) },
      seeded.apiKey,
    );
    expect(data.node.status).toBe('SUCCEEDED');
    const history = data.node.statusHistory;
    expect(history.map((e: any) => [e.fromStatus, e.toStatus, e.source, e.terminal])).toEqual([
      [null, 'PENDING', 'API', false],
      ['PENDING', 'PROCESSING', 'API', false],
      ['PROCESSING', 'SUCCEEDED', 'CALLBACK', true],
    ]);
    const all = await app.runtime.services.db.dataSource.query(
      'SELECT sequence FROM status_events WHERE platformId = ? ORDER BY sequence',
      [seeded.platformId],
    );
    const sequences = all.map((row: { sequence: string | number }) => Number(row.sequence));
    expect(sequences).toEqual(sequences.map((_: number, index: number) => index + 1));
  });
});
