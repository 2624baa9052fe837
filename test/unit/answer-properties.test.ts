import fc from 'fast-check';
import { parseQueryResponse } from '../../src/providers/cashier/transformers';
import { transactionDetailSchema } from '../../src/providers/colourlife/schemas';
import { parseAnswer } from '../../src/providers/shouqianba/transformers';
import { decryptedData, payoutOutcomeOf } from '../../src/providers/yunzhanghu/adapter';
import { des3Encrypt } from '../../src/providers/yunzhanghu/crypto';

/**
 * Answers to our own calls, as garbled as a broken or hostile server could make them once the
 * transport and signature passed: reading them never throws, and nothing but a well-formed
 * answer is taken as a vendor's word.
 */
describe('reading vendor answers', () => {
  const KEY = '0123456789abcdefghijklmn';

  it('a Yunzhanghu order answer is found only when it is an order, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (data) => {
        const outcome = payoutOutcomeOf(data);
        if (outcome.kind === 'found') {
          expect(typeof (data as { order_id?: unknown }).order_id).toBe('string');
          expect(outcome.amount === undefined || Number.isSafeInteger(outcome.amount)).toBe(true);
        } else expect(outcome.kind).toBe('unverifiable');
      }),
      { numRuns: 500 },
    );
  });

  it('encrypted order data that does not decrypt or parse is never read as an order', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((value) => des3Encrypt(JSON.stringify(value), KEY)),
        ),
        (text) => {
          for (const form of [text, { encry_data: text }]) {
            const decoded = decryptedData(form, KEY);
            expect(() => payoutOutcomeOf(decoded)).not.toThrow();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a cashier query answer is either parsed to the spec or refused with an error, never half-read', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ respcode: fc.constantFrom('00', '01'), resultcode: fc.string(), txnamt: fc.jsonValue() }),
        ),
        (answer) => {
          let parsed;
          try {
            parsed = parseQueryResponse(answer);
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            return;
          }
          if (parsed.respcode === '00') {
            expect(['0000', '1001', '1002', '1003', '1004']).toContain(parsed.resultcode);
            expect(parsed.txnamt === undefined || Number.isSafeInteger(parsed.txnamt)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an answer naming an identifier longer than our columns is never read as an order', () => {
    const order = { sn: 'x'.repeat(65), client_sn: 'c1', order_status: 'PAID', total_amount: '100', net_amount: '100' };
    const answer = parseAnswer(
      200,
      JSON.stringify({ result_code: '200', biz_response: { result_code: 'PAY_SUCCESS', data: order } }),
    );
    expect(answer).toMatchObject({ kind: 'server_error', errorCode: 'UNREADABLE_ORDER' });
    const detail = { tno: 't'.repeat(65), orderno: 'o1', transtype: 1, status: 1, statusmsg: '', destmoney: '1.00' };
    expect(transactionDetailSchema.safeParse(detail).success).toBe(false);
    expect(transactionDetailSchema.safeParse({ ...detail, tno: 't1' }).success).toBe(true);
  });
});
