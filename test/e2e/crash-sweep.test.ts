import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '../support/databases';
import { graphqlData } from '../support/graphql-client';
import { CREATE_PAYMENT } from '../support/payments';
import {
  PROJECT_ROOT,
  runCli,
  startProcess,
  startSandboxProcess,
  waitForOutput,
  type RunningProcess,
} from '../support/processes';
import { waitFor } from '../support/wait-for';
import { CONFIGURE_PROVIDER, configureProviderInput } from '../support/provider-settings';

const INSTANCE = ['-r', '@swc-node/register', join(PROJECT_ROOT, 'test', 'support', 'instance.ts')];
const redisUrl = process.env.REDIS_URL;
// CI always sets REDIS_URL; a quick local run without Redis has no BullMQ to crash against.
const describeWithRedis = redisUrl ? describe.each(testDatabases()) : describe.skip.each(testDatabases());

/**
 * A process killed between a vendor's answer and its commit, with BullMQ on Redis as the job
 * queue: the row is left open and no job exists for it (the poll is scheduled only after the
 * answer). On start, an instance sweeps the database for open rows and schedules their jobs in
 * either queue mode. One scenario per kind of entity a vendor call can leave open: in-store
 * payment, refund, payout and ledger transfer. Each vendor's sandbox runs as its own process,
 * so it outlives the crash as a real vendor would, and sees each operation exactly once.
 */
describeWithRedis('a crash between the vendor call and the commit, with Redis, on $name', (database) => {
  const running: RunningProcess[] = [];
  const sandboxes: Record<string, { baseUrl: string; merchant: Record<string, any> }> = {};
  let env: NodeJS.ProcessEnv;
  let apiKey: string;
  let cleanup: () => Promise<void>;
  let keys = 0;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paygraph-sweep-'));
    const { settings, drop } = await database.create();
    env = {
      DATA_DIR: dataDir,
      DATA_KEY: 'd'.repeat(64),
      SANDBOX: 'off',
      LOG_LEVEL: 'warn',
      REDIS_URL: redisUrl,
      JOB_QUEUE: `paygraph-sweep-${randomBytes(4).toString('hex')}`,
      UPAY_POLL_INTERVAL_SECONDS: '0.1',
      IDEMPOTENCY_WAIT_SECONDS: '1',
      ...(settings.kind === 'mysql' ? { DATABASE_URL: settings.url } : {}),
    };
    for (const [vendor, merchant] of [
      ['shouqianba', 'T901'],
      ['yunzhanghu', 'dealer-sweep'],
      ['colourlife', 'pno-sweep'],
    ]) {
      const sandbox = await startSandboxProcess(vendor, merchant);
      running.push(sandbox.process);
      sandboxes[vendor] = sandbox;
    }
    const platform = await runCli(['platform:create', '--name', 'Sweep Store'], env);
    apiKey = platform.json.apiKey;
    cleanup = async () => {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });

  afterAll(async () => {
    await Promise.all(running.map((process) => process.stop()));
    await cleanup?.();
  });

  async function startInstance(extra: NodeJS.ProcessEnv = {}): Promise<{ process: RunningProcess; url: string }> {
    const instance = startProcess(INSTANCE, { ...env, ...extra });
    running.push(instance);
    const [, port] = await waitForOutput(instance, /READY (\d+)/, 'the instance');
    return { process: instance, url: `http://127.0.0.1:${port}` };
  }

  /** Sends `query` to an instance armed to die at `failpoint`; checks that it died by SIGKILL. */
  async function crashDuring(failpoint: string, query: string, variables: Record<string, unknown>): Promise<void> {
    const doomed = await startInstance({ PAYGRAPH_FAILPOINTS: failpoint });
    const request = graphqlData(doomed.url, query, variables, apiKey).then(
      () => 'answered',
      () => 'connection lost',
    );
    await doomed.process.exited;
    expect(doomed.process.child.signalCode).toBe('SIGKILL');
    expect(await request).toBe('connection lost');
  }

  /** Starts an instance, waits until `check` holds on it, and stops it. */
  async function restartUntil(what: string, check: (url: string) => Promise<boolean>): Promise<void> {
    const restarted = await startInstance();
    try {
      await waitFor(() => check(restarted.url), what, 30_000);
    } finally {
      await restarted.process.stop();
    }
  }

  const configure = (url: string, input: Record<string, unknown>) =>
    graphqlData(
      url,
      CONFIGURE_PROVIDER,
      { input: configureProviderInput(input as Parameters<typeof configureProviderInput>[0]) },
      apiKey,
    );

  const node = async (url: string, id: string, fields: string) =>
    (await graphqlData(url, `query($id: ID!) { node(id: $id) { ... on ${fields} } }`, { id }, apiKey)).node;

  let setup: { process: RunningProcess; url: string };

  beforeAll(async () => {
    setup = await startInstance();
    const { shouqianba, yunzhanghu, colourlife } = sandboxes;
    await configure(setup.url, {
      vendor: 'SHOUQIANBA',
      baseUrl: shouqianba.baseUrl,
      credentials: { terminalKey: shouqianba.merchant.terminalKey },
      options: { terminalSn: shouqianba.merchant.terminalSn },
    });
    await configure(setup.url, {
      vendor: 'YUNZHANGHU',
      baseUrl: yunzhanghu.baseUrl,
      credentials: { appKey: yunzhanghu.merchant.appKey, des3Key: yunzhanghu.merchant.des3Key },
      options: { dealerId: yunzhanghu.merchant.dealerId, brokerId: yunzhanghu.merchant.brokerIds[0] },
    });
    await configure(setup.url, {
      vendor: 'COLOURLIFE',
      baseUrl: colourlife.baseUrl,
      credentials: { authAccount: colourlife.merchant.authAccount, authPassword: colourlife.merchant.authPassword },
      options: { pno: colourlife.merchant.pno },
    });
  });

  afterAll(async () => {
    await setup?.process.stop();
  });

  it('an in-store payment the gateway accepted is adopted by query, one order at the gateway', async () => {
    const input = {
      idempotencyKey: `pay-${++keys}`,
      method: { barcode: { dynamicId: '134567890123457000' } },
      amountFen: 2345,
    };
    await crashDuring('in-store.after-create-call', CREATE_PAYMENT, { input });
    await restartUntil('the payment adopted', async (url) => {
      const data = await graphqlData(url, `{ transactions(first: 1) { nodes { status } } }`, {}, apiKey);
      return data.transactions.nodes[0]?.status === 'SUCCEEDED';
    });
    const orders = await (
      await fetch(
        `${sandboxes.shouqianba.baseUrl}/_admin/orders?terminal_sn=${sandboxes.shouqianba.merchant.terminalSn}`,
      )
    ).json();
    expect(orders.filter((order: any) => order.total_amount === '2345')).toHaveLength(1);
  });

  it('a refund the gateway made is settled by the same refund_request_no, refunded once', async () => {
    const paid = await graphqlData(
      setup.url,
      CREATE_PAYMENT,
      {
        input: {
          idempotencyKey: `pay-${++keys}`,
          method: { barcode: { dynamicId: '134567890123458000' } },
          amountFen: 3000,
        },
      },
      apiKey,
    );
    const paymentId = paid.createPayment.transaction.id;
    await waitFor(
      async () => (await node(setup.url, paymentId, 'Transaction { status }')).status === 'SUCCEEDED',
      'the payment paid',
    );
    await crashDuring(
      'refund.after-call',
      `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { __typename } }`,
      { input: { idempotencyKey: `refund-${++keys}`, paymentId, amountFen: 1000 } },
    );
    await restartUntil('the refund settled', async (url) => {
      const payment = await node(url, paymentId, 'Transaction { refunds { status } }');
      return payment.refunds[0]?.status === 'SUCCEEDED';
    });
    const orders = await (
      await fetch(
        `${sandboxes.shouqianba.baseUrl}/_admin/orders?terminal_sn=${sandboxes.shouqianba.merchant.terminalSn}`,
      )
    ).json();
    const order = orders.find((each: any) => each.total_amount === '3000');
    // Refunded exactly once: 30.00 paid, 10.00 back.
    expect(order.net_amount).toBe('2000');
  });

  it('a payout the vendor accepted is adopted by its order_id and tracked again', async () => {
    const orderNo = await (async () => {
      await crashDuring(
        'payout.after-order-call',
        `mutation($input: CreatePayoutInput!) { createPayout(input: $input) { __typename } }`,
        {
          input: {
            idempotencyKey: `payout-${++keys}`,
            channel: 'BANK_CARD',
            amountFen: 4_200,
            payee: { realName: '张三', idCard: '11010519491231002X', account: '6214833000004200' },
          },
        },
      );
      const data = await graphqlData(setup.url, `{ payouts(first: 1) { nodes { orderNo status } } }`, {}, apiKey);
      expect(data.payouts.nodes[0].status).toBe('PENDING');
      return data.payouts.nodes[0].orderNo as string;
    })();
    await restartUntil('the payout settled', async (url) => {
      const data = await graphqlData(url, `{ payouts(first: 1) { nodes { status vendorRef } } }`, {}, apiKey);
      const [payout] = data.payouts.nodes;
      // Adopted: the vendor's order (the same order_id, paid once) is tracked, and polled on.
      return ['PROCESSING', 'SUCCEEDED'].includes(payout.status) && Boolean(payout.vendorRef);
    });
    expect(orderNo).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a fast ledger transfer the ledger made is found by its orderno, never made twice', async () => {
    const gql = (query: string, variables: Record<string, unknown> = {}) =>
      graphqlData(setup.url, query, variables, apiKey);
    const synced = await gql(
      `mutation { syncAccountTypes { ... on SyncAccountTypesPayload { accountTypes { id kind } } } }`,
    );
    const fanpiao = synced.syncAccountTypes.accountTypes.find((type: any) => type.kind === 'FANPIAO').id;
    const accounts = await gql(`{ accounts(first: 20) { nodes { id ownerKind accountType { kind } } } }`);
    const platformAccount = accounts.accounts.nodes.find(
      (account: any) => account.ownerKind === 'PLATFORM' && account.accountType.kind === 'FANPIAO',
    ).id;
    const client = await gql(
      `mutation($input: CreateClientInput!) { createClient(input: $input) { ... on CreateClientPayload { client { id } } } }`,
      { input: { externalRef: 'sweep-client', name: 'Sweep', mobile: '13800000009' } },
    );
    const opened = await gql(
      `mutation($input: OpenLedgerAccountInput!) { openLedgerAccount(input: $input) { ... on LedgerAccountPayload { account { id } } } }`,
      { input: { clientId: client.createClient.client.id, accountTypeId: fanpiao, canNegative: false } },
    );
    const clientAccount = opened.openLedgerAccount.account.id;
    await crashDuring(
      'ledger.after-create-call',
      `mutation($input: FastLedgerTransactionInput!) { fastLedgerTransaction(input: $input) { __typename } }`,
      {
        input: {
          idempotencyKey: `ledger-${++keys}`,
          content: 'recharge',
          payerAccountId: platformAccount,
          payeeAccountId: clientAccount,
          amountFen: 5_000,
        },
      },
    );
    await restartUntil('the transfer adopted', async (url) => {
      const data = await graphqlData(
        url,
        `{ transactions(first: 5) { nodes { status vendorRef amount { fen } } } }`,
        {},
        apiKey,
      );
      const transfer = data.transactions.nodes.find((each: any) => each.amount.fen === 5_000);
      return transfer?.status === 'SUCCEEDED' && Boolean(transfer.vendorRef);
    });
    const ledger = await (
      await fetch(`${sandboxes.colourlife.baseUrl}/_admin/platforms/${sandboxes.colourlife.merchant.pno}`)
    ).json();
    const account = JSON.stringify(ledger);
    // One recharge of 50.00 reached the client's account: its balance is exactly that.
    expect(account).toContain('"50.00"');
    expect(account).not.toContain('"100.00"');
  });
});
