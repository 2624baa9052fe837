import { createHmac, timingSafeEqual } from 'node:crypto';
import { newId } from '../../src/crypto/ids';
import { CurrencyCode, EntityKind, TransactionKind, TransactionStatus, Vendor } from '../../src/domain/enums';
import { CallbackInbox, Transaction } from '../../src/entities';
import type { CallbackHandler } from '../../src/providers/callbacks';
import { lockSequence } from '../../src/services/events/event-sequence';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { waitFor } from '../support/wait-for';

/**
 * The callback route and the status writer with a minimal signed protocol of the test's own (HMAC over the raw body in a
 * header), registered in place of the cashier's. The real vendor protocols are tested in their
 * own suites; this one pins down what every vendor gets from them.
 */
const testHandler: CallbackHandler = {
  vendor: Vendor.CASHIER,
  async verify(callback, config) {
    const given = Buffer.from(String(callback.headers['x-signature'] ?? ''), 'hex');
    const expected = createHmac('sha256', config.secrets.signKey).update(callback.body).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'bad signature' };
    const body = JSON.parse(callback.body.toString('utf8'));
    return {
      ok: true,
      dedupeKey: body.notifyId,
      notification: {
        entityKind: EntityKind.TRANSACTION,
        orderNo: body.orderNo,
        status: body.paid ? TransactionStatus.SUCCEEDED : TransactionStatus.FAILED,
        amount: body.amountCandidatesFen ?? body.amountFen,
        detail: { vendorCode: body.paid ? '0000' : '1001' },
      },
    };
  },
  success: { status: 200, contentType: 'text/plain', body: '0000' },
  failure: { status: 200, contentType: 'text/plain', body: 'FAIL' },
};

describe.each(testDatabases({ sqlJs: true }))('callback route and status writer on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  const signKey = 'test-sign-key';

  beforeAll(async () => {
    app = await startTestApp(database, {}, {}, { background: false });
    app.runtime.services.callbackHandlers.register(testHandler);
    seeded = await seedPlatform(app.runtime.services, 'callbacks', 1);
    await app.runtime.services.providerConfigs.configure(
      { platformId: seeded.platformId },
      {
        vendor: Vendor.CASHIER,
        baseUrl: 'http://127.0.0.1:1/cashier',
        credentials: { signKey },
        options: { merchantId: 'M1' },
      },
    );
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function post(body: Record<string, unknown>, signWith = signKey) {
    const raw = JSON.stringify(body);
    const response = await fetch(`${app.url}/callbacks/cashier/${seeded.platformId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': createHmac('sha256', signWith).update(raw).digest('hex'),
      },
      body: raw,
    });
    return { status: response.status, text: await response.text() };
  }

  async function statusOf(transactionId: string): Promise<string> {
    const rows = await app.runtime.services.db.dataSource.query('SELECT status FROM transactions WHERE id = ?', [
      transactionId,
    ]);
    return rows[0].status;
  }

  async function newTransaction(): Promise<{ id: string; orderNo: string }> {
    const id = await insertTransaction(app.runtime.services, seeded.platformId, {
      clientId: seeded.clientIds[0],
      bizId: seeded.bizId,
      payerAccountId: null,
      payeeAccountId: null,
    });
    return { id, orderNo: `ord-${id}` };
  }

  it('applies a verified callback and answers in the vendor format', async () => {
    const { id, orderNo } = await newTransaction();
    expect(await post({ notifyId: 'n-1', orderNo, paid: true, amountFen: 1234 })).toEqual({
      status: 200,
      text: '0000',
    });
    expect(await statusOf(id)).toBe('SUCCEEDED');
    const history = await app.runtime.services.eventLog.historyOf(seeded.platformId, [[EntityKind.TRANSACTION, id]]);
    expect(history.get(`TRANSACTION:${id}`)?.map((event) => [event.toStatus, event.source])).toEqual([
      ['PENDING', 'API'],
      ['SUCCEEDED', 'CALLBACK'],
    ]);
  });

  it('acknowledges a duplicate with the success reply and changes nothing', async () => {
    const { id, orderNo } = await newTransaction();
    await post({ notifyId: 'n-dup', orderNo, paid: true, amountFen: 1234 });
    const eventsBefore = await app.runtime.services.eventLog.lastSequence(seeded.platformId);
    // Same notification id, even with a different (late, contradictory) body.
    expect(await post({ notifyId: 'n-dup', orderNo, paid: false, amountFen: 1234 })).toEqual({
      status: 200,
      text: '0000',
    });
    expect(await statusOf(id)).toBe('SUCCEEDED');
    expect(await app.runtime.services.eventLog.lastSequence(seeded.platformId)).toBe(eventsBefore);
  });

  it('never moves a payment backwards on a late, out-of-order callback', async () => {
    const { id, orderNo } = await newTransaction();
    await post({ notifyId: 'n-late-1', orderNo, paid: true, amountFen: 1234 });
    expect(await post({ notifyId: 'n-late-0', orderNo, paid: false, amountFen: 1234 })).toEqual({
      status: 200,
      text: '0000',
    });
    expect(await statusOf(id)).toBe('SUCCEEDED');
  });

  it('rejects a forged callback with the failure reply and stores nothing', async () => {
    const { id, orderNo } = await newTransaction();
    expect(await post({ notifyId: 'n-forged', orderNo, paid: true, amountFen: 1234 }, 'wrong-key')).toEqual({
      status: 200,
      text: 'FAIL',
    });
    expect(await statusOf(id)).toBe('PENDING');
    expect(await app.runtime.services.db.manager.countBy(CallbackInbox, { dedupeKey: 'n-forged' })).toBe(0);
  });

  it('flags a vendor amount that differs from ours instead of accepting it', async () => {
    const { id, orderNo } = await newTransaction();
    await post({ notifyId: 'n-amount', orderNo, paid: true, amountFen: 1 });
    expect(await statusOf(id)).toBe('NEEDS_ATTENTION');
    const history = await app.runtime.services.eventLog.historyOf(seeded.platformId, [[EntityKind.TRANSACTION, id]]);
    expect(history.get(`TRANSACTION:${id}`)?.[1].detail).toMatchObject({
      amountMismatch: { ours: 1234, theirs: 1 },
      reportedStatus: 'SUCCEEDED',
    });
  });

  it('flags a missing amount exactly like a different one, never accepting the status', async () => {
    const { id, orderNo } = await newTransaction();
    await post({ notifyId: 'n-no-amount', orderNo, paid: true });
    expect(await statusOf(id)).toBe('NEEDS_ATTENTION');
    const history = await app.runtime.services.eventLog.historyOf(seeded.platformId, [[EntityKind.TRANSACTION, id]]);
    expect(history.get(`TRANSACTION:${id}`)?.[1].detail).toMatchObject({
      amountMismatch: { ours: 1234, theirs: null, problem: 'missing_or_unreadable' },
      reportedStatus: 'SUCCEEDED',
    });
  });

  it('accepts ours among two reported amounts (an exchange), and flags it when neither is ours', async () => {
    const matching = await newTransaction();
    await post({ notifyId: 'n-pair-ok', orderNo: matching.orderNo, paid: true, amountCandidatesFen: [987, 1234] });
    expect(await statusOf(matching.id)).toBe('SUCCEEDED');
    const other = await newTransaction();
    await post({ notifyId: 'n-pair-bad', orderNo: other.orderNo, paid: true, amountCandidatesFen: [987, 1233] });
    expect(await statusOf(other.id)).toBe('NEEDS_ATTENTION');
  });

  it('keeps a callback that arrives before its row exists and applies it once the row is committed', async () => {
    const futureId = newId();
    const orderNo = `ord-${futureId}`;
    expect(await post({ notifyId: 'n-early', orderNo, paid: true, amountFen: 1234 })).toEqual({
      status: 200,
      text: '0000',
    });
    expect((await app.runtime.services.db.manager.findOneByOrFail(CallbackInbox, { dedupeKey: 'n-early' })).state).toBe(
      'WAITING',
    );
    // The row commits later (the vendor called back before our transaction committed).
    await app.runtime.services.db.transaction((manager) =>
      manager.insert(Transaction, {
        id: futureId,
        platformId: seeded.platformId,
        vendor: Vendor.CASHIER,
        kind: TransactionKind.PAYMENT,
        parentId: null,
        clientId: seeded.clientIds[0],
        bizId: null,
        payerAccountId: null,
        payeeAccountId: null,
        amountFen: 1234,
        currency: CurrencyCode.CNY,
        status: TransactionStatus.PENDING,
        orderNo,
        vendorRef: null,
        description: null,
        vendorData: null,
      }),
    );
    expect(await app.runtime.services.statusWriter.applyWaiting()).toBe(1);
    expect(await statusOf(futureId)).toBe('SUCCEEDED');
    const applied = await app.runtime.services.db.manager.findOneByOrFail(CallbackInbox, { dedupeKey: 'n-early' });
    // Applied on its second attempt; the first only parked it.
    expect(applied).toMatchObject({ state: 'APPLIED', attempts: 2 });
    expect(applied.appliedAt).toBeInstanceOf(Date);
    // Nothing is left to apply, so a second sweep changes nothing.
    expect(await app.runtime.services.statusWriter.applyWaiting()).toBe(0);
  });

  it('commits a burst of callbacks together with the outcomes each would have alone', async () => {
    const services = app.runtime.services;
    const [paid, failedThenPaid, wrongAmount] = [
      await newTransaction(),
      await newTransaction(),
      await newTransaction(),
    ];
    await post({ notifyId: 'n-burst-stored', orderNo: paid.orderNo, paid: false, amountFen: 9 }, 'wrong-key');
    const stored = await newTransaction();
    // One batch of a platform is in flight at a time; it is held so the burst queues behind it.
    const writers = 1;
    const blocked: Array<{ id: string; orderNo: string }> = [];
    for (let n = 0; n < writers; n += 1) blocked.push(await newTransaction());
    await post({ notifyId: 'n-burst-stored', orderNo: stored.orderNo, paid: true, amountFen: 1234 });
    const sequenceBefore = await services.eventLog.lastSequence(seeded.platformId);

    // Hold the platform's sequence lock (on SQLite: the one connection) so the burst queues
    // behind a first callback and then goes in one batch.
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    const holder = services.db.transaction(async (manager) => {
      await lockSequence(services.db, manager, seeded.platformId);
      holding = true;
      await gate;
    });
    await waitFor(() => holding, 'the lock to be held');
    const missingOrderNo = `ord-${newId()}`;
    // Status changes, so these first batches wait for the sequence lock.
    const first: Array<Promise<{ status: number; text: string }>> = [];
    for (const [n, { orderNo }] of blocked.entries()) {
      first.push(post({ notifyId: `n-burst-first-${n}`, orderNo, paid: true, amountFen: 1234 }));
      await waitFor(() => services.statusWriter.writingCallbacks === n + 1, 'a first callback to start its batch');
    }
    const burst = [
      { notifyId: 'n-burst-a', orderNo: paid.orderNo, paid: true, amountFen: 1234 },
      { notifyId: 'n-burst-a', orderNo: paid.orderNo, paid: false, amountFen: 1234 }, // repeated in the batch
      { notifyId: 'n-burst-b1', orderNo: failedThenPaid.orderNo, paid: false, amountFen: 1234 },
      { notifyId: 'n-burst-b2', orderNo: failedThenPaid.orderNo, paid: true, amountFen: 1234 }, // would go backwards
      { notifyId: 'n-burst-c', orderNo: wrongAmount.orderNo, paid: true, amountFen: 1 },
      { notifyId: 'n-burst-d', orderNo: missingOrderNo, paid: true, amountFen: 1234 }, // no row yet
      { notifyId: 'n-burst-stored', orderNo: stored.orderNo, paid: false, amountFen: 1234 }, // stored before
    ];
    const replies: Array<Promise<{ status: number; text: string }>> = [];
    for (const body of burst) {
      replies.push(post(body));
      // One by one, so the order within the batch is the order sent.
      await waitFor(() => services.statusWriter.queuedCallbacks === replies.length, 'the callback to queue');
    }
    release();
    await holder;
    expect(await Promise.all(first)).toEqual(blocked.map(() => ({ status: 200, text: '0000' })));
    expect(await Promise.all(replies)).toEqual(burst.map(() => ({ status: 200, text: '0000' })));

    expect(await statusOf(paid.id)).toBe('SUCCEEDED');
    expect(await statusOf(failedThenPaid.id)).toBe('FAILED');
    expect(await statusOf(wrongAmount.id)).toBe('NEEDS_ATTENTION');
    expect(await statusOf(stored.id)).toBe('SUCCEEDED');
    for (const { id } of blocked) expect(await statusOf(id)).toBe('SUCCEEDED');
    expect((await services.db.manager.findOneByOrFail(CallbackInbox, { dedupeKey: 'n-burst-d' })).state).toBe(
      'WAITING',
    );
    expect(await services.db.manager.countBy(CallbackInbox, { dedupeKey: 'n-burst-a' })).toBe(1);
    // Three status changes, numbered on after the first batches', with no gap, in one commit.
    const base = sequenceBefore + writers;
    const events = await services.eventLog.eventsFrom(seeded.platformId, base + 1);
    expect(events.map((event) => [event.entityId, event.toStatus, event.sequence])).toEqual([
      [paid.id, 'SUCCEEDED', base + 1],
      [failedThenPaid.id, 'FAILED', base + 2],
      [wrongAmount.id, 'NEEDS_ATTENTION', base + 3],
    ]);
    expect(new Set(events.map((event) => event.createdAt.getTime())).size).toBe(1);
  });

  it('acknowledges as a duplicate a callback another instance stores while this one writes it', async () => {
    const services = app.runtime.services;
    const { id, orderNo } = await newTransaction();
    // The other instance's transaction: it has stored the notification and not yet committed.
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let stored = false;
    const otherInstance = services.db.transaction(async (manager) => {
      await manager.insert(CallbackInbox, {
        id: newId(),
        platformId: seeded.platformId,
        vendor: Vendor.CASHIER,
        dedupeKey: 'n-raced',
        orderNo,
        state: 'APPLIED',
        payloadCiphertext: 'v1:',
        attempts: 1,
        lastError: null,
        appliedAt: new Date(),
      });
      stored = true;
      await gate;
    });
    await waitFor(() => stored, 'the other instance to store the callback');
    // Ours misses the uncommitted row in its duplicate check, then its insert waits on the
    // unique key (MySQL) or its transaction waits for the connection (SQLite).
    const reply = post({ notifyId: 'n-raced', orderNo, paid: true, amountFen: 1234 });
    await waitFor(() => services.statusWriter.writingCallbacks === 1, 'our callback to be written');
    release();
    await otherInstance;
    expect(await reply).toEqual({ status: 200, text: '0000' });
    expect(await statusOf(id)).toBe('PENDING');
    expect(await services.db.manager.countBy(CallbackInbox, { dedupeKey: 'n-raced' })).toBe(1);
  });

  it('refuses a body over 256 KiB with 413 before verifying anything', async () => {
    const { id, orderNo } = await newTransaction();
    const response = await post({ notifyId: 'n-huge', orderNo, paid: true, amountFen: 1234, pad: 'x'.repeat(300_000) });
    expect(response.status).toBe(413);
    expect(await statusOf(id)).toBe('PENDING');
    expect(await post({ notifyId: 'n-after-huge', orderNo, paid: true, amountFen: 1234 })).toEqual({
      status: 200,
      text: '0000',
    });
  });

  it('answers 404 for an unknown vendor, a malformed platform id or an unconfigured platform', async () => {
    for (const path of [
      '/callbacks/paypal/' + seeded.platformId,
      '/callbacks/cashier/not-a-uuid',
      '/callbacks/shouqianba/' + seeded.platformId,
    ]) {
      const response = await fetch(`${app.url}${path}`, { method: 'POST', body: '{}' });
      expect([path, response.status]).toEqual([path, 404]);
    }
  });
});
