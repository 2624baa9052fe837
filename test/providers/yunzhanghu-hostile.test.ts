import { CallbackInbox, Payout } from '../../src/entities';
import { des3Encrypt, seal, sign } from '../../src/providers/yunzhanghu/crypto';
import { testDatabases } from '../support/databases';
import { insertPayout } from '../support/fixtures';
import { waitFor } from '../support/wait-for';
import { card, ID_CARD, yunzhanghuHarness } from '../support/yunzhanghu';

/**
 * Correctly signed notifications that are not well-formed, or not ours, or too old: each gets
 * Yunzhanghu's failure reply (`fail`, so the vendor never retries a 5xx for a day), nothing is
 * stored and no payout moves. And what a well-formed one must update besides the status.
 */
describe.each(testDatabases())('Yunzhanghu notifications that cannot be ours, on $name', (database) => {
  const h = yunzhanghuHarness(database);
  let notices = 0;

  function notice(orderNo: string, data: Record<string, unknown> = {}): Record<string, unknown> {
    notices += 1;
    return {
      notify_id: `1473227966${String(notices).padStart(7, '0')}`,
      notify_time: '2026-12-01 11:49:34',
      data: {
        order_id: orderNo,
        ref: `1053${String(notices).padStart(13, '0')}`,
        pay: '50.00',
        status: 1,
        status_detail: 0,
        status_message: '已打款',
        status_detail_message: '成功',
        ...data,
      },
    };
  }

  async function post(form: Record<string, string>): Promise<{ status: number; text: string }> {
    const response = await fetch(`${h.app.url}/callbacks/yunzhanghu/${h.platformId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    return { status: response.status, text: await response.text() };
  }

  /** Sealed with the dealer's real keys: every one of these passes the signature check. */
  const postSealed = (payload: unknown, nowMs = Date.now()) =>
    post(seal(payload, h.dealer, { nowMs }) as unknown as Record<string, string>);

  /** Signed over a timestamp of the test's choosing, however malformed. */
  function postWithTimestamp(payload: unknown, timestamp: string) {
    const data = des3Encrypt(JSON.stringify(payload), h.dealer.des3Key);
    const mess = 'abcdef12';
    return post({ data, mess, timestamp, sign: sign(data, mess, timestamp, h.dealer.appKey), sign_type: 'sha256' });
  }

  const FAIL = { status: 400, text: 'fail' };
  const SUCCESS = { status: 200, text: 'success' };
  const inboxRows = () => h.app.runtime.services.db.manager.count(CallbackInbox);
  const row = (id: string) => h.app.runtime.services.db.manager.findOneByOrFail(Payout, { id });

  it.each([
    ['JSON null', null],
    ['a number', 42],
    ['a string', 'success'],
    ['an empty object', {}],
    ['data: null', { notify_id: '1', data: null }],
    ['no notify_id', { data: { order_id: 'a'.repeat(32), status: 1, pay: '1.00' } }],
    ['an unknown status', { notify_id: '2', data: { order_id: 'a'.repeat(32), status: 77, pay: '1.00' } }],
    ['a status of the wrong type', { notify_id: '3', data: { order_id: 'a'.repeat(32), status: [1], pay: '1.00' } }],
  ])('answers "fail" to a signed payload that is %s, storing nothing', async (_name, payload) => {
    const before = await inboxRows();
    expect(await postSealed(payload)).toEqual(FAIL);
    expect(await inboxRows()).toBe(before);
  });

  it('refuses identifiers that cannot be ours before storing them, the same on every database', async () => {
    const payout = await insertPayout(h.app.runtime.services, h.platformId, 5_000);
    const before = await inboxRows();
    expect(await postSealed({ ...notice(payout.orderNo), notify_id: '9'.repeat(5_000) })).toEqual(FAIL);
    expect(await postSealed(notice('1'.repeat(5_000)))).toEqual(FAIL);
    expect(await postSealed(notice(payout.orderNo, { ref: 'r'.repeat(300) }))).toEqual(FAIL);
    expect(await inboxRows()).toBe(before);
    expect((await row(payout.id)).status).toBe('PENDING');
  });

  it.each([
    ['unreadable', { pay: 'abc' }],
    ['missing', { pay: undefined }],
    ['a float', { pay: 50.001 }],
  ])('never accepts a payout whose reported amount is %s: NEEDS_ATTENTION, with why', async (_name, fields) => {
    const payout = await insertPayout(h.app.runtime.services, h.platformId, 5_000);
    expect(await postSealed(notice(payout.orderNo, fields))).toEqual(SUCCESS);
    expect((await row(payout.id)).status).toBe('NEEDS_ATTENTION');
    const history = await h.app.runtime.services.eventLog.historyOf(h.platformId, [['PAYOUT' as never, payout.id]]);
    expect(history.get(`PAYOUT:${payout.id}`)?.at(-1)?.detail).toMatchObject({
      reportedStatus: 'SUCCEEDED',
      amountMismatch: { ours: 5_000, theirs: null, problem: 'missing_or_unreadable' },
    });
  });

  it('checks the signed timestamp: numeric, and inside the window of the retry schedule', async () => {
    const payout = await insertPayout(h.app.runtime.services, h.platformId, 5_000);
    const now = Date.now();
    expect(await postWithTimestamp(notice(payout.orderNo), 'abc')).toEqual(FAIL);
    expect(await postWithTimestamp(notice(payout.orderNo), '1'.repeat(40))).toEqual(FAIL);
    expect(await postWithTimestamp(notice(payout.orderNo), String(now / 1000))).toEqual(FAIL);
    expect(await postSealed(notice(payout.orderNo), now - 3 * 86_400_000)).toEqual(FAIL);
    expect(await postSealed(notice(payout.orderNo), now + 3_600_000)).toEqual(FAIL);
    expect((await row(payout.id)).status).toBe('PENDING');
    // The last retry of the schedule comes about 25 hours after the first attempt.
    expect(await postSealed(notice(payout.orderNo), now - 25 * 3_600_000)).toEqual(SUCCESS);
    expect((await row(payout.id)).status).toBe('SUCCEEDED');
  });

  it("keeps the vendor's status words from notifications, as last reported", async () => {
    const created = await h.create({
      channel: 'WECHAT',
      amountFen: 1_000,
      payee: { realName: '张三', idCard: ID_CARD, openid: 'openid-words' },
    });
    const id = created.payout.id;
    await waitFor(
      async () => (await h.payout(id)).vendorStatusDetail === 27,
      'the red packet reported sent and unclaimed (1/27)',
    );
    expect((await h.payout(id)).vendorStatus).toBe(1);
    expect(h.sandbox.claim('dealer-1', created.payout.orderNo)).toBe(true);
    // SUCCEEDED is final: nothing polls after it, so only the claim's 1/0 notification can say so.
    const paid = await h.settles(id, 'SUCCEEDED');
    expect([paid.vendorStatus, paid.vendorStatusDetail]).toEqual([1, 0]);
  });

  it("pays to the spec's own example card, which fails Luhn, and maps the vendor's 2006 to a typed refusal", async () => {
    const paid = await h.bankPayout('6228880199872220', 1_200);
    expect(paid.__typename).toBe('CreatePayoutPayload');
    await h.settles(paid.payout.id, 'SUCCEEDED');
    const refused = await h.bankPayout(card('2006'), 1_200, { idempotencyKey: 'refused-2006' });
    expect(refused).toMatchObject({
      __typename: 'PayoutRefusedError',
      failure: { reason: 'PAYEE_ACCOUNT_INVALID', vendorCode: '2006' },
    });
    // A replay of the key answers exactly as the first call did: the same refusal, not a payload.
    expect(await h.bankPayout(card('2006'), 1_200, { idempotencyKey: 'refused-2006' })).toEqual(refused);
  });
});
