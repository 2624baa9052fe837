import { newId } from '../../src/crypto/ids';
import { Database } from '../../src/db/database';
import { IdempotencyKey } from '../../src/entities';
import { canonicalJson, IdempotencyService } from '../../src/services/tenancy/idempotency-service';
import { PlatformService } from '../../src/services/tenancy/platform-service';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait-for';

describe.each(testDatabases())('idempotency keys on $name', (database) => {
  let db: Database;
  let drop: () => Promise<void>;
  let service: IdempotencyService;
  let platformId: string;

  beforeAll(async () => {
    const created = await database.create();
    drop = created.drop;
    db = new Database(created.settings);
    await db.open({ migrate: true });
    service = new IdempotencyService(db, { retentionHours: 24, waitMs: 10_000, pollMs: 10 });
    platformId = (await new PlatformService(db).createPlatform('idem')).platform.id;
  });

  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('runs 50 concurrent identical requests exactly once and answers all with the same object', async () => {
    let vendorCalls = 0;
    const created = newId();
    // The "vendor call" answers only once all 50 requests are in: every duplicate arrives while
    // it is in flight, whatever the machine's speed (a condition, not a fixed sleep).
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const work = async () => {
      vendorCalls += 1;
      await answered;
      return { kind: 'Transaction', id: created };
    };
    const input = { amountFen: 100, orderNo: 'A1', nested: { b: 1, a: [1, 2] } };
    const pending = Array.from({ length: 50 }, () => service.run(platformId, 'key-50', 'createPayment', input, work));
    await waitFor(() => vendorCalls === 1, 'the first request to reach the vendor');
    // The other 49 are each waiting for the first: give them a turn of the loop to get there.
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const results = await Promise.all(pending);
    expect(vendorCalls).toBe(1);
    expect(new Set(results.map((r) => r.result.id))).toEqual(new Set([created]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    // A later duplicate, with the input's keys in another order, is the same request.
    const later = await service.run(
      platformId,
      'key-50',
      'createPayment',
      { nested: { a: [1, 2], b: 1 }, orderNo: 'A1', amountFen: 100 },
      work,
    );
    expect(later).toEqual({ replayed: true, result: { kind: 'Transaction', id: created } });
    expect(vendorCalls).toBe(1);
  });

  it('answers the same key with a different input, or another operation, with CONFLICT', async () => {
    await service.run(platformId, 'key-conflict', 'createPayment', { amountFen: 100 }, async () => ({
      kind: 'Transaction',
      id: newId(),
    }));
    for (const [operation, input] of [
      ['createPayment', { amountFen: 101 }],
      ['refundPayment', { amountFen: 100 }],
    ] as const) {
      await expect(
        service.run(platformId, 'key-conflict', operation, input, async () => ({ kind: 'X', id: newId() })),
      ).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
    }
  });

  it('keeps keys per platform', async () => {
    const other = (await new PlatformService(db).createPlatform('idem-2')).platform.id;
    const first = await service.run(platformId, 'shared-key', 'op', {}, async () => ({ kind: 'T', id: newId() }));
    const second = await service.run(other, 'shared-key', 'op', {}, async () => ({ kind: 'T', id: newId() }));
    expect(second.replayed).toBe(false);
    expect(second.result.id).not.toBe(first.result.id);
  });

  it('releases the key when the first request fails before creating anything', async () => {
    await expect(
      service.run(platformId, 'key-fail', 'op', { a: 1 }, async () => {
        throw new Error('vendor refused the request');
      }),
    ).rejects.toThrow('vendor refused');
    const retried = await service.run(platformId, 'key-fail', 'op', { a: 1 }, async () => ({
      kind: 'T',
      id: 'second-try',
    }));
    expect(retried).toEqual({ replayed: false, result: { kind: 'T', id: 'second-try' } });
  });

  it('keeps the key on what was created when the request fails after creating it', async () => {
    await expect(
      service.run(platformId, 'key-bound', 'op', { a: 2 }, async (bind) => {
        await db.transaction((manager) => bind(manager, { kind: 'T', id: 'created-then-failed' }));
        throw new Error('the vendor call blew up after the row was committed');
      }),
    ).rejects.toThrow('blew up');
    let secondWork = 0;
    const retried = await service.run(platformId, 'key-bound', 'op', { a: 2 }, async () => {
      secondWork += 1;
      return { kind: 'T', id: 'second' };
    });
    expect(retried).toEqual({ replayed: true, result: { kind: 'T', id: 'created-then-failed' } });
    expect(secondWork).toBe(0);
  });

  it('answers a key left IN_PROGRESS by a crashed process with what it bound, once the wait is over', async () => {
    const quick = new IdempotencyService(db, { retentionHours: 24, waitMs: 50, pollMs: 10 });
    // A crash: the first request bound its result and never completed (its promise never settles).
    void quick.run(platformId, 'key-crash', 'op', {}, async (bind) => {
      await db.transaction((manager) => bind(manager, { kind: 'T', id: 'orphan' }));
      return new Promise<never>(() => undefined);
    });
    let bound: IdempotencyKey | null = null;
    while (!bound?.resultId) bound = await db.manager.findOneBy(IdempotencyKey, { idempotencyKey: 'key-crash' });
    expect(bound.state).toBe('IN_PROGRESS');
    const retried = await quick.run(platformId, 'key-crash', 'op', {}, async () => ({ kind: 'T', id: 'never' }));
    expect(retried).toEqual({ replayed: true, result: { kind: 'T', id: 'orphan' } });
  });

  it('keeps keys for the retention period, then purges them', async () => {
    await service.run(platformId, 'key-old', 'op', {}, async () => ({ kind: 'T', id: newId() }));
    const row = await db.manager.findOneByOrFail(IdempotencyKey, { platformId, idempotencyKey: 'key-old' });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000 - 1000);
    expect(await service.purgeExpired(new Date())).toBe(0);
    expect(await service.purgeExpired(new Date(Date.now() + 25 * 3_600_000))).toBeGreaterThan(0);
  });

  it('rejects malformed keys with BAD_USER_INPUT', async () => {
    await expect(service.run(platformId, '', 'op', {}, async () => ({ kind: 'T', id: 'x' }))).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'idempotencyKey' },
    });
  });
});

describe('canonicalJson', () => {
  it('is independent of key order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, 1] } })).toBe(canonicalJson({ a: { c: [2, 1] }, b: 1 }));
  });
});
