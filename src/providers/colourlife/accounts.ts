import { AccountOwnerKind, AccountTypeKind, type LedgerTransferKind } from '../../domain/enums';
import { yuanToFen } from '../../domain/money';
import type { ResolvedProviderConfig } from '../config';
import type { ColourlifeAdapter, LedgerCall, ListParams, PrepayParams } from './adapter';
import { colourlifeCredentials } from './credentials';
import { classify, type LedgerRole, type MatrixVerdict } from './matrix';
import type { StatementLine } from './schemas';
import { transferRequest, type TransferOrder } from './transfers';
import { transactionTypeOf } from './status-map';
import { CODES, USER_TYPES, type ChannelType } from './wire-types';

/**
 * The ledger's accounts and statements in our terms: the ledger service speaks of owners,
 * account type kinds, fen and "active"; the wire's channel names, user types, yuan strings and
 * status numbers stay here.
 */

const CHANNEL_KINDS: Record<ChannelType, AccountTypeKind> = {
  fanpiao: AccountTypeKind.FANPIAO,
  lfanpiao: AccountTypeKind.LOCAL_FANPIAO,
  weixin: AccountTypeKind.WEIXIN,
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
const THIRD_PARTY_KINDS: readonly AccountTypeKind[] = [AccountTypeKind.WEIXIN, AccountTypeKind.ALIPAY];
/** 5.4.4/5.5.4: an account's `status` 1 is usable; anything else is forbidden. */
const ACTIVE_STATUS = 1;

/** An account type of the platform, with the platform's own account of that type. */
export interface LedgerAccountType {
  kind: AccountTypeKind;
  name: string;
  /** The type's id at the ledger (atid). */
  typeRef: string;
  /** The platform's own account of this type (pano); accounts are opened under it. */
  platformAccountNo: string;
  iconUrl: string | null;
}

/** One of our accounts as the ledger knows it. */
export interface LedgerAccountAt {
  owner: AccountOwnerKind;
  /** The owner's number at the ledger (cno / bno); the platform's comes from the credentials. */
  ownerRef: string | null;
  kind: AccountTypeKind;
  typeRef: string;
  platformAccountNo: string;
  accountNo: string;
}

export type OpenAccountRequest = { platformAccountNo: string; canNegative: boolean; memo?: string } & (
  | { owner: AccountOwnerKind.CLIENT; mobile: string; name: string }
  | {
      owner: AccountOwnerKind.BIZ;
      /** An existing merchant's number, to open another account type for it (our extension). */
      ownerRef?: string;
      name: string;
      tel?: string;
      address?: string;
      website?: string;
    }
);

/** A balance the ledger reported: undefined when it was missing or unreadable, never 0 by default. */
export interface LedgerAccountState {
  balanceFen: number | undefined;
  active: boolean;
}

export interface StatementQuery {
  direction?: 'ALL' | 'PAID' | 'RECEIVED';
  transferKind?: LedgerTransferKind;
  from?: Date;
  to?: Date;
  skip: number;
  limit: number;
}

export class ColourlifeAccounts {
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
  findByOrderNo(
    config: ResolvedProviderConfig,
    orderNo: string,
    account: LedgerAccountAt,
    paid: boolean,
    since: Date,
    request: Pick<PrepayParams, 'money'> | undefined,
  ) {
    const owner = listOwner(config, account);
    if (!owner) return Promise.resolve({ kind: 'absent' as const });
    const search = {
      ...owner,
      ispay: paid ? (1 as const) : (2 as const),
      starttime: Math.floor(since.getTime() / 1000),
    };
    return this.adapter.findByOrderNo(config, orderNo, search, request?.money);
  }
}

/**
 * Whether 5.3.1's table allows a transfer between these accounts; for an exchange, which side's
 * amount is fixed follows from `exchange`.
 */
export function transferVerdict(
  payer: Pick<LedgerAccountAt, 'owner' | 'kind' | 'typeRef'>,
  payee: Pick<LedgerAccountAt, 'owner' | 'kind' | 'typeRef'>,
): MatrixVerdict {
  return classify(
    { role: ROLES[payer.owner], channel: KIND_CHANNELS[payer.kind] },
    { role: ROLES[payee.owner], channel: KIND_CHANNELS[payee.kind] },
    payer.typeRef === payee.typeRef,
  );
}

/** The request for a transfer between these accounts (no payer: a payment from outside the ledger). */
export function transferBetween(
  mode: 'prepay' | 'fast',
  order: TransferOrder,
  payer: LedgerAccountAt | undefined,
  payee: LedgerAccountAt,
): Omit<PrepayParams, 'callback'> {
  const side = (account: LedgerAccountAt) => ({
    atid: account.typeRef,
    accountNo: account.accountNo,
    thirdParty: THIRD_PARTY_KINDS.includes(account.kind),
  });
  return transferRequest(mode, order, payer && side(payer), side(payee));
}

/** The ledger's number of a transfer refused because its order number is already ours (a repeat). */
export function transferAlreadyMade(call: LedgerCall<unknown>): string | undefined {
  if (call.kind !== 'refused' || call.code !== CODES.DUPLICATE_ORDERNO) return undefined;
  const tno = (call.content as { tno?: unknown } | null)?.tno;
  return typeof tno === 'string' ? tno : undefined;
}

/** Whether a refusal is the ledger saying the order number was used (by our own earlier attempt). */
export function isRepeatedOrder(call: LedgerCall<unknown>): boolean {
  return call.kind === 'refused' && call.code === CODES.DUPLICATE_ORDERNO;
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
