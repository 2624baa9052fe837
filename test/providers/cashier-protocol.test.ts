import { CheckoutAction } from '../../src/domain/enums';
import { TransactionStatus } from '../../src/domain/enums';
import { decodePayload, encodePayload, seal, signPayload, verifyPayload } from '../../src/providers/cashier/signing';
import { cashierSettlement, cashierStatus } from '../../src/providers/cashier/status-map';
import { parseNotification, toPayRequest } from '../../src/providers/cashier/transformers';
import { CASHIER_RESULT_CODES } from '../../src/providers/cashier/wire-types';
import { readPayload, signatureHolds, signedMessage } from '../../src/sandbox/cashier/sandbox-signing';

/**
 * The spec (§2.2) gives the algorithm but no worked example, so this known answer was computed
 * independently (Python: base64 of the compact JSON, hashlib.md5 of payload + key).
 */
const KNOWN = {
  message: {
    action: 'WeiXin',
    txnamt: 1234,
    merid: 'M100001',
    orderid: 'ORDER20261121001',
    backurl: 'https://example.com/notify',
  },
  key: 'testkey123',
  payload:
    'eyJhY3Rpb24iOiJXZWlYaW4iLCJ0eG5hbXQiOjEyMzQsIm1lcmlkIjoiTTEwMDAwMSIsIm9yZGVyaWQiOiJPUkRFUjIwMjYxMTIxMDAxIiwiYmFja3VybCI6Imh0dHBzOi8vZXhhbXBsZS5jb20vbm90aWZ5In0=',
  sign: 'caddc3963f021d9215115edfc96853ec',
};

describe("the sandbox's own cashier signing, against the same known answer", () => {
  it('signs, verifies and reads as the spec says, apart from the client code', () => {
    expect(signedMessage(KNOWN.message, KNOWN.key)).toEqual({ payload: KNOWN.payload, sign: KNOWN.sign });
    expect(signatureHolds(KNOWN.payload, KNOWN.sign.toUpperCase(), KNOWN.key)).toBe(true);
    expect(signatureHolds(KNOWN.payload, KNOWN.sign, 'other-key')).toBe(false);
    expect(signatureHolds(`${KNOWN.payload}x`, KNOWN.sign, KNOWN.key)).toBe(false);
    expect(readPayload(KNOWN.payload)).toEqual(KNOWN.message);
  });
});

describe('cashier signing (§2.2)', () => {
  it('matches the independently computed known answer', () => {
    expect(encodePayload(KNOWN.message)).toBe(KNOWN.payload);
    expect(signPayload(KNOWN.payload, KNOWN.key)).toBe(KNOWN.sign);
    expect(seal(KNOWN.message, KNOWN.key)).toEqual({ payload: KNOWN.payload, sign: KNOWN.sign });
    expect(decodePayload(KNOWN.payload)).toEqual(KNOWN.message);
  });

  it('verifies in either hex case and refuses any change', () => {
    expect(verifyPayload(KNOWN.payload, KNOWN.sign, KNOWN.key)).toBe(true);
    expect(verifyPayload(KNOWN.payload, KNOWN.sign.toUpperCase(), KNOWN.key)).toBe(true);
    expect(verifyPayload(KNOWN.payload, KNOWN.sign, 'otherkey')).toBe(false);
    expect(verifyPayload(`${KNOWN.payload.slice(0, -2)}x=`, KNOWN.sign, KNOWN.key)).toBe(false);
    expect(verifyPayload(KNOWN.payload, '', KNOWN.key)).toBe(false);
    expect(verifyPayload(KNOWN.payload, 'zz', KNOWN.key)).toBe(false);
  });

  it('signs Chinese text as UTF-8', () => {
    const { payload, sign } = seal({ resultmsg: '交易成功' }, 'k');
    expect(decodePayload(payload)).toEqual({ resultmsg: '交易成功' });
    expect(verifyPayload(payload, sign, 'k')).toBe(true);
  });
});

describe('cashier status map', () => {
  it('maps every result code of the spec, and no other', () => {
    expect(CASHIER_RESULT_CODES.map((code) => [code, cashierStatus(code), cashierSettlement(code) ?? null])).toEqual([
      ['0000', TransactionStatus.SUCCEEDED, 'SETTLED'],
      ['1001', TransactionStatus.PROCESSING, null],
      ['1002', TransactionStatus.SUCCEEDED, 'UNSETTLED'],
      ['1003', TransactionStatus.FAILED, null],
      ['1004', TransactionStatus.NEEDS_ATTENTION, null],
    ]);
    const base = { queryid: 'Q1', txnamt: 100, merid: 'M1', orderid: 'ORDER0001' };
    expect(() => parseNotification({ ...base, resultcode: '9999' })).toThrow(/unknown resultcode/);
    // An unreadable amount is kept as unreadable: the amount rule then flags the payment.
    expect(parseNotification({ ...base, resultcode: '0000', txnamt: 1.5 }).txnamt).toBeUndefined();
    expect(parseNotification({ ...base, resultcode: '0000', txnamt: '100', paytime: '' })).toEqual({
      ...base,
      resultcode: '0000',
      txnamt: 100,
      resultmsg: undefined,
      paytime: undefined,
    });
  });
});

describe('cashier pay request (§3.1.3)', () => {
  const order = { orderNo: 'ABCDEFGH12', amountFen: 100, action: CheckoutAction.BANK, backUrl: 'https://x.test/n' };

  it('enforces the order id and amount rules before anything is signed', () => {
    expect(toPayRequest(order, 'M1')).toEqual({
      action: 'Bank',
      txnamt: 100,
      merid: 'M1',
      orderid: 'ABCDEFGH12',
      backurl: 'https://x.test/n',
    });
    for (const orderNo of ['SHORT1', 'has-dash-123', 'x'.repeat(33)]) {
      expect(() => toPayRequest({ ...order, orderNo }, 'M1')).toThrow(/orderid/);
    }
    for (const amountFen of [0, -1, 1.5])
      expect(() => toPayRequest({ ...order, amountFen }, 'M1')).toThrow(/amountFen/);
  });
});
