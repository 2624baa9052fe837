import type { AccountOwnerKind, AccountTypeKind, LedgerTransferKind } from '../domain/enums';
import type { LedgerAdapter } from './capabilities';
import type { ResolvedProviderConfig } from './config';
import type { VendorFailure } from './failures';

/**
 * The ledger capability as the ledger services know it: account types, accounts opened for
 * clients and bizs, their balances and statements, and transfers between them (prepay then
 * confirm, or fast), all in our terms: owners, account type kinds, fen, "active". The ledger's
 * own wire stays in its folder (today providers/colourlife).
 */

/** What one call came to. Transport failures are outcomes: each flow gives them its meaning. */
export type LedgerCall<T> =
  | { kind: 'ok'; content: T }
  /** The ledger answered with a code of its own: nothing happened. */
  | { kind: 'refused'; code: number; failure: VendorFailure; content: unknown }
  /** Sent, but no readable answer. */
  | { kind: 'unknown'; reason: string }
  /** The ledger could not be reached; nothing was sent. */
  | { kind: 'not_sent'; reason: string };

/** An account type of the platform, with the platform's own account of that type. */
export interface LedgerAccountType {
  kind: AccountTypeKind;
  name: string;
  /** The type's id at the ledger. */
  typeRef: string;
  /** The platform's own account of this type; accounts are opened under it. */
  platformAccountNo: string;
  iconUrl: string | null;
}

/** One of our accounts as the ledger knows it. */
export interface LedgerAccountAt {
  owner: AccountOwnerKind;
  /** The owner's number at the ledger; the platform's comes from the credentials. */
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
      /** An existing merchant's number, to open another account type for it. */
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

/** One line of an account's statement, as the ledger lists it. */
export interface StatementLine {
  /** The ledger's number of the transfer. */
  tno: string;
  payerAccountNo: string;
  payeeAccountNo: string;
  amountFen: number;
  occurredAt: Date;
  /** The ledger's own status code of the line (the list holds only successful transfers). */
  status: number;
  statusMessage: string;
}

/** A transfer in our terms. */
export interface TransferOrder {
  orderNo: string;
  amountFen: number;
  content: string;
  detail?: string;
  startsAt?: Date;
  expiresAt?: Date;
  /** Prepay only. */
  fixPayerAmount?: boolean;
  remoteIp?: string;
  payerSubaccounts?: Record<string, number>;
  payeeSubaccounts?: Record<string, number>;
}

/**
 * The ledger's request for a transfer, built by the ledger from our order and kept on the row
 * as first sent, so that a re-send is the same request. Opaque to the services.
 */
export type TransferRequest = Record<string, unknown>;

/** Whether the ledger's rules allow a transfer between two accounts. */
export type TransferVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * What a payer's app needs to pay a prepay from outside the ledger (WeChat Pay, Alipay, or the
 * Shuangqian gateway), read from the ledger's answer. A prepay paid from an account needs none.
 */
export type WalletPayment =
  | {
      wallet: 'WECHAT';
      partnerId: string;
      appId: string;
      prepayId: string;
      nonceStr: string;
      timestamp: string;
      packageValue: string;
      sign: string;
    }
  | { wallet: 'ALIPAY'; orderInfo: string }
  | { wallet: 'SHUANGQIAN'; merchantNo: string };

/** What sending a transfer came to. */
export type TransferSent =
  /** Accepted: the ledger's number (absent when the answer lacked it) and, for a prepay, what the payer's app needs. */
  | { kind: 'ok'; ref: string | undefined; walletPayment?: WalletPayment }
  /** Our order number was used by an earlier attempt of ours: that transfer is ours. */
  | { kind: 'already_made'; ref: string }
  /** Refused: nothing happened. `repeatedOrder` when the ledger only said the order number was used. */
  | { kind: 'refused'; failure: VendorFailure; repeatedOrder: boolean }
  | { kind: 'unknown'; reason: string }
  | { kind: 'not_sent'; reason: string };

export interface LedgerGateway extends LedgerAdapter {
  accountTypes(config: ResolvedProviderConfig): Promise<LedgerCall<{ types: LedgerAccountType[]; skipped: string[] }>>;
  open(
    config: ResolvedProviderConfig,
    request: OpenAccountRequest,
  ): Promise<LedgerCall<{ accountNo: string; ownerRef: string; balanceFen: number | undefined }>>;
  setActive(config: ResolvedProviderConfig, account: LedgerAccountAt, active: boolean): Promise<LedgerCall<unknown>>;
  state(config: ResolvedProviderConfig, account: LedgerAccountAt): Promise<LedgerCall<LedgerAccountState>>;
  statement(
    config: ResolvedProviderConfig,
    account: LedgerAccountAt,
    query: StatementQuery,
  ): Promise<LedgerCall<StatementLine[]>>;
  verdict(
    payer: Pick<LedgerAccountAt, 'owner' | 'kind' | 'typeRef'>,
    payee: Pick<LedgerAccountAt, 'owner' | 'kind' | 'typeRef'>,
  ): TransferVerdict;
  /** The request for a transfer between these accounts (no payer: money from outside the ledger). */
  transferRequest(
    mode: 'prepay' | 'fast',
    order: TransferOrder,
    payer: LedgerAccountAt | undefined,
    payee: LedgerAccountAt,
  ): TransferRequest;
  /** Sends a request made by transferRequest, with where the ledger is to notify us. */
  send(
    config: ResolvedProviderConfig,
    mode: 'prepay' | 'fast',
    request: TransferRequest,
    callbackUrl: string,
  ): Promise<TransferSent>;
  /** The platform confirms a prepay. */
  confirm(config: ResolvedProviderConfig, ref: string): Promise<LedgerCall<unknown>>;
  cancel(config: ResolvedProviderConfig, ref: string): Promise<LedgerCall<unknown>>;
  /** Our transfer by its order number on the account that paid it (or received it), without sending anything. */
  findByOrderNo(
    config: ResolvedProviderConfig,
    orderNo: string,
    account: LedgerAccountAt,
    paid: boolean,
    since: Date,
    request: TransferRequest | undefined,
  ): Promise<{ kind: 'found'; ref: string } | { kind: 'absent' } | Exclude<LedgerCall<never>, { kind: 'ok' }>>;
  /** The path under this platform's callback route where the ledger notifies us. */
  callbackPath(config: ResolvedProviderConfig): string;
}
