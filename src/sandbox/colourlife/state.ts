import { createHash, randomBytes } from 'node:crypto';
import { type LedgerRole } from '../../providers/colourlife/matrix';
import { fenToYuan, yuanToFen } from '../../domain/money';
import { CODES, type ChannelType, type TransactionStatusCode } from '../../providers/colourlife/wire-types';
import type { SandboxClock } from '../clock';

/** The Colourlife sandbox's state: platforms, parties, accounts and transactions, and the wire checks every endpoint shares. */

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

export class LedgerError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly content: unknown = '',
  ) {
    super(message);
  }
}

export const STATUS_MESSAGES: Record<TransactionStatusCode, string> = {
  0: '未支付',
  1: '交易成功',
  2: '已取消',
  3: '交易失败',
  4: '已过期',
};

export const DEFAULT_TYPES: ReadonlyArray<{ type: ChannelType; name: string }> = [
  { type: 'fanpiao', name: '彩之云全国饭票' },
  { type: 'lfanpiao', name: '彩之云地方饭票' },
  { type: 'weixin', name: '彩之云微信支付' },
  { type: 'alipay', name: '彩之云支付宝' },
  { type: 'lhq', name: '双乾支付' },
];

/** Callback retries (our definition; the spec gives none): at once, then 15 s, 1 min, 5 min, 30 min, 2 h. */
export const COLOURLIFE_CALLBACK_DELAYS_MS = [0, 15_000, 60_000, 300_000, 1_800_000, 7_200_000];

export const id32 = () => randomBytes(16).toString('hex');
export const derive = (pno: string, what: string) =>
  createHash('sha256').update(`${pno}:${what}`).digest('hex').slice(0, 32);

/** Unix seconds on the sandbox clock. */
export function unixNow(clock: SandboxClock): number {
  return Math.floor(clock.now() / 1000);
}

export function yuanMap(map: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, fenToYuan(v)]));
}

/** 5.4.1 / 5.5.1's account fields, less the number (cano or bano). */
export function accountRecord(account: LedgerAccount) {
  return {
    money: fenToYuan(account.balanceFen),
    status: account.status,
    memo: account.memo,
    cannegative: account.cannegative ? 1 : 0,
  };
}

export function required(body: Record<string, string>, field: string, maxLength: number): string {
  const value = body[field];
  if (value === undefined || value === '') throw new LedgerError(CODES.BAD_PARAMS, `${field}不能为空`);
  if (value.length > maxLength) throw new LedgerError(CODES.BAD_PARAMS, `${field}过长`);
  return value;
}

export function optionalInt(body: Record<string, string>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,12}$/.test(value)) throw new LedgerError(CODES.BAD_PARAMS, `${field}必须是整数`);
  return Number(value);
}

/** `{"cash":10,"ticket":-5}`: sub-account name → change in yuan. */
export function subaccountChanges(value: string | undefined, field: string): Record<string, number> | undefined {
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
export const FAST_TRANSACTION_PARAMETERS = [
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

export const SPEC_PARAMETERS: Record<string, readonly string[]> = {
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

export function checkSpecParameters(path: string, body: Record<string, string>): void {
  const allowed = SPEC_PARAMETERS[path] ?? [];
  for (const name of Object.keys(body)) {
    if (name !== 'access_token' && !allowed.includes(name))
      throw new LedgerError(CODES.BAD_PARAMS, `接口未定义参数 ${name}`);
  }
}
