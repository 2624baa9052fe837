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

/**
 * Issue #3's fault test: the process dies (SIGKILL, no cleanup) after the gateway accepted a
 * payment and before the answer was committed. The sandbox runs as its own process, so it
 * outlives the crash like a real vendor. After a restart, the poll-then-cancel loop finds the
 * order by query and adopts it; the gateway never sees a second order.
 */
describe.each(testDatabases())('a crash between the vendor call and the commit, on $name', (database) => {
  let env: NodeJS.ProcessEnv;
  let sandbox: RunningProcess;
  let sandboxUrl: string;
  let terminal: { terminalSn: string; terminalKey: string };
  const running: RunningProcess[] = [];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paygraph-crash-'));
    const { settings, drop } = await database.create();
    env = {
      DATA_DIR: dataDir,
      DATA_KEY: 'c'.repeat(64),
      SANDBOX: 'off',
      LOG_LEVEL: 'warn',
      UPAY_POLL_INTERVAL_SECONDS: '0.1',
      IDEMPOTENCY_WAIT_SECONDS: '1',
      ...(settings.kind === 'mysql' ? { DATABASE_URL: settings.url } : {}),
    };
    const started = await startSandboxProcess('shouqianba', 'T900');
    sandbox = started.process;
    running.push(sandbox);
    sandboxUrl = started.baseUrl;
    terminal = started.merchant as { terminalSn: string; terminalKey: string };
    cleanup = async () => {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });

  afterAll(async () => {
    await Promise.all(running.map((process) => process.stop()));
    await cleanup?.();
  });

  async function startInstance(extra: NodeJS.ProcessEnv): Promise<{ process: RunningProcess; url: string }> {
    const instance = startProcess(INSTANCE, { ...env, ...extra });
    running.push(instance);
    const [, port] = await waitForOutput(instance, /READY (\d+)/, 'the instance');
    return { process: instance, url: `http://127.0.0.1:${port}` };
  }

  it('adopts the order the gateway accepted, by query, with no second order', async () => {
    const platform = await runCli(['platform:create', '--name', 'Crash Test Store'], env);
    expect(platform.code).toBe(0);
    const apiKey: string = platform.json.apiKey;

    // The first instance dies right after the gateway answered pay.
    const doomed = await startInstance({ PAYGRAPH_FAILPOINTS: 'in-store.after-create-call' });
    await graphqlData(
      doomed.url,
      CONFIGURE_PROVIDER,
      {
        input: configureProviderInput({
          vendor: 'SHOUQIANBA',
          baseUrl: sandboxUrl,
          credentials: { terminalKey: terminal.terminalKey },
          options: { terminalSn: terminal.terminalSn },
        }),
      },
      apiKey,
    );
    const input = {
      idempotencyKey: 'crash-1',
      method: { barcode: { dynamicId: '134567890123456000' } },
      amountFen: 4321,
    };
    const request = graphqlData(doomed.url, CREATE_PAYMENT, { input }, apiKey).then(
      () => 'answered',
      () => 'connection lost',
    );
    expect(await doomed.process.exited).toBeNull(); // killed by a signal, not exited
    expect(doomed.process.child.signalCode).toBe('SIGKILL');
    expect(await request).toBe('connection lost');

    // The gateway holds exactly one paid order.
    const ordersAt = async () =>
      (await fetch(`${sandboxUrl}/_admin/orders?terminal_sn=${terminal.terminalSn}`)).json() as Promise<any[]>;
    const before = await ordersAt();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ order_status: 'PAID', total_amount: '4321' });

    // A restart finds the payment still PENDING locally, queries, and adopts the order.
    const restarted = await startInstance({});
    const query = `{ transactions(first: 5) { edges { node { status orderNo vendorRef statusHistory { toStatus source } } } } }`;
    let payment: any;
    await waitFor(
      async () => {
        const data = await graphqlData(restarted.url, query, {}, apiKey);
        payment = data.transactions.edges[0]?.node;
        return payment?.status === 'SUCCEEDED';
      },
      'the payment to be adopted',
      20_000,
    );
    expect(payment.orderNo).toBe(before[0].client_sn);
    expect(payment.vendorRef).toBe(before[0].sn);
    expect(payment.statusHistory.map((e: any) => [e.toStatus, e.source])).toEqual([
      ['PENDING', 'API'],
      ['SUCCEEDED', 'POLL'],
    ]);
    expect(await ordersAt()).toHaveLength(1);

    // The client, which never got its answer, retries with the same key: the same payment.
    const retried = await graphqlData(restarted.url, CREATE_PAYMENT, { input }, apiKey);
    expect(retried.createPayment).toMatchObject({
      __typename: 'CreatePaymentPayload',
      replayed: true,
      transaction: { orderNo: before[0].client_sn, status: 'SUCCEEDED' },
    });
    expect(await ordersAt()).toHaveLength(1);
  });
});
