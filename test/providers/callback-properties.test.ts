import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { PayoutStatus, TransactionStatus, Vendor } from '../../src/domain/enums';
import { canTransition, PAYOUT_TRANSITIONS, TRANSACTION_TRANSITIONS } from '../../src/domain/transitions';
import { Payout, Transaction } from '../../src/entities';
import { seal as sealCashier } from '../../src/providers/cashier/signing';
import { cashierStatus } from '../../src/providers/cashier/status-map';
import { seal as sealYunzhanghu } from '../../src/providers/yunzhanghu/crypto';
import { payoutStatusOf } from '../../src/providers/yunzhanghu/status-map';
import { ORDER_STATUSES } from '../../src/providers/yunzhanghu/wire-types';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertPayout, insertTransaction } from '../support/fixtures';

/**
 * Property tests of every vendor's callback route, on every database: payloads signed with the
 * right key but otherwise hostile (random JSON, missing and extra fields, wrong types, huge and
 * odd strings, unknown statuses, our real order numbers mixed with unknown ones). The route
 * never answers 5xx, and an entity moves only for a well-formed notification of an order we
 * know: to the reported status when the amount is ours, to NEEDS_ATTENTION when it is not.
 * Each generated field carries whether it is valid, so the expectation comes from the
 * generator, not from the code under test.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

type Field<T = unknown> = { value: T; valid: boolean };
const valid = <T>(arbitrary: fc.Arbitrary<T>) => arbitrary.map((value): Field<T> => ({ value, valid: true }));
const invalid = (arbitrary: fc.Arbitrary<unknown>) => arbitrary.map((value): Field => ({ value, valid: false }));
/** Junk of every JSON type, including strings far longer than any column. */
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 300, maxLength: 5_000 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const absent = fc.constant<Field>({ value: undefined, valid: false });
/** Junk that is not a vendor token (1-64 letters, digits, '_' or '-'): a short junk string may be one. */
const notAToken = junk.filter((value) => !(typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value)));

describe.each(testDatabases())('callback routes under hostile signed input, on $name', (database) => {
  let app: TestApp;
  let platformId: string;

  beforeAll(async () => {
    app = await startTestApp(database, {}, {}, { background: false });
    platformId = (await app.runtime.services.platforms.createPlatform('properties')).platform.id;
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function post(vendor: string, body: string, contentType: string, rest = ''): Promise<number> {
    const response = await fetch(`${app.url}/callbacks/${vendor}/${platformId}${rest}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    await response.text();
    return response.status;
  }

  describe('Yunzhanghu', () => {
    let keys: { appKey: string; des3Key: string };

    beforeAll(async () => {
      const dealer = app.runtime.sandboxes!.yunzhanghu.registerDealer({ dealerId: 'prop-dealer' });
      keys = { appKey: dealer.appKey, des3Key: dealer.des3Key };
      await app.runtime.services.providerConfigs.configure(
        { platformId },
        {
          vendor: Vendor.YUNZHANGHU,
          baseUrl: `${app.url}/sandbox/yunzhanghu`,
          credentials: keys,
          options: { dealerId: 'prop-dealer', brokerId: [...dealer.brokers.keys()][0] },
        },
      );
    });

    const notification = fc.record({
      // A notify_id is any token of 1-64 letters, digits, '_' and '-': junk that happens to be
      // one (a short string like "0") is a valid id, so it is not generated as invalid.
      notifyId: fc.oneof(valid(fc.stringMatching(/^\d{10,20}$/)), invalid(notAToken), absent),
      order: fc.constantFrom('ours', 'unknown', 'junk'),
      pay: fc.oneof(
        valid(fc.constant('ours')),
        valid(fc.integer({ min: 1, max: 10_000_000 }).map((fen) => `${Math.floor(fen / 100)}.${fen % 100}`)),
        valid(junk),
      ),
      status: fc.oneof(valid(fc.constantFrom(...ORDER_STATUSES)), invalid(fc.constantFrom(3, 7, 99, '1a', -5)), absent),
      statusDetail: fc.oneof(valid(fc.constantFrom(0, 27, 211, 261)), invalid(fc.constantFrom('x', 1.5, [])), absent),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 2 }),
    });

    it('never answers 5xx to random signed JSON, and moves nothing', async () => {
      const payout = await insertPayout(app.runtime.services, platformId, 5_000);
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), async (payload) => {
          const form = new URLSearchParams(sealYunzhanghu(payload, keys) as unknown as Record<string, string>);
          expect(await post('yunzhanghu', form.toString(), 'application/x-www-form-urlencoded')).toBeLessThan(500);
        }),
        { numRuns: RUNS },
      );
      expect((await app.runtime.services.db.manager.findOneByOrFail(Payout, { id: payout.id })).status).toBe('PENDING');
    });

    it('moves a payout only for a well-formed notification of it, and only as the amount rule says', async () => {
      await fc.assert(
        fc.asyncProperty(notification, async (generated) => {
          const payout = await insertPayout(app.runtime.services, platformId, 5_000);
          const orderId =
            generated.order === 'ours'
              ? payout.orderNo
              : generated.order === 'unknown'
                ? 'f'.repeat(32)
                : `x'"; DROP TABLE payouts; --${'x'.repeat(200)}`;
          const data: Record<string, unknown> = {
            ...generated.extra,
            order_id: orderId,
            pay: generated.pay.value === 'ours' ? '50.00' : generated.pay.value,
            status: generated.status.value,
            status_detail: generated.statusDetail.value,
            ref: '1053000000000001',
          };
          const payload = { notify_id: generated.notifyId.value, notify_time: '2026-12-01 00:00:00', data };
          const form = new URLSearchParams(sealYunzhanghu(payload, keys) as unknown as Record<string, string>);
          const status = await post('yunzhanghu', form.toString(), 'application/x-www-form-urlencoded');
          expect(status).toBeLessThan(500);
          const wellFormed =
            generated.notifyId.valid &&
            generated.order !== 'junk' &&
            generated.status.valid &&
            (generated.statusDetail.valid || generated.statusDetail.value === undefined);
          expect(status).toBe(wellFormed ? 200 : 400);
          const after = (await app.runtime.services.db.manager.findOneByOrFail(Payout, { id: payout.id })).status;
          if (!wellFormed || generated.order !== 'ours') return void expect(after).toBe(PayoutStatus.PENDING);
          const reported = payoutStatusOf(
            generated.status.value as (typeof ORDER_STATUSES)[number],
            Number(generated.statusDetail.value ?? 0),
          );
          const expected = generated.pay.value === 'ours' ? reported : PayoutStatus.NEEDS_ATTENTION;
          const allowed = canTransition(PAYOUT_TRANSITIONS, PayoutStatus.PENDING, expected);
          expect(after).toBe(allowed ? expected : PayoutStatus.PENDING);
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe('cashier', () => {
    const signKey = 'prop-cashier-key';

    beforeAll(async () => {
      await app.runtime.services.providerConfigs.configure(
        { platformId },
        {
          vendor: Vendor.CASHIER,
          baseUrl: `${app.url}/sandbox/cashier`,
          credentials: { signKey },
          options: { merchantId: 'PROPMER01' },
        },
      );
    });

    const notification = fc.record({
      resultcode: fc.oneof(
        valid(fc.constantFrom('0000', '1001', '1002', '1003', '1004')),
        invalid(fc.constantFrom('9999', '', 0)),
        absent,
      ),
      order: fc.constantFrom('ours', 'unknown', 'junk'),
      txnamt: fc.oneof(valid(fc.constant('ours')), valid(fc.integer({ min: 1, max: 99_999 })), valid(junk)),
      merid: fc.oneof(valid(fc.constant('PROPMER01')), invalid(fc.constantFrom('OTHER', '')), absent),
      queryid: fc.oneof(valid(fc.stringMatching(/^[0-9]{8,20}$/)), invalid(notAToken), absent),
    });

    it('moves a payment only for a well-formed notification of it, never answering 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(notification, fc.constantFrom('json', 'form'), async (generated, encoding) => {
          const id = await insertTransaction(
            app.runtime.services,
            platformId,
            { clientId: null, bizId: null, payerAccountId: null, payeeAccountId: null },
            { vendor: Vendor.CASHIER, kind: 'PAYMENT' as never, status: TransactionStatus.PROCESSING },
          );
          const ours = id.replace(/-/g, '');
          await app.runtime.services.db.manager.update(Transaction, { id }, { orderNo: ours, amountFen: 1_234 });
          const message = {
            resultcode: generated.resultcode.value,
            queryid: generated.queryid.value,
            txnamt: generated.txnamt.value === 'ours' ? 1_234 : generated.txnamt.value,
            merid: generated.merid.value,
            orderid:
              generated.order === 'ours' ? ours : generated.order === 'unknown' ? 'A1B2C3D4E5' : 'x'.repeat(5_000),
          };
          const { payload, sign } = sealCashier(message, signKey);
          const body =
            encoding === 'json'
              ? JSON.stringify({ resp: payload, sign })
              : new URLSearchParams({ resp: payload, sign }).toString();
          const status = await post(
            'cashier',
            body,
            encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
          );
          expect(status).toBeLessThan(500);
          const wellFormed =
            generated.resultcode.valid &&
            generated.merid.valid &&
            generated.queryid.valid &&
            generated.order !== 'junk';
          const after = (await app.runtime.services.db.manager.findOneByOrFail(Transaction, { id })).status;
          if (!wellFormed || generated.order !== 'ours') return void expect(after).toBe(TransactionStatus.PROCESSING);
          const reported = cashierStatus(generated.resultcode.value as '0000');
          const expected = generated.txnamt.value === 'ours' ? reported : TransactionStatus.NEEDS_ATTENTION;
          const moves = expected !== TransactionStatus.PROCESSING;
          const allowed = moves && canTransition(TRANSACTION_TRANSITIONS, TransactionStatus.PROCESSING, expected);
          expect(after).toBe(allowed ? expected : TransactionStatus.PROCESSING);
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe('Colourlife', () => {
    let pathSecret: string;

    beforeAll(async () => {
      const ledger = app.runtime.sandboxes!.colourlife.registerPlatform({ pno: 'prop-pno' });
      await app.runtime.services.providerConfigs.configure(
        { platformId },
        {
          vendor: Vendor.COLOURLIFE,
          baseUrl: `${app.url}/sandbox/colourlife`,
          credentials: { authAccount: ledger.authAccount, authPassword: ledger.authPassword },
          options: { pno: ledger.pno },
        },
      );
      pathSecret = createHmac('sha256', ledger.authPassword)
        .update(`paygraph-callback:${ledger.pno}`)
        .digest('hex')
        .slice(0, 40);
    });

    it('never answers 5xx to random bodies on the right path, and applies nothing the ledger does not confirm', async () => {
      const before = await app.runtime.services.eventLog.lastSequence(platformId);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue().map((value) => JSON.stringify(value)),
            fc.record({ tno: junk }).map((value) => JSON.stringify(value)),
            fc.string({ maxLength: 300 }).map((tno) => new URLSearchParams({ tno }).toString()),
          ),
          async (body) => {
            const status = await post('colourlife', body, 'application/json', `/${pathSecret}`);
            expect(status).toBeLessThan(500);
          },
        ),
        { numRuns: RUNS },
      );
      expect(await app.runtime.services.eventLog.lastSequence(platformId)).toBe(before);
    });
  });
});
