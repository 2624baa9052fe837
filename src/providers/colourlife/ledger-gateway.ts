import { AccountOwnerKind, AccountTypeKind, Vendor } from '../../domain/enums';
import { yuanToFen } from '../../domain/money';
import type { ResolvedProviderConfig } from '../config';
import type { TransferQueryOutcome } from '../capabilities';
import type {
  LedgerAccountAt,
  LedgerAccountState,
  LedgerAccountType,
  LedgerCall,
  LedgerGateway,
  OpenAccountRequest,
  StatementLine,
  StatementQuery,
  TransferOrder,
  TransferRequest,
  TransferSent,
  TransferVerdict,
} from '../ledger';
import type { ColourlifeAdapter, ListParams } from './adapter';
import { callbackPathSecret } from './callbacks';
import { storedTransferRequestSchema } from './schemas';
import { colourlifeCredentials } from './credentials';
import { classify, type LedgerRole } from './matrix';
import { transferRequest, walletPaymentOf } from './transfers';
import { transactionTypeOf } from './status-map';
import { CODES, USER_TYPES, type ChannelType } from './wire-types';

/**
 * Colourlife as the ledger gateway (providers/ledger.ts): the ledger services speak of owners,
 * account type kinds, fen, "active" and our transfer orders; the wire's channel names, user
 * types, yuan strings, status numbers, result codes and request fields stay here.
 */

const CHANNEL_KINDS: Record<ChannelType, AccountTypeKind> = {
  fanpiao: AccountTypeKind.FANPIAO,
  lfanpiao: AccountTypeKind.LOCAL_FANPIAO,
  weixin: AccountTypeKind.WECHAT,
  alipay: AccountTypeKind.ALIPAY,
  lhq: AccountTypeKind.LHQ,
};
const KIND_CHANNELS = Object.fromEntries(Object.entries(CHANNEL_KINDS).map(([c, k]) => [k, c])) as Record<
  AccountTypeKind,
  ChannelType
>;
const ROLES: Record<AccountOwnerKind, LedgerRole> = { PLATFORM: 'platform', BIZ: 'biz', CLIENT: 'client' };
const USER_TYPE_OF: Record<AccountOwnerKind, ListParams['utype']> = {
  PLATFORM: USER_TYPES.PLATFORM,
  BIZ: USER_TYPES.BIZ,
  CLIENT: USER_TYPES.CLIENT,
};
/** Channels whose money arrives from outside the ledger: 5.3.1 names their payer orgtype 0. */
const THIRD_PARTY_KINDS: readonly AccountTypeKind[] = [AccountTypeKind.WECHAT, AccountTypeKind.ALIPAY];
/** 5.4.4/5.5.4: an account's `status` 1 is usable; anything else is forbidden. */
const ACTIVE_STATUS = 1;

export class ColourlifeLedger implements LedgerGateway {
  readonly vendor = Vendor.COLOURLIFE;

  constructor(private readonly adapter: ColourlifeAdapter) {}

  /** 5.3.7: the platform's account types; types of a channel we do not know are named in `skipped`. */
  async accountTypes(
    config: ResolvedProviderConfig,
  ): Promise<LedgerCall<{ types: LedgerAccountType[]; skipped: string[] }>> {
    const call = await this.adapter.listAccountTypes(config);
    if (call.kind !== 'ok') return call;
    const types: LedgerAccountType[] = [];
    const skipped: string[] = [];
    for (const record of call.content.list ?? []) {
      const kind = CHANNEL_KINDS[record.type as ChannelType];
      if (!kind) skipped.push(record.type);
      else
        types.push({
          kind,
          name: record.name,
          typeRef: record.atid,
          platformAccountNo: record.pano,
          iconUrl: record.iconurl || null,
        });
    }
    return { kind: 'ok', content: { types, skipped } };
  }

  /** 5.4.1 / 5.5.1: an account for a client (by mobile) or a biz, with its opening balance. */
  async open(
    config: ResolvedProviderConfig,
    request: OpenAccountRequest,
  ): Promise<LedgerCall<{ accountNo: string; ownerRef: string; balanceFen: number | undefined }>> {
    const common = {
      pano: request.platformAccountNo,
      memo: request.memo,
      cannegative: request.canNegative ? (1 as const) : (0 as const),
    };
    if (request.owner === AccountOwnerKind.CLIENT) {
      const call = await this.adapter.openClientAccount(config, {
        ...common,
        mobile: request.mobile,
        name: request.name,
      });
      if (call.kind !== 'ok') return call;
      const { account, client } = call.content;
      return opened(account.cano, client.cno, account.money);
    }
    const call = await this.adapter.openBizAccount(config, {
      ...common,
      bno: request.ownerRef,
      name: request.name,
      tel: request.tel,
      address: request.address,
      website: request.website,
    });
    if (call.kind !== 'ok') return call;
    const { account, biz } = call.content;
    return opened(account.bano, biz.bno, account.money);
  }

  /** 5.4.2/5.4.3/5.5.2/5.5.3: forbid (inactive) or recover (active) a client's or biz's account. */
  setActive(config: ResolvedProviderConfig, account: LedgerAccountAt, active: boolean): Promise<LedgerCall<unknown>> {
    const { platformAccountNo: pano, accountNo } = account;
    if (account.owner === AccountOwnerKind.CLIENT)
      return active
        ? this.adapter.recoverClientAccount(config, pano, accountNo)
        : this.adapter.forbidClientAccount(config, pano, accountNo);
    return active
      ? this.adapter.recoverBizAccount(config, pano, accountNo)
      : this.adapter.forbidBizAccount(config, pano, accountNo);
  }

  /** 5.4.4 / 5.5.4: balance and state of a client's or biz's account. */
  async state(config: ResolvedProviderConfig, account: LedgerAccountAt): Promise<LedgerCall<LedgerAccountState>> {
    const { platformAccountNo: pano, accountNo } = account;
    const call =
      account.owner === AccountOwnerKind.CLIENT
        ? await this.adapter.queryClientAccount(config, pano, accountNo)
        : await this.adapter.queryBizAccount(config, pano, accountNo);
    if (call.kind !== 'ok') return call;
    return {
      kind: 'ok',
      content: { balanceFen: yuanToFen(call.content.money), active: Number(call.content.status) === ACTIVE_STATUS },
    };
  }

  /** 5.3.5 list for one account: successful transactions, newest first. */
  statement(config: ResolvedProviderConfig, account: LedgerAccountAt, query: StatementQuery) {
    const owner = listOwner(config, account);
    if (!owner) return Promise.resolve(notOpen());
    return this.adapter.list(config, {
      ...owner,
      starttime: query.from ? Math.floor(query.from.getTime() / 1000) : undefined,
      stoptime: query.to ? Math.floor(query.to.getTime() / 1000) : undefined,
      transtype: query.transferKind && transactionTypeOf(query.transferKind),
      ispay: query.direction === 'PAID' ? 1 : query.direction === 'RECEIVED' ? 2 : 0,
      skip: query.skip,
      limit: query.limit,
    }) as Promise<LedgerCall<StatementLine[]>>;
  }

  /**
   * Our transaction by its order number on the account that paid it (or received it, for a
   * payment from WeChat or Alipay) since `since`, without sending anything (adapter.findByOrderNo).
   */
  async findByOrderNo(
    config: ResolvedProviderConfig,
    orderNo: string,
    account: LedgerAccountAt,
    paid: boolean,
    since: Date,
    request: TransferRequest | undefined,
  ) {
    const owner = listOwner(config, account);
    if (!owner) return { kind: 'absent' as const };
    const search = {
      ...owner,
      ispay: paid ? (1 as const) : (2 as const),
      starttime: Math.floor(since.getTime() / 1000),
    };
    const money = typeof request?.money === 'string' ? request.money : undefined;
    const found = await this.adapter.findByOrderNo(config, orderNo, search, money);
    return found.kind === 'found' ? { kind: 'found' as const, ref: found.tno } : found;
  }

  /** 5.3.1's table: whether a transfer between these accounts is allowed. */
  verdict(
    payer: Pick<LedgerAccountAt, 'owner' | 'kind' | 'typeRef'>,
    payee: Pick<LedgerAccountAt, 'owner' | 'kind' | 'typeRef'>,
  ): TransferVerdict {
    const verdict = classify(
      { role: ROLES[payer.owner], channel: KIND_CHANNELS[payer.kind] },
      { role: ROLES[payee.owner], channel: KIND_CHANNELS[payee.kind] },
      payer.typeRef === payee.typeRef,
    );
    return verdict.allowed ? { allowed: true } : verdict;
  }

  /** The prepay (5.3.1) or fast transaction (5.3.3) request, without its callback. */
  transferRequest(
    mode: 'prepay' | 'fast',
    order: TransferOrder,
    payer: LedgerAccountAt | undefined,
    payee: LedgerAccountAt,
  ): TransferRequest {
    const side = (account: LedgerAccountAt) => ({
      atid: account.typeRef,
      accountNo: account.accountNo,
      thirdParty: THIRD_PARTY_KINDS.includes(account.kind),
    });
    return transferRequest(mode, order, payer && side(payer), side(payee));
  }

  /** Sends a transfer request; a used order number with the ledger's tno is the transfer already made. */
  async send(
    config: ResolvedProviderConfig,
    mode: 'prepay' | 'fast',
    request: TransferRequest,
    callbackUrl: string,
  ): Promise<TransferSent> {
    const params = { ...storedTransferRequestSchema.parse(request), callback: callbackUrl };
    if (mode === 'prepay') {
      const call = await this.adapter.prepay(config, params);
      if (call.kind === 'ok')
        return { kind: 'ok', ref: call.content.payinfo.tno, walletPayment: walletPaymentOf(call.content.payinfo) };
      return notMade(call);
    }
    const call = await this.adapter.fastTransaction(config, params);
    if (call.kind === 'ok') return { kind: 'ok', ref: call.content.tno };
    return notMade(call);
  }

  confirm(config: ResolvedProviderConfig, ref: string): Promise<LedgerCall<unknown>> {
    return this.adapter.pay(config, ref);
  }

  cancel(config: ResolvedProviderConfig, ref: string): Promise<LedgerCall<unknown>> {
    return this.adapter.cancel(config, ref);
  }

  queryTransfer(config: ResolvedProviderConfig, ref: string): Promise<TransferQueryOutcome> {
    return this.adapter.queryTransfer(config, ref);
  }

  /** Where the ledger notifies us: a secret path only this platform's credentials give. */
  callbackPath(config: ResolvedProviderConfig): string {
    return callbackPathSecret(config);
  }
}

/** A transfer answer that is not a success, in our terms: 5.3's duplicate orderno with its tno is ours already. */
function notMade(call: Exclude<LedgerCall<unknown>, { kind: 'ok' }>): TransferSent {
  if (call.kind !== 'refused') return call;
  const repeatedOrder = call.code === CODES.DUPLICATE_ORDERNO;
  const tno = repeatedOrder ? (call.content as { tno?: unknown } | null)?.tno : undefined;
  if (typeof tno === 'string') return { kind: 'already_made', ref: tno };
  return { kind: 'refused', failure: call.failure, repeatedOrder };
}

/** Who owns an account at the ledger, as 5.3.5 list names it; undefined when it is not open there. */
function listOwner(
  config: ResolvedProviderConfig,
  account: LedgerAccountAt,
): Pick<ListParams, 'utype' | 'uno' | 'atid' | 'ano'> | undefined {
  const uno = account.owner === AccountOwnerKind.PLATFORM ? colourlifeCredentials(config).pno : account.ownerRef;
  if (!uno || !account.accountNo) return undefined;
  return { utype: USER_TYPE_OF[account.owner], uno, atid: account.typeRef, ano: account.accountNo };
}

function opened(accountNo: string | undefined, ownerRef: string, money: string) {
  if (!accountNo) return { kind: 'unknown' as const, reason: 'the opened account has no number' };
  return {
    kind: 'ok' as const,
    content: { accountNo: String(accountNo), ownerRef: String(ownerRef), balanceFen: yuanToFen(money) },
  };
}

function notOpen(): LedgerCall<StatementLine[]> {
  return { kind: 'not_sent', reason: 'the account is not open at the ledger' };
}
