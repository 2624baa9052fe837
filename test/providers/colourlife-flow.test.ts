import type { Client } from 'graphql-ws';
import { Account } from '../../src/entities';
import { fromGlobalIdOf } from '../../src/graphql/global-id';
import type { ColourlifeSandbox, LedgerPlatform } from '../../src/sandbox/colourlife/colourlife-sandbox';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { collectSubscription, graphql, graphqlData, webSocketClient } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';
import { CONFIGURE_PROVIDER, configureProviderInput } from '../support/provider-settings';

const TX_FIELDS = `id status ledgerKind walletPayment { __typename ... on WeChatPayParameters { prepayId packageValue appId } } vendorRef amount { fen } failure { reason vendorCode }
  statusHistory { fromStatus toStatus source }`;
const TX_RESULT = `__typename
  ... on LedgerTransactionPayload { replayed transaction { ${TX_FIELDS} } }
  ... on LedgerRefusedError { code message failure { reason vendorCode } affectedTransaction { ${TX_FIELDS} } }`;

const CREATE = `mutation($input: CreateLedgerTransactionInput!) { createLedgerTransaction(input: $input) { ${TX_RESULT} } }`;
const FAST = `mutation($input: FastLedgerTransactionInput!) { fastLedgerTransaction(input: $input) { ${TX_RESULT} } }`;
const CONFIRM = `mutation($input: ConfirmLedgerTransactionInput!) { confirmLedgerTransaction(input: $input) { ${TX_RESULT} } }`;
const CANCEL = `mutation($input: CancelLedgerTransactionInput!) { cancelLedgerTransaction(input: $input) { ${TX_RESULT} } }`;
const SYNC = `mutation($input: SyncLedgerTransactionInput!) { syncLedgerTransaction(input: $input) { ${TX_RESULT} } }`;
const ACCOUNT_RESULT = `__typename ... on LedgerAccountPayload { account { id status balance { fen } balanceUpdatedAt canNegative } }
  ... on LedgerRefusedError { code message failure { reason } }`;

describe.each(testDatabases())('the Colourlife ledger through GraphQL on $name', (database) => {
  let app: TestApp;
  let sandbox: ColourlifeSandbox;
  let ledger: LedgerPlatform;
  let apiKey: string;
  let platformId: string;
  let keys = 0;
  const sockets: Client[] = [];
  const types: Record<string, string> = {};
  const platformAccounts: Record<string, string> = {};
  const accounts: Record<string, string> = {};
  const parties: Record<string, string> = {};

  const gql = (query: string, variables: Record<string, unknown> = {}, token = apiKey) =>
    graphqlData(app.url, query, variables, token);
  const key = () => `k-${++keys}`;

  beforeAll(async () => {
    app = await startTestApp(database, {
      inStore: { pollIntervalMs: 50, barcodeDeadlineMs: 2000, qrDeadlineMs: 2000, requestTimeoutMs: 500 },
    });
    sandbox = app.runtime.sandboxes!.colourlife;
    ledger = sandbox.registerPlatform({ tokenTtlSeconds: 600 });
    const created = await app.runtime.services.platforms.createPlatform('ledger shop');
    apiKey = created.apiKey;
    platformId = created.platform.id;
    await gql(CONFIGURE_PROVIDER, {
      input: configureProviderInput({
        vendor: 'COLOURLIFE',
        baseUrl: `${app.url}/sandbox/colourlife`,
        credentials: { authAccount: ledger.authAccount, authPassword: ledger.authPassword },
        options: { pno: ledger.pno },
      }),
    });
    const synced = await gql(
      `mutation { syncAccountTypes { __typename ... on SyncAccountTypesPayload { accountTypes { id kind name } } } }`,
    );
    for (const type of synced.syncAccountTypes.accountTypes) types[type.kind] = type.id;
    const all = await gql(`{ accounts(first: 20) { nodes { id ownerKind accountType { kind } } } }`);
    for (const account of all.accounts.nodes)
      if (account.ownerKind === 'PLATFORM') platformAccounts[account.accountType.kind] = account.id;
    for (const [name, mobile] of [
      ['alice', '13800000001'],
      ['bob', '13800000002'],
    ]) {
      const data = await gql(
        `mutation($input: CreateClientInput!) { createClient(input: $input) { ... on CreateClientPayload { client { id } } } }`,
        { input: { externalRef: name, name, mobile } },
      );
      parties[name] = data.createClient.client.id;
    }
    for (const name of ['shop', 'market']) {
      const data = await gql(
        `mutation($input: CreateBizInput!) { createBiz(input: $input) { ... on CreateBizPayload { biz { id } } } }`,
        { input: { externalRef: name, name, tel: '0755-1234567' } },
      );
      parties[name] = data.createBiz.biz.id;
    }
    const open = async (label: string, owner: string, kind: string, canNegative = false) => {
      const isClient = owner === 'alice' || owner === 'bob';
      const data = await gql(
        `mutation($input: OpenLedgerAccountInput!) { openLedgerAccount(input: $input) { ${ACCOUNT_RESULT} } }`,
        { input: { [isClient ? 'clientId' : 'bizId']: parties[owner], accountTypeId: types[kind], canNegative } },
      );
      expect(data.openLedgerAccount.__typename).toBe('OpenLedgerAccountPayload');
      accounts[label] = data.openLedgerAccount.account.id;
    };
    await open('alice', 'alice', 'FANPIAO');
    await open('aliceLocal', 'alice', 'LOCAL_FANPIAO');
    await open('bob', 'bob', 'FANPIAO');
    await open('shop', 'shop', 'FANPIAO');
    await open('shopLocal', 'shop', 'LOCAL_FANPIAO');
    await open('shopWeixin', 'shop', 'WECHAT');
    await open('market', 'market', 'FANPIAO');
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await app?.stop();
  });

  async function balance(label: string): Promise<number> {
    const data = await gql(
      `mutation($input: SyncLedgerAccountInput!) { syncLedgerAccount(input: $input) { ${ACCOUNT_RESULT} } }`,
      {
        input: { accountId: accounts[label] },
      },
    );
    // Read from the ledger, and it says when.
    expect(Number.isNaN(Date.parse(data.syncLedgerAccount.account.balanceUpdatedAt))).toBe(false);
    return data.syncLedgerAccount.account.balance.fen;
  }

  const send = (query: string, input: Record<string, unknown>, token = apiKey) =>
    gql(query, { input: { idempotencyKey: key(), ...input } }, token).then((data) => Object.values(data)[0] as any);
  /** createLedgerTransaction or fastLedgerTransaction, with a content. */
  const transfer = (query: string, input: Record<string, unknown>, token = apiKey) =>
    send(query, { content: 'test', ...input }, token);
  /** confirm, cancel or sync: only an id. */
  const act = (query: string, id: string) =>
    query === SYNC
      ? gql(query, { input: { transactionId: id } }).then((data) => Object.values(data)[0] as any)
      : send(query, { transactionId: id });

  // Every test spends its own money: the payers are topped up before each, so no test depends
  // on what an earlier one left in an account (or on whether it ran at all).
  beforeEach(async () => {
    if (!accounts.alice) return;
    for (const label of ['alice', 'bob', 'shop'])
      await transfer(FAST, {
        payerAccountId: platformAccounts.FANPIAO,
        payeeAccountId: accounts[label],
        amountFen: 2_000,
      });
  });

  it('lists the account types and opens accounts; one user per mobile at the ledger', () => {
    expect(Object.keys(types).sort()).toEqual(['ALIPAY', 'FANPIAO', 'LHQ', 'LOCAL_FANPIAO', 'WECHAT']);
    expect(Object.keys(platformAccounts)).toHaveLength(5);
    expect(ledger.clients.size).toBe(2);
    expect(ledger.bizs.size).toBe(2);
  });

  it('recharges from the platform (fast transaction) and mirrors the balance', async () => {
    const before = await balance('alice');
    const result = await transfer(FAST, {
      payerAccountId: platformAccounts.FANPIAO,
      payeeAccountId: accounts.alice,
      amountFen: 10_000,
    });
    expect(result).toMatchObject({
      __typename: 'FastLedgerTransactionPayload',
      transaction: { status: 'SUCCEEDED', ledgerKind: 'RECHARGE' },
    });
    expect((await balance('alice')) - before).toBe(10_000);
  });

  it('the mobile flow: the client prepays from its own account, the platform confirms, the app sees it complete', async () => {
    // Its own money: a recharge made here, not what an earlier test left in the account.
    await transfer(FAST, {
      payerAccountId: platformAccounts.FANPIAO,
      payeeAccountId: accounts.alice,
      amountFen: 3_000,
    });
    const aliceBefore = await balance('alice');
    const shopBefore = await balance('shop');
    const token = (
      await gql(
        `mutation($input: IssueClientTokenInput!) { issueClientToken(input: $input) { ... on IssueClientTokenPayload { token } } }`,
        {
          input: { clientId: parties.alice },
        },
      )
    ).issueClientToken.token;
    const socket = webSocketClient(app.url, token);
    sockets.push(socket);
    const subscriber = collectSubscription(
      socket,
      `subscription { transactionUpdated { event { toStatus source } transaction { id status } } }`,
    );
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions > 0, 'the subscription');

    const prepay = await transfer(
      CREATE,
      { payerAccountId: accounts.alice, payeeAccountId: accounts.shop, amountFen: 3_000 },
      token,
    );
    // Paid from an account: the app needs no wallet parameters, only the transaction.
    expect(prepay.transaction).toMatchObject({
      status: 'PROCESSING',
      vendorRef: expect.any(String),
      walletPayment: null,
    });
    // The app cannot confirm its own prepay: the platform does, after its own check.
    const denied = await graphql(
      app.url,
      CONFIRM,
      { input: { idempotencyKey: key(), transactionId: prepay.transaction.id } },
      token,
    );
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const confirmed = await act(CONFIRM, prepay.transaction.id);
    expect(confirmed.transaction).toMatchObject({ status: 'SUCCEEDED', ledgerKind: 'CONSUME' });
    await waitFor(
      () =>
        subscriber.result.events.some(
          (e) =>
            e.transactionUpdated.transaction.id === prepay.transaction.id &&
            e.transactionUpdated.event.toStatus === 'SUCCEEDED',
        ),
      'the app to see SUCCEEDED',
    );
    // Measured from this test's own start, not from what earlier tests left in the accounts.
    expect(await balance('alice')).toBe(aliceBefore - 3_000);
    expect(await balance('shop')).toBe(shopBefore + 3_000);

    // A client token never moves money out of another client's account.
    const theft = await graphql(
      app.url,
      CREATE,
      {
        input: {
          idempotencyKey: key(),
          content: 'x',
          payerAccountId: accounts.bob,
          payeeAccountId: accounts.alice,
          amountFen: 1,
        },
      },
      token,
    );
    expect(theft.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const fast = await graphql(
      app.url,
      FAST,
      {
        input: {
          idempotencyKey: key(),
          content: 'x',
          payerAccountId: accounts.alice,
          payeeAccountId: accounts.shop,
          amountFen: 1,
        },
      },
      token,
    );
    expect(fast.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    subscriber.stop();
  });

  it.each([
    ['alice', 'bob', 'TRANSFER', 500],
    ['shop', 'alice', 'REVERSAL', 100],
    ['shop', 'market', 'OTHER', 100],
    ['bob', 'platform', 'WITHDRAW', 200],
    ['platform', 'shop', 'RECHARGE', 50],
  ])('%s → %s is a %s', async (from, to, kind, amountFen) => {
    const account = (label: string) => (label === 'platform' ? platformAccounts.FANPIAO : accounts[label]);
    const result = await transfer(FAST, { payerAccountId: account(from), payeeAccountId: account(to), amountFen });
    expect(result.transaction).toMatchObject({ status: 'SUCCEEDED', ledgerKind: kind });
  });

  it('exchanges national for local fanpiao at the configured rate, fixing the payer side when asked', async () => {
    const before = await balance('shopLocal');
    // fixedorgmoney exists only on prepay (5.3.1): a fast transaction cannot carry it.
    const fast = await graphql(
      app.url,
      FAST,
      {
        input: {
          idempotencyKey: key(),
          content: 'test',
          payerAccountId: accounts.alice,
          payeeAccountId: accounts.shopLocal,
          amountFen: 400,
          fixPayerAmount: true,
        },
      },
      apiKey,
    );
    // The fast transaction's input has no such field: GraphQL itself refuses it.
    expect(fast.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(fast.body.errors?.[0]?.message).toContain('fixPayerAmount');
    const prepay = await transfer(CREATE, {
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.shopLocal,
      amountFen: 400,
      fixPayerAmount: true,
    });
    const result = await act(CONFIRM, prepay.transaction.id);
    expect(result.transaction).toMatchObject({ status: 'SUCCEEDED', ledgerKind: 'EXCHANGE' });
    // 5 local per 4 national: 4.00 national buys 5.00 local.
    expect((await balance('shopLocal')) - before).toBe(500);
  });

  it.each([
    ['the platform paying itself across types', () => platformAccounts.FANPIAO, () => platformAccounts.LOCAL_FANPIAO],
    ['a client paying into another channel', () => accounts.alice, () => accounts.shopWeixin],
    ['the platform into another account type', () => platformAccounts.FANPIAO, () => accounts.shopLocal],
  ])('refuses %s before sending anything', async (_label, payer, payee) => {
    const result = await transfer(FAST, { payerAccountId: payer(), payeeAccountId: payee(), amountFen: 100 });
    expect(result).toMatchObject({
      __typename: 'LedgerRefusedError',
      code: 'TRANSFER_NOT_ALLOWED',
      failure: { reason: 'TRANSFER_NOT_ALLOWED' },
    });
  });

  it('refuses a payment past the balance, and the transaction fails with the reason', async () => {
    const input = {
      idempotencyKey: key(),
      payerAccountId: accounts.market,
      payeeAccountId: accounts.alice,
      amountFen: 1_000_000,
    };
    const result = await transfer(FAST, input);
    expect(result).toMatchObject({
      __typename: 'LedgerRefusedError',
      code: 'VENDOR_REFUSED',
      failure: { reason: 'INSUFFICIENT_FUNDS', vendorCode: '3003' },
      affectedTransaction: { status: 'FAILED' },
    });
    // A replay of the key answers exactly as the first call did: the same refusal, not a payload.
    expect(await transfer(FAST, input)).toEqual(result);
  });

  it('cancels an unpaid prepay, and refuses to pay or cancel it again', async () => {
    const prepay = await transfer(CREATE, {
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.bob,
      amountFen: 100,
    });
    const canceled = await act(CANCEL, prepay.transaction.id);
    expect(canceled.transaction.status).toBe('CANCELED');
    const again = await act(CANCEL, prepay.transaction.id);
    expect(again).toMatchObject({
      __typename: 'LedgerRefusedError',
      failure: { reason: 'INVALID_ORDER_STATE' },
      affectedTransaction: { status: 'CANCELED' },
    });
    const pay = await act(CONFIRM, prepay.transaction.id);
    expect(pay).toMatchObject({ __typename: 'LedgerRefusedError', failure: { reason: 'INVALID_ORDER_STATE' } });
  });

  it('a WeChat prepay completes only when the payer pays in the app; the callback is re-queried and applied once', async () => {
    const socket = webSocketClient(app.url, apiKey);
    sockets.push(socket);
    const subscriber = collectSubscription(
      socket,
      `subscription { transactionUpdated { event { toStatus source } transaction { id } } }`,
    );
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions > 0, 'the subscription');
    const prepay = await transfer(CREATE, {
      externalPayer: 'WECHAT',
      payeeAccountId: accounts.shopWeixin,
      amountFen: 1_288,
      remoteIp: '203.0.113.7',
    });
    expect(prepay.transaction.walletPayment).toMatchObject({
      __typename: 'WeChatPayParameters',
      packageValue: 'Sign=WXPAY',
      prepayId: expect.any(String),
    });
    const tno = prepay.transaction.vendorRef;
    // pay refuses WeChat transactions (5.3.2).
    const pay = await act(CONFIRM, prepay.transaction.id);
    expect(pay).toMatchObject({
      __typename: 'LedgerRefusedError',
      failure: { reason: 'PROVIDER_UNSUPPORTED', vendorCode: '3007' },
    });
    sandbox.faults.duplicateCallbacks = 1;
    const paid = await fetch(
      `${app.url}/sandbox/colourlife/_admin/platforms/${ledger.pno}/transactions/${tno}/third-party-pay`,
      { method: 'POST' },
    );
    expect(paid.status).toBe(200);
    await waitFor(async () => {
      const data = await gql(`query($id: ID!) { node(id: $id) { ... on Transaction { status } } }`, {
        id: prepay.transaction.id,
      });
      return data.node.status === 'SUCCEEDED';
    }, 'the callback to settle it');
    // Delivered twice (duplicateCallbacks), both acknowledged with `success`, applied once.
    await waitFor(
      () => sandbox.notifier.attempts.some((a) => a.label.includes(tno) && a.acknowledged === true),
      'the acknowledged deliveries',
    );
    expect(sandbox.faults.duplicateCallbacks).toBe(0);
    const history = await gql(
      `query($id: ID!) { node(id: $id) { ... on Transaction { statusHistory { toStatus source } } } }`,
      { id: prepay.transaction.id },
    );
    expect(history.node.statusHistory.filter((e: any) => e.toStatus === 'SUCCEEDED')).toEqual([
      { toStatus: 'SUCCEEDED', source: 'CALLBACK' },
    ]);
    await waitFor(
      () =>
        subscriber.result.events.some(
          (e) =>
            e.transactionUpdated.transaction.id === prepay.transaction.id &&
            e.transactionUpdated.event.toStatus === 'SUCCEEDED' &&
            e.transactionUpdated.event.source === 'CALLBACK',
        ),
      'the callback to reach the subscriber',
    );
    subscriber.stop();
  });

  it('a callback without the path secret is rejected, and its body is never trusted', async () => {
    const forged = await fetch(`${app.url}/callbacks/colourlife/${platformId}/not-the-secret`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tno: 'x', status: 1 }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toBe('fail');
  });

  it('a forbidden account cannot transact until recovered', async () => {
    const forbid = await gql(
      `mutation($input: ForbidLedgerAccountInput!) { forbidLedgerAccount(input: $input) { ${ACCOUNT_RESULT} } }`,
      { input: { accountId: accounts.bob } },
    );
    expect(forbid.forbidLedgerAccount.account.status).toBe('FORBIDDEN');
    const refused = await transfer(FAST, {
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.bob,
      amountFen: 10,
    });
    expect(refused).toMatchObject({
      failure: { reason: 'ACCOUNT_FORBIDDEN' },
      affectedTransaction: { status: 'FAILED' },
    });
    const recover = await gql(
      `mutation($input: RecoverLedgerAccountInput!) { recoverLedgerAccount(input: $input) { ${ACCOUNT_RESULT} } }`,
      { input: { accountId: accounts.bob } },
    );
    expect(recover.recoverLedgerAccount.account.status).toBe('ACTIVE');
    expect(
      (await transfer(FAST, { payerAccountId: accounts.alice, payeeAccountId: accounts.bob, amountFen: 10 }))
        .transaction.status,
    ).toBe('SUCCEEDED');
  });

  it("lists an account's successful transactions, newest first, with the spec's filters", async () => {
    const statementPage = (args: string) =>
      gql(
        `query($id: ID!) { node(id: $id) { ... on Account { statement${args ? `(${args})` : ''} {
          edges { cursor node { tno direction amount { fen } counterparty { id } counterpartyAccountNo transaction { id } } }
          pageInfo { hasNextPage hasPreviousPage endCursor } } } } }`,
        { id: accounts.alice },
      ).then((d) => d.node.statement);
    const statement = (args: string) => statementPage(args).then((page) => page.edges.map((e: any) => e.node));
    // Its own two transactions, the newest first; not what earlier tests happened to leave.
    await transfer(FAST, {
      payerAccountId: platformAccounts.FANPIAO,
      payeeAccountId: accounts.alice,
      amountFen: 10_000,
    });
    const paid = await transfer(FAST, { payerAccountId: accounts.alice, payeeAccountId: accounts.bob, amountFen: 10 });
    const all = await statement('first: 10');
    expect(all[0]).toMatchObject({
      direction: 'PAID',
      amount: { fen: 10 },
      counterparty: { id: accounts.bob },
      transaction: { id: paid.transaction.id },
    });
    expect(all[1]).toMatchObject({
      direction: 'RECEIVED',
      amount: { fen: 10_000 },
      counterparty: { id: platformAccounts.FANPIAO },
    });
    const received = await statement('direction: RECEIVED');
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received.every((e: any) => e.direction === 'RECEIVED')).toBe(true);
    const recharges = await statement('kind: RECHARGE');
    expect(recharges.length).toBeGreaterThanOrEqual(1);
    expect(recharges.every((e: any) => e.counterparty.id === platformAccounts.FANPIAO)).toBe(true);
    // Pages by cursor: the ledger's offset travels inside it, opaque.
    const first = await statementPage('first: 1');
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await statementPage(`first: 2, after: "${first.pageInfo.endCursor}"`);
    expect(next.edges.map((e: any) => e.node.tno)).toEqual(all.slice(1, 3).map((e: any) => e.tno));
    expect(next.pageInfo.hasPreviousPage).toBe(true);
    const forged = await graphql(
      app.url,
      `
        query ($id: ID!) {
          node(id: $id) {
            ... on Account {
              statement(after: "bm90LWEtY3Vyc29y") {
                edges {
                  cursor
                }
              }
            }
          }
        }
      `,
      { id: accounts.alice },
      apiKey,
    );
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refreshes an expired access token once and carries on', async () => {
    const issued = sandbox.tokensIssued;
    await sandbox.clock.advance(601_000);
    expect(await balance('alice')).toBeGreaterThan(0);
    expect(sandbox.tokensIssued).toBe(issued + 1);
  });

  it('idempotency: the same key returns the same transaction; another input is a CONFLICT', async () => {
    const input = {
      idempotencyKey: 'same-key',
      content: 'x',
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.bob,
      amountFen: 5,
    };
    const first = (await gql(CREATE, { input })).createLedgerTransaction;
    const second = (await gql(CREATE, { input })).createLedgerTransaction;
    expect(second).toMatchObject({ replayed: true, transaction: { id: first.transaction.id } });
    const conflict = await graphql(app.url, CREATE, { input: { ...input, amountFen: 6 } }, apiKey);
    expect(conflict.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('a prepay whose answer is lost is resent with the same orderno and adopted, never made twice', async () => {
    sandbox.faults.nextRequests = ['unknown'];
    const result = await transfer(CREATE, {
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.bob,
      amountFen: 7,
    });
    expect(result.transaction.status).toBe('NEEDS_ATTENTION');
    // The ledger-sync job re-sends the same orderno and adopts the tno by itself.
    await waitFor(async () => {
      const data = await gql(`query($id: ID!) { node(id: $id) { ... on Transaction { status vendorRef } } }`, {
        id: result.transaction.id,
      });
      return data.node.status === 'PROCESSING' && data.node.vendorRef;
    }, 'the sync job to adopt the prepay');
    // syncLedgerTransaction does the same on demand, and changes nothing more.
    const synced = await act(SYNC, result.transaction.id);
    expect(synced.transaction.status).toBe('PROCESSING');
    const orderNo = (
      await gql(`query($id: ID!) { node(id: $id) { ... on Transaction { orderNo } } }`, { id: result.transaction.id })
    ).node.orderNo;
    expect([...ledger.transactions.values()].filter((t) => t.orderno === orderNo)).toHaveLength(1);
  });

  it('a fast transaction whose answer is lost is found by its orderno, never sent twice', async () => {
    const before = await balance('bob');
    // Only the fast transaction's answer is lost, whatever else talks to the ledger meanwhile.
    sandbox.faults.nextRequestsPath = '/transaction/fasttransaction';
    sandbox.faults.nextRequests = ['unknown'];
    // The ledger's own notification would otherwise race the lost answer and settle the row
    // first (a legitimate path, but not the one under test): its first attempt is dropped.
    sandbox.faults.dropCallbacks = 1;
    const result = await transfer(FAST, {
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.bob,
      amountFen: 11,
    });
    sandbox.faults.nextRequestsPath = undefined;
    expect(result.transaction.status).toBe('NEEDS_ATTENTION');
    // The answer was lost (NEEDS_ATTENTION); the sync job or syncLedgerTransaction finds it.
    const synced = await act(SYNC, result.transaction.id);
    expect(synced.transaction).toMatchObject({ status: 'SUCCEEDED', vendorRef: expect.any(String) });
    const history = await gql(
      `query($id: ID!) { node(id: $id) { ... on Transaction { statusHistory { toStatus } } } }`,
      {
        id: result.transaction.id,
      },
    );
    expect(history.node.statusHistory.map((event: any) => event.toStatus)).toContain('NEEDS_ATTENTION');
    const orderNo = (
      await gql(`query($id: ID!) { node(id: $id) { ... on Transaction { orderNo } } }`, { id: result.transaction.id })
    ).node.orderNo;
    const sent = sandbox.received.filter(
      (r) => r.path === '/transaction/fasttransaction' && r.params.orderno === orderNo,
    );
    expect(sent).toHaveLength(1);
    expect((await balance('bob')) - before).toBe(11);
  });

  it('a prepay not found at the ledger is sent again exactly as first sent', async () => {
    sandbox.faults.nextRequestsPath = '/transaction/prepay';
    sandbox.faults.nextRequests = ['unknown'];
    const result = await transfer(CREATE, {
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.bob,
      amountFen: 13,
      detail: 'byte for byte',
      payerSubaccounts: [{ name: 'cash', amountFen: 13 }],
    });
    sandbox.faults.nextRequestsPath = undefined;
    const orderNo = (
      await gql(`query($id: ID!) { node(id: $id) { ... on Transaction { orderNo } } }`, { id: result.transaction.id })
    ).node.orderNo;
    // The ledger-sync job looks for it, does not find it (unpaid prepays are not listed), and sends it again.
    await waitFor(async () => {
      const data = await gql(`query($id: ID!) { node(id: $id) { ... on Transaction { vendorRef } } }`, {
        id: result.transaction.id,
      });
      return Boolean(data.node.vendorRef);
    }, 'the sync job to adopt the prepay');
    const sent = sandbox.received
      .filter((r) => r.path === '/transaction/prepay' && r.params.orderno === orderNo)
      .map(({ params: { access_token: _token, ...params } }) => params);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    expect([...ledger.transactions.values()].filter((t) => t.orderno === orderNo)).toHaveLength(1);
  });

  it('applies sub-account changes and refuses expired transactions', async () => {
    const prepay = await transfer(CREATE, {
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.shop,
      amountFen: 100,
      payeeSubaccounts: [
        { name: 'cash', amountFen: 60 },
        { name: 'ticket', amountFen: 40 },
      ],
    });
    // Sent as the spec's example shows them: JSON numbers in yuan.
    expect(sandbox.received.filter((r) => r.path === '/transaction/prepay').at(-1)?.params.destsubaccount).toBe(
      '{"cash":0.60,"ticket":0.40}',
    );
    const result = await act(CONFIRM, prepay.transaction.id);
    expect(result.transaction.status).toBe('SUCCEEDED');
    const local = await app.runtime.services.db.manager.findOneByOrFail(Account, {
      id: fromGlobalIdOf('Account', accounts.shop, 'id'),
    });
    expect(ledger.accounts.get(local.vendorRef as string)?.subaccounts).toEqual({ cash: 60, ticket: 40 });
    const expired = await transfer(CREATE, {
      payerAccountId: accounts.alice,
      payeeAccountId: accounts.shop,
      amountFen: 100,
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(expired).toMatchObject({
      __typename: 'LedgerRefusedError',
      failure: { reason: 'EXPIRED' },
      affectedTransaction: { status: 'FAILED' },
    });
  });
});
