import { FailureReason, PayoutStatus } from '../../src/domain/enums';
import {
  bankCardFormatProblem,
  idCardChecksumValid,
  maskCard,
  maskIdCard,
  maskName,
  maskPhone,
} from '../../src/domain/personal-data';
import { des3Decrypt, des3Encrypt, open, seal, sign, timestampMs } from '../../src/providers/yunzhanghu/crypto';
import { detailReason, errorReason, payoutStatusOf } from '../../src/providers/yunzhanghu/status-map';
import { parseCsv, payRemarkProblem, toCsv } from '../../src/providers/yunzhanghu/transformers';
import { ERROR_CODES, ORDER_STATUSES, STATUS_DETAILS } from '../../src/providers/yunzhanghu/wire-types';
import { readDayFiles } from '../../src/providers/yunzhanghu/daily-files';
import { openFromClient, requestTimeMs, sealForClient } from '../../src/sandbox/yunzhanghu/sandbox-crypto';

// 第四章 2.5) and 3.: the spec's worked example. The plaintext is the Java example's (the one that
// matches the published ciphertext); the printed ciphertext confuses I and l in places.
const KEY = '123456788765432112345678';
const APP_KEY = '78f9b4fad3481fbce1df0b30eee58577';
const PLAIN =
  '{"order_id": "201609010016562012987","init_batch_id": "201609_-NDJ","cur_batch_id": "201609_-NDJ","issue_id": "201609-NDJ","reserve_id": "56244623 20160901-1","dealer_id": "sixcn","broker_id": "0","anchor_id": "56244623","real_name": "张三","card_no": "6228880199872220","bank_name": "招商银行","bank_branch": "上地分行","bank_prov": "北京","bank_city": "北京","phone_no": "13488795491","id_card": "123532612312312321","yyyy_mm": "201609","pay": "100000.00"}';
const PRINTED =
  '0eUw2Nk2isX+IRlttM7eKomZCAfJlocPw2lG4uVrc0qIlbhOusoy0Pp5hl5sWKRxrp4+/YVTJKqFGIS+dB+0/ApQ9/yVvQmmDdIx4kdUw487S4KruUxMy14qkrqSreTHKkGww71pUX8Xe6jBBZHkGTeibyOWEiaxp3UUNJs7Qxo0rWAct4+0ntTdniNMalsQbKQ7AvhuwWJY+c9HSgMtizJ7llkhzfOC9SyUr7353G/fd1GX7p2Q+j22b7YceAyZylgsdEyX24z0tPeh6b49pKJpThf792UJxkxCDq3rdbAfAVpmf+erQ8qBHgD+KElyB5ywHBkTNLxZEW1tzMmd7C76ANmrQgY8oOz7e91DTjbuc8z4Qr8QsWub0+mUNrlGvbYeCfc2+emkeo1moVZXujLof8JmrCZUSstrg9qE1kEptj0SvnELk9RYEAYqXe15O0fLWz/ywRgCmerpWdqRViWp+YV4+9Qrl1bCRlWRp+7Xuc8hNCslojaOxK0Xpn4gbde1+dX1SYOJu9RqIMDRdTzfllUwzsGexLu9sb3NphodW7brNG5l/lG4k5vs23565DJgbr/zvXYTslLwHkr+RkVYSyhjr0xPF1ZQQHzZdzdN4DiliRAlATE27BDHSTvV';
const SIGNATURE = 'a55c3129a230a4d8abdd5f39bb5f1188a46f6c18adb8146a67f1888650da799d';

describe("the sandbox's own Yunzhanghu crypto, against the spec's worked example", () => {
  it('opens the worked example signed with the published signature, and refuses tampering', () => {
    const keys = { appKey: APP_KEY, des3Key: KEY };
    const data = des3Encrypt(PLAIN, KEY);
    expect(openFromClient({ data, mess: '12313', timestamp: '123457', sign: SIGNATURE }, keys)).toEqual({
      ok: true,
      payload: JSON.parse(PLAIN),
    });
    expect(openFromClient({ data, mess: '12314', timestamp: '123457', sign: SIGNATURE }, keys)).toEqual({
      ok: false,
      code: '1003',
    });
    const sealed = sealForClient({ a: 1 }, keys, 1_479_892_123_000);
    expect(sealed.timestamp).toBe('1479892123');
    expect(open(sealed, keys)).toEqual({ ok: true, payload: { a: 1 } });
    expect(requestTimeMs('1479892123')).toBe(1_479_892_123_000);
    expect(requestTimeMs('abc')).toBeUndefined();
  });
});

describe('Yunzhanghu protocol: the spec worked example', () => {
  it('encrypts the Java example to the published ciphertext (up to the printed I/l confusions)', () => {
    const data = des3Encrypt(PLAIN, KEY);
    expect(data.length).toBe(PRINTED.length);
    expect(data.replace(/[Il]/g, '#')).toBe(PRINTED.replace(/[Il]/g, '#'));
    expect(des3Decrypt(data, KEY)).toBe(PLAIN);
  });

  it('signs data, mess 12313 and timestamp 123457 to exactly the published signature', () => {
    expect(sign(des3Encrypt(PLAIN, KEY), '12313', '123457', APP_KEY)).toBe(SIGNATURE);
    const sealed = seal(JSON.parse(PLAIN), { appKey: APP_KEY, des3Key: KEY }, { mess: '12313', nowMs: 123_457_000 });
    expect(sealed).toMatchObject({ mess: '12313', timestamp: '123457', sign_type: 'sha256' });
  });

  it('verifies before it decrypts, and refuses tampering', () => {
    const keys = { appKey: APP_KEY, des3Key: KEY };
    const sealed = seal({ order_id: 'a' }, keys);
    expect(open(sealed, keys)).toEqual({ ok: true, payload: { order_id: 'a' } });
    expect(open({ ...sealed, mess: `${sealed.mess}x` }, keys)).toMatchObject({ ok: false, code: '1003' });
    expect(open({ ...sealed, sign: sealed.sign.toUpperCase() }, keys)).toMatchObject({ ok: true });
    // Garbage data with a valid signature is a decryption error (1004), found only after the signature.
    const garbage = 'bm90IGVuY3J5cHRlZA==';
    expect(
      open({ ...sealed, data: garbage, sign: sign(garbage, sealed.mess, sealed.timestamp, APP_KEY) }, keys),
    ).toMatchObject({
      ok: false,
      code: '1004',
    });
    expect(open({ ...sealed, sign_type: 'md5' as never }, keys)).toMatchObject({ ok: false, code: '1003' });
  });

  it('reads timestamps in seconds or milliseconds', () => {
    expect(timestampMs('1479892123')).toBe(1_479_892_123_000);
    expect(timestampMs('1479892123456')).toBe(1_479_892_123_456);
    expect(timestampMs('12a')).toBeUndefined();
  });
});

describe('Yunzhanghu rules and maps', () => {
  it('checks pay_remark: 20 characters, a Chinese one counting 2, no forbidden characters', () => {
    expect(payRemarkProblem('稿费2026年11月')).toBeUndefined();
    expect(payRemarkProblem('一二三四五六七八九十')).toBeUndefined();
    expect(payRemarkProblem('一二三四五六七八九十a')).toMatch(/at most 20/);
    for (const char of ["'", '"', '&', '|', '@', '%', '*', '(', ')', '-', ':', '#', '¥']) {
      expect(payRemarkProblem(`fee${char}`)).toMatch(/must not contain/);
    }
  });

  it('masks, and validates ID and card numbers', () => {
    expect(maskCard('6228880199872220')).toBe('6228********2220');
    expect(maskIdCard('12010119881214214X')).toBe('1201**********214X');
    expect(maskPhone('13488795491')).toBe('134****5491');
    expect(maskName('张三丰')).toBe('张**');
    expect(idCardChecksumValid('11010519491231002X')).toBe(true);
    expect(idCardChecksumValid('110105194912310021')).toBe(false);
    // Format only: the spec's own example fails Luhn and is a valid card number to send.
    expect(bankCardFormatProblem('6228880199872220')).toBeUndefined();
    expect(bankCardFormatProblem('6228880199872225')).toBeUndefined();
    expect(bankCardFormatProblem('62288801998722201234')).toBeDefined();
    expect(bankCardFormatProblem('6228-8801-9987')).toBeDefined();
  });

  it('maps every status of 附录1 (with status_detail 27 as still PROCESSING)', () => {
    const mapped = Object.fromEntries(ORDER_STATUSES.map((status) => [status, payoutStatusOf(status, 0)]));
    expect(mapped).toEqual({
      '-1': PayoutStatus.FAILED,
      0: PayoutStatus.PROCESSING,
      1: PayoutStatus.SUCCEEDED,
      2: PayoutStatus.FAILED,
      4: PayoutStatus.ON_HOLD,
      5: PayoutStatus.NEEDS_ATTENTION,
      8: PayoutStatus.PROCESSING,
      9: PayoutStatus.RETURNED,
      11: PayoutStatus.NEEDS_ATTENTION,
      15: PayoutStatus.FAILED,
      18: PayoutStatus.SUCCEEDED,
    });
    expect(payoutStatusOf(1, 27)).toBe(PayoutStatus.PROCESSING);
  });

  it('gives every failure detail of 附录2 and every error code of 附录3 a reason', () => {
    for (const detail of STATUS_DETAILS.filter((d) => ![0, 27, 111, 112].includes(d))) {
      expect([detail, detailReason(detail)]).not.toEqual([detail, undefined]);
    }
    for (const code of Object.keys(ERROR_CODES).filter((c) => c !== '0000')) {
      expect([code, errorReason(code)]).not.toEqual([code, FailureReason.UNRECOGNISED]);
    }
    expect(errorReason('2027')).toBe(FailureReason.MERCHANT_BALANCE_INSUFFICIENT);
  });

  it('writes and reads the daily CSV files, quotes included', () => {
    const rows = [
      ['商户订单号', '姓名'],
      ['A1', 'Zhang, San'],
      ['A2', 'say "hi"'],
    ];
    expect(parseCsv(toCsv(rows))).toEqual(rows);
  });
});

describe('the daily files in our terms', () => {
  const order = (status: string, pay = '12.30') => ({ 商户订单号: 'a'.repeat(32), 订单状态: status, 金额: pay });

  it('maps the status words, keeps -/- and unlisted words UNKNOWN, and reads returns from the bill', () => {
    const record = readDayFiles(
      [order('成功'), order('-/-'), order('某个新状态'), order('成功', 'abc')],
      [{ 商户订单号: 'a'.repeat(32), 流水类型: '经纪公司退汇' }],
    );
    expect('problem' in record).toBe(false);
    const { orders, returnedOrderNos } = record as Exclude<typeof record, { problem: string }>;
    expect(orders.map((each) => [each.status, each.amountFen])).toEqual([
      ['SUCCEEDED', 1_230],
      ['UNKNOWN', 1_230],
      ['UNKNOWN', 1_230],
      ['SUCCEEDED', null],
    ]);
    expect([...returnedOrderNos]).toEqual(['a'.repeat(32)]);
  });

  it('refuses a file whose rows are not the spec’s', () => {
    expect(readDayFiles([{ 商户订单号: 'x'.repeat(65), 订单状态: '成功', 金额: '1.00' }], [])).toMatchObject({
      problem: expect.stringContaining('order file'),
    });
    expect(readDayFiles([{ orderId: '1' } as never], [])).toMatchObject({ problem: expect.any(String) });
  });
});
