import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { createLogger } from '../../src/logging/logger';
import { YunzhanghuAdapter } from '../../src/providers/yunzhanghu/adapter';
import { open, seal } from '../../src/providers/yunzhanghu/crypto';
import { BILL_FILE_COLUMNS, ORDER_FILE_COLUMNS } from '../../src/providers/yunzhanghu/wire-types';
import { VendorHttpClient } from '../../src/providers/http-client';
import { PayoutChannel, Vendor } from '../../src/domain/enums';
import type { ResolvedProviderConfig } from '../../src/services/tenancy/provider-config-service';
import {
  YUNZHANGHU_NOTIFY_DELAYS_MS,
  type SandboxDealer,
  type YunzhanghuSandbox,
} from '../../src/sandbox/yunzhanghu/yunzhanghu-sandbox';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait-for';

const [sqlite] = testDatabases();
const ID = '11010519491231002X';

/** A card number ending in `suffix` (the sandbox reads its magic from the end); no checksum. */
function card(suffix: string): string {
  return `6214833${'0'.repeat(9 - suffix.length)}${suffix}`;
}

/** The emulator as any client sees it: the checks, the answers and the schedules of the real service. */
describe('the Yunzhanghu sandbox', () => {
  let app: TestApp;
  let sandbox: YunzhanghuSandbox;
  let dealer: SandboxDealer;
  let config: ResolvedProviderConfig;
  let adapter: YunzhanghuAdapter;
  let orders = 0;

  beforeAll(async () => {
    app = await startTestApp(sqlite);
    sandbox = app.runtime.sandboxes!.yunzhanghu;
    dealer = sandbox.registerDealer({
      dealerId: 'd-1',
      brokerId: 'b-1',
      balancesFen: { bankCard: 1_000_000, wechat: 1_000_000 },
    });
    config = {
      vendor: Vendor.YUNZHANGHU,
      baseUrl: `${app.url}/sandbox/yunzhanghu`,
      secrets: { appKey: dealer.appKey, des3Key: dealer.des3Key },
      options: { dealerId: 'd-1', brokerId: 'b-1' },
    };
    adapter = new YunzhanghuAdapter(new VendorHttpClient(createLogger('silent')));
  });

  afterAll(async () => {
    await app?.stop();
  });

  const bank = (cardNo: string, pay = '10.00', orderId = `o-${++orders}`) =>
    adapter.order(config, 'bankCard', {
      order_id: orderId,
      dealer_id: 'd-1',
      broker_id: 'b-1',
      real_name: '张三',
      id_card: ID,
      card_no: cardNo,
      pay,
    });

  async function raw(
    path: string,
    params: Record<string, string>,
    headers: Record<string, string> = { 'dealer-id': 'd-1' },
  ) {
    const response = await fetch(`${app.url}/sandbox/yunzhanghu${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'request-id': 'r-1', ...headers },
      body: new URLSearchParams(params),
    });
    return response.json();
  }

  /**
   * A client written to what the official SDKs expect (their GetOrder): requests sealed with
   * node:crypto directly, not with paygraph's code, and an encrypted query's `data` decrypted as
   * the string it is on query-order.
   */
  async function sdkStyleQuery(path: string, orderId: string): Promise<{ code: string; data: unknown }> {
    const key = Buffer.from(dealer.des3Key, 'utf8');
    const encrypt = (text: string) => {
      const cipher = createCipheriv('des-ede3-cbc', key, key.subarray(0, 8));
      return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
    };
    const data = encrypt(JSON.stringify({ order_id: orderId, channel: '银行卡', data_type: 'encryption' }));
    const mess = 'sdk12345';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const sign = createHmac('sha256', dealer.appKey)
      .update(`data=${data}&mess=${mess}&timestamp=${timestamp}&key=${dealer.appKey}`)
      .digest('hex');
    const query = new URLSearchParams({ data, mess, timestamp, sign, sign_type: 'sha256' });
    const response = await fetch(`${app.url}/sandbox/yunzhanghu${path}?${query}`, {
      headers: { 'dealer-id': 'd-1', 'request-id': 'sdk-1' },
    });
    return (await response.json()) as { code: string; data: unknown };
  }

  function sdkDecrypt(cipherText: string): Record<string, unknown> {
    const key = Buffer.from(dealer.des3Key, 'utf8');
    const decipher = createDecipheriv('des-ede3-cbc', key, key.subarray(0, 8));
    const plain = Buffer.concat([decipher.update(Buffer.from(cipherText, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  }

  it('answers an encrypted query as the official SDKs read it on query-order, and as the document shows on query-realtime-order', async () => {
    const orderId = `enc-${++orders}`;
    expect(await bank(card('7001'), '12.34', orderId)).toMatchObject({ kind: 'ok' });
    const sdk = await sdkStyleQuery('/api/payment/v1/query-order', orderId);
    expect(sdk.code).toBe('0000');
    expect(typeof sdk.data).toBe('string');
    expect(sdkDecrypt(sdk.data as string)).toMatchObject({ order_id: orderId, pay: '12.34' });
    const documented = await sdkStyleQuery('/api/payment/v1/query-realtime-order', orderId);
    expect(documented.data).toEqual({ encry_data: expect.any(String) });
    expect(sdkDecrypt((documented.data as { encry_data: string }).encry_data)).toMatchObject({ order_id: orderId });
    // Our adapter asks encrypted and reads both forms.
    for (const endpointNames of ['spec', 'current']) {
      const named = { ...config, options: { ...config.options, endpointNames } };
      expect(await adapter.queryPayout(named, orderId, PayoutChannel.BANK_CARD)).toMatchObject({
        kind: 'found',
        amount: 1_234,
      });
    }
  });

  it('checks dealer, timestamp, signature and encryption as the service does (1005, 1001, 1003, 1004)', async () => {
    const keys = { appKey: dealer.appKey, des3Key: dealer.des3Key };
    const good = seal({ order_id: 'x' }, keys) as unknown as Record<string, string>;
    expect(await raw('/api/payment/v1/order-realtime', good, { 'dealer-id': 'nobody' })).toMatchObject({
      code: '1005',
    });
    const stale = seal({ order_id: 'x' }, keys, { nowMs: Date.now() - 10 * 60_000 }) as unknown as Record<
      string,
      string
    >;
    expect(await raw('/api/payment/v1/order-realtime', stale)).toMatchObject({ code: '1001', message: '签名已过期' });
    expect(await raw('/api/payment/v1/order-realtime', { ...good, sign: 'f'.repeat(64) })).toMatchObject({
      code: '1003',
    });
    const wrongKey = seal(
      { order_id: 'x' },
      { appKey: dealer.appKey, des3Key: 'abcdefghijklmnopqrstuvwx' },
    ) as unknown as Record<string, string>;
    expect(await raw('/api/payment/v1/order-realtime', wrongKey)).toMatchObject({ code: '1004' });
    const millis = seal(
      {
        order_id: `ms-${++orders}`,
        dealer_id: 'd-1',
        broker_id: 'b-1',
        real_name: '张三',
        id_card: ID,
        card_no: card('1000'),
        pay: '1.00',
      },
      keys,
      {
        milliseconds: true,
      },
    ) as unknown as Record<string, string>;
    expect(await raw('/api/payment/v1/order-realtime', millis)).toMatchObject({ code: '0000', request_id: 'r-1' });
  });

  it('answers the same order_id again as accepted, and another order under it with 2002', async () => {
    const cardNo = card('1200');
    const first = await bank(cardNo, '10.00', 'dup-1');
    expect(first).toMatchObject({ kind: 'ok', data: { order_id: 'dup-1', ref: expect.any(String) } });
    const again = await bank(cardNo, '10.00', 'dup-1');
    expect(again).toEqual(first);
    expect(await bank(cardNo, '11.00', 'dup-1')).toMatchObject({
      kind: 'refused',
      code: '2002',
      failure: { reason: 'DUPLICATE_ORDER' },
    });
    // No Luhn: the spec's own example card (which fails it) is taken; the magic card is 2006.
    expect(await bank('6228880199872220', '1.00', 'spec-card')).toMatchObject({ kind: 'ok' });
    expect(await bank(card('2006'), '1.00')).toMatchObject({
      kind: 'refused',
      code: '2006',
      failure: { reason: 'PAYEE_ACCOUNT_INVALID' },
    });
    expect(await adapter.queryOrder(config, 'never', '银行卡')).toMatchObject({
      kind: 'refused',
      code: '2018',
      failure: { reason: 'ORDER_NOT_FOUND' },
    });
  });

  it('leaves an order unknown (5) under its magic card, then settles it', async () => {
    await bank(card('0005'), '1.00', 'unknown-1');
    await waitFor(() => dealer.orders.get('unknown-1')?.status === 5, 'status 5');
    await sandbox.clock.advance(60_000);
    expect(dealer.orders.get('unknown-1')).toMatchObject({ status: 1, statusDetail: 0 });
  });

  it('applies the WeChat limits: amount bounds, 15 seconds apart per user', async () => {
    const wechat = (orderId: string, pay: string) =>
      adapter.order(config, 'wechat', {
        order_id: orderId,
        dealer_id: 'd-1',
        broker_id: 'b-1',
        real_name: '张三',
        id_card: ID,
        openid: 'o-limits',
        pay,
      });
    expect(await wechat('w-low', '0.99')).toMatchObject({ kind: 'refused', code: '2016' });
    expect(await wechat('w-high', '200.01')).toMatchObject({ kind: 'refused', code: '2016' });
    await wechat('w-1', '1.00');
    await waitFor(() => dealer.orders.get('w-1')?.status === 1, 'the first red packet');
    await wechat('w-2', '1.00');
    await waitFor(() => dealer.orders.get('w-2')?.status === 2, 'the second refused');
    expect(dealer.orders.get('w-2')).toMatchObject({ statusDetail: 278 });
  });

  it('retries a notification on the spec schedule until the answer is exactly "success"', async () => {
    let answers = 0;
    const receiver = await import('node:http').then(({ createServer }) =>
      createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          const opened = open<{ data: { order_id: string } }>(Object.fromEntries(new URLSearchParams(body)) as never, {
            appKey: dealer.appKey,
            des3Key: dealer.des3Key,
          });
          if (!opened.ok || opened.payload.data.order_id !== 'notify-1') return void res.end('success');
          answers += 1;
          // Near misses do not count: only exactly "success" stops the retries.
          res.end(answers < 3 ? 'SUCCESS' : 'success');
        });
      }),
    );
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (receiver.address() as { port: number }).port;
      // Inside a server the sandboxes notify only its own callback routes; this test plays the
      // receiver itself, as a standalone sandbox's client would.
      sandbox.notifier.allowTarget = () => true;
      sandbox.registerDealer({ dealerId: 'd-1', notifyUrl: `http://127.0.0.1:${port}/notify` });
      await bank(card('1300'), '2.00', 'notify-1');
      // Each step waits for the attempt to be recorded (and its retry scheduled) before time moves.
      const attempts = () => sandbox.notifier.attempts.filter((a) => a.label.includes('notify-1')).length;
      await waitFor(() => attempts() === 1, 'the first attempt');
      await sandbox.clock.advance(YUNZHANGHU_NOTIFY_DELAYS_MS[1]);
      await waitFor(() => attempts() === 2, 'the 4-minute retry');
      await sandbox.clock.advance(YUNZHANGHU_NOTIFY_DELAYS_MS[2]);
      await waitFor(() => attempts() === 3, 'the 10-minute retry');
      await sandbox.clock.advance(24 * 3_600_000);
      expect(answers).toBe(3);
      expect(sandbox.notifier.attempts.filter((a) => a.label.includes('notify-1')).map((a) => a.acknowledged)).toEqual([
        false,
        false,
        true,
      ]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it("writes the day's order and bill files as gzip CSV with the spec's columns", async () => {
    // The vendor's day of the order (earlier tests fast-forwarded the sandbox clock).
    const day = new Date(dealer.orders.get('dup-1')!.createdAt + 8 * 3_600_000).toISOString().slice(0, 10);
    const orderUrl = await adapter.dailyFileUrl(config, 'order', day);
    expect(orderUrl).toMatchObject({ kind: 'ok', data: expect.stringContaining('/files/d-1/order/') });
    const rows = await adapter.downloadCsv((orderUrl as { data: string }).data);
    expect(rows.kind).toBe('ok');
    const orderRows = (rows as { data: Array<Record<string, string>> }).data;
    expect(Object.keys(orderRows[0])).toEqual([...ORDER_FILE_COLUMNS]);
    expect(orderRows.find((r) => r['商户订单号'] === 'dup-1')).toMatchObject({
      订单状态: '成功',
      支付渠道: '银行卡',
      金额: '10.00',
      服务费: '0.70',
    });
    expect(orderRows.find((r) => r['商户订单号'] === 'dup-1')?.['收款账号']).toMatch(/^6214\*+\d{4}$/);
    const billUrl = await adapter.dailyFileUrl(
      { ...config, options: { ...config.options, endpointNames: 'current' } },
      'bill',
      day,
    );
    const bills = await adapter.downloadCsv((billUrl as { data: string }).data);
    const billRows = (bills as { data: Array<Record<string, string>> }).data;
    expect(Object.keys(billRows[0])).toEqual([...BILL_FILE_COLUMNS]);
    expect(billRows.filter((r) => r['商户订单号'] === 'dup-1').map((r) => r['流水类型'])).toEqual([
      '经纪公司打款',
      '经纪公司打款服务费',
    ]);
    expect(await adapter.dailyFileUrl(config, 'order', '2020-01-01')).toEqual({ kind: 'ok', data: '' });
  });
});
