import { toGlobalId } from '../../src/graphql/global-id';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { minimalMutation, mutationFields } from '../support/schema-inputs';
import { graphql, graphqlData } from '../support/graphql-client';

const ISSUE_TOKEN = `mutation($clientId: ID!) {
  issueClientToken(input: { clientId: $clientId, clientMutationId: "m1" }) {
    __typename
    ... on IssueClientTokenPayload { token expiresAt clientMutationId }
    ... on ErrorResult { code message }
  }
}`;

const NODE = `query($id: ID!) { node(id: $id) { id __typename } }`;

describe.each(testDatabases())('tenancy and auth on $name', (database) => {
  let app: TestApp;
  let alpha: SeededPlatform;
  let beta: SeededPlatform;
  let alphaClientToken: string;

  beforeAll(async () => {
    app = await startTestApp(database);
    alpha = await seedPlatform(app.runtime.services, 'alpha');
    beta = await seedPlatform(app.runtime.services, 'beta');
    const issued = await graphqlData(
      app.url,
      ISSUE_TOKEN,
      { clientId: toGlobalId('Client', alpha.clientIds[0]) },
      alpha.apiKey,
    );
    alphaClientToken = issued.issueClientToken.token;
  });

  afterAll(async () => {
    await app?.stop();
  });

  /** Every node type of a seeded platform, with its global id. */
  function nodesOf(seeded: SeededPlatform): Array<[string, string]> {
    return [
      ['Client', toGlobalId('Client', seeded.clientIds[0])],
      ['Biz', toGlobalId('Biz', seeded.bizId)],
      ['AccountType', toGlobalId('AccountType', seeded.accountTypeId)],
      ['Account', toGlobalId('Account', seeded.clientAccountIds[0])],
      ['Transaction', toGlobalId('Transaction', seeded.transactionIds[0])],
      ['Payout', toGlobalId('Payout', seeded.payoutIds[0])],
      ['Platform', toGlobalId('Platform', seeded.platformId)],
    ];
  }

  it('refuses anonymous and bad credentials with UNAUTHENTICATED', async () => {
    const anonymous = await graphql(app.url, '{ viewer { kind } }');
    expect(anonymous.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    for (const header of [
      'Bearer pgk_AAAAAAAAAAAAAAAA_' + 'A'.repeat(43),
      'Bearer nonsense',
      'Basic abc',
      'Bearer a.b.c',
    ]) {
      const response = await graphql(app.url, '{ viewer { kind } }', {}, undefined, { authorization: header });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets a platform key read every node type of its own platform', async () => {
    for (const [type, id] of nodesOf(alpha)) {
      const data = await graphqlData(app.url, NODE, { id }, alpha.apiKey);
      expect(data.node).toEqual({ id, __typename: type });
    }
  });

  it("never lets a platform key reach another platform's rows, by node, nodes or connection", async () => {
    for (const [, id] of nodesOf(beta)) {
      expect((await graphqlData(app.url, NODE, { id }, alpha.apiKey)).node).toBeNull();
    }
    const ids = nodesOf(beta).map(([, id]) => id);
    const many = await graphqlData(app.url, 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }, alpha.apiKey);
    expect(many.nodes.every((node: unknown) => node === null)).toBe(true);
    const lists = await graphqlData(
      app.url,
      `{ clients(first: 100) { nodes { id } } bizs { nodes { id } } accounts(first: 100) { nodes { id } }
         transactions(first: 100) { nodes { id } } payouts(first: 100) { nodes { id } } accountTypes { id } }`,
      {},
      alpha.apiKey,
    );
    const seen = JSON.stringify(lists);
    for (const id of ids) expect(seen).not.toContain(id);
    expect(lists.clients.nodes).toHaveLength(2);
    expect(lists.transactions.nodes).toHaveLength(2);
  });

  it("gives a client token only its own client's data", async () => {
    const own = nodesOf(alpha);
    const visible: Record<string, boolean> = {
      Client: true,
      Biz: false,
      AccountType: true,
      Account: true,
      Transaction: true,
      Payout: true,
      Platform: true,
    };
    for (const [type, id] of own) {
      const data = await graphqlData(app.url, NODE, { id }, alphaClientToken);
      expect([type, data.node]).toEqual([type, visible[type] ? { id, __typename: type } : null]);
    }
    // The other client of the same platform: nothing of theirs is reachable.
    const sibling = [
      toGlobalId('Client', alpha.clientIds[1]),
      toGlobalId('Account', alpha.clientAccountIds[1]),
      toGlobalId('Transaction', alpha.transactionIds[1]),
      toGlobalId('Payout', alpha.payoutIds[1]),
      toGlobalId('Account', alpha.bizAccountId),
    ];
    for (const id of sibling) expect((await graphqlData(app.url, NODE, { id }, alphaClientToken)).node).toBeNull();
    for (const [, id] of nodesOf(beta))
      expect((await graphqlData(app.url, NODE, { id }, alphaClientToken)).node).toBeNull();

    const lists = await graphqlData(
      app.url,
      `{ viewer { kind ... on ClientViewer { client { id payouts { nodes { id } } } expiresAt } }
         accounts { nodes { id } }
         transactions { nodes { id client { id } biz { name accounts { nodes { id } } } payerAccount { id } payeeAccount { id } } }
         payouts { nodes { id } } }`,
      {},
      alphaClientToken,
    );
    expect(lists.viewer).toEqual({
      kind: 'CLIENT',
      client: {
        id: toGlobalId('Client', alpha.clientIds[0]),
        payouts: { nodes: [{ id: toGlobalId('Payout', alpha.payoutIds[0]) }] },
      },
      expiresAt: expect.any(String),
    });
    expect(lists.accounts.nodes).toEqual([{ id: toGlobalId('Account', alpha.clientAccountIds[0]) }]);
    expect(lists.payouts.nodes).toEqual([{ id: toGlobalId('Payout', alpha.payoutIds[0]) }]);
    expect(lists.transactions.nodes).toEqual([
      {
        id: toGlobalId('Transaction', alpha.transactionIds[0]),
        client: { id: toGlobalId('Client', alpha.clientIds[0]) },
        // The merchant it paid is visible by name, but never the merchant's accounts.
        biz: { name: 'Shop of alpha', accounts: { nodes: [] } },
        payerAccount: { id: toGlobalId('Account', alpha.clientAccountIds[0]) },
        payeeAccount: null,
      },
    ]);
  });

  it('forbids platform-only operations to client tokens', async () => {
    for (const query of [
      '{ clients { nodes { id } } }',
      '{ bizs { nodes { id } } }',
      'mutation { createClient(input: { externalRef: "x", name: "x" }) { __typename } }',
      'mutation { createApiKey(input: { label: "x" }) { __typename } }',
      '{ apiKeys { nodes { id } } }',
    ]) {
      const response = await graphql(app.url, query, {}, alphaClientToken);
      expect([query, response.body.errors?.[0].extensions?.code]).toEqual([query, 'FORBIDDEN']);
    }
    const issue = await graphql(
      app.url,
      ISSUE_TOKEN,
      { clientId: toGlobalId('Client', alpha.clientIds[1]) },
      alphaClientToken,
    );
    expect(issue.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  /**
   * The one rule for end users: a client token may start and abandon its own payments and read
   * (sync) their state, and may never move money back to itself nor take a platform decision
   * (refund, confirm, pay out, configure, manage keys, clients or accounts). Every mutation of
   * the schema is on one side of this list, so a new one is forbidden to clients until it is
   * deliberately put here.
   */
  const CLIENT_MAY = new Set([
    'createPayment',
    'cancelPayment',
    'syncPayment',
    'createLedgerTransaction',
    'cancelLedgerTransaction',
    'syncLedgerTransaction',
    'syncLedgerAccount',
  ]);

  it.each(mutationFields().map((field) => [field.name, field] as const))(
    'a client token gets FORBIDDEN on %s unless the end-user rule allows it',
    async (name, field) => {
      // The client's own payment: refunding it to itself is exactly what must be refused.
      const { query, variables } = minimalMutation(field, toGlobalId('Transaction', alpha.transactionIds[0]));
      const response = await graphql(app.url, query, variables, alphaClientToken);
      const code = response.body.errors?.[0]?.extensions?.code;
      if (CLIENT_MAY.has(name)) expect([name, code]).not.toEqual([name, 'FORBIDDEN']);
      else expect([name, code]).toEqual([name, 'FORBIDDEN']);
    },
  );

  it("cannot issue a token for another platform's client", async () => {
    const response = await graphql(
      app.url,
      ISSUE_TOKEN,
      { clientId: toGlobalId('Client', beta.clientIds[0]) },
      alpha.apiKey,
    );
    expect(response.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('rejects expired and forged client tokens', async () => {
    const expired = app.runtime.services.auth.signClientToken(alpha.platformId, alpha.clientIds[0], -1).token;
    const response = await graphql(app.url, '{ viewer { kind } }', {}, expired);
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0].message).toMatch(/expired/);
    const [header, payload] = alphaClientToken.split('.');
    const forged = await graphql(app.url, '{ viewer { kind } }', {}, `${header}.${payload}.AAAA`);
    expect(forged.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lists API keys by id, and stops accepting a revoked one', async () => {
    const created = await graphqlData(
      app.url,
      'mutation { createApiKey(input: { label: "rotate", clientMutationId: "k" }) { ... on CreateApiKeyPayload { apiKey { id label prefix revokedAt } secret clientMutationId } } }',
      {},
      alpha.apiKey,
    );
    const { apiKey, secret } = created.createApiKey;
    expect(created.createApiKey.clientMutationId).toBe('k');
    expect(apiKey).toMatchObject({ label: 'rotate', revokedAt: null });
    expect(secret.startsWith(`${apiKey.prefix}_`)).toBe(true);
    expect((await graphqlData(app.url, '{ viewer { kind } }', {}, secret)).viewer.kind).toBe('PLATFORM');
    // The key is a node of the platform's list and of node(id:), never with its secret.
    const listed = await graphqlData(app.url, '{ apiKeys(first: 100) { nodes { id label } } }', {}, alpha.apiKey);
    expect(listed.apiKeys.nodes).toContainEqual({ id: apiKey.id, label: 'rotate' });
    expect(JSON.stringify(listed)).not.toContain(secret);
    const other = await graphqlData(app.url, '{ apiKeys(first: 100) { nodes { id } } }', {}, beta.apiKey);
    expect(other.apiKeys.nodes).not.toContainEqual({ id: apiKey.id });
    const revoked = await graphqlData(
      app.url,
      'mutation($id: ID!) { revokeApiKey(input: { apiKeyId: $id }) { ... on RevokeApiKeyPayload { apiKey { id revokedAt } } } }',
      { id: apiKey.id },
      alpha.apiKey,
    );
    expect(revoked.revokeApiKey.apiKey).toMatchObject({ id: apiKey.id, revokedAt: expect.any(String) });
    const after = await graphql(app.url, '{ viewer { kind } }', {}, secret);
    expect(after.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
