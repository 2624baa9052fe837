import { FailureReason, TransactionStatus } from '../../src/domain/enums';
import {
  authorizationHeader,
  parseAuthorization,
  shouqianbaSign,
  verifyUpaySignature,
} from '../../src/providers/shouqianba/signing';
import { failureReasonOf, flowOutcomeOf, paymentStatusOf } from '../../src/providers/shouqianba/status-map';
import { fenFromWire, fenToWire, parseAnswer } from '../../src/providers/shouqianba/transformers';
import { FLOW_STATUSES, ORDER_STATUSES } from '../../src/providers/shouqianba/wire-types';
import { barcodeBehaviour, paywayOfBarcode } from '../../src/sandbox/shouqianba/shouqianba-sandbox';
import { bodySignatureHolds, readAuthorization } from '../../src/sandbox/shouqianba/sandbox-signing';

// The spec prints no signed example, so this vector was computed independently
// (Python hashlib.md5 over the UTF-8 body followed by the key) and is kept as a known answer.
const BODY =
  '{"terminal_sn":"100000330006","client_sn":"12345677767776","total_amount":"1","dynamic_id":"130818341921441147","subject":"达美乐披萨","operator":"刘侃"}';
const KEY = '0d3b4bd1c4f2e6d5a0f9b9f5e0b2a1c3';
const SIGN = '89179440189daa0a07a1471f0d6a0093';

describe("the sandbox's own Shouqianba signature check, against the same known answer", () => {
  it('accepts the known signature in either case and nothing else', () => {
    const bytes = Buffer.from(BODY, 'utf8');
    const auth = readAuthorization(`100000330006 ${SIGN.toUpperCase()}`);
    expect(auth).toEqual({ terminalSn: '100000330006', sign: SIGN });
    expect(bodySignatureHolds(bytes, auth!.sign, KEY)).toBe(true);
    expect(bodySignatureHolds(Buffer.from(`${BODY} `, 'utf8'), SIGN, KEY)).toBe(false);
    expect(bodySignatureHolds(bytes, SIGN, `${KEY}x`)).toBe(false);
    expect(readAuthorization(`100000330006  ${SIGN}`)).toBeUndefined();
    expect(readAuthorization(SIGN)).toBeUndefined();
  });
});

describe('Shouqianba signing (二.2)', () => {
  it('signs MD5(body bytes + terminal key), matching an independent computation', () => {
    expect(shouqianbaSign(BODY, KEY)).toBe(SIGN);
    expect(shouqianbaSign(Buffer.from(BODY, 'utf8'), KEY)).toBe(SIGN);
    expect(authorizationHeader('100000330006', BODY, KEY)).toBe(`100000330006 ${SIGN}`);
  });

  it('verifies in constant time, either hex case, and rejects any change to the bytes or key', () => {
    const bytes = Buffer.from(BODY, 'utf8');
    expect(verifyUpaySignature(bytes, SIGN, KEY)).toBe(true);
    expect(verifyUpaySignature(bytes, SIGN.toUpperCase(), KEY)).toBe(true);
    expect(verifyUpaySignature(Buffer.from(BODY.replace('"1"', '"2"')), SIGN, KEY)).toBe(false);
    expect(verifyUpaySignature(bytes, SIGN, `${KEY}x`)).toBe(false);
    // Same JSON, different bytes (a space): the signature covers bytes, not meaning.
    expect(verifyUpaySignature(Buffer.from(BODY.replace(':', ': ')), SIGN, KEY)).toBe(false);
  });

  it('parses the Authorization header and refuses other shapes', () => {
    expect(parseAuthorization(`T-1 ${SIGN}`)).toEqual({ terminalSn: 'T-1', sign: SIGN });
    expect(parseAuthorization(`Bearer abc`)).toBeUndefined();
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(parseAuthorization(SIGN)).toBeUndefined();
  });
});

describe('Shouqianba status and error maps (四)', () => {
  it('maps every order status of 四.3, keeping "failed but payer side unconfirmed" out of FAILED', () => {
    const mapped = Object.fromEntries(ORDER_STATUSES.map((status) => [status, paymentStatusOf(status)]));
    expect(mapped).toEqual({
      CREATED: TransactionStatus.PROCESSING,
      PAID: TransactionStatus.SUCCEEDED,
      PAY_CANCELED: TransactionStatus.FAILED,
      PAY_ERROR: TransactionStatus.NEEDS_ATTENTION,
      REFUNDED: TransactionStatus.SUCCEEDED,
      PARTIAL_REFUNDED: TransactionStatus.SUCCEEDED,
      REFUND_ERROR: TransactionStatus.SUCCEEDED,
      CANCELED: TransactionStatus.CANCELED,
      CANCEL_ERROR: TransactionStatus.NEEDS_ATTENTION,
    });
  });

  it('maps every flow status of 四.4: only SUCCESS and FAIL_CANCELED are confirmed', () => {
    const mapped = Object.fromEntries(FLOW_STATUSES.map((status) => [status, flowOutcomeOf(status)]));
    expect(mapped).toEqual({
      SUCCESS: TransactionStatus.SUCCEEDED,
      FAIL_CANCELED: TransactionStatus.FAILED,
      FAIL_PROTOCOL_1: TransactionStatus.NEEDS_ATTENTION,
      FAIL_IO_1: TransactionStatus.NEEDS_ATTENTION,
      FAIL_PROTOCOL_2: TransactionStatus.NEEDS_ATTENTION,
      FAIL_IO_2: TransactionStatus.NEEDS_ATTENTION,
      FAIL_PROTOCOL_3: TransactionStatus.NEEDS_ATTENTION,
      FAIL_ERROR: TransactionStatus.NEEDS_ATTENTION,
      CANCEL_ERROR: TransactionStatus.NEEDS_ATTENTION,
      REFUND_ERROR: TransactionStatus.NEEDS_ATTENTION,
      IN_PROG: TransactionStatus.PROCESSING,
    });
  });

  it('gives every error code the spec lists a reason of its own', () => {
    const listed = [
      'INVALID_PARAMS',
      'INVALID_TERMINAL',
      'ILLEGAL_SIGN',
      'INVALID_BARCODE',
      'UNKNOWN_SYSTEM_ERROR',
      'UNEXPECTED_PROVIDER_ERROR',
      'TERMINAL_NOT_EXISTS',
      'INVALID_PARAMETER',
      'MAINTENANCE_INPROGRESS',
      'AUTHCODE_EXPIRE',
      'INSUFFICIENT_FUND',
      'EXPIRED_BARCODE',
      'BUYER_OVER_DAILY_LIMIT',
      'BUYER_OVER_TRANSACTION_LIMIT',
      'SELLER_OVER_DAILY_LIMIT',
      'TRADE_NOT_EXIST',
      'TRADE_HAS_SUCCESS',
      'SELLER_BALANCE_NOT_ENOUGH',
      'REFUND_AMT_NOT_EQUAL_TOTAL',
      'TRADE_FAILED',
      'CLIENT_SN_CONFLICT',
      'UPAY_ORDER_NOT_EXIST',
      'UPAY_ORDER_NOT_EXISTS',
      'REFUND_REQUEST_CONFLICT',
      'UPAY_REFUND_INVALID_ORDER_STATE',
      'UPAY_CANCEL_INVALID_ORDER_STATE',
    ];
    for (const code of listed) expect([code, failureReasonOf(code)]).not.toEqual([code, FailureReason.UNRECOGNISED]);
    expect(failureReasonOf('INSUFFICIENT_FUND')).toBe(FailureReason.INSUFFICIENT_FUNDS);
    expect(failureReasonOf('SOMETHING_NEW')).toBe(FailureReason.UNRECOGNISED);
  });
});

describe('Shouqianba envelope (3.1)', () => {
  it('reads a business answer with its order, amounts as integer fen', () => {
    const answer = parseAnswer(
      200,
      JSON.stringify({
        result_code: '200',
        biz_response: {
          result_code: 'PAY_SUCCESS',
          data: {
            sn: '7894259244067349',
            client_sn: 'c1',
            status: 'SUCCESS',
            order_status: 'PAID',
            total_amount: '1234',
            net_amount: '1234',
            payway: '3',
          },
        },
      }),
    );
    expect(answer).toMatchObject({
      kind: 'business',
      resultCode: 'PAY_SUCCESS',
      order: { sn: '7894259244067349', orderStatus: 'PAID', totalFen: 1234, netFen: 1234, payway: '3' },
    });
  });

  it('separates client errors (400) from server errors (500, non-JSON, unknown order status)', () => {
    expect(parseAnswer(200, '{"result_code":"400","error_code":"ILLEGAL_SIGN","error_message":"签名错误"}')).toEqual({
      kind: 'client_error',
      errorCode: 'ILLEGAL_SIGN',
      errorMessage: '签名错误',
    });
    expect(parseAnswer(200, '{"result_code":"500","error_code":"MAINTENANCE_INPROGRESS"}')).toMatchObject({
      kind: 'server_error',
      errorCode: 'MAINTENANCE_INPROGRESS',
    });
    expect(parseAnswer(502, '<html>Bad gateway</html>')).toMatchObject({ kind: 'server_error', errorCode: 'HTTP_502' });
    const odd = {
      sn: '1',
      client_sn: 'c',
      status: 'SUCCESS',
      order_status: 'HALF_PAID',
      total_amount: '1',
      net_amount: '1',
    };
    expect(
      parseAnswer(200, JSON.stringify({ result_code: '200', biz_response: { result_code: 'SUCCESS', data: odd } })),
    ).toMatchObject({ kind: 'server_error', errorCode: 'UNREADABLE_ORDER' });
  });

  it('keeps amounts to at most 10 digits of whole fen', () => {
    expect(fenToWire(1)).toBe('1');
    expect(fenToWire(9_999_999_999)).toBe('9999999999');
    expect(() => fenToWire(10_000_000_000)).toThrow(RangeError);
    expect(() => fenToWire(1.5)).toThrow(RangeError);
    expect(fenFromWire('0012')).toBeUndefined();
    expect(fenFromWire('1.00')).toBeUndefined();
    expect(fenFromWire('120')).toBe(120);
  });
});

describe('Shouqianba sandbox barcodes', () => {
  it('detects the wallet from the barcode prefix (WeChat 10-15, Alipay 25-30)', () => {
    expect(paywayOfBarcode('134567890123456789')).toBe('3');
    expect(paywayOfBarcode('104567890123456789')).toBe('3');
    expect(paywayOfBarcode('164567890123456789')).toBeUndefined();
    expect(paywayOfBarcode('2812345678901234')).toBe('1');
    expect(paywayOfBarcode('301234567890123456789012')).toBe('1');
    expect(paywayOfBarcode('3112345678901234')).toBeUndefined();
    expect(paywayOfBarcode('13456789012345678')).toBeUndefined();
  });

  it('chooses the outcome from the last three digits, as the provider README documents', () => {
    expect(barcodeBehaviour('134567890123456000')).toEqual({ kind: 'success' });
    expect(barcodeBehaviour('134567890123456001')).toEqual({ kind: 'fail', errorCode: 'INSUFFICIENT_FUND' });
    expect(barcodeBehaviour('134567890123456002')).toEqual({ kind: 'fail', errorCode: 'EXPIRED_BARCODE' });
    expect(barcodeBehaviour('134567890123456003')).toEqual({ kind: 'fail_error' });
    expect(barcodeBehaviour('134567890123456105')).toEqual({ kind: 'later', outcome: 'paid', afterMs: 5000 });
    expect(barcodeBehaviour('134567890123456230')).toEqual({ kind: 'later', outcome: 'failed', afterMs: 30000 });
    expect(barcodeBehaviour('134567890123456998')).toEqual({ kind: 'forever', cancelErrs: true });
    expect(barcodeBehaviour('134567890123456999')).toEqual({ kind: 'forever', cancelErrs: false });
  });
});
