import { amountMismatch, guardedByAmount } from '../../src/domain/vendor-amount';
import { fenToYuan, yuanToFen } from '../../src/domain/money';
import { ConfigError, loadConfig } from '../../src/config/config';
import { EntityKind, PayoutStatus, TransactionStatus } from '../../src/domain/enums';
import {
  canTransition,
  isFinished,
  isTerminal,
  PAYOUT_TRANSITIONS,
  TRANSACTION_TRANSITIONS,
} from '../../src/domain/transitions';
import { fromGlobalId, toGlobalId } from '../../src/graphql/global-id';
import { Money } from '../../src/schema/money';

describe('money', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [123456, '1234.56'],
    [-5, '-0.05'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('formats %d fen as %s yuan', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });

  it('refuses non-integers instead of rounding them', () => {
    expect(() => fenToYuan(1.5)).toThrow();
    expect(Money.of(250)).toMatchObject({ fen: 250, yuan: '2.50', currency: 'CNY' });
  });
});

describe('transition tables', () => {
  it('never leave a terminal status and never go back to PENDING', () => {
    for (const table of [TRANSACTION_TRANSITIONS, PAYOUT_TRANSITIONS] as Array<Record<string, readonly string[]>>) {
      for (const [from, targets] of Object.entries(table)) {
        expect(targets).not.toContain('PENDING');
        expect(targets).not.toContain(from);
      }
    }
    expect(isTerminal(TRANSACTION_TRANSITIONS, TransactionStatus.SUCCEEDED)).toBe(true);
    expect(canTransition(TRANSACTION_TRANSITIONS, TransactionStatus.SUCCEEDED, TransactionStatus.FAILED)).toBe(false);
    expect(canTransition(TRANSACTION_TRANSITIONS, TransactionStatus.NEEDS_ATTENTION, TransactionStatus.SUCCEEDED)).toBe(
      true,
    );
    expect(canTransition(PAYOUT_TRANSITIONS, PayoutStatus.SUCCEEDED, PayoutStatus.RETURNED)).toBe(true);
  });
});

describe('global ids', () => {
  it('round-trip and are opaque', () => {
    const id = toGlobalId('Client', '01a2007a-456d-7000-a8dd-a96e4c3288eb');
    expect(id).not.toContain('Client');
    expect(fromGlobalId(id)).toEqual({ type: 'Client', id: '01a2007a-456d-7000-a8dd-a96e4c3288eb' });
  });

  it('reject garbage with BAD_USER_INPUT', () => {
    for (const bad of ['', 'abc', toGlobalId('Client', 'x' as string), Buffer.from('Nope:1').toString('base64url')]) {
      expect(() => fromGlobalId(bad)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      );
    }
  });
});

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      sandbox: true,
      database: { kind: 'sqlite', file: 'data/paygraph.sqlite' },
    });
    expect(config.playground).toBe(true);
  });

  it('names every bad variable', () => {
    expect(() =>
      loadConfig({ PORT: 'abc', DATABASE_URL: 'postgres://x', DATA_KEY: 'short', SANDBOX: 'maybe' }),
    ).toThrow(ConfigError);
    // Asserted outside a catch, so the test fails if nothing is thrown.
    let thrown: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'postgres://x', DATA_KEY: 'short' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const problems = (thrown as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/DATA_KEY/);
  });

  it('requires DATA_KEY and turns introspection and the playground off in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATA_KEY/);
    const config = loadConfig({ NODE_ENV: 'production', DATA_KEY: 'a'.repeat(64) });
    expect(config.introspection).toBe(false);
    expect(config.playground).toBe(false);
  });
});

describe('the one amount rule', () => {
  it.each([
    [1234, 1234, undefined],
    [1234, [987, 1234], undefined],
    [1234, 1233, 'different'],
    [1234, [987, 1233], 'different'],
    [1234, undefined, 'missing_or_unreadable'],
    [1234, [], 'missing_or_unreadable'],
  ] as const)('ours %d against reported %j: %s', (ours, theirs, problem) => {
    expect(amountMismatch(ours, theirs)?.problem).toBe(problem);
  });

  it('keeps the reported status only when the amount is ours', () => {
    expect(guardedByAmount(100, 100, 'SUCCEEDED', 'NEEDS_ATTENTION', { a: 1 })).toEqual({
      to: 'SUCCEEDED',
      detail: { a: 1 },
    });
    expect(guardedByAmount(100, yuanToFen('abc'), 'SUCCEEDED', 'NEEDS_ATTENTION', { a: 1 })).toMatchObject({
      to: 'NEEDS_ATTENTION',
      detail: { a: 1, reportedStatus: 'SUCCEEDED', amountMismatch: { ours: 100, theirs: null } },
    });
  });
});

describe('finished', () => {
  it('is terminal for transactions, and also SUCCEEDED for payouts (a bank return is never polled for)', () => {
    expect(isFinished(EntityKind.TRANSACTION, TransactionStatus.SUCCEEDED)).toBe(true);
    expect(isFinished(EntityKind.TRANSACTION, TransactionStatus.NEEDS_ATTENTION)).toBe(false);
    expect(isFinished(EntityKind.PAYOUT, PayoutStatus.SUCCEEDED)).toBe(true);
    expect(isFinished(EntityKind.PAYOUT, PayoutStatus.RETURNED)).toBe(true);
    expect(isFinished(EntityKind.PAYOUT, PayoutStatus.ON_HOLD)).toBe(false);
  });
});
