import type { Client } from 'graphql-ws';
import type { ShouqianbaSandbox } from '../../src/sandbox/shouqianba/shouqianba-sandbox';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { collectSubscription, graphql, graphqlData, webSocketClient } from '../support/graphql-client';
import { CREATE_PAYMENT, createCheckoutPayment } from '../support/payments';
import { waitFor } from '../support/wait-for';
import { CONFIGURE_PROVIDER, configureProviderInput } from '../support/provider-settings';

const TERMINAL = '100000330006';
const TERMINAL_KEY = 'sandbox-terminal-key-0001';

/** A WeChat payment code (18 digits, prefix 13) whose last three digits pick the outcome. */
const wechat = (magic: string) => `1345678901234${String(Math.floor(Math.random() * 100)).padStart(2, '0')}${magic}`;
const alipay = (magic: string) => `2812345678901${magic}`;

const TRANSACTION = `query($id: ID!) { node(id: $id) { ... on Transaction {
  id status orderNo vendorRef qrCode amount { fen } refundedAmount { fen }
  failure { reason vendorCode message }
  refunds { id status amount { fen } }
  statusHistory { fromStatus toStatus source terminal detail }
} } }`;

const REFUND = `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) {
  __typename
  ... on RefundPaymentPayload { replayed refund { id status orderNo amount { fen } failure { reason vendorCode } } payment { refundedAmount { fen } } }
  ... on RefundNotPossibleError { code reason refundable { fen } }
} }`;

const CANCEL = `mutation($input: CancelPaymentInput!) { cancelPayment(input: $input) {
  __typename
  ... on CancelPaymentPayload { replayed transaction { status } }
  ... on CancelNotPossibleError { code reason transaction { status } }
} }`;

const SYNC = `mutation($id: ID!) { syncPayment(input: { paymentId: $id }) {
  __typename ... on SyncPaymentPayload { changed transaction { status } } ... on ErrorResult { code message }
} }`;

describe.each(testDatabases())('Shouqianba payments against the sandbox on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  let sandbox: ShouqianbaSandbox;
  let keys = 0;
  const sockets: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(database, {
      inStore: { pollIntervalMs: 50, barcodeDeadlineMs: 1500, qrDeadlineMs: 1500, requestTimeoutMs: 400 },
    });
    sandbox = app.runtime.sandboxes!.shouqianba;
    sandbox.registerTerminal(TERMINAL, TERMINAL_KEY);
    seeded = await seedPlatform(app.runtime.services, 'store', 0);
    await configure(TERMINAL_KEY);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await app?.stop();
  });

  afterEach(() => {
    sandbox.faults.nextRequests = [];
  });

  function configure(terminalKey: string) {
    return graphqlData(
      app.url,
      CONFIGURE_PROVIDER,
      {
        input: configureProviderInput({
          vendor: 'SHOUQIANBA',
          baseUrl: `${app.url}/sandbox/shouqianba`,
          credentials: { terminalKey },
          options: { terminalSn: TERMINAL },
        }),
      },
      seeded.apiKey,
    );
  }

  async function create(input: Record<string, unknown>): Promise<any> {
    const response = await graphql(
      app.url,
      CREATE_PAYMENT.replace('checkout { url formAction formFields { name value } html }', 'qrCode'),
      { input: { idempotencyKey: `k${++keys}-${Date.now()}`, amountFen: 1000, ...input } },
      seeded.apiKey,
    );
    if (response.body.errors?.length) throw new Error(JSON.stringify(response.body.errors));
    return response.body.data!.createPayment;
  }

  const barcode = (dynamicId: string, extra: Record<string, unknown> = {}) =>
    create({ method: { barcode: { dynamicId } }, ...extra });

  async function transaction(id: string): Promise<any> {
    return (await graphqlData(app.url, TRANSACTION, { id }, seeded.apiKey)).node;
  }

  async function settlesAs(id: string, status: string): Promise<any> {
    let last: any;
    await waitFor(async () => (last = await transaction(id)).status === status, `payment ${status}`, 10_000);
    return last;
  }

  it('a barcode payment that the wallet confirms at once succeeds in the createPayment answer', async () => {
    const created = await barcode(wechat('000'), { description: 'Coffee' });
    expect(created).toMatchObject({ __typename: 'CreatePaymentPayload', transaction: { status: 'SUCCEEDED' } });
    const paid = await transaction(created.transaction.id);
    expect(paid.vendorRef).toMatch(/^\d{16}$/);
    expect(paid.statusHistory.map((e: any) => [e.fromStatus, e.toStatus, e.source, e.terminal])).toEqual([
      [null, 'PENDING', 'API', false],
      ['PENDING', 'SUCCEEDED', 'API', true],
    ]);
    expect(paid.statusHistory[1].detail).toMatchObject({ orderStatus: 'PAID', payway: '3', totalFen: 1000 });
    const [order] = sandbox.ordersOf(TERMINAL, paid.orderNo);
    expect(order).toMatchObject({ subject: 'Coffee', operator: 'paygraph', totalFen: 1000, payway: '3' });
  });

  it.each([
    ['001', 'FAILED', 'INSUFFICIENT_FUNDS', 'INSUFFICIENT_FUND'],
    ['002', 'FAILED', 'BARCODE_EXPIRED', 'EXPIRED_BARCODE'],
    ['003', 'NEEDS_ATTENTION', 'PAYER_SIDE_UNCONFIRMED', 'TRADE_FAILED'],
  ])('barcode ...%s ends %s with reason %s', async (magic, status, reason, vendorCode) => {
    const created = await barcode(alipay(magic));
    const row = await transaction(created.transaction.id);
    expect(row).toMatchObject({ status, failure: { reason, vendorCode } });
  });

  it('an unreadable barcode is refused by the gateway (400 INVALID_BARCODE) and fails with nothing charged', async () => {
    const created = await barcode('999999');
    expect(await transaction(created.transaction.id)).toMatchObject({
      status: 'FAILED',
      failure: { reason: 'BARCODE_INVALID', vendorCode: 'INVALID_BARCODE' },
    });
  });

  it('in progress, then paid: the loop queries until the wallet confirms, and subscribers see every step', async () => {
    const socket = webSocketClient(app.url, seeded.apiKey);
    sockets.push(socket);
    const subscriber = collectSubscription(
      socket,
      `subscription { transactionUpdated { event { fromStatus toStatus source detail } transaction { id status } } }`,
    );
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions > 0, 'the subscription');
    const created = await barcode(wechat('105'));
    expect(created.transaction.status).toBe('PROCESSING');
    const mine = () =>
      subscriber.result.events.filter((e) => e.transactionUpdated.transaction.id === created.transaction.id);
    await waitFor(
      () => mine().some((e) => e.transactionUpdated.event.detail?.step === 'query'),
      'a query step on the subscription',
    );
    // Five seconds pass on the sandbox's clock: the payer confirms in the wallet.
    await sandbox.clock.advance(5_000);
    const paid = await settlesAs(created.transaction.id, 'SUCCEEDED');
    expect(paid.statusHistory.at(-1)).toMatchObject({
      fromStatus: 'PROCESSING',
      toStatus: 'SUCCEEDED',
      source: 'POLL',
    });
    await waitFor(() => mine().some((e) => e.transactionUpdated.event.toStatus === 'SUCCEEDED'), 'SUCCEEDED live');
    const steps = mine().map((e) => e.transactionUpdated.event);
    expect(steps[0]).toMatchObject({ fromStatus: null, toStatus: 'PENDING', source: 'API' });
    expect(steps.filter((e) => e.fromStatus === 'PROCESSING' && e.toStatus === 'PROCESSING').length).toBeGreaterThan(0);
    subscriber.stop();
  });

  it('in progress, then failed: the loop records the failure', async () => {
    const created = await barcode(wechat('203'));
    await sandbox.clock.advance(3_000);
    const failed = await settlesAs(created.transaction.id, 'FAILED');
    expect(failed.statusHistory.at(-1)).toMatchObject({ source: 'POLL', detail: { orderStatus: 'PAY_CANCELED' } });
  });

  it('at the deadline the payment is canceled (CANCEL_ABORT_SUCCESS), after the queries that preceded it', async () => {
    const created = await barcode(wechat('999'));
    const canceled = await settlesAs(created.transaction.id, 'CANCELED');
    const details = canceled.statusHistory.map((e: any) => e.detail?.step);
    expect(details.filter((s: string) => s === 'query').length).toBeGreaterThan(1);
    expect(details.slice(-2)).toEqual(['cancel', 'cancel']);
    expect(sandbox.ordersOf(TERMINAL, canceled.orderNo)[0].orderStatus).toBe('CANCELED');
  });

  it('a cancel the gateway cannot confirm needs attention, and a later query learns the end state', async () => {
    const created = await barcode(wechat('998'));
    const stuck = await settlesAs(created.transaction.id, 'NEEDS_ATTENTION');
    expect(stuck.statusHistory.at(-1).detail).toMatchObject({ step: 'cancel', result: 'CANCEL_ERROR TRADE_FAILED' });
    // The gateway's back office finishes the reversal a minute later (sandbox clock).
    await sandbox.clock.advance(60_000);
    const synced = await graphqlData(app.url, SYNC, { id: created.transaction.id }, seeded.apiKey);
    expect(synced.syncPayment).toMatchObject({ changed: true, transaction: { status: 'CANCELED' } });
  });

  it('a QR payment returns the code; the payer scans and pays on the sandbox page', async () => {
    const created = await create({ method: { qrCode: { wallet: 'ALIPAY' } } });
    expect(created.transaction.status).toBe('PROCESSING');
    expect(created.qrCode).toMatch(new RegExp(`^${app.url}/sandbox/shouqianba/qr/\\d+$`));
    const page = await fetch(created.qrCode);
    expect(await page.text()).toContain('¥10.00');
    const scanned = await fetch(`${created.qrCode}/pay`, { method: 'POST' });
    expect(scanned.status).toBe(200);
    const paid = await settlesAs(created.transaction.id, 'SUCCEEDED');
    expect(paid.qrCode).toBe(created.qrCode);
    expect(sandbox.ordersOf(TERMINAL, paid.orderNo)[0]).toMatchObject({ payway: '1', subPayway: '2' });
  });

  it('an unscanned QR payment is canceled at its deadline', async () => {
    const created = await create({ method: { qrCode: { wallet: 'WECHAT' } } });
    await settlesAs(created.transaction.id, 'CANCELED');
  });

  it('refunds are partial and repeatable until nothing is left, and never more', async () => {
    const created = await barcode(wechat('000'), { amountFen: 1000 });
    const paymentId = created.transaction.id;
    const refund = (amountFen: number, idempotencyKey = `r${++keys}`) =>
      graphqlData(app.url, REFUND, { input: { idempotencyKey, paymentId, amountFen } }, seeded.apiKey).then(
        (data) => data.refundPayment,
      );
    const refundable = async () =>
      (
        await graphqlData(
          app.url,
          'query($id: ID!) { node(id: $id) { ... on Transaction { refundableAmount { fen } } } }',
          { id: paymentId },
          seeded.apiKey,
        )
      ).node.refundableAmount.fen;
    expect(await refundable()).toBe(1000);
    // A screen following the payment by its id hears its refunds too, and nothing else.
    const socket = webSocketClient(app.url, seeded.apiKey);
    sockets.push(socket);
    const watching = app.runtime.services.feeds.activeSubscriptions;
    const follower = collectSubscription(
      socket,
      `subscription($id: ID!) { transactionUpdated(filter: { id: $id }) { event { entityId toStatus } transaction { id kind } } }`,
      { id: paymentId },
    );
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions > watching, 'the subscription');
    const first = await refund(300, 'refund-first');
    await waitFor(
      () =>
        follower.result.events.some(
          (e) =>
            e.transactionUpdated.transaction.id === first.refund.id &&
            e.transactionUpdated.event.toStatus === 'SUCCEEDED',
        ),
      'the refund on the payment subscription',
    );
    expect(
      follower.result.events.every((e) => [paymentId, first.refund.id].includes(e.transactionUpdated.transaction.id)),
    ).toBe(true);
    follower.stop();
    expect(first).toMatchObject({
      __typename: 'RefundPaymentPayload',
      replayed: false,
      refund: { status: 'SUCCEEDED', amount: { fen: 300 } },
      payment: { refundedAmount: { fen: 300 } },
    });
    expect(await refundable()).toBe(700);
    expect(first.refund.orderNo).toMatch(/^[0-9a-f]{32}$/);
    // The same key again: the same refund, not a second one.
    expect(await refund(300, 'refund-first')).toMatchObject({ replayed: true, refund: { id: first.refund.id } });
    expect(await refund(701)).toMatchObject({
      __typename: 'RefundNotPossibleError',
      code: 'REFUND_NOT_POSSIBLE',
      reason: 'EXCEEDS_REFUNDABLE',
      refundable: { fen: 700 },
    });
    expect(await refund(700)).toMatchObject({
      refund: { status: 'SUCCEEDED' },
      payment: { refundedAmount: { fen: 1000 } },
    });
    expect(await refund(1)).toMatchObject({ reason: 'EXCEEDS_REFUNDABLE', refundable: { fen: 0 } });
    expect(await refundable()).toBe(0);
    const order = sandbox.ordersOf(TERMINAL, created.transaction.orderNo)[0];
    expect(order).toMatchObject({ netFen: 0, orderStatus: 'REFUNDED' });
    const payment = await transaction(paymentId);
    expect(payment.status).toBe('SUCCEEDED');
    expect(payment.refunds.map((r: any) => r.amount.fen)).toEqual([300, 700]);
  });

  it('concurrent refunds never add up to more than was paid', async () => {
    const created = await barcode(wechat('000'), { amountFen: 500 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        graphqlData(
          app.url,
          REFUND,
          { input: { idempotencyKey: `race-${keys}-${i}`, paymentId: created.transaction.id, amountFen: 100 } },
          seeded.apiKey,
        ),
      ),
    );
    const succeeded = results.filter((r) => r.refundPayment.refund?.status === 'SUCCEEDED');
    expect(succeeded).toHaveLength(5);
    expect(sandbox.ordersOf(TERMINAL, created.transaction.orderNo)[0].netFen).toBe(0);
  });

  it('an uncertain refund is retried with the same refund_request_no and refunds once', async () => {
    const created = await barcode(wechat('000'), { amountFen: 800 });
    sandbox.faults.nextRequests = ['unknown'];
    const answer = await graphqlData(
      app.url,
      REFUND,
      { input: { idempotencyKey: `unsure-${keys}`, paymentId: created.transaction.id, amountFen: 250 } },
      seeded.apiKey,
    );
    expect(answer.refundPayment.refund.status).toBe('NEEDS_ATTENTION');
    const refund = await settlesAs(answer.refundPayment.refund.id, 'SUCCEEDED');
    expect(refund.statusHistory.at(-1)).toMatchObject({ fromStatus: 'NEEDS_ATTENTION', source: 'POLL' });
    const order = sandbox.ordersOf(TERMINAL, created.transaction.orderNo)[0];
    expect(order.netFen).toBe(550);
    expect([...order.refunds.entries()]).toEqual([[answer.refundPayment.refund.orderNo, 250]]);
  });

  it('cancelPayment cancels an open payment, refuses a paid one and a cashier one', async () => {
    const open = await barcode(wechat('999'));
    const cancel = (id: string, key = `c${++keys}`) =>
      graphqlData(app.url, CANCEL, { input: { idempotencyKey: key, paymentId: id } }, seeded.apiKey).then(
        (d) => d.cancelPayment,
      );
    expect(await cancel(open.transaction.id, 'cancel-open')).toMatchObject({
      __typename: 'CancelPaymentPayload',
      transaction: { status: 'CANCELED' },
    });
    expect(await cancel(open.transaction.id, 'cancel-open')).toMatchObject({ replayed: true });
    const paid = await barcode(wechat('000'));
    expect(await cancel(paid.transaction.id)).toMatchObject({
      __typename: 'CancelNotPossibleError',
      code: 'CANCEL_NOT_POSSIBLE',
      reason: 'ALREADY_PAID',
      transaction: { status: 'SUCCEEDED' },
    });
    await graphqlData(
      app.url,
      CONFIGURE_PROVIDER,
      {
        input: configureProviderInput({
          vendor: 'CASHIER',
          baseUrl: `${app.url}/sandbox/cashier`,
          credentials: { signKey: 'k' },
          options: { merchantId: 'M1' },
        }),
      },
      seeded.apiKey,
    );
    const checkout = await createCheckoutPayment(app.url, seeded.apiKey, `checkout-${keys}`);
    expect(await cancel(checkout.transaction.id)).toMatchObject({ reason: 'NOT_SUPPORTED' });
    const refund = await graphqlData(
      app.url,
      REFUND,
      { input: { idempotencyKey: `cr-${keys}`, paymentId: checkout.transaction.id, amountFen: 1 } },
      seeded.apiKey,
    );
    expect(refund.refundPayment).toMatchObject({ reason: 'NOT_SUPPORTED' });
  });

  it('a dropped answer to pay is an unknown outcome: the order is found by query and adopted, never sent twice', async () => {
    sandbox.faults.nextRequests = ['unknown'];
    const created = await barcode(wechat('000'));
    expect(created.transaction.status).toBe('NEEDS_ATTENTION');
    const adopted = await settlesAs(created.transaction.id, 'SUCCEEDED');
    expect(adopted.vendorRef).toMatch(/^\d{16}$/);
    expect(sandbox.ordersOf(TERMINAL, adopted.orderNo)).toHaveLength(1);
  });

  it('maintenance (500) on pay is not a failure; the query finds no order and only then fails it', async () => {
    sandbox.faults.nextRequests = ['maintenance'];
    const created = await barcode(wechat('000'));
    expect(created.transaction.status).toBe('NEEDS_ATTENTION');
    const failed = await settlesAs(created.transaction.id, 'FAILED');
    expect(failed.failure).toMatchObject({ reason: 'ORDER_NOT_FOUND', vendorCode: 'UPAY_ORDER_NOT_EXISTS' });
  });

  it('a bad terminal key is refused (400 ILLEGAL_SIGN) and nothing is charged', async () => {
    await configure('not-the-key');
    try {
      const created = await barcode(wechat('000'));
      expect(await transaction(created.transaction.id)).toMatchObject({
        status: 'FAILED',
        failure: { reason: 'SIGNATURE_REJECTED', vendorCode: 'ILLEGAL_SIGN' },
      });
    } finally {
      await configure(TERMINAL_KEY);
    }
  });

  it('validates input before anything is sent', async () => {
    const bad = await graphql(
      app.url,
      CREATE_PAYMENT,
      { input: { idempotencyKey: 'bad-1', method: { barcode: {} }, amountFen: 100 } },
      seeded.apiKey,
    );
    expect(bad.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'input.method.barcode' })] },
    });
    const tooMuch = await graphql(
      app.url,
      CREATE_PAYMENT,
      {
        input: { idempotencyKey: 'bad-2', method: { barcode: { dynamicId: '1' } }, amountFen: 10_000_000_000 },
      },
      seeded.apiKey,
    );
    expect(tooMuch.body.data?.createPayment).toMatchObject({
      __typename: 'InvalidInputError',
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field: 'amountFen' })],
    });
  });

  it('the barcode, a one-time credential of the payer, is never stored or logged', async () => {
    const code = wechat('000');
    await barcode(code);
    const stored = await app.runtime.services.db.manager.query('SELECT * FROM transactions');
    const events = await app.runtime.services.db.manager.query('SELECT * FROM status_events');
    expect(JSON.stringify([stored, events])).not.toContain(code);
    expect(JSON.stringify(app.logs)).not.toContain(code);
  });
});
