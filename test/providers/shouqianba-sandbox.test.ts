import { createLogger } from '../../src/logging/logger';
import { ShouqianbaAdapter } from '../../src/providers/shouqianba/adapter';
import { authorizationHeader } from '../../src/providers/shouqianba/signing';
import { VendorHttpClient } from '../../src/providers/http-client';
import { Vendor } from '../../src/domain/enums';
import type { ResolvedProviderConfig } from '../../src/services/tenancy/provider-config-service';
import type { ShouqianbaSandbox } from '../../src/sandbox/shouqianba/shouqianba-sandbox';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';

const [sqlite] = testDatabases();

/**
 * The sandbox reproduces the real gateway's answers to the cases a client gets wrong:
 * conflicts, refunds past the net amount or in the wrong state, cancel of a paid order, and
 * signature checks over the raw bytes. Driven through the adapter and with raw requests.
 */
describe('the Shouqianba sandbox, as a client sees it', () => {
  let app: TestApp;
  let sandbox: ShouqianbaSandbox;
  let config: ResolvedProviderConfig;
  let adapter: ShouqianbaAdapter;
  let orders = 0;

  beforeAll(async () => {
    app = await startTestApp(sqlite);
    sandbox = app.runtime.sandboxes!.shouqianba;
    sandbox.registerTerminal('T-1', 'terminal-key-1');
    config = {
      platformId: 'p',
      vendor: Vendor.SHOUQIANBA,
      baseUrl: `${app.url}/sandbox/shouqianba`,
      secrets: { terminalKey: 'terminal-key-1' },
      options: { terminalSn: 'T-1' },
    } as unknown as ResolvedProviderConfig;
    adapter = new ShouqianbaAdapter(new VendorHttpClient(createLogger('silent')), () => 5_000);
  });

  afterAll(async () => {
    await app?.stop();
  });

  const order = (amountFen = 1000) => ({
    clientSn: `order-${++orders}`,
    amountFen,
    subject: 'Noodles',
    operator: 'op-1',
  });

  it('takes _admin JSON without a content-type, and answers a body that is not JSON with 400', async () => {
    const admin = `${app.url}/sandbox/shouqianba/_admin/faults`;
    const plain = await fetch(admin, { method: 'PUT', body: '{"latencyMs": 0, "dropCallbacks": 1}' });
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ dropCallbacks: 1 });
    const broken = await fetch(admin, { method: 'PUT', body: '{"latencyMs":' });
    expect([broken.status, await broken.json()]).toEqual([400, { error: 'the body is not JSON' }]);
    sandbox.faults = { ...sandbox.faults, dropCallbacks: 0 };
  });

  it('answers a reused client_sn with CLIENT_SN_CONFLICT, and the adapter reads it as "look it up"', async () => {
    const first = order();
    expect(await adapter.pay(config, { ...first, dynamicId: '134567890123456000' })).toMatchObject({
      kind: 'accepted',
      status: 'SUCCEEDED',
    });
    expect(await adapter.pay(config, { ...first, dynamicId: '134567890123456000' })).toEqual({ kind: 'exists' });
    expect(sandbox.ordersOf('T-1', first.clientSn)).toHaveLength(1);
  });

  it('refunds: same number and amount is answered again, another amount conflicts, past the net is refused', async () => {
    const paid = order(1000);
    await adapter.pay(config, { ...paid, dynamicId: '2812345678901000' });
    const refund = (requestNo: string, amountFen: number) =>
      adapter.refund(config, { sn: null, clientSn: paid.clientSn, requestNo, amountFen, operator: 'op-1' });
    expect(await refund('r1', 400)).toMatchObject({
      kind: 'refunded',
      order: { orderStatus: 'PARTIAL_REFUNDED', netFen: 600 },
    });
    expect(await refund('r1', 400)).toMatchObject({ kind: 'refunded', order: { netFen: 600 } });
    expect(await refund('r1', 300)).toMatchObject({
      kind: 'refused',
      failure: { vendorCode: 'REFUND_REQUEST_CONFLICT', reason: 'DUPLICATE_REFUND' },
    });
    expect(await refund('r2', 601)).toMatchObject({
      kind: 'refused',
      failure: { vendorCode: 'REFUND_AMT_NOT_EQUAL_TOTAL', reason: 'REFUND_AMOUNT_INVALID' },
    });
    expect(await refund('r2', 600)).toMatchObject({ kind: 'refunded', order: { orderStatus: 'REFUNDED', netFen: 0 } });
    expect(await refund('r3', 1)).toMatchObject({
      kind: 'refused',
      failure: { vendorCode: 'UPAY_REFUND_INVALID_ORDER_STATE' },
    });
  });

  it('refuses to refund an order that was never paid', async () => {
    const pending = order();
    await adapter.pay(config, { ...pending, dynamicId: '134567890123456999' });
    const answer = await adapter.refund(config, {
      sn: null,
      clientSn: pending.clientSn,
      requestNo: 'x',
      amountFen: 1,
      operator: 'o',
    });
    expect(answer).toMatchObject({
      kind: 'refused',
      failure: { vendorCode: 'UPAY_REFUND_INVALID_ORDER_STATE', reason: 'INVALID_ORDER_STATE' },
    });
  });

  it('cancels (reverses) a paid order the same day, but not the next day or once refunded', async () => {
    const sameDay = order();
    await adapter.pay(config, { ...sameDay, dynamicId: '134567890123456000' });
    expect(await adapter.cancel(config, sameDay.clientSn)).toMatchObject({
      kind: 'canceled',
      order: { orderStatus: 'CANCELED', netFen: 0 },
    });

    const refunded = order();
    await adapter.pay(config, { ...refunded, dynamicId: '134567890123456000' });
    await adapter.refund(config, {
      sn: null,
      clientSn: refunded.clientSn,
      requestNo: 'r',
      amountFen: 1,
      operator: 'o',
    });
    expect(await adapter.cancel(config, refunded.clientSn)).toMatchObject({
      kind: 'uncertain',
      failure: { vendorCode: 'UPAY_CANCEL_INVALID_ORDER_STATE' },
    });

    const yesterday = order();
    await adapter.pay(config, { ...yesterday, dynamicId: '134567890123456000' });
    await sandbox.clock.advance(24 * 3_600_000);
    expect(await adapter.cancel(config, yesterday.clientSn)).toMatchObject({
      kind: 'uncertain',
      failure: { vendorCode: 'UPAY_CANCEL_INVALID_ORDER_STATE' },
    });
    expect(await adapter.cancel(config, 'never-sent')).toEqual({ kind: 'missing' });
  });

  it('queries by sn first, then client_sn; an unknown order is UPAY_ORDER_NOT_EXISTS', async () => {
    const paid = order(77);
    const created = await adapter.pay(config, { ...paid, dynamicId: '134567890123456000' });
    const sn = created.kind === 'accepted' ? created.order?.sn : undefined;
    expect(await adapter.query(config, paid.clientSn)).toMatchObject({ kind: 'found', order: { sn, totalFen: 77 } });
    expect(await adapter.query(config, 'no-such-order')).toEqual({ kind: 'missing' });
  });

  it('answers precreate for Baifubao or JD with 500 UNEXPECTED_PROVIDER_ERROR, an unknown outcome', async () => {
    const body = JSON.stringify({
      terminal_sn: 'T-1',
      client_sn: 'qr-x',
      total_amount: '1',
      payway: '4',
      subject: 's',
      operator: 'o',
    });
    const answer = await fetch(`${app.url}/sandbox/shouqianba/Upay/v2/precreate`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: authorizationHeader('T-1', body, 'terminal-key-1'),
      },
      body,
    });
    expect(await answer.json()).toEqual({
      result_code: '500',
      error_code: 'UNEXPECTED_PROVIDER_ERROR',
      error_message: '不识别的支付通道',
    });
  });

  it('checks the signature over the raw bytes, and knows its terminals', async () => {
    const body = JSON.stringify({ terminal_sn: 'T-1', client_sn: 'q' });
    const post = (authorization: string, payload = body) =>
      fetch(`${app.url}/sandbox/shouqianba/upay/v2/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: payload,
      }).then((response) => response.json());
    expect(await post(authorizationHeader('T-1', body, 'wrong-key'))).toMatchObject({
      result_code: '400',
      error_code: 'ILLEGAL_SIGN',
    });
    expect(await post(authorizationHeader('T-1', body, 'terminal-key-1'), `${body} `)).toMatchObject({
      error_code: 'ILLEGAL_SIGN',
    });
    expect(await post(authorizationHeader('T-9', body, 'terminal-key-1'))).toMatchObject({
      error_code: 'INVALID_TERMINAL',
    });
    expect(await post(authorizationHeader('T-1', body, 'terminal-key-1'))).toMatchObject({
      result_code: '200',
      biz_response: { result_code: 'FAIL', error_code: 'UPAY_ORDER_NOT_EXISTS' },
    });
    const invalid = JSON.stringify({
      terminal_sn: 'T-1',
      client_sn: 'a',
      total_amount: '1.00',
      dynamic_id: '134567890123456000',
      subject: 's',
      operator: 'o',
    });
    const rejected = await fetch(`${app.url}/sandbox/shouqianba/upay/v2/pay`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: authorizationHeader('T-1', invalid, 'terminal-key-1'),
      },
      body: invalid,
    }).then((response) => response.json());
    expect(rejected).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMS' });
  });

  it('answers MAINTENANCE_INPROGRESS under fault injection, set over the admin endpoint', async () => {
    const set = await fetch(`${app.url}/sandbox/shouqianba/_admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nextRequests: ['maintenance'] }),
    });
    expect(set.status).toBe(200);
    expect(await adapter.query(config, 'anything')).toEqual({
      kind: 'unknown',
      reason: 'MAINTENANCE_INPROGRESS 服务端正在升级维护,稍候5分钟',
    });
  });
});
