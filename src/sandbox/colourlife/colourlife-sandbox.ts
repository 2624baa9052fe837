import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logging/logger';
import { fenToYuan } from '../../domain/money';
import { CODES, type ColourlifeEnvelope } from '../../providers/colourlife/wire-types';
import { SandboxBase } from '../sandbox-base';
import { LedgerAccounts } from './accounts';
import {
  checkSpecParameters,
  DEFAULT_TYPES,
  derive,
  id32,
  LedgerError,
  type LedgerPlatform,
  type LedgerTransaction,
} from './state';
import { LedgerTransactions } from './transactions';

export { COLOURLIFE_CALLBACK_DELAYS_MS } from './state';
export type { LedgerAccount, LedgerAccountType, LedgerParty, LedgerPlatform, LedgerTransaction } from './state';

/**
 * An emulator of the Colourlife finance platform that is a real ledger: platforms with account
 * types (national and local fanpiao, weixin, alipay, lhq), clients and bizs with accounts that
 * carry balances, sub-accounts, `cannegative` and a status; the spec's transaction matrix;
 * prepay / pay / fast transaction / cancel / list / get; access tokens that expire on the
 * sandbox clock; and callbacks. Every movement is double-entry, so balances always add up.
 */
export class ColourlifeSandbox extends SandboxBase {
  private readonly platforms = new Map<string, LedgerPlatform>();
  private readonly tokens = new Map<string, { pno: string; expiresAt: number }>();
  private readonly accounts = new LedgerAccounts(this.clock);
  private readonly transactions = new LedgerTransactions(this.platforms, this.clock, this.notifier);
  /** Access tokens issued so far (tests check refreshes). */
  tokensIssued = 0;
  /** The last 500 API requests as received, for tests that check what a client sent. */
  readonly received: Array<{ path: string; params: Record<string, string> }> = [];

  constructor(
    logger: Logger,
    private readonly mountPath: string,
  ) {
    super(logger);
  }

  /** A platform with the five account types, each with the platform's own account (pano). */
  registerPlatform(
    input: {
      pno?: string;
      authAccount?: string;
      authPassword?: string;
      rate?: { local: number; national: number };
      tokenTtlSeconds?: number;
    } = {},
  ): LedgerPlatform {
    const existing = input.pno ? this.platforms.get(input.pno) : undefined;
    if (existing) {
      if (input.authAccount) existing.authAccount = input.authAccount;
      if (input.authPassword) existing.authPassword = input.authPassword;
      return existing;
    }
    const platform: LedgerPlatform = {
      pno: input.pno ?? id32(),
      authAccount: input.authAccount ?? id32(),
      authPassword: input.authPassword ?? randomBytes(12).toString('hex'),
      rate: input.rate ?? { local: 5, national: 4 },
      tokenTtlSeconds: input.tokenTtlSeconds ?? 7200,
      accountTypes: new Map(),
      clients: new Map(),
      bizs: new Map(),
      accounts: new Map(),
      transactions: new Map(),
      byOrderno: new Map(),
    };
    for (const { type, name } of DEFAULT_TYPES) {
      // Derived from the pno, so account types keep their numbers across sandbox restarts.
      const accountType = {
        atid: derive(platform.pno, `atid:${type}`),
        pano: derive(platform.pno, `pano:${type}`),
        type,
        name,
        iconurl: `${this.mountPath}/icons/${type}.png`,
      };
      platform.accountTypes.set(accountType.atid, accountType);
      // The platform's own account of this type: it issues money, so it may go negative.
      platform.accounts.set(accountType.pano, {
        ano: accountType.pano,
        atid: accountType.atid,
        role: 'platform',
        ownerNo: platform.pno,
        balanceFen: 0,
        cannegative: true,
        status: 1,
        memo: '',
        subaccounts: {},
      });
    }
    this.platforms.set(platform.pno, platform);
    return platform;
  }

  platform(pno: string): LedgerPlatform | undefined {
    return this.platforms.get(pno);
  }

  /** The payer confirms a WeChat or Alipay prepay in the wallet app (4.1 step 3-4). */
  thirdPartyPay(pno: string, tno: string): LedgerTransaction {
    const platform = this.transactions.mustPlatform(pno);
    const transaction = platform.transactions.get(tno);
    if (!transaction) throw new LedgerError(CODES.NOT_FOUND, '交易不存在');
    if (transaction.paytype !== 'weixin' && transaction.paytype !== 'alipay') {
      throw new LedgerError(CODES.PAYTYPE_NOT_SUPPORTED, '不是微信或支付宝交易');
    }
    this.transactions.checkPayable(platform, transaction);
    transaction.thirdno = `${transaction.paytype === 'weixin' ? '42' : '20'}${Date.now()}${randomBytes(3).toString('hex')}`;
    this.transactions.execute(platform, transaction);
    return transaction;
  }

  protected vendorRoutes(router: Router): void {
    const urlencoded = express.urlencoded({ extended: false, limit: '64kb' });
    const json = express.json({ limit: '64kb' });
    router.post(
      '/auth/token',
      urlencoded,
      json,
      (req, res) => void this.api(req, res, (body) => this.issueToken(body)),
    );
    const endpoints: Record<string, (platform: LedgerPlatform, body: Record<string, string>) => unknown> = {
      '/account/listAccountType': (p, b) => this.accounts.listAccountTypes(p, b),
      '/account/openClientAccount': (p, b) => this.accounts.openClientAccount(p, b),
      '/account/forbidClientAccount': (p, b) => this.accounts.setAccountStatus(p, b, 'client', 'cano', 0),
      '/account/recoverClientAccount': (p, b) => this.accounts.setAccountStatus(p, b, 'client', 'cano', 1),
      '/account/queryClientAccount': (p, b) => this.accounts.queryAccount(p, b, 'client', 'cano'),
      '/account/openBizAccount': (p, b) => this.accounts.openBizAccount(p, b),
      '/account/forbidBizAccount': (p, b) => this.accounts.setAccountStatus(p, b, 'biz', 'bano', 0),
      '/account/recoverBizAccount': (p, b) => this.accounts.setAccountStatus(p, b, 'biz', 'bano', 1),
      '/account/queryBizAccount': (p, b) => this.accounts.queryAccount(p, b, 'biz', 'bano'),
      '/transaction/prepay': (p, b) => this.transactions.prepay(p, b),
      '/transaction/pay': (p, b) => this.transactions.pay(p, b),
      '/transaction/fasttransaction': (p, b) => this.transactions.fastTransaction(p, b),
      '/transaction/cancel': (p, b) => this.transactions.cancel(p, b),
      '/transaction/list': (p, b) => this.transactions.list(p, b),
      '/transaction/get': (p, b) => ({
        transaction: this.transactions.detail(p, this.transactions.mustTransaction(p, b.tno)),
      }),
    };
    for (const [path, handler] of Object.entries(endpoints)) {
      router.post(
        path,
        urlencoded,
        json,
        (req, res) =>
          void this.api(req, res, (body) => {
            this.received.push({ path, params: { ...body } });
            if (this.received.length > 500) this.received.shift();
            const platform = this.authenticate(String(body.access_token ?? ''));
            checkSpecParameters(path, body);
            return handler(platform, body);
          }),
      );
    }
    router.post('/_admin/platforms', this.adminJson, (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const rate = body.rate as { local?: unknown; national?: unknown } | undefined;
      const validRate =
        rate &&
        Number.isSafeInteger(rate.local) &&
        Number.isSafeInteger(rate.national) &&
        (rate.local as number) > 0 &&
        (rate.national as number) > 0;
      const platform = this.registerPlatform({
        pno: typeof body.pno === 'string' ? body.pno : undefined,
        authAccount: typeof body.authAccount === 'string' ? body.authAccount : undefined,
        authPassword: typeof body.authPassword === 'string' ? body.authPassword : undefined,
        rate: validRate ? { local: rate.local as number, national: rate.national as number } : undefined,
        tokenTtlSeconds: Number.isSafeInteger(body.tokenTtlSeconds) ? (body.tokenTtlSeconds as number) : undefined,
      });
      res.json(this.describe(platform));
    });
    router.get('/_admin/platforms/:pno', (req, res) => {
      const platform = this.platforms.get(String(req.params.pno));
      if (!platform) return void res.status(404).json({ error: 'no such platform' });
      res.json(this.describe(platform));
    });
    router.post('/_admin/platforms/:pno/transactions/:tno/third-party-pay', (req, res) => {
      try {
        const transaction = this.thirdPartyPay(String(req.params.pno), String(req.params.tno));
        res.json({ tno: transaction.tno, status: transaction.status });
      } catch (error) {
        const failure = error as LedgerError;
        res.status(409).json({ code: failure.code, message: failure.message });
      }
    });
  }

  private async api(req: Request, res: Response, work: (body: Record<string, string>) => unknown): Promise<void> {
    await this.withFaults(req, res, async () => {
      let envelope: ColourlifeEnvelope;
      try {
        const body = Object.fromEntries(Object.entries(req.body ?? {}).map(([k, v]) => [k, String(v)]));
        envelope = { code: 0, message: '', content: work(body) ?? '', contentEncrypt: '' };
      } catch (error) {
        if (!(error instanceof LedgerError)) {
          this.logger.error({ err: error }, 'colourlife sandbox failed');
          return (r: Response) => r.status(500).type('text/plain').send('Internal Server Error');
        }
        envelope = { code: error.code, message: error.message, content: error.content, contentEncrypt: '' };
      }
      return (r: Response) => r.json(envelope);
    });
  }

  private issueToken(body: Record<string, string>) {
    const platform = [...this.platforms.values()].find((p) => p.authAccount === body.account);
    if (!platform || platform.authPassword !== body.password)
      throw new LedgerError(CODES.BAD_CREDENTIALS, '账号或密码错误');
    const token = randomBytes(24).toString('hex');
    this.tokensIssued += 1;
    this.tokens.set(token, { pno: platform.pno, expiresAt: this.clock.now() + platform.tokenTtlSeconds * 1000 });
    return { access_token: token, expires_in: platform.tokenTtlSeconds };
  }

  private authenticate(token: string): LedgerPlatform {
    const entry = this.tokens.get(token);
    if (!entry || entry.expiresAt <= this.clock.now()) {
      this.tokens.delete(token);
      throw new LedgerError(CODES.TOKEN_INVALID, 'access_token无效或已过期');
    }
    return this.transactions.mustPlatform(entry.pno);
  }

  private describe(platform: LedgerPlatform) {
    return {
      pno: platform.pno,
      authAccount: platform.authAccount,
      authPassword: platform.authPassword,
      rate: platform.rate,
      accountTypes: [...platform.accountTypes.values()],
      accounts: [...platform.accounts.values()].map((a) => ({ ...a, money: fenToYuan(a.balanceFen) })),
    };
  }
}
