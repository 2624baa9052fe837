import { Payout, ReconciliationReport } from '../../src/entities';
import { fromGlobalIdOf } from '../../src/graphql/global-id';
import { seal } from '../../src/providers/yunzhanghu/crypto';
import { SANDBOX_CAPTCHA } from '../../src/sandbox/yunzhanghu/yunzhanghu-sandbox';
import { testDatabases } from '../support/databases';
import { collectSubscription, graphql, INVALID_INPUT, inputRefusal, webSocketClient } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';
import { card, CREATE, ID_CARD, OTHER_ID, VERIFY, yunzhanghuHarness } from '../support/yunzhanghu';
import { CONFIGURE_PROVIDER, configureProviderInput } from '../support/provider-settings';

describe.each(testDatabases())('Yunzhanghu payouts through GraphQL on $name', (database) => {
  const h = yunzhanghuHarness(database);

  it('pays to a bank card: accepted, then the signed notification settles it; payee data only masked', async () => {
    const socket = webSocketClient(h.app.url, h.apiKey);
    h.sockets.push(socket);
    const subscriber = collectSubscription(
      socket,
      `subscription { payoutUpdated { event { toStatus source } payout { id status } } }`,
    );
    await waitFor(() => h.app.runtime.services.feeds.activeSubscriptions > 0, 'the subscription');
    const cardNo = card('1234');
    const created = await h.bankPayout(cardNo, 12_345, { remark: '稿费' });
    expect(created).toMatchObject({
      __typename: 'CreatePayoutPayload',
      payout: {
        status: 'PROCESSING',
        channel: 'BANK_CARD',
        payee: { realName: '张*', idCard: '1101**********002X', phoneNo: '134****5491' },
      },
    });
    expect(created.payout.payee.account).toBe(`${cardNo.slice(0, 4)}********${cardNo.slice(-4)}`);
    const paid = await h.settles(created.payout.id, 'SUCCEEDED');
    expect(paid.statusHistory.at(-1)).toMatchObject({
      fromStatus: 'PROCESSING',
      toStatus: 'SUCCEEDED',
      source: 'CALLBACK',
    });
    await waitFor(
      () =>
        subscriber.result.events.some(
          (e) => e.payoutUpdated.payout.id === created.payout.id && e.payoutUpdated.event.toStatus === 'SUCCEEDED',
        ),
      'payoutUpdated SUCCEEDED',
    );
    const rows = await h.app.runtime.services.db.manager.find(Payout);
    const stored = JSON.stringify(rows);
    for (const secret of [cardNo, ID_CARD, '13488795491']) {
      expect(stored).not.toContain(secret);
      expect(JSON.stringify(h.app.logs)).not.toContain(secret);
    }
    subscriber.stop();
  });

  it('validates before sending, each failure naming its field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ channel: 'BANK_CARD', amountFen: 100, payee: { realName: '张三', idCard: ID_CARD } }, 'payee.account'],
      [
        {
          channel: 'BANK_CARD',
          amountFen: 100,
          payee: { realName: '张三', idCard: ID_CARD, account: '6228-8801-9987-2220' },
        },
        'payee.account',
      ],
      [{ channel: 'WECHAT', amountFen: 100, payee: { realName: '张三', idCard: ID_CARD } }, 'payee.openid'],
      [{ channel: 'WECHAT', amountFen: 99, payee: { realName: '张三', idCard: ID_CARD, openid: 'o1' } }, 'amountFen'],
      [
        { channel: 'WECHAT', amountFen: 20_001, payee: { realName: '张三', idCard: ID_CARD, openid: 'o1' } },
        'amountFen',
      ],
      [
        { channel: 'ALIPAY', amountFen: 100_000_001, payee: { realName: '张三', idCard: ID_CARD, account: 'a@b.cn' } },
        'amountFen',
      ],
      [
        {
          channel: 'BANK_CARD',
          amountFen: 500_000_001,
          payee: { realName: '张三', idCard: ID_CARD, account: card('1111') },
        },
        'amountFen',
      ],
      [
        {
          channel: 'ALIPAY',
          amountFen: 100,
          payee: { realName: '张三', idCard: ID_CARD, account: 'a@b.cn' },
          remark: '一二三四五六七八九十a',
        },
        'remark',
      ],
      [
        {
          channel: 'ALIPAY',
          amountFen: 100,
          payee: { realName: '张三', idCard: ID_CARD, account: 'a@b.cn' },
          remark: 'fee#1',
        },
        'remark',
      ],
    ];
    for (const [input, field] of cases) {
      const response = await graphql(
        h.app.url,
        CREATE,
        { input: { idempotencyKey: `bad-${++h.keys}`, ...input } },
        h.apiKey,
      );
      expect([field, inputRefusal(response.body, 'createPayout')]).toEqual([
        field,
        expect.objectContaining({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field })] }),
      ]);
    }
  });

  it('an Alipay payout to a bad account fails with the reason from the notification', async () => {
    const created = await h.create({
      channel: 'ALIPAY',
      amountFen: 100,
      payee: { realName: '张三', idCard: ID_CARD, account: 'fail@example.com' },
    });
    const failed = await h.settles(created.payout.id, 'FAILED');
    expect(failed.statusHistory.at(-1).detail).toMatchObject({
      status: 2,
      statusDetail: 261,
      reason: 'PAYEE_ACCOUNT_INVALID',
    });
    expect(failed.failure).toEqual({ reason: 'PAYEE_ACCOUNT_INVALID', vendorCode: '261' });
  });

  it('holds a payout while the balance is short and releases it after a top-up', async () => {
    const created = await h.create({
      channel: 'ALIPAY',
      amountFen: 5_000,
      payee: { realName: '张三', idCard: ID_CARD, account: 'hold@example.com' },
    });
    await h.settles(created.payout.id, 'ON_HOLD');
    const topUp = await fetch(`${h.app.url}/sandbox/yunzhanghu/_admin/dealers/dealer-1/topup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ brokerId: 'yiyun73', channel: 'alipay', amountFen: 100_000 }),
    });
    expect(topUp.status).toBe(200);
    const paid = await h.settles(created.payout.id, 'SUCCEEDED');
    expect(paid.statusHistory.map((e: any) => e.toStatus)).toEqual(['PENDING', 'PROCESSING', 'ON_HOLD', 'SUCCEEDED']);
  });

  it('a WeChat red packet waits for its claim; out-of-order notifications never move it back', async () => {
    h.sandbox.faults.reorderNextCallback = true;
    const created = await h.create({
      channel: 'WECHAT',
      amountFen: 1_000,
      payee: { realName: '张三', idCard: ID_CARD, openid: 'openid-claim' },
    });
    // The 1/27 notification is held back; the claim's 1/0 goes first, then the held one.
    await waitFor(() => h.dealer.orders.get(created.payout.orderNo)?.statusDetail === 27, 'the red packet sent');
    expect(h.sandbox.claim('dealer-1', created.payout.orderNo)).toBe(true);
    const paid = await h.settles(created.payout.id, 'SUCCEEDED');
    await waitFor(
      () =>
        !h.sandbox.faults.reorderNextCallback &&
        h.sandbox.notifier.attempts.filter((a) => a.label.includes(created.payout.orderNo)).length >= 2,
      'both notifications',
    );
    expect((await h.payout(created.payout.id)).status).toBe('SUCCEEDED');
    expect(paid.statusHistory.filter((e: any) => e.toStatus === 'SUCCEEDED')).toHaveLength(1);
  });

  it('an unclaimed red packet is returned after 24 hours', async () => {
    const created = await h.create({
      channel: 'WECHAT',
      amountFen: 888,
      payee: { realName: '李四', idCard: OTHER_ID, openid: 'openid-unclaimed' },
    });
    await waitFor(() => h.dealer.orders.get(created.payout.orderNo)?.statusDetail === 27, 'the red packet sent');
    await h.sandbox.clock.advance(24 * 3_600_000);
    const returned = await h.settles(created.payout.id, 'RETURNED');
    expect(returned.statusHistory.at(-1).detail).toMatchObject({ status: 9, statusDetail: 213 });
  });

  it('a lost answer is retried with the same order_id and adopted: one order at the vendor', async () => {
    h.sandbox.faults.nextRequests = ['unknown'];
    const created = await h.bankPayout(card('2222'), 777);
    expect(created.payout.status).toBe('NEEDS_ATTENTION');
    const paid = await h.settles(created.payout.id, 'SUCCEEDED');
    expect(paid.vendorRef).toBe(h.dealer.orders.get(paid.orderNo)?.ref);
    expect([...h.dealer.orders.keys()].filter((id) => id === paid.orderNo)).toHaveLength(1);
  });

  it('notifications: a duplicate is applied once, a forged one is refused with "fail"', async () => {
    h.sandbox.faults.duplicateCallbacks = 1;
    const created = await h.bankPayout(card('3333'), 300);
    const paid = await h.settles(created.payout.id, 'SUCCEEDED');
    await waitFor(() => h.sandbox.faults.duplicateCallbacks === 0, 'the duplicate sent');
    expect(paid.statusHistory.filter((e: any) => e.toStatus === 'SUCCEEDED')).toHaveLength(1);
    const forged = seal(
      { notify_id: 'x', notify_time: '', data: { order_id: paid.orderNo, status: 2, status_detail: 211, pay: '3.00' } },
      {
        appKey: 'not-the-h.app-key-000000000000000',
        des3Key: h.dealer.des3Key,
      },
    );
    const response = await fetch(`${h.app.url}/callbacks/yunzhanghu/${h.platformId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(forged as unknown as Record<string, string>),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('fail');
    expect((await h.payout(created.payout.id)).status).toBe('SUCCEEDED');
  });

  it('shows the h.dealer balances per broker', async () => {
    const data = await h.gql(
      `{ payoutBalances { brokerId bankCard { fen } alipay { fen } wechat { fen } bankCardOpen } }`,
    );
    expect(data.payoutBalances).toEqual([expect.objectContaining({ brokerId: 'yiyun73', bankCardOpen: true })]);
    expect(data.payoutBalances[0].bankCard.fen).toBe(h.dealer.brokers.get('yiyun73')!.bankCardFen);
  });

  it('verifies identities: three and four factors, ID, and the SMS flow with its 1-minute code', async () => {
    const cardNo = card('4444');
    const verify = (mutation: string, input: Record<string, unknown>) =>
      h
        .gql(
          `mutation($input: ${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { ${VERIFY} } }`,
          {
            input,
          },
        )
        .then((data) => data[mutation]);
    expect(await verify('verifyBankCard', { cardNo, idCard: ID_CARD, realName: '张三' })).toMatchObject({
      verified: true,
    });
    expect(
      await verify('verifyBankCard', { cardNo, idCard: ID_CARD, realName: '张三', mobile: '13488795491' }),
    ).toMatchObject({ verified: true });
    expect(
      await verify('verifyBankCard', { cardNo, idCard: ID_CARD, realName: '张三', mobile: '13488790000' }),
    ).toMatchObject({
      verified: false,
      failure: { reason: 'PAYEE_IDENTITY_MISMATCH', vendorCode: '2003' },
    });
    expect(await verify('verifyIdentity', { idCard: ID_CARD, realName: '张三' })).toMatchObject({ verified: true });
    const factors = { cardNo, idCard: ID_CARD, realName: '张三', mobile: '13488795491' };
    const requested = await verify('requestBankCardVerification', factors);
    // Sending the code verifies nothing yet.
    expect(requested).toMatchObject({ verified: false, status: 'CODE_SENT', failure: null, ref: expect.any(String) });
    expect(await verify('requestBankCardVerification', factors)).toMatchObject({ ref: requested.ref });
    expect(
      await verify('confirmBankCardVerification', { ...factors, ref: requested.ref, captcha: '000000' }),
    ).toMatchObject({ verified: false, status: 'REJECTED', failure: { reason: 'VERIFICATION_CODE_INVALID' } });
    expect(
      await verify('confirmBankCardVerification', { ...factors, ref: 'not-a-ref', captcha: SANDBOX_CAPTCHA }),
    ).toMatchObject({ verified: false, failure: { reason: 'VERIFICATION_REQUEST_INVALID' } });
    expect(
      await verify('confirmBankCardVerification', { ...factors, ref: requested.ref, captcha: SANDBOX_CAPTCHA }),
    ).toMatchObject({ verified: true, status: 'VERIFIED' });
    const again = await verify('requestBankCardVerification', factors);
    await h.sandbox.clock.advance(61_000);
    expect(
      await verify('confirmBankCardVerification', { ...factors, ref: again.ref, captcha: SANDBOX_CAPTCHA }),
    ).toMatchObject({
      verified: false,
      failure: { reason: 'VERIFICATION_CODE_EXPIRED', message: '验证码已过期' },
    });
    const bad = await graphql(
      h.app.url,
      `
        mutation ($input: VerifyIdentityInput!) {
          verifyIdentity(input: $input) {
            __typename
            ${INVALID_INPUT}
          }
        }
      `,
      {
        input: { idCard: '110105194912310021', realName: '张三' },
      },
      h.apiKey,
    );
    expect(bad.body.data?.verifyIdentity).toMatchObject({
      __typename: 'InvalidInputError',
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field: 'idCard' })],
    });
  });

  it('gets the Alipay authorisation, uploads ID card images, and reports outside payouts once', async () => {
    expect((await h.gql(`{ alipayAuthInfo }`)).alipayAuthInfo).toContain('apiname=com.alipay.account.auth');
    const image = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]).toString('base64');
    const upload = await h.gql(
      `mutation($input: UploadIdCardImagesInput!) { uploadIdCardImages(input: $input) { ${VERIFY} } }`,
      {
        input: { realName: '张三', idCard: ID_CARD, frontBase64: image, backBase64: image },
      },
    );
    expect(upload.uploadIdCardImages).toMatchObject({ verified: true });
    expect(h.dealer.idCardUploads).toBe(1);
    const report = (input: Record<string, unknown>) =>
      h
        .gql(
          `mutation($input: ReportPayoutInput!) { reportPayout(input: $input) { __typename ... on ReportPayoutPayload { accepted ref failure { reason } } } }`,
          {
            input: {
              channel: 'ALIPAY',
              orderId: 'ext-1',
              realName: '张三',
              idCard: ID_CARD,
              account: 'a@b.cn',
              amountFen: 100,
              paidAt: new Date().toISOString(),
              succeeded: true,
              ...input,
            },
          },
        )
        .then((data) => data.reportPayout);
    expect(await report({})).toMatchObject({ accepted: true, ref: expect.stringMatching(/^\d+$/) });
    expect(await report({})).toMatchObject({ accepted: false, failure: { reason: 'DUPLICATE_ORDER' } });
    expect(await report({ channel: 'WECHAT', orderId: 'ext-2', account: 'openid-x' })).toMatchObject({
      accepted: true,
    });
    expect(await report({ channel: 'BANK_CARD', orderId: 'ext-3', account: card('5555') })).toMatchObject({
      accepted: true,
    });
  });

  it("speaks today's endpoint names and millisecond timestamps when configured so", async () => {
    await h.gql(CONFIGURE_PROVIDER, {
      input: configureProviderInput({
        vendor: 'YUNZHANGHU',
        baseUrl: `${h.app.url}/sandbox/yunzhanghu`,
        options: { dealerId: 'dealer-1', brokerId: 'yiyun73', endpointNames: 'current', timestampUnit: 'ms' },
      }),
    });
    try {
      const created = await h.bankPayout(card('7777'), 100);
      const paid = await h.settles(created.payout.id, 'SUCCEEDED');
      const synced = await h.gql(
        `mutation($input: SyncPayoutInput!) { syncPayout(input: $input) { __typename ... on PayoutPayload { payout { status vendorStatus vendorStatusDetail } } } }`,
        {
          input: { payoutId: paid.id },
        },
      );
      expect(synced.syncPayout.payout).toMatchObject({ status: 'SUCCEEDED', vendorStatus: 1, vendorStatusDetail: 0 });
    } finally {
      await h.gql(CONFIGURE_PROVIDER, {
        input: configureProviderInput({
          vendor: 'YUNZHANGHU',
          baseUrl: `${h.app.url}/sandbox/yunzhanghu`,
          options: { dealerId: 'dealer-1', brokerId: 'yiyun73' },
        }),
      });
    }
    expect(fromGlobalIdOf).toBeDefined();
  });
});

// Its own app, so the sandbox clock has not been fast-forwarded: the vendor's day is ours.
describe.each(testDatabases())('Yunzhanghu daily reconciliation on $name', (database) => {
  const h = yunzhanghuHarness(database);

  it("reconciles the day's files: a bank return matches, a planted difference is reported", async () => {
    const returned = await h.bankPayout(card('1009'), 2_000);
    await h.settles(returned.payout.id, 'SUCCEEDED');
    expect(h.sandbox.bankReturn('dealer-1', returned.payout.orderNo)).toBe(true);
    await h.settles(returned.payout.id, 'RETURNED');
    const tampered = await h.bankPayout(card('6666'), 4_200);
    await h.settles(tampered.payout.id, 'SUCCEEDED');
    // Planted: the vendor's record of one order differs, and it has an order we never made.
    h.dealer.orders.get(tampered.payout.orderNo)!.payFen = 4_300;
    const stranger = {
      ...h.dealer.orders.get(tampered.payout.orderNo)!,
      orderId: 'not-ours-1',
      ref: '1053000000000001',
    };
    h.dealer.orders.set('not-ours-1', stranger);
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // Today (China time) has not ended, and tomorrow has not begun: both refused, naming the
    // field, and no report is stored.
    const tomorrow = new Date(Date.now() + 32 * 3_600_000).toISOString().slice(0, 10);
    for (const early of [day, tomorrow]) {
      const answer = await graphql(
        h.app.url,
        `
          mutation ($input: ReconcilePayoutsInput!) {
            reconcilePayouts(input: $input) {
              __typename
              ${INVALID_INPUT}
            }
          }
        `,
        { input: { day: early } },
        h.apiKey,
      );
      const refusal = inputRefusal(answer.body, 'reconcilePayouts');
      expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(JSON.stringify(refusal)).toContain('"day"');
    }
    expect(await h.app.runtime.services.db.manager.count(ReconciliationReport)).toBe(0);
    // Once the day has ended, it reconciles.
    const reconciliation = h.app.runtime.services.reconciliation;
    reconciliation.clock = () => new Date(Date.now() + 86_400_000);
    const result = await h.gql(
      `mutation($input: ReconcilePayoutsInput!) { reconcilePayouts(input: $input) {
      __typename ... on ReconcilePayoutsPayload { report { day status summary { returns localPayouts }
      discrepancies { kind orderNo payout { id } ourAmount { fen } theirAmount { fen } } } } ... on VendorRefusedError { code message } } }`,
      { input: { day } },
    );
    const report = result.reconcilePayouts.report;
    expect(report).toMatchObject({ day, status: 'DISCREPANCIES' });
    expect(report.summary.returns).toBeGreaterThanOrEqual(1);
    const kinds = report.discrepancies.map((d: any) => `${d.kind}:${d.orderNo}`);
    expect(kinds).toContain(`AMOUNT_MISMATCH:${tampered.payout.orderNo}`);
    expect(kinds).toContain('MISSING_LOCALLY:not-ours-1');
    // Our payout by reference, amounts as Money: no raw ids or fen numbers in the report.
    const mismatch = report.discrepancies.find((d: any) => d.kind === 'AMOUNT_MISMATCH');
    expect(mismatch.payout).toEqual({ id: tampered.payout.id });
    expect(mismatch.ourAmount.fen).not.toBe(mismatch.theirAmount.fen);
    expect(report.discrepancies.find((d: any) => d.kind === 'MISSING_LOCALLY').payout).toBeNull();
    expect(kinds.filter((k: string) => k.endsWith(returned.payout.orderNo))).toEqual([]);
    const stored = await h.gql(`query($day: Date!) { reconciliationReports(day: $day) { nodes { id day status } } }`, {
      day,
    });
    expect(stored.reconciliationReports.nodes).toEqual([{ id: expect.any(String), day, status: 'DISCREPANCIES' }]);
    // A report is a node: the same report by its id.
    const byId = await h.gql(`query($id: ID!) { node(id: $id) { ... on ReconciliationReport { day } } }`, {
      id: stored.reconciliationReports.nodes[0].id,
    });
    expect(byId.node).toEqual({ day });
    reconciliation.clock = () => new Date();
  });

  it("the daily task reconciles yesterday once the vendor's files exist, and only once", async () => {
    const reconciliation = h.app.runtime.services.reconciliation;
    const now = Date.now();
    const chinaMidnight = Date.parse(`${new Date(now + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00+08:00`);
    const yesterday = new Date(chinaMidnight - 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    // Before 04:00 China time the files are not there yet: nothing runs.
    expect(await reconciliation.runDaily(new Date(chinaMidnight + 3 * 3_600_000))).toBe(0);
    expect(await reconciliation.runDaily(new Date(chinaMidnight + 5 * 3_600_000))).toBe(1);
    expect(await reconciliation.runDaily(new Date(chinaMidnight + 6 * 3_600_000))).toBe(0);
    const stored = await h.gql(
      `query($day: Date!) { reconciliationReports(day: $day) { nodes { day status summary { localPayouts } } } }`,
      { day: yesterday },
    );
    expect(stored.reconciliationReports.nodes).toEqual([
      { day: yesterday, status: 'MATCHED', summary: expect.objectContaining({ localPayouts: 0 }) },
    ]);
  });
});
