import { createHash, randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logging/logger';
import { classify, convert, type LedgerRole } from '../../providers/colourlife/matrix';
import { fenToYuan, yuanToFen } from '../../domain/money';
import {
  CODES,
  TRANSACTION_STATUSES,
  TRANSACTION_TYPES,
  type ChannelType,
  type ColourlifeEnvelope,
  type TransactionDetail,
  type TransactionListEntry,
  type TransactionStatusCode,
} from '../../providers/colourlife/wire-types';
import { SandboxBase } from '../sandbox-base';

export interface LedgerAccountType {
  atid: string;
  pano: string;
  type: ChannelType;
  name: string;
  iconurl: string;
}

export interface LedgerAccount {
  ano: string;
  atid: string;
  role: LedgerRole;
  /** pno, bno or cno of the owner. */
  ownerNo: string;
  balanceFen: number;
  cannegative: boolean;
  status: 0 | 1;
  memo: string;
  /** Sub-account balances in fen, changed by orgsubaccount / destsubaccount. */
  subaccounts: Record<string, number>;
}

export interface LedgerParty {
  no: string;
  name: string;
  mobile?: string;
  tel?: string;
  address?: string;
  website?: string;
  gender?: string;
  birthday?: string;
  memo?: string;
  creationtime: number;
  modifiedtime: number;
  status: 0 | 1;
}

export interface LedgerTransaction {
  tno: string;
  orderno: string;
  transtype: number;
  /** Null for a WeChat/Alipay payment into the ledger: the money comes from outside. */
  payerAno: string | null;
  payeeAno: string;
  orgFen: number;
  destFen: number;
  content: string;
  detail?: string;
  starttime?: number;
  stoptime?: number;
  callback?: string;
  paytype: 'weixin' | 'alipay' | 'lhq' | 'other';
  orgsub?: Record<string, number>;
  destsub?: Record<string, number>;
  thirdno?: string;
  status: TransactionStatusCode;
  statusmsg: string;
  creationtime: number;
  modifiedtime: number;
  sequence: number;
}

export interface LedgerPlatform {
  pno: string;
  authAccount: string;
  authPassword: string;
  /** Local fanpiao per national fanpiao, as integers: 5/4 means 1 national = 1.25 local. */
  rate: { local: number; national: number };
  tokenTtlSeconds: number;
  accountTypes: Map<string, LedgerAccountType>;
  clients: Map<string, LedgerParty>;
  bizs: Map<string, LedgerParty>;
  accounts: Map<string, LedgerAccount>;
  transactions: Map<string, LedgerTransaction>;
  byOrderno: Map<string, string>;
}

class LedgerError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly content: unknown = '',
  ) {
    super(message);
  }
}

const STATUS_MESSAGES: Record<TransactionStatusCode, string> = {
  0: '未支付',
  1: '交易成功',
  2: '已取消',
  3: '交易失败',
  4: '已过期',
};

const DEFAULT_TYPES: ReadonlyArray<{ type: ChannelType; name: string }> = [
  { type: 'fanpiao', name: '彩之云全国饭票' },
  { type: 'lfanpiao', name: '彩之云地方饭票' },
  { type: 'weixin', name: '彩之云微信支付' },
  { type: 'alipay', name: '彩之云支付宝' },
  { type: 'lhq', name: '双乾支付' },
];

/** Callback retries (our definition; the spec gives none): at once, then 15 s, 1 min, 5 min, 30 min, 2 h. */
export const COLOURLIFE_CALLBACK_DELAYS_MS = [0, 15_000, 60_000, 300_000, 1_800_000, 7_200_000];

const id32 = () => randomBytes(16).toString('hex');
const derive = (pno: string, what: string) => createHash('sha256').update(`${pno}:${what}`).digest('hex').slice(0, 32);

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
  private sequence = 0;
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
    const platform = this.mustPlatform(pno);
    const transaction = platform.transactions.get(tno);
    if (!transaction) throw new LedgerError(CODES.NOT_FOUND, '交易不存在');
    if (transaction.paytype !== 'weixin' && transaction.paytype !== 'alipay') {
      throw new LedgerError(CODES.PAYTYPE_NOT_SUPPORTED, '不是微信或支付宝交易');
    }
    this.checkPayable(platform, transaction);
    transaction.thirdno = `${transaction.paytype === 'weixin' ? '42' : '20'}${Date.now()}${randomBytes(3).toString('hex')}`;
    this.execute(platform, transaction);
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
      '/account/listAccountType': (p, b) => this.listAccountTypes(p, b),
      '/account/openClientAccount': (p, b) => this.openClientAccount(p, b),
      '/account/forbidClientAccount': (p, b) => this.setAccountStatus(p, b, 'client', 'cano', 0),
      '/account/recoverClientAccount': (p, b) => this.setAccountStatus(p, b, 'client', 'cano', 1),
      '/account/queryClientAccount': (p, b) => this.queryAccount(p, b, 'client', 'cano'),
      '/account/openBizAccount': (p, b) => this.openBizAccount(p, b),
      '/account/forbidBizAccount': (p, b) => this.setAccountStatus(p, b, 'biz', 'bano', 0),
      '/account/recoverBizAccount': (p, b) => this.setAccountStatus(p, b, 'biz', 'bano', 1),
      '/account/queryBizAccount': (p, b) => this.queryAccount(p, b, 'biz', 'bano'),
      '/transaction/prepay': (p, b) => this.prepay(p, b),
      '/transaction/pay': (p, b) => this.pay(p, b),
      '/transaction/fasttransaction': (p, b) => this.fastTransaction(p, b),
      '/transaction/cancel': (p, b) => this.cancel(p, b),
      '/transaction/list': (p, b) => this.list(p, b),
      '/transaction/get': (p, b) => ({ transaction: this.detail(p, this.mustTransaction(p, b.tno)) }),
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
    return this.mustPlatform(entry.pno);
  }

  private listAccountTypes(platform: LedgerPlatform, body: Record<string, string>) {
    if (body.pno !== platform.pno) throw new LedgerError(CODES.BAD_PARAMS, 'pno错误');
    return {
      list: [...platform.accountTypes.values()].map((t) => ({
        type: t.type,
        atid: t.atid,
        pano: t.pano,
        name: t.name,
        iconurl: t.iconurl,
        cano: '',
      })),
    };
  }

  private typeByPano(platform: LedgerPlatform, pano: string | undefined): LedgerAccountType {
    const type = [...platform.accountTypes.values()].find((t) => t.pano === pano);
    if (!type) throw new LedgerError(CODES.BAD_PARAMS, 'pano错误');
    return type;
  }

  private openClientAccount(platform: LedgerPlatform, body: Record<string, string>) {
    const type = this.typeByPano(platform, body.pano);
    const mobile = required(body, 'mobile', 20);
    const name = required(body, 'name', 64);
    const now = this.unixNow();
    // A user is one person per mobile number; opening another account type reuses them.
    let client = [...platform.clients.values()].find((c) => c.mobile === mobile);
    if (!client) {
      client = {
        no: id32(),
        name,
        mobile,
        gender: body.gender,
        birthday: body.birthday,
        memo: body.memo,
        creationtime: now,
        modifiedtime: now,
        status: 1,
      };
      platform.clients.set(client.no, client);
    }
    const account = this.openAccount(platform, type, 'client', client.no, body);
    return {
      client: {
        cno: client.no,
        mobile: client.mobile,
        name: client.name,
        gender: client.gender ?? '',
        birthday: client.birthday ?? '',
        memo: client.memo ?? '',
        creationtime: client.creationtime,
        modifiedtime: client.modifiedtime,
        status: client.status,
      },
      account: { cano: account.ano, ...accountRecord(account) },
    };
  }

  private openBizAccount(platform: LedgerPlatform, body: Record<string, string>) {
    const type = this.typeByPano(platform, body.pano);
    const now = this.unixNow();
    // Our extension (documented): an existing bno opens another account type for the same merchant.
    const known = body.bno ? platform.bizs.get(body.bno) : undefined;
    if (body.bno && !known) throw new LedgerError(CODES.NOT_FOUND, '商家不存在');
    const biz: LedgerParty = known ?? {
      no: id32(),
      name: required(body, 'name', 128),
      tel: body.tel,
      address: body.address,
      website: body.website,
      memo: body.memo,
      creationtime: now,
      modifiedtime: now,
      status: 1,
    };
    platform.bizs.set(biz.no, biz);
    const account = this.openAccount(platform, type, 'biz', biz.no, body);
    return {
      biz: {
        bno: biz.no,
        tel: biz.tel ?? '',
        name: biz.name,
        address: biz.address ?? '',
        website: biz.website ?? '',
        memo: biz.memo ?? '',
        creationtime: biz.creationtime,
        modifiedtime: biz.modifiedtime,
        status: biz.status,
      },
      account: { bano: account.ano, ...accountRecord(account) },
    };
  }

  private openAccount(
    platform: LedgerPlatform,
    type: LedgerAccountType,
    role: 'client' | 'biz',
    ownerNo: string,
    body: Record<string, string>,
  ): LedgerAccount {
    const existing = [...platform.accounts.values()].find((a) => a.ownerNo === ownerNo && a.atid === type.atid);
    if (existing) return existing;
    if (body.cannegative !== undefined && !['0', '1'].includes(body.cannegative)) {
      throw new LedgerError(CODES.BAD_PARAMS, 'cannegative只能是0或1');
    }
    const account: LedgerAccount = {
      ano: id32(),
      atid: type.atid,
      role,
      ownerNo,
      balanceFen: 0,
      cannegative: body.cannegative === '1',
      status: 1,
      memo: body.memo ?? '',
      subaccounts: {},
    };
    platform.accounts.set(account.ano, account);
    return account;
  }

  private ownedAccount(
    platform: LedgerPlatform,
    body: Record<string, string>,
    role: 'client' | 'biz',
    field: 'cano' | 'bano',
  ) {
    const type = this.typeByPano(platform, body.pano);
    const account = platform.accounts.get(required(body, field, 64));
    if (!account || account.role !== role || account.atid !== type.atid)
      throw new LedgerError(CODES.NOT_FOUND, '账号不存在');
    return account;
  }

  private setAccountStatus(
    platform: LedgerPlatform,
    body: Record<string, string>,
    role: 'client' | 'biz',
    field: 'cano' | 'bano',
    status: 0 | 1,
  ) {
    this.ownedAccount(platform, body, role, field).status = status;
    return '';
  }

  private queryAccount(
    platform: LedgerPlatform,
    body: Record<string, string>,
    role: 'client' | 'biz',
    field: 'cano' | 'bano',
  ) {
    const account = this.ownedAccount(platform, body, role, field);
    return {
      ano: account.ano,
      money: fenToYuan(account.balanceFen),
      status: account.status,
      subaccounts: this.yuanMap(account.subaccounts),
    };
  }

  /** Builds a transaction from prepay / fasttransaction parameters, after every check. */
  private build(platform: LedgerPlatform, body: Record<string, string>): LedgerTransaction {
    const money = yuanToFen(required(body, 'money', 16));
    if (money === undefined || money <= 0)
      throw new LedgerError(CODES.BAD_PARAMS, 'money必须是大于0、最多2位小数的金额');
    const orderno = required(body, 'orderno', 64);
    const content = required(body, 'content', 256);
    const existing = platform.byOrderno.get(orderno);
    // A repeated orderno is answered with the transaction it already made (look it up).
    if (existing) throw new LedgerError(CODES.DUPLICATE_ORDERNO, '业务系统交易编号重复', { tno: existing });
    const payeeType = platform.accountTypes.get(required(body, 'desttype', 64));
    const payee = platform.accounts.get(required(body, 'destaccountno', 64));
    if (!payeeType || !payee || payee.atid !== payeeType.atid) throw new LedgerError(CODES.NOT_FOUND, '收款账号不存在');
    const thirdParty = (body.orgtype ?? '0') === '0' && (body.orgaccountno ?? '0') === '0';
    let payer: LedgerAccount | undefined;
    let transtype: number;
    let orgFen = money;
    let destFen = money;
    let paytype: LedgerTransaction['paytype'];
    if (thirdParty) {
      // 4.1: money arrives from WeChat or Alipay, into an account of that channel.
      if (payeeType.type !== 'weixin' && payeeType.type !== 'alipay') {
        throw new LedgerError(CODES.BAD_PARAMS, 'orgtype为0时收款账号类型必须是微信或支付宝');
      }
      transtype = TRANSACTION_TYPES.THIRD_PARTY;
      paytype = payeeType.type;
    } else {
      const payerType = platform.accountTypes.get(String(body.orgtype));
      payer = platform.accounts.get(String(body.orgaccountno));
      if (!payerType || !payer || payer.atid !== payerType.atid)
        throw new LedgerError(CODES.NOT_FOUND, '支付账号不存在');
      if (payer.ano === payee.ano) throw new LedgerError(CODES.NOT_ALLOWED, '支付账号与收款账号相同');
      const verdict = classify(
        { role: payer.role, channel: payerType.type },
        { role: payee.role, channel: payeeType.type },
        payerType.atid === payeeType.atid,
      );
      if (!verdict.allowed) throw new LedgerError(CODES.NOT_ALLOWED, `不允许的交易: ${verdict.reason}`);
      transtype = verdict.transtype;
      if (verdict.exchange) {
        const from = payerType.type as 'fanpiao' | 'lfanpiao';
        const to = payeeType.type as 'fanpiao' | 'lfanpiao';
        if (body.fixedorgmoney === '1') destFen = convert(money, from, platform.rate);
        else orgFen = convert(money, to, platform.rate);
        if (orgFen <= 0 || destFen <= 0) throw new LedgerError(CODES.BAD_PARAMS, '汇兑后金额为0');
      }
      paytype =
        payerType.type === 'weixin' || payerType.type === 'alipay'
          ? payerType.type
          : payerType.type === 'lhq'
            ? 'lhq'
            : 'other';
    }
    const starttime = optionalInt(body, 'starttime');
    const stoptime = optionalInt(body, 'stoptime');
    if (starttime !== undefined && stoptime !== undefined && stoptime <= starttime) {
      throw new LedgerError(CODES.BAD_PARAMS, 'stoptime必须晚于starttime');
    }
    if (stoptime !== undefined && stoptime <= this.unixNow()) throw new LedgerError(CODES.EXPIRED, '交易已失效');
    const now = this.unixNow();
    return {
      tno: `${new Date(this.clock.now() + 8 * 3_600_000).toISOString().slice(2, 7).replace('-', '')}_${id32().slice(0, 27)}`,
      orderno,
      transtype,
      payerAno: payer?.ano ?? null,
      payeeAno: payee.ano,
      orgFen,
      destFen,
      content,
      detail: body.detail,
      starttime,
      stoptime,
      callback: body.callback,
      paytype,
      orgsub: subaccountChanges(body.orgsubaccount, 'orgsubaccount'),
      destsub: subaccountChanges(body.destsubaccount, 'destsubaccount'),
      status: TRANSACTION_STATUSES.UNPAID,
      statusmsg: STATUS_MESSAGES[0],
      creationtime: now,
      modifiedtime: now,
      sequence: ++this.sequence,
    };
  }

  private record(platform: LedgerPlatform, transaction: LedgerTransaction): void {
    platform.transactions.set(transaction.tno, transaction);
    platform.byOrderno.set(transaction.orderno, transaction.tno);
  }

  private prepay(platform: LedgerPlatform, body: Record<string, string>) {
    const transaction = this.build(platform, body);
    this.record(platform, transaction);
    return { payinfo: this.payinfo(transaction) };
  }

  private pay(platform: LedgerPlatform, body: Record<string, string>) {
    const transaction = this.mustTransaction(platform, body.tno);
    if (transaction.paytype === 'weixin' || transaction.paytype === 'alipay') {
      throw new LedgerError(CODES.PAYTYPE_NOT_SUPPORTED, '此接口不支持支付宝、微信支付类账号交易');
    }
    this.checkPayable(platform, transaction);
    this.execute(platform, transaction);
    return '';
  }

  private fastTransaction(platform: LedgerPlatform, body: Record<string, string>) {
    const transaction = this.build(platform, body);
    if (transaction.paytype === 'weixin' || transaction.paytype === 'alipay' || transaction.payerAno === null) {
      throw new LedgerError(CODES.PAYTYPE_NOT_SUPPORTED, '此接口不支持支付宝、微信支付类账号交易');
    }
    this.record(platform, transaction);
    try {
      this.checkPayable(platform, transaction);
      this.execute(platform, transaction);
    } catch (error) {
      // A fast transaction that cannot be paid is recorded as failed, and says why.
      this.finish(platform, transaction, TRANSACTION_STATUSES.FAILED, (error as Error).message);
      throw error;
    }
    return { tno: transaction.tno };
  }

  private cancel(platform: LedgerPlatform, body: Record<string, string>) {
    const transaction = this.mustTransaction(platform, body.tno);
    if (transaction.status !== TRANSACTION_STATUSES.UNPAID)
      throw new LedgerError(CODES.BAD_STATE, '只允许取消未支付的交易');
    this.finish(platform, transaction, TRANSACTION_STATUSES.CANCELED);
    return '';
  }

  private list(platform: LedgerPlatform, body: Record<string, string>) {
    const utype = Number(required(body, 'utype', 1));
    const roles: Record<number, LedgerRole> = { 1: 'platform', 2: 'biz', 3: 'client' };
    const role = roles[utype];
    if (!role) throw new LedgerError(CODES.BAD_PARAMS, 'utype只能是1、2、3');
    const uno = required(body, 'uno', 64);
    const ispay = Number(body.ispay ?? 0);
    const skip = Math.max(0, Number(body.skip ?? 0) || 0);
    const limit = Math.min(100, Math.max(1, Number(body.limit ?? 20) || 20));
    const starttime = optionalInt(body, 'starttime');
    const stoptime = optionalInt(body, 'stoptime');
    const transtype = optionalInt(body, 'transtype');
    const side = (ano: string | null) => (ano ? platform.accounts.get(ano) : undefined);
    const matches = (account: LedgerAccount | undefined) =>
      account !== undefined &&
      account.role === role &&
      account.ownerNo === uno &&
      (!body.atid || account.atid === body.atid) &&
      (!body.ano || account.ano === body.ano);
    const entries = [...platform.transactions.values()]
      .filter((t) => t.status === TRANSACTION_STATUSES.SUCCESS)
      .filter((t) => (ispay !== 2 && matches(side(t.payerAno))) || (ispay !== 1 && matches(side(t.payeeAno))))
      .filter((t) => starttime === undefined || t.modifiedtime >= starttime)
      .filter((t) => stoptime === undefined || t.modifiedtime <= stoptime)
      .filter((t) => transtype === undefined || t.transtype === transtype)
      .sort((a, b) => b.modifiedtime - a.modifiedtime || b.sequence - a.sequence)
      .slice(skip, skip + limit);
    return { list: entries.map((t) => this.listEntry(platform, t)) };
  }

  private listEntry(platform: LedgerPlatform, t: LedgerTransaction): TransactionListEntry {
    const payer = t.payerAno ? platform.accounts.get(t.payerAno) : undefined;
    const payee = platform.accounts.get(t.payeeAno) as LedgerAccount;
    return {
      tno: t.tno,
      orgtype: payer?.atid ?? '0',
      orgno: payer?.ownerNo ?? '0',
      orgaccount: payer?.ano ?? '0',
      desttype: payee.atid,
      destno: payee.ownerNo,
      destaccount: payee.ano,
      money: fenToYuan(t.destFen),
      modifiedtime: t.modifiedtime,
      status: t.status,
      statusmsg: t.statusmsg,
    };
  }

  private detail(platform: LedgerPlatform, t: LedgerTransaction): TransactionDetail {
    const payer = t.payerAno ? platform.accounts.get(t.payerAno) : undefined;
    const payee = platform.accounts.get(t.payeeAno) as LedgerAccount;
    return {
      tno: t.tno,
      thirdno: t.thirdno ?? '',
      orderno: t.orderno,
      transtype: t.transtype,
      orgmoney: fenToYuan(t.orgFen),
      destmoney: fenToYuan(t.destFen),
      orgplatform: platform.pno,
      destplatform: platform.pno,
      orgbiz: payer?.role === 'biz' ? payer.ownerNo : '',
      destbiz: payee.role === 'biz' ? payee.ownerNo : '',
      orgclient: payer?.role === 'client' ? payer.ownerNo : '',
      destclient: payee.role === 'client' ? payee.ownerNo : '',
      orgcccount: payer?.ano ?? '0',
      destcccount: payee.ano,
      creationtime: t.creationtime,
      status: t.status,
      statusmsg: t.statusmsg,
      detail: t.detail ?? '',
    };
  }

  private payinfo(t: LedgerTransaction): Record<string, unknown> {
    switch (t.paytype) {
      case 'weixin':
        return {
          paytype: 'weixin',
          tno: t.tno,
          partnerId: '1900000109',
          appId: 'wxd930ea5d5a258f4f',
          prepayId: `wx${id32().slice(0, 28)}`,
          noncestr: id32().slice(0, 16),
          timestamp: String(this.unixNow()),
          packageValue: 'Sign=WXPAY',
          sign: id32().toUpperCase(),
        };
      case 'alipay':
        return {
          paytype: 'alipay',
          tno: t.tno,
          orderInfo: `app_id=2016000000000000&biz_content=${encodeURIComponent(JSON.stringify({ out_trade_no: t.tno, total_amount: fenToYuan(t.destFen) }))}`,
        };
      case 'lhq':
        return { paytype: 'lhq', tno: t.tno, merNo: '168885' };
      case 'other':
        return { tno: t.tno };
    }
  }

  private checkPayable(platform: LedgerPlatform, t: LedgerTransaction): void {
    if (t.status !== TRANSACTION_STATUSES.UNPAID)
      throw new LedgerError(CODES.BAD_STATE, `交易状态不允许支付: ${t.statusmsg}`);
    const now = this.unixNow();
    if (t.starttime !== undefined && now < t.starttime) throw new LedgerError(CODES.BAD_STATE, '交易尚未生效');
    if (t.stoptime !== undefined && now >= t.stoptime) {
      this.finish(platform, t, TRANSACTION_STATUSES.EXPIRED);
      throw new LedgerError(CODES.EXPIRED, '交易已失效');
    }
    const payer = t.payerAno ? platform.accounts.get(t.payerAno) : undefined;
    const payee = platform.accounts.get(t.payeeAno) as LedgerAccount;
    for (const account of [payer, payee]) {
      if (account && account.status !== 1) throw new LedgerError(CODES.ACCOUNT_FORBIDDEN, '账号已禁用');
      const owner =
        account?.role === 'client'
          ? platform.clients.get(account.ownerNo)
          : account?.role === 'biz'
            ? platform.bizs.get(account.ownerNo)
            : undefined;
      if (owner && owner.status !== 1) throw new LedgerError(CODES.ACCOUNT_FORBIDDEN, '用户已禁用');
    }
    if (payer && !payer.cannegative && payer.balanceFen < t.orgFen)
      throw new LedgerError(CODES.INSUFFICIENT_BALANCE, '余额不足');
    for (const [account, changes] of [
      [payer, t.orgsub],
      [payee, t.destsub],
    ] as const) {
      if (!account || !changes) continue;
      for (const [name, delta] of Object.entries(changes)) {
        if (!account.cannegative && (account.subaccounts[name] ?? 0) + delta < 0) {
          throw new LedgerError(CODES.INSUFFICIENT_BALANCE, `子账户${name}余额不足`);
        }
      }
    }
  }

  /**
   * Double entry: every fen leaving one account arrives in another. An exchange goes through
   * the platform's accounts of both types (the platform is the counterparty); a WeChat or
   * Alipay payment arrives through the platform's account of that channel.
   */
  private execute(platform: LedgerPlatform, t: LedgerTransaction): void {
    const payee = platform.accounts.get(t.payeeAno) as LedgerAccount;
    const payeeType = platform.accountTypes.get(payee.atid) as LedgerAccountType;
    if (t.payerAno === null) {
      this.move(platform.accounts.get(payeeType.pano) as LedgerAccount, payee, t.destFen);
    } else {
      const payer = platform.accounts.get(t.payerAno) as LedgerAccount;
      if (t.transtype === TRANSACTION_TYPES.EXCHANGE) {
        const payerType = platform.accountTypes.get(payer.atid) as LedgerAccountType;
        this.move(payer, platform.accounts.get(payerType.pano) as LedgerAccount, t.orgFen);
        this.move(platform.accounts.get(payeeType.pano) as LedgerAccount, payee, t.destFen);
      } else {
        this.move(payer, payee, t.orgFen);
      }
      for (const [name, delta] of Object.entries(t.orgsub ?? {}))
        payer.subaccounts[name] = (payer.subaccounts[name] ?? 0) + delta;
    }
    for (const [name, delta] of Object.entries(t.destsub ?? {}))
      payee.subaccounts[name] = (payee.subaccounts[name] ?? 0) + delta;
    this.finish(platform, t, TRANSACTION_STATUSES.SUCCESS);
  }

  private move(from: LedgerAccount, to: LedgerAccount, fen: number): void {
    from.balanceFen -= fen;
    to.balanceFen += fen;
  }

  private finish(
    platform: LedgerPlatform,
    t: LedgerTransaction,
    status: TransactionStatusCode,
    message?: string,
  ): void {
    t.status = status;
    t.statusmsg = message ?? STATUS_MESSAGES[status];
    t.modifiedtime = this.unixNow();
    t.sequence = ++this.sequence;
    if (t.callback) this.notify(platform, t);
  }

  private notify(platform: LedgerPlatform, t: LedgerTransaction): void {
    const callback = t.callback as string;
    const snapshot = { tno: t.tno, orderno: t.orderno, status: t.status };
    this.notifier.dispatch(
      {
        label: `colourlife ${platform.pno} ${t.tno} ${t.status}`,
        target: callback,
        send: async () => {
          const response = await fetch(callback, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(snapshot),
            signal: AbortSignal.timeout(10_000),
          });
          return (await response.text()).trim() === 'success';
        },
      },
      COLOURLIFE_CALLBACK_DELAYS_MS,
    );
  }

  private mustPlatform(pno: string): LedgerPlatform {
    const platform = this.platforms.get(pno);
    if (!platform) throw new LedgerError(CODES.NOT_FOUND, '平台不存在');
    return platform;
  }

  private mustTransaction(platform: LedgerPlatform, tno: string | undefined): LedgerTransaction {
    const transaction = tno ? platform.transactions.get(tno) : undefined;
    if (!transaction) throw new LedgerError(CODES.NOT_FOUND, '交易不存在');
    return transaction;
  }

  private unixNow(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private yuanMap(map: Record<string, number>): Record<string, string> {
    return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, fenToYuan(v)]));
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

/** 5.4.1 / 5.5.1's account fields, less the number (cano or bano). */
function accountRecord(account: LedgerAccount) {
  return {
    money: fenToYuan(account.balanceFen),
    status: account.status,
    memo: account.memo,
    cannegative: account.cannegative ? 1 : 0,
  };
}

function required(body: Record<string, string>, field: string, maxLength: number): string {
  const value = body[field];
  if (value === undefined || value === '') throw new LedgerError(CODES.BAD_PARAMS, `${field}不能为空`);
  if (value.length > maxLength) throw new LedgerError(CODES.BAD_PARAMS, `${field}过长`);
  return value;
}

function optionalInt(body: Record<string, string>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,12}$/.test(value)) throw new LedgerError(CODES.BAD_PARAMS, `${field}必须是整数`);
  return Number(value);
}

/** `{"cash":10,"ticket":-5}`: sub-account name → change in yuan. */
function subaccountChanges(value: string | undefined, field: string): Record<string, number> | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new LedgerError(CODES.BAD_PARAMS, `${field}不是JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new LedgerError(CODES.BAD_PARAMS, `${field}格式错误`);
  const changes: Record<string, number> = {};
  for (const [name, amount] of Object.entries(parsed as Record<string, unknown>)) {
    // The spec's example: {"cash":10,"ticket":-5}, amounts as JSON numbers.
    const fen = typeof amount === 'number' ? yuanToFen(amount) : undefined;
    if (fen === undefined || !/^[A-Za-z0-9_]{1,32}$/.test(name))
      throw new LedgerError(CODES.BAD_PARAMS, `${field}.${name}格式错误`);
    changes[name] = fen;
  }
  return changes;
}

/**
 * The parameters each endpoint defines in the spec (5.2.1's access_token on every one); the
 * sandbox refuses any other, so a client that sends what the real ledger might ignore is
 * caught here. `bno` on openBizAccount is paygraph's documented extension (provider README).
 */
/** 5.3.3's parameters; 5.3.1 prepay has these and four more. */
const FAST_TRANSACTION_PARAMETERS = [
  'money',
  'orderno',
  'content',
  'orgtype',
  'orgaccountno',
  'desttype',
  'destaccountno',
  'detail',
  'starttime',
  'stoptime',
  'callback',
] as const;

const SPEC_PARAMETERS: Record<string, readonly string[]> = {
  '/account/listAccountType': ['pno', 'cno'],
  '/account/openClientAccount': ['pano', 'bano', 'mobile', 'name', 'gender', 'birthday', 'memo', 'cannegative'],
  '/account/forbidClientAccount': ['pano', 'cano'],
  '/account/recoverClientAccount': ['pano', 'cano'],
  '/account/queryClientAccount': ['pano', 'cano'],
  '/account/openBizAccount': ['pano', 'bno', 'name', 'tel', 'address', 'website', 'memo', 'cannegative'],
  '/account/forbidBizAccount': ['pano', 'bano'],
  '/account/recoverBizAccount': ['pano', 'bano'],
  '/account/queryBizAccount': ['pano', 'bano'],
  '/transaction/prepay': [
    ...FAST_TRANSACTION_PARAMETERS,
    'remoteip',
    'fixedorgmoney',
    'orgsubaccount',
    'destsubaccount',
  ],
  '/transaction/pay': ['tno'],
  '/transaction/fasttransaction': FAST_TRANSACTION_PARAMETERS,
  '/transaction/cancel': ['tno'],
  '/transaction/list': ['utype', 'uno', 'atid', 'ano', 'starttime', 'stoptime', 'transtype', 'ispay', 'skip', 'limit'],
  '/transaction/get': ['tno'],
};

function checkSpecParameters(path: string, body: Record<string, string>): void {
  const allowed = SPEC_PARAMETERS[path] ?? [];
  for (const name of Object.keys(body)) {
    if (name !== 'access_token' && !allowed.includes(name))
      throw new LedgerError(CODES.BAD_PARAMS, `接口未定义参数 ${name}`);
  }
}
