import { classify, convert, type LedgerRole } from '../../providers/colourlife/matrix';
import { fenToYuan, yuanToFen } from '../../domain/money';
import {
  CODES,
  TRANSACTION_STATUSES,
  TRANSACTION_TYPES,
  type TransactionDetail,
  type TransactionListEntry,
  type TransactionStatusCode,
} from '../../providers/colourlife/wire-types';
import {
  COLOURLIFE_CALLBACK_DELAYS_MS,
  id32,
  LedgerError,
  optionalInt,
  required,
  STATUS_MESSAGES,
  subaccountChanges,
  unixNow,
  type LedgerAccount,
  type LedgerAccountType,
  type LedgerPlatform,
  type LedgerTransaction,
} from './state';
import type { SandboxClock } from '../clock';
import type { NotificationDispatcher } from '../notifier';

/**
 * The transaction engine (5.3): prepay, pay, fast transaction, cancel, list and get against
 * the spec's matrix, with double-entry moves and callbacks on every settled transaction.
 */
export class LedgerTransactions {
  private sequence = 0;

  constructor(
    private readonly platforms: Map<string, LedgerPlatform>,
    private readonly clock: SandboxClock,
    private readonly notifier: NotificationDispatcher,
  ) {}

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
    if (stoptime !== undefined && stoptime <= unixNow(this.clock)) throw new LedgerError(CODES.EXPIRED, '交易已失效');
    const now = unixNow(this.clock);
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

  prepay(platform: LedgerPlatform, body: Record<string, string>) {
    const transaction = this.build(platform, body);
    this.record(platform, transaction);
    return { payinfo: this.payinfo(transaction) };
  }

  pay(platform: LedgerPlatform, body: Record<string, string>) {
    const transaction = this.mustTransaction(platform, body.tno);
    if (transaction.paytype === 'weixin' || transaction.paytype === 'alipay') {
      throw new LedgerError(CODES.PAYTYPE_NOT_SUPPORTED, '此接口不支持支付宝、微信支付类账号交易');
    }
    this.checkPayable(platform, transaction);
    this.execute(platform, transaction);
    return '';
  }

  fastTransaction(platform: LedgerPlatform, body: Record<string, string>) {
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

  cancel(platform: LedgerPlatform, body: Record<string, string>) {
    const transaction = this.mustTransaction(platform, body.tno);
    if (transaction.status !== TRANSACTION_STATUSES.UNPAID)
      throw new LedgerError(CODES.BAD_STATE, '只允许取消未支付的交易');
    this.finish(platform, transaction, TRANSACTION_STATUSES.CANCELED);
    return '';
  }

  list(platform: LedgerPlatform, body: Record<string, string>) {
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

  detail(platform: LedgerPlatform, t: LedgerTransaction): TransactionDetail {
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
          timestamp: String(unixNow(this.clock)),
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

  checkPayable(platform: LedgerPlatform, t: LedgerTransaction): void {
    if (t.status !== TRANSACTION_STATUSES.UNPAID)
      throw new LedgerError(CODES.BAD_STATE, `交易状态不允许支付: ${t.statusmsg}`);
    const now = unixNow(this.clock);
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
  execute(platform: LedgerPlatform, t: LedgerTransaction): void {
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
    t.modifiedtime = unixNow(this.clock);
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

  mustPlatform(pno: string): LedgerPlatform {
    const platform = this.platforms.get(pno);
    if (!platform) throw new LedgerError(CODES.NOT_FOUND, '平台不存在');
    return platform;
  }

  mustTransaction(platform: LedgerPlatform, tno: string | undefined): LedgerTransaction {
    const transaction = tno ? platform.transactions.get(tno) : undefined;
    if (!transaction) throw new LedgerError(CODES.NOT_FOUND, '交易不存在');
    return transaction;
  }
}
