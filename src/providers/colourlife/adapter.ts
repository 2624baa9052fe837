import { createHash } from 'node:crypto';
import { colourlifeCredentials } from './credentials';
import { Vendor } from '../../domain/enums';
import type { ResolvedProviderConfig } from '../config';
import { UnknownOutcomeError, VendorUnavailableError, type VendorHttpClient } from '../http-client';
import type { LedgerAdapter, TransferQueryOutcome } from '../capabilities';
import type { LedgerCall, StatementLine } from '../ledger';
import { yuanToFen } from '../../domain/money';
import { isKnownStatus, ledgerFailureReason, ledgerStatusOf, transferKindOf } from './status-map';
import {
  fastAnswerSchema,
  prepayAnswerSchema,
  statementSchema,
  transactionDetailSchema,
  type ParsedTransactionDetail,
} from './schemas';
import { AccessTokenCache } from './token-cache';
import {
  CODES,
  TRANSACTION_TYPES,
  type AccountDetail,
  type AccountRecord,
  type AccountTypeRecord,
  type BizRecord,
  type ClientRecord,
  type ColourlifeEnvelope,
} from './wire-types';

export type { LedgerCall } from '../ledger';

/**
 * 5.3.3 fasttransaction: exactly the parameters the spec lists, in wire form (yuan strings).
 * It has no remoteip, fixedorgmoney or sub-account changes: those exist only on prepay.
 */
export interface FastTransactionParams {
  money: string;
  orderno: string;
  content: string;
  orgtype: string;
  orgaccountno: string;
  desttype: string;
  destaccountno: string;
  detail?: string;
  starttime?: number;
  stoptime?: number;
  callback?: string;
}

/** 5.3.1 prepay: the fast transaction's parameters and the four only prepay defines. */
export interface PrepayParams extends FastTransactionParams {
  remoteip?: string;
  fixedorgmoney?: 0 | 1;
  /** JSON as the spec's example shows it: amounts in yuan as JSON numbers (subaccountsJson). */
  orgsubaccount?: string;
  destsubaccount?: string;
}

/** Either request, as sent: what a re-send repeats byte for byte. */
export type TransferParams = PrepayParams;

export interface ListParams {
  utype: 1 | 2 | 3;
  uno: string;
  atid?: string;
  ano?: string;
  starttime?: number;
  stoptime?: number;
  transtype?: number;
  ispay?: 0 | 1 | 2;
  skip?: number;
  limit?: number;
}

/**
 * The Colourlife finance platform: every endpoint of the spec, behind one call helper that
 * holds the access token (fetched from the auth micro-service, cached, refreshed before expiry,
 * and fetched again once when the vendor rejects it). Stateless apart from the token cache:
 * the ledger service persists.
 */
export class ColourlifeAdapter implements LedgerAdapter {
  readonly vendor = Vendor.COLOURLIFE;
  private readonly tokens: AccessTokenCache;

  constructor(
    private readonly http: VendorHttpClient,
    now: () => number = Date.now,
  ) {
    this.tokens = new AccessTokenCache(now);
  }

  listAccountTypes(config: ResolvedProviderConfig) {
    return this.call<{ list: AccountTypeRecord[] }>(config, '/account/listAccountType', { pno: pnoOf(config) });
  }

  openClientAccount(
    config: ResolvedProviderConfig,
    params: {
      pano: string;
      mobile: string;
      name: string;
      gender?: string;
      birthday?: string;
      memo?: string;
      cannegative: 0 | 1;
    },
  ) {
    return this.call<{ client: ClientRecord; account: AccountRecord }>(config, '/account/openClientAccount', params);
  }

  forbidClientAccount(config: ResolvedProviderConfig, pano: string, cano: string) {
    return this.call<unknown>(config, '/account/forbidClientAccount', { pano, cano });
  }

  recoverClientAccount(config: ResolvedProviderConfig, pano: string, cano: string) {
    return this.call<unknown>(config, '/account/recoverClientAccount', { pano, cano });
  }

  queryClientAccount(config: ResolvedProviderConfig, pano: string, cano: string) {
    return this.call<AccountDetail>(config, '/account/queryClientAccount', { pano, cano });
  }

  openBizAccount(
    config: ResolvedProviderConfig,
    params: {
      pano: string;
      /** Our extension: an existing merchant's bno, to open another account type for it. */
      bno?: string;
      name: string;
      tel?: string;
      address?: string;
      website?: string;
      memo?: string;
      cannegative: 0 | 1;
    },
  ) {
    return this.call<{ biz: BizRecord; account: AccountRecord }>(config, '/account/openBizAccount', params);
  }

  forbidBizAccount(config: ResolvedProviderConfig, pano: string, bano: string) {
    return this.call<unknown>(config, '/account/forbidBizAccount', { pano, bano });
  }

  recoverBizAccount(config: ResolvedProviderConfig, pano: string, bano: string) {
    return this.call<unknown>(config, '/account/recoverBizAccount', { pano, bano });
  }

  queryBizAccount(config: ResolvedProviderConfig, pano: string, bano: string) {
    return this.call<AccountDetail>(config, '/account/queryBizAccount', { pano, bano });
  }

  async prepay(
    config: ResolvedProviderConfig,
    params: PrepayParams,
  ): Promise<LedgerCall<{ payinfo: Record<string, unknown> & { tno: string } }>> {
    const call = await this.call<unknown>(config, '/transaction/prepay', params);
    if (call.kind !== 'ok') return call;
    const parsed = prepayAnswerSchema.safeParse(call.content);
    if (!parsed.success) return { kind: 'unknown', reason: `prepay answer: ${parsed.error.issues[0]?.message}` };
    return { kind: 'ok', content: parsed.data };
  }

  pay(config: ResolvedProviderConfig, tno: string) {
    return this.call<unknown>(config, '/transaction/pay', { tno });
  }

  async fastTransaction(
    config: ResolvedProviderConfig,
    params: FastTransactionParams,
  ): Promise<LedgerCall<{ tno: string }>> {
    // Only 5.3.3's parameters go out, whatever the caller's object carries.
    const spec: FastTransactionParams = {
      money: params.money,
      orderno: params.orderno,
      content: params.content,
      orgtype: params.orgtype,
      orgaccountno: params.orgaccountno,
      desttype: params.desttype,
      destaccountno: params.destaccountno,
      detail: params.detail,
      starttime: params.starttime,
      stoptime: params.stoptime,
      callback: params.callback,
    };
    const call = await this.call<unknown>(config, '/transaction/fasttransaction', spec);
    if (call.kind !== 'ok') return call;
    const parsed = fastAnswerSchema.safeParse(call.content);
    if (!parsed.success)
      return { kind: 'unknown' as const, reason: `fasttransaction answer: ${parsed.error.issues[0]?.message}` };
    return { kind: 'ok' as const, content: parsed.data };
  }

  cancel(config: ResolvedProviderConfig, tno: string) {
    return this.call<unknown>(config, '/transaction/cancel', { tno });
  }

  /** 5.3.5, parsed into statement lines (statementSchema): an answer that does not parse is an unknown outcome. */
  async list(config: ResolvedProviderConfig, params: ListParams): Promise<LedgerCall<StatementLine[]>> {
    const call = await this.call<unknown>(config, '/transaction/list', params);
    if (call.kind !== 'ok') return call;
    const parsed = statementSchema.safeParse(call.content ?? {});
    if (!parsed.success) return { kind: 'unknown', reason: `transaction/list: ${parsed.error.issues[0]?.message}` };
    return {
      kind: 'ok',
      content: parsed.data.list.map((line) => ({
        tno: line.tno,
        payerAccountNo: line.orgaccount,
        payeeAccountNo: line.destaccount,
        amountFen: line.money,
        occurredAt: line.modifiedtime,
        status: line.status,
        statusMessage: line.statusmsg,
      })),
    };
  }

  /** 5.3.6, its transaction parsed (transactionDetailSchema): one that does not parse is an unknown outcome. */
  async get(
    config: ResolvedProviderConfig,
    tno: string,
  ): Promise<LedgerCall<{ transaction: ParsedTransactionDetail }>> {
    const call = await this.call<{ transaction?: unknown }>(config, '/transaction/get', { tno });
    if (call.kind !== 'ok') return call;
    const parsed = transactionDetailSchema.safeParse(call.content?.transaction);
    if (!parsed.success) return { kind: 'unknown', reason: `transaction/get: ${parsed.error.issues[0]?.message}` };
    return { kind: 'ok', content: { transaction: parsed.data } };
  }

  /**
   * Finds our transaction by its orderno when its answer was lost, without sending it again:
   * the spec never says the ledger deduplicates on orderno. 5.3.5 list (successful transactions
   * of one account since `since`, newest first) names no orderno, so each entry of our amount is
   * read with 5.3.6 get until one carries our orderno. `found` is its tno; `absent` means no
   * successful transaction of ours on that account (an unpaid prepay is never listed).
   */
  async findByOrderNo(
    config: ResolvedProviderConfig,
    orderno: string,
    account: ListParams,
    money: string | undefined,
  ): Promise<{ kind: 'found'; tno: string } | { kind: 'absent' } | Exclude<LedgerCall<never>, { kind: 'ok' }>> {
    const listed = await this.list(config, { ...account, skip: 0, limit: 100 });
    if (listed.kind !== 'ok') return listed;
    for (const entry of listed.content) {
      if (money !== undefined && entry.amountFen !== yuanToFen(money)) continue;
      const detail = await this.get(config, entry.tno);
      if (detail.kind !== 'ok') return detail;
      if (detail.content.transaction.orderno === orderno) return { kind: 'found', tno: detail.content.transaction.tno };
    }
    return { kind: 'absent' };
  }

  /** 5.3.6 in our terms (the LEDGER capability): status mapped, amounts in fen. */
  async queryTransfer(config: ResolvedProviderConfig, tno: string): Promise<TransferQueryOutcome> {
    const call = await this.get(config, tno);
    if (call.kind === 'refused') return { kind: 'refused', failure: call.failure };
    if (call.kind === 'not_sent') return { kind: 'unreachable', reason: call.reason };
    if (call.kind === 'unknown') return { kind: 'unverifiable', reason: call.reason };
    const detail = call.content?.transaction;
    if (!detail || !isKnownStatus(detail.status)) {
      return { kind: 'unverifiable', reason: `unknown transaction status ${String(detail?.status)}` };
    }
    return {
      kind: 'found',
      status: ledgerStatusOf(detail.status),
      orderNo: detail.orderno,
      vendorRef: detail.tno,
      payerAmountFen: yuanToFen(detail.orgmoney),
      payeeAmountFen: yuanToFen(detail.destmoney),
      exchange: detail.transtype === TRANSACTION_TYPES.EXCHANGE,
      transferKind: transferKindOf(detail.transtype),
      detail: { status: detail.status, statusmsg: detail.statusmsg, transtype: detail.transtype },
    };
  }

  /** One form post with a valid access token; a rejected token is replaced and the call sent once more. */
  private async call<T>(config: ResolvedProviderConfig, path: string, params: object): Promise<LedgerCall<T>> {
    const key = tokenKey(config);
    // At most two attempts: the second only after the ledger rejected the first one's token.
    for (let attempt = 1; ; attempt += 1) {
      let token: string;
      try {
        token = await this.tokens.get(key, () => this.issueToken(config));
      } catch (error) {
        if (error instanceof TokenRefused) return error.outcome as LedgerCall<T>;
        throw error;
      }
      const answer = await this.post<T>(`${config.baseUrl}${path}`, { ...params, access_token: token });
      if (attempt === 2 || answer.kind !== 'refused' || answer.code !== CODES.TOKEN_INVALID) return answer;
      this.tokens.invalidate(key, token);
    }
  }

  /** The auth micro-service (5.1): account and password for a token; see the provider README. */
  private async issueToken(config: ResolvedProviderConfig) {
    const { authUrl, authAccount, authPassword } = colourlifeCredentials(config);
    const url = authUrl || `${config.baseUrl}/auth/token`;
    const answer = await this.post<{ access_token: string; expires_in: number }>(url, {
      account: authAccount,
      password: authPassword,
    });
    if (answer.kind !== 'ok' || typeof answer.content?.access_token !== 'string') {
      throw new TokenRefused(
        answer.kind === 'ok' ? { kind: 'unknown', reason: 'no access_token in the answer' } : answer,
      );
    }
    return { token: answer.content.access_token, expiresInSeconds: Number(answer.content.expires_in) || 0 };
  }

  private async post<T>(url: string, params: object): Promise<LedgerCall<T>> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null) body.set(name, String(value));
    }
    let response;
    try {
      response = await this.http.send({
        vendor: Vendor.COLOURLIFE,
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    } catch (error) {
      if (error instanceof VendorUnavailableError) return { kind: 'not_sent', reason: error.code };
      if (error instanceof UnknownOutcomeError) return { kind: 'unknown', reason: error.reason };
      throw error;
    }
    if (response.status >= 500) return { kind: 'unknown', reason: `HTTP ${response.status}` };
    let envelope: ColourlifeEnvelope<T>;
    try {
      envelope = JSON.parse(response.text()) as ColourlifeEnvelope<T>;
    } catch {
      return { kind: 'unknown', reason: 'the answer is not JSON' };
    }
    if (typeof envelope?.code !== 'number') return { kind: 'unknown', reason: 'the answer has no code' };
    if (envelope.code === CODES.OK) return { kind: 'ok', content: envelope.content };
    return {
      kind: 'refused',
      code: envelope.code,
      content: envelope.content,
      failure: {
        reason: ledgerFailureReason(envelope.code),
        vendorCode: String(envelope.code),
        message: String(envelope.message ?? ''),
      },
    };
  }
}

class TokenRefused extends Error {
  constructor(readonly outcome: LedgerCall<never>) {
    super('the auth service refused');
  }
}

function pnoOf(config: ResolvedProviderConfig): string {
  return colourlifeCredentials(config).pno;
}

/** Tokens are cached per platform and credential, so a changed password never reuses the old token. */
function tokenKey(config: ResolvedProviderConfig): string {
  const credential = createHash('sha256')
    .update(`${colourlifeCredentials(config).authAccount}\0${colourlifeCredentials(config).authPassword}`)
    .digest('hex');
  return `${pnoOf(config)}:${config.baseUrl}:${credential}`;
}
