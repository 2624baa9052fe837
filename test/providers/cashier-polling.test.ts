import { randomBytes } from 'node:crypto';
import { fromGlobalId, toGlobalId } from '../../src/graphql/global-id';
import type { CashierSandbox } from '../../src/sandbox/cashier/cashier-sandbox';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { graphqlData } from '../support/graphql-client';
import { createCheckoutPayment } from '../support/payments';
import { describeWithMysqlAndRedis, startTwoInstances, type TwoInstances } from '../support/two-instances';
import { waitFor } from '../support/wait-for';

async function wireCashier(app: TestApp, seeded: SeededPlatform, sandboxUrl: string): Promise<CashierSandbox> {
  const sandbox = app.runtime.sandboxes!.cashier;
  const merchant = sandbox.registerMerchant(`M${randomBytes(3).toString('hex')}`);
  await app.runtime.services.providerConfigs.configure(
    { platformId: seeded.platformId },
    {
      vendor: 'CASHIER' as never,
      baseUrl: sandboxUrl,
      credentials: { signKey: merchant.signKey },
      options: { merchantId: merchant.merid },
    },
  );
  return sandbox;
}

async function payWithoutNotification(app: TestApp, sandbox: CashierSandbox, url: string): Promise<void> {
  const html = await (await fetch(url)).text();
  const queryid = /\/checkout\/(Q[0-9a-f]+)\//.exec(html)?.[1] as string;
  // Every back notification is lost: only a query can tell us the payer paid.
  sandbox.faults = { ...sandbox.faults, dropCallbacks: 100 };
  sandbox.settle(sandbox.order(queryid)!, '0000');
}

async function statusHistory(
  app: TestApp,
  apiKey: string,
  id: string,
): Promise<Array<{ toStatus: string; source: string }>> {
  const data = await graphqlData(
    app.url,
    'query($id: ID!) { node(id: $id) { ... on Transaction { statusHistory { toStatus source } } } }',
    { id },
    apiKey,
  );
  return data.node.statusHistory;
}

describe.each(testDatabases())('the payment poll job (in-process) on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  let sandbox: CashierSandbox;

  beforeAll(async () => {
    app = await startTestApp(database, { paymentPollDelayMs: 100 });
    seeded = await seedPlatform(app.runtime.services, 'poll', 0);
    sandbox = await wireCashier(app, seeded, `${app.url}/sandbox/cashier`);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('queries the vendor when no notification arrives, and stops once the payment is final', async () => {
    const { transaction, checkout } = await createCheckoutPayment(app.url, seeded.apiKey, 'poll-1', {
      amountFen: 100,
      clientId: toGlobalId('Client', seeded.clientIds[0]),
      method: { checkout: { action: 'BANK' } },
    });
    await payWithoutNotification(app, sandbox, checkout.url);
    await waitFor(
      async () => (await statusHistory(app, seeded.apiKey, transaction.id)).some((e) => e.toStatus === 'SUCCEEDED'),
      'the poll to find the payment',
    );
    expect(await statusHistory(app, seeded.apiKey, transaction.id)).toEqual([
      { toStatus: 'PROCESSING', source: 'API' },
      { toStatus: 'SUCCEEDED', source: 'POLL' },
    ]);
    const queries = sandbox.queriesByOrder.get(transaction.orderNo) ?? 0;
    // Final: no further polls, however long we wait for the queue to go quiet.
    await app.runtime.services.jobs.close();
    expect(sandbox.queriesByOrder.get(transaction.orderNo)).toBe(queries);
  });
});

describeWithMysqlAndRedis('the payment poll job on BullMQ with two instances', () => {
  let instances: TwoInstances;
  let instanceA: TestApp;
  let seeded: SeededPlatform;
  let sandbox: CashierSandbox;

  beforeAll(async () => {
    instances = await startTwoInstances({ paymentPollDelayMs: 300 }, { PAYMENT_POLL_DELAY_SECONDS: '1' });
    instanceA = instances.a;
    seeded = await seedPlatform(instanceA.runtime.services, 'bull', 0);
    sandbox = await wireCashier(instanceA, seeded, `${instanceA.url}/sandbox/cashier`);
  });

  afterAll(async () => {
    await instances?.stop();
  });

  it('runs a poll scheduled by both instances exactly once', async () => {
    const { transaction, checkout } = await createCheckoutPayment(instanceA.url, seeded.apiKey, 'bull-1', {
      amountFen: 100,
      method: { checkout: { action: 'BANK' } },
    });
    await payWithoutNotification(instanceA, sandbox, checkout.url);
    // Instance A scheduled the poll when the payment was created; B schedules the same job.
    const rawId = fromGlobalId(transaction.id).id;
    await instanceA.runtime.services.payments.schedulePoll({ id: rawId, platformId: seeded.platformId });
    await waitFor(
      async () =>
        (await statusHistory(instanceA, seeded.apiKey, transaction.id)).some((e) => e.toStatus === 'SUCCEEDED'),
      'the poll',
      20_000,
    );
    expect(sandbox.queriesByOrder.get(transaction.orderNo)).toBe(1);
    expect(
      (await statusHistory(instanceA, seeded.apiKey, transaction.id)).filter((e) => e.source === 'POLL'),
    ).toHaveLength(1);
  });
});
