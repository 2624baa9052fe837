import { toGlobalId } from '../../src/graphql/global-id';
import { seal } from '../../src/providers/cashier/signing';
import type { CashierSandbox } from '../../src/sandbox/cashier/cashier-sandbox';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { graphqlData } from '../support/graphql-client';
import { CREATE_PAYMENT, checkoutInput, createCheckoutPayment, sendCreatePayment } from '../support/payments';
import { waitFor } from '../support/wait-for';
import { CONFIGURE_PROVIDER, configureProviderInput } from '../support/provider-settings';

const SYNC = `mutation($id: ID!) {
  syncPayment(input: { paymentId: $id }) {
    __typename
    ... on SyncPaymentPayload { changed transaction { status } }
    ... on ErrorResult { code message }
  }
}`;

const MERCHANT = 'M100001';
const SIGN_KEY = 'cashier-sandbox-key-0001';

describe.each(testDatabases())('cashier payments against the sandbox on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  let sandbox: CashierSandbox;

  beforeAll(async () => {
    app = await startTestApp(database);
    sandbox = app.runtime.sandboxes!.cashier;
    sandbox.registerMerchant(MERCHANT, SIGN_KEY);
    seeded = await seedPlatform(app.runtime.services, 'shop', 0);
    await graphqlData(
      app.url,
      CONFIGURE_PROVIDER,
      {
        input: configureProviderInput({
          vendor: 'CASHIER',
          baseUrl: `${app.url}/sandbox/cashier`,
          credentials: { signKey: SIGN_KEY },
          options: { merchantId: MERCHANT },
        }),
      },
      seeded.apiKey,
    );
  });

  afterAll(async () => {
    await app?.stop();
  });

  function createPayment(idempotencyKey: string, amountFen = 1234, extra: Record<string, unknown> = {}) {
    return createCheckoutPayment(app.url, seeded.apiKey, idempotencyKey, {
      amountFen,
      clientId: toGlobalId('Client', seeded.clientIds[0]),
      ...extra,
    });
  }

  async function openCheckout(url: string): Promise<{ html: string; queryid: string }> {
    const page = await fetch(url);
    const html = await page.text();
    const match = /\/checkout\/(Q[0-9a-f]+)\//.exec(html);
    if (page.status !== 200 || !match)
      throw new Error(`checkout page did not open: ${page.status} ${html.slice(0, 200)}`);
    return { html, queryid: match[1] };
  }

  async function decide(queryid: string, decision: string): Promise<Response> {
    return fetch(`${app.url}/sandbox/cashier/checkout/${queryid}/${decision}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'method=WeiXin',
      redirect: 'manual',
    });
  }

  async function statusOf(globalId: string): Promise<string> {
    const data = await graphqlData(
      app.url,
      'query($id: ID!) { node(id: $id) { ... on Transaction { status } } }',
      { id: globalId },
      seeded.apiKey,
    );
    return data.node.status;
  }

  it('creates a checkout, the payer pays on the hosted page, and the signed notifications settle it', async () => {
    const created = await createPayment('pay-1');
    expect(created).toMatchObject({
      __typename: 'CreatePaymentPayload',
      replayed: false,
      transaction: { status: 'PROCESSING', amount: { fen: 1234 } },
    });
    expect(created.transaction.orderNo).toMatch(/^[0-9a-f]{32}$/);
    expect(created.checkout.url).toMatch(new RegExp(`^${app.url}/sandbox/cashier/apis/icashier\\?req=`));
    expect(created.checkout.html).toContain('document.forms[0].submit()');
    // The form POSTs the same signed fields the URL carries.
    const query = Object.fromEntries(new URL(created.checkout.url).searchParams);
    expect(Object.fromEntries(created.checkout.formFields.map((f: any) => [f.name, f.value]))).toEqual(query);

    // The open payment carries its checkout, the same signed page createPayment answered, and
    // the cursor to follow it from without a gap.
    const open = await graphqlData(
      app.url,
      'query($id: ID!) { node(id: $id) { ... on Transaction { checkout { url } lastEventCursor statusHistory { cursor } } } }',
      { id: created.transaction.id },
      seeded.apiKey,
    );
    expect(open.node.checkout).toEqual({ url: created.checkout.url });
    expect(open.node.lastEventCursor).toBe(open.node.statusHistory.at(-1).cursor);

    const { html, queryid } = await openCheckout(created.checkout.url);
    expect(html).toContain('¥12.34');
    expect(html).toMatch(/WeChat Pay/);

    const paid = await decide(queryid, 'pay');
    expect(paid.status).toBe(303);
    const front = await fetch(paid.headers.get('location') as string);
    expect(await front.text()).toContain('SUCCEEDED');

    await waitFor(async () => (await statusOf(created.transaction.id)) === 'SUCCEEDED', 'the payment to succeed');
    await waitFor(
      () =>
        sandbox.notifier.attempts.some((a) => a.label.includes(created.transaction.orderNo) && a.acknowledged === true),
      'the acknowledged back notification',
    );
    const history = await graphqlData(
      app.url,
      'query($id: ID!) { node(id: $id) { ... on Transaction { statusHistory { fromStatus toStatus source terminal } } } }',
      { id: created.transaction.id },
      seeded.apiKey,
    );
    expect(history.node.statusHistory).toEqual([
      { fromStatus: null, toStatus: 'PROCESSING', source: 'API', terminal: false },
      { fromStatus: 'PROCESSING', toStatus: 'SUCCEEDED', source: 'CALLBACK', terminal: true },
    ]);
    const settled = await graphqlData(
      app.url,
      'query($id: ID!) { node(id: $id) { ... on Transaction { checkout { url } refundableAmount { fen } } } }',
      { id: created.transaction.id },
      seeded.apiKey,
    );
    // Paid: nothing to check out any more, and the cashier takes no refunds through paygraph.
    expect(settled.node).toEqual({ checkout: null, refundableAmount: { fen: 0 } });
  });

  it('answers a repeated idempotency key with the same payment and the same signed checkout, and a changed input with CONFLICT', async () => {
    const first = await createPayment('pay-replay', 500);
    const again = await createPayment('pay-replay', 500);
    expect(again.replayed).toBe(true);
    expect(again.transaction.id).toBe(first.transaction.id);
    expect(again.checkout).toEqual(first.checkout);
    const changed = await sendCreatePayment(
      app.url,
      seeded.apiKey,
      checkoutInput('pay-replay', { amountFen: 501, clientId: toGlobalId('Client', seeded.clientIds[0]) }),
    );
    expect(changed.body.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('follows the retry schedule on the fast-forward clock when notifications are lost, and ignores duplicates', async () => {
    const created = await createPayment('pay-retry', 800);
    const { queryid } = await openCheckout(created.checkout.url);
    sandbox.faults = { ...sandbox.faults, dropCallbacks: 2, duplicateCallbacks: 1 };
    await decide(queryid, 'pay');
    const attemptsFor = () => sandbox.notifier.attempts.filter((a) => a.label.includes(created.transaction.orderNo));
    await waitFor(() => attemptsFor().length === 1, 'the first (dropped) attempt');
    expect(await statusOf(created.transaction.id)).toBe('PROCESSING');
    await sandbox.clock.advance(10_000);
    await sandbox.clock.advance(10_000);
    await waitFor(() => attemptsFor().length === 3, 'three attempts');
    expect(attemptsFor().map((a) => a.acknowledged)).toEqual(['dropped', 'dropped', true]);
    expect(await statusOf(created.transaction.id)).toBe('SUCCEEDED');
    const history = await graphqlData(
      app.url,
      'query($id: ID!) { node(id: $id) { ... on Transaction { statusHistory { toStatus } } } }',
      { id: created.transaction.id },
      seeded.apiKey,
    );
    // Delivered twice on the third attempt (duplicate fault), applied once.
    expect(history.node.statusHistory.map((e: any) => e.toStatus)).toEqual(['PROCESSING', 'SUCCEEDED']);
  });

  it('syncs by query: an unknown outcome is reported and changes nothing, then the answer applies', async () => {
    const created = await createPayment('pay-sync', 900);
    const { queryid } = await openCheckout(created.checkout.url);
    // The bank puts the unpaid order under investigation (1004); the notification is lost.
    sandbox.faults = { ...sandbox.faults, dropCallbacks: 10, nextRequests: ['unknown', 'http500'] };
    sandbox.settle(sandbox.order(queryid)!, '1004');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const failed = await graphqlData(app.url, SYNC, { id: created.transaction.id }, seeded.apiKey);
      expect(failed.syncPayment).toMatchObject({ __typename: 'VendorQueryFailedError', code: 'OUTCOME_UNKNOWN' });
      expect(await statusOf(created.transaction.id)).toBe('PROCESSING');
    }
    const synced = await graphqlData(app.url, SYNC, { id: created.transaction.id }, seeded.apiKey);
    expect(synced.syncPayment).toEqual({
      __typename: 'SyncPaymentPayload',
      changed: true,
      transaction: { status: 'NEEDS_ATTENTION' },
    });
  });

  it('answers a forged back notification with the failure reply and changes nothing', async () => {
    const created = await createPayment('pay-forged', 700);
    const { payload, sign } = seal(
      { resultcode: '0000', queryid: 'QFAKE', txnamt: 700, merid: MERCHANT, orderid: created.transaction.orderNo },
      'not-the-key',
    );
    const response = await fetch(
      `${app.url}/callbacks/cashier/${seeded.platformId}?resp=${encodeURIComponent(payload)}&sign=${sign}`,
    );
    expect(await response.text()).toBe('FAIL');
    const unsigned = await fetch(
      `${app.url}/callbacks/cashier/${seeded.platformId}?resp=${encodeURIComponent(payload)}&sign=`,
    );
    expect(await unsigned.text()).toBe('FAIL');
    expect(await statusOf(created.transaction.id)).toBe('PROCESSING');
  });

  it('abandoning the checkout leaves the payment open, and returns the payer to the platform page', async () => {
    const created = await createPayment('pay-abandon', 600, {
      method: { checkout: { action: 'BANK', returnUrl: 'https://shop.example/after-pay' } },
    });
    const { queryid } = await openCheckout(created.checkout.url);
    const abandoned = await decide(queryid, 'abandon');
    const front = await fetch(abandoned.headers.get('location') as string, { redirect: 'manual' });
    expect(front.status).toBe(303);
    const target = new URL(front.headers.get('location') as string);
    expect(`${target.origin}${target.pathname}`).toBe('https://shop.example/after-pay');
    expect(target.searchParams.get('paymentId')).toBe(created.transaction.id);
    expect(target.searchParams.get('status')).toBe('PROCESSING');
  });

  it('returns a typed error when the platform has not configured the cashier', async () => {
    const { apiKey } = await app.runtime.services.platforms.createPlatform('no-cashier');
    const data = await graphqlData(
      app.url,
      CREATE_PAYMENT,
      { input: { idempotencyKey: 'k', method: { checkout: { action: 'BANK' } }, amountFen: 1 } },
      apiKey,
    );
    expect(data.createPayment).toMatchObject({
      __typename: 'ProviderNotConfiguredError',
      code: 'PROVIDER_NOT_CONFIGURED',
    });
  });
});
