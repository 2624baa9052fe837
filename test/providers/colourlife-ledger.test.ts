import express from 'express';
import type { AddressInfo } from 'node:net';
import { Vendor } from '../../src/domain/enums';
import { createLogger } from '../../src/logging/logger';
import { ColourlifeAdapter, type LedgerCall, type TransferParams } from '../../src/providers/colourlife/adapter';
import { classify, convert, type LedgerRole } from '../../src/providers/colourlife/matrix';
import { fenToYuan, yuanToFen } from '../../src/domain/money';
import { AccessTokenCache } from '../../src/providers/colourlife/token-cache';
import type { ChannelType } from '../../src/providers/colourlife/wire-types';
import { VendorHttpClient } from '../../src/providers/http-client';
import { ColourlifeSandbox, type LedgerPlatform } from '../../src/sandbox/colourlife/colourlife-sandbox';
import type { ResolvedProviderConfig } from '../../src/services/tenancy/provider-config-service';

describe('Colourlife money (yuan on the wire, fen inside)', () => {
  it('parses yuan exactly, never through floating point', () => {
    expect(yuanToFen('12.34')).toBe(1234);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('100')).toBe(10_000);
    expect(yuanToFen(10)).toBe(1000);
    expect(yuanToFen(-5)).toBe(-500);
    expect(yuanToFen('-0.05')).toBe(-5);
    expect(yuanToFen('1.005')).toBeUndefined();
    expect(yuanToFen('1e3')).toBeUndefined();
    expect(yuanToFen('')).toBeUndefined();
    expect(fenToYuan(1234)).toBe('12.34');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-250)).toBe('-2.50');
    expect(() => fenToYuan(0.5)).toThrow(RangeError);
  });

  it('converts exchanges at an integer ratio, rounding half up', () => {
    const rate = { local: 5, national: 4 };
    expect(convert(400, 'fanpiao', rate)).toBe(500);
    expect(convert(500, 'lfanpiao', rate)).toBe(400);
    expect(convert(1, 'fanpiao', rate)).toBe(1); // 1.25 → 1
    expect(convert(2, 'fanpiao', rate)).toBe(3); // 2.5 → 3
    expect(convert(3, 'lfanpiao', rate)).toBe(2); // 2.4 → 2
  });
});

describe("5.3.1's transaction matrix, every cell", () => {
  const roles: LedgerRole[] = ['platform', 'biz', 'client'];
  const same: Record<LedgerRole, Record<LedgerRole, string | null>> = {
    platform: { platform: null, biz: 'RECHARGE', client: 'RECHARGE' },
    biz: { platform: 'WITHDRAW', biz: 'OTHER', client: 'REVERSAL' },
    client: { platform: 'WITHDRAW', biz: 'CONSUME', client: 'TRANSFER' },
  };
  const names: Record<number, string> = {
    1: 'TRANSFER',
    2: 'RECHARGE',
    3: 'EXCHANGE',
    4: 'WITHDRAW',
    5: 'CONSUME',
    6: 'REVERSAL',
    7: 'OTHER',
  };

  it.each(roles.flatMap((payer) => roles.map((payee) => [payer, payee] as const)))(
    'same account type: %s → %s',
    (payer, payee) => {
      const verdict = classify({ role: payer, channel: 'fanpiao' }, { role: payee, channel: 'fanpiao' }, true);
      const expected = same[payer][payee];
      if (expected === null) expect(verdict.allowed).toBe(false);
      else expect(verdict).toMatchObject({ allowed: true, exchange: false, transtype: expect.any(Number) });
      if (verdict.allowed) expect(names[verdict.transtype]).toBe(expected);
    },
  );

  const channels: ChannelType[] = ['fanpiao', 'lfanpiao', 'weixin', 'alipay', 'lhq'];
  it.each(
    roles.flatMap((payer) =>
      roles.flatMap((payee) =>
        channels.flatMap((from) => channels.filter((to) => to !== from).map((to) => [payer, payee, from, to] as const)),
      ),
    ),
  )('different account types: %s (%s → %s), %s → %s', (payer, payee, from, to) => {
    const verdict = classify({ role: payer, channel: from }, { role: payee, channel: to }, false);
    const fanpiaoPair = ['fanpiao', 'lfanpiao'].includes(from) && ['fanpiao', 'lfanpiao'].includes(to);
    const allowed = payer !== 'platform' && payee !== 'platform' && fanpiaoPair;
    expect(verdict.allowed).toBe(allowed);
    if (verdict.allowed) expect(verdict).toMatchObject({ exchange: true, transtype: 3 });
  });

  it('never exchanges local for local fanpiao (two different local types)', () => {
    expect(classify({ role: 'client', channel: 'lfanpiao' }, { role: 'biz', channel: 'lfanpiao' }, false).allowed).toBe(
      false,
    );
  });
});

describe('the access token cache', () => {
  it('refreshes before expiry, shares one refresh between callers, and forgets a rejected token', async () => {
    let now = 0;
    let issued = 0;
    const cache = new AccessTokenCache(() => now);
    const issue = async () => ({ token: `t${++issued}`, expiresInSeconds: 600 });
    const [a, b] = await Promise.all([cache.get('p', issue), cache.get('p', issue)]);
    expect([a, b, issued]).toEqual(['t1', 't1', 1]);
    now = 479_000; // 80% of 600 s is 480 s
    expect(await cache.get('p', issue)).toBe('t1');
    now = 480_000;
    expect(await cache.get('p', issue)).toBe('t2');
    cache.invalidate('p', 't1'); // stale: not the one held
    expect(await cache.get('p', issue)).toBe('t2');
    cache.invalidate('p', 't2');
    expect(await cache.get('p', issue)).toBe('t3');
  });
});

/** A tiny seeded PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the Colourlife sandbox ledger', () => {
  let sandbox: ColourlifeSandbox;
  let server: ReturnType<express.Express['listen']>;
  let adapter: ColourlifeAdapter;
  let ledger: LedgerPlatform;
  let config: ResolvedProviderConfig;

  beforeAll(async () => {
    sandbox = new ColourlifeSandbox(createLogger('silent'), '');
    const app = express();
    app.use('/', sandbox.router());
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    ledger = sandbox.registerPlatform({ rate: { local: 3, national: 2 } });
    config = {
      vendor: Vendor.COLOURLIFE,
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      secrets: { authAccount: ledger.authAccount, authPassword: ledger.authPassword },
      options: { pno: ledger.pno },
    };
    adapter = new ColourlifeAdapter(new VendorHttpClient(createLogger('silent')));
  });

  afterAll(async () => {
    sandbox.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  const typeOf = (channel: ChannelType) => [...ledger.accountTypes.values()].find((t) => t.type === channel)!;
  const ok = <T>(call: LedgerCall<T>): T => {
    if (call.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(call)}`);
    return call.content;
  };
  let orders = 0;
  const params = (
    payer: { atid: string; ano: string } | null,
    payee: { atid: string; ano: string },
    fen: number,
  ): TransferParams => ({
    money: fenToYuan(fen),
    orderno: `o${++orders}`,
    content: 'property',
    orgtype: payer?.atid ?? '0',
    orgaccountno: payer?.ano ?? '0',
    desttype: payee.atid,
    destaccountno: payee.ano,
  });

  it('enforces the matrix itself, refuses WeChat on pay and fast, and manages biz accounts', async () => {
    const fanpiao = typeOf('fanpiao');
    const weixin = typeOf('weixin');
    const opened = ok(await adapter.openBizAccount(config, { pano: fanpiao.pano, name: 'Tea House', cannegative: 0 }));
    const biz = { atid: fanpiao.atid, ano: opened.account.bano as string };
    const platform = { atid: fanpiao.atid, ano: fanpiao.pano };
    // The platform paying itself: refused by the ledger, not only by us.
    expect(
      await adapter.fastTransaction(config, params(platform, { atid: fanpiao.atid, ano: fanpiao.pano }, 100)),
    ).toMatchObject({
      kind: 'refused',
      code: 3004,
    });
    const wx = ok(
      await adapter.openBizAccount(config, {
        pano: weixin.pano,
        bno: opened.biz.bno,
        name: 'Tea House',
        cannegative: 0,
      }),
    );
    expect(wx.biz.bno).toBe(opened.biz.bno);
    expect(
      await adapter.fastTransaction(config, params(null, { atid: weixin.atid, ano: wx.account.bano as string }, 100)),
    ).toMatchObject({
      kind: 'refused',
      code: 3007,
    });
    ok(await adapter.fastTransaction(config, params(platform, biz, 2_000)));
    ok(await adapter.forbidBizAccount(config, fanpiao.pano, biz.ano));
    expect(ok(await adapter.queryBizAccount(config, fanpiao.pano, biz.ano))).toMatchObject({
      money: '20.00',
      status: 0,
    });
    expect(await adapter.fastTransaction(config, params(platform, biz, 1))).toMatchObject({
      kind: 'refused',
      code: 3005,
    });
    ok(await adapter.recoverBizAccount(config, fanpiao.pano, biz.ano));
    expect(ok(await adapter.queryBizAccount(config, fanpiao.pano, biz.ano)).status).toBe(1);
    // list returns only successful transactions: the refused ones are not there.
    const listed = ok(await adapter.list(config, { utype: 2, uno: opened.biz.bno }));
    expect(listed.map((entry) => entry.amountFen)).toEqual([2_000]);
  });

  it('property: random operations never create or destroy money; only the platform issues or takes it', async () => {
    const next = random(20261122);
    const channels: ChannelType[] = ['fanpiao', 'lfanpiao', 'lhq'];
    const holders: Array<{ atid: string; ano: string; channel: ChannelType }> = [];
    for (let i = 0; i < 4; i += 1) {
      for (const channel of channels) {
        const type = typeOf(channel);
        const client = ok(
          await adapter.openClientAccount(config, {
            pano: type.pano,
            mobile: `1390000000${i}`,
            name: `c${i}`,
            cannegative: 0,
          }),
        );
        holders.push({ atid: type.atid, ano: client.account.cano as string, channel });
        const biz = ok(
          await adapter.openBizAccount(config, { pano: type.pano, name: `b${i}`, cannegative: i === 0 ? 1 : 0 }),
        );
        holders.push({ atid: type.atid, ano: biz.account.bano as string, channel });
      }
    }
    const platformOf = (channel: ChannelType) => ({ atid: typeOf(channel).atid, ano: typeOf(channel).pano, channel });
    const sums = () => {
      const byType = new Map<string, number>();
      for (const account of ledger.accounts.values())
        byType.set(account.atid, (byType.get(account.atid) ?? 0) + account.balanceFen);
      return byType;
    };
    const nonNegative = () =>
      [...ledger.accounts.values()].every((account) => account.cannegative || account.balanceFen >= 0);
    const platformBalances = () => channels.map((channel) => ledger.accounts.get(typeOf(channel).pano)!.balanceFen);

    let succeeded = 0;
    for (let step = 0; step < 400; step += 1) {
      const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
      const roll = next();
      const amount = 1 + Math.floor(next() * 5_000);
      const before = platformBalances();
      let touchesPlatform = false;
      let call: LedgerCall<unknown>;
      if (roll < 0.2) {
        const payee = pick(holders);
        touchesPlatform = true;
        call = await adapter.fastTransaction(config, params(platformOf(payee.channel), payee, amount));
      } else if (roll < 0.3) {
        const payer = pick(holders);
        touchesPlatform = true;
        call = await adapter.fastTransaction(config, params(payer, platformOf(payer.channel), amount));
      } else if (roll < 0.8) {
        const payer = pick(holders);
        const payee = pick(holders);
        // Exchanges go through the platform's accounts of both types.
        touchesPlatform = payer.channel !== payee.channel;
        // fixedorgmoney exists only on prepay (5.3.1); a fast exchange converts the payer's side.
        if (next() < 0.5) call = await adapter.fastTransaction(config, params(payer, payee, amount));
        else {
          const prepaid = await adapter.prepay(config, { ...params(payer, payee, amount), fixedorgmoney: 1 });
          call = prepaid.kind === 'ok' ? await adapter.pay(config, prepaid.content.payinfo.tno) : prepaid;
        }
      } else if (roll < 0.9) {
        const payer = pick(holders);
        const payee = pick(holders);
        touchesPlatform = payer.channel !== payee.channel;
        const prepaid = await adapter.prepay(config, params(payer, payee, amount));
        call = prepaid.kind === 'ok' ? await adapter.pay(config, prepaid.content.payinfo.tno) : prepaid;
      } else {
        const payer = pick(holders);
        const payee = pick(holders);
        const prepaid = await adapter.prepay(config, params(payer, payee, amount));
        call = prepaid.kind === 'ok' ? await adapter.cancel(config, prepaid.content.payinfo.tno) : prepaid;
      }
      if (call.kind === 'ok') succeeded += 1;
      else expect(call.kind).toBe('refused');
      for (const [atid, sum] of sums()) expect([step, atid, sum]).toEqual([step, atid, 0]);
      expect(nonNegative()).toBe(true);
      if (!touchesPlatform || call.kind !== 'ok') expect(platformBalances()).toEqual(before);
    }
    // The sequence did real work, not only refusals.
    expect(succeeded).toBeGreaterThan(150);
  });
});
