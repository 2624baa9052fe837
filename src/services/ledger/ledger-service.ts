import { isFinished } from '../../domain/transitions';
import { backoffMs } from '../../util/backoff';
import { colourlifeCredentials } from '../../providers/colourlife';
import { In } from 'typeorm';
import { failpoint } from '../../util/failpoints';
import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { Database } from '../../db/database';
import {
  EntityKind,
  AccountOwnerKind,
  AccountTypeKind,
  EventSource,
  FailureReason,
  RecordStatus,
  TransactionKind,
  TransactionStatus,
  Vendor,
} from '../../domain/enums';
import { Account, AccountType, Biz, Client, Transaction } from '../../entities';
import { badUserInput, forbidden } from '../../errors/app-errors';
import type { JobOutcome, JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../logging/logger';
import {
  type ColourlifeAdapter,
  type LedgerCall,
  type ListParams,
  transferRequest,
  type LedgerSide,
  type PrepayParams,
  type StatementLine,
  type TransferOrder,
} from '../../providers/colourlife';
import { callbackPathSecret } from '../../providers/colourlife';
import { classify, type LedgerRole } from '../../providers/colourlife';
import { yuanToFen } from '../../domain/money';
import { CODES, USER_TYPES, type ChannelType } from '../../providers/colourlife';
import type { VendorFailure } from '../../providers/failures';
import { notConfigured, refusalOf, type VendorRefusal } from '../payments/vendor-refusal';
import type { IdempotencyService } from '../tenancy/idempotency-service';
import type { PartyService } from '../tenancy/party-service';
import { changeTransaction, insertTransaction, orderNoOf } from '../payments/payment-records';
import type { ResolvedProviderConfig } from '../tenancy/provider-config-service';
import { Capability, type ProviderRegistry, type TransferQueryOutcome } from '../../providers/capabilities';
import type { ScopedReads } from '../tenancy/scoped-reads';
import type { StatusWriter } from '../events/status-writer';

/** A vendor answer that is not a success (or a transfer the matrix refuses), for the resolvers. */
export type LedgerRefusal = Omit<VendorRefusal, 'error'> & {
  error: VendorRefusal['error'] | 'NOT_ALLOWED';
  transaction?: Transaction;
};

export type LedgerResult<T> = ({ ok: true } & T) | LedgerRefusal;

export const CHANNEL_KINDS: Record<ChannelType, AccountTypeKind> = {
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
/** Channels whose money arrives from outside the ledger: 5.3.1 names their payer orgtype 0. */
const THIRD_PARTY_KINDS: readonly AccountTypeKind[] = [AccountTypeKind.WEIXIN, AccountTypeKind.ALIPAY];

/** A transfer as the API asks for it: the ledger's order, and which of our accounts pay and are paid. */
export interface TransferInput extends Omit<TransferOrder, 'orderNo'> {
  idempotencyKey: string;
  payerAccountId?: string;
  /** A WeChat or Alipay payment into the ledger (4.1): no payer account. */
  externalPayer?: 'WEIXIN' | 'ALIPAY';
  payeeAccountId: string;
}

interface LedgerVendorData {
  mode: 'prepay' | 'fast';
  fixPayerAmount: boolean;
  transtype?: number;
  payinfo?: Record<string, unknown>;
  payerAmountFen?: number;
  payeeAmountFen?: number;
  failure?: VendorFailure | null;
  /** The request as first sent, without its callback. */
  request?: Omit<PrepayParams, 'callback'>;
}

/**
 * The Colourlife ledger: account types, opening and managing client and biz accounts, and
 * ledger transactions (prepay → pay, fast, cancel) mirrored locally. The local rows follow the
 * vendor: after every answer the transaction is re-read with transaction/get and its status
 * applied through the transitions table; a job does the same for outcomes left unknown.
 */
export class LedgerService {
  static readonly SYNC_JOB = 'ledger-sync';

  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly statusWriter: StatusWriter,
    private readonly idempotency: IdempotencyService,
    private readonly providers: ProviderRegistry,
    private readonly parties: PartyService,
    private readonly adapter: ColourlifeAdapter,
    private readonly jobs: JobQueue,
    private readonly publicUrl: () => string,
    private readonly retryDelayMs: () => number,
    private readonly logger: Logger,
  ) {}

  /** The platform's ledger vendor (routed by configuration) and its configuration. */
  private async config(platformId: string): Promise<ResolvedProviderConfig | undefined> {
    return this.providers.configOf(platformId, Capability.LEDGER);
  }

  private notConfigured(): LedgerRefusal {
    return notConfigured(Vendor.COLOURLIFE);
  }

  /** 5.3.7: the platform's account types, each with the platform's own account (pano). */
  async syncAccountTypes(scope: Scope): Promise<LedgerResult<{ accountTypes: AccountType[] }>> {
    const config = await this.config(scope.platformId);
    if (!config) return this.notConfigured();
    const call = await this.adapter.listAccountTypes(config);
    if (call.kind !== 'ok') return refusalOf(call);
    const accountTypes = await this.db.transaction(async (manager) => {
      const saved: AccountType[] = [];
      for (const record of call.content.list ?? []) {
        const kind = CHANNEL_KINDS[record.type as ChannelType];
        if (!kind) {
          this.logger.warn({ type: record.type }, 'colourlife account type of an unknown channel skipped');
          continue;
        }
        const existing = await manager.findOneBy(AccountType, {
          platformId: scope.platformId,
          vendor: Vendor.COLOURLIFE,
          vendorAtid: record.atid,
        });
        const row = Object.assign(existing ?? new AccountType(), {
          id: existing?.id ?? newId(),
          platformId: scope.platformId,
          vendor: Vendor.COLOURLIFE,
          kind,
          name: record.name,
          vendorAtid: record.atid,
          vendorPano: record.pano,
          iconUrl: record.iconurl || null,
        });
        await manager.save(AccountType, row);
        const platformAccount = await manager.findOneBy(Account, {
          platformId: scope.platformId,
          vendorRef: record.pano,
        });
        if (!platformAccount) {
          await manager.insert(Account, {
            id: newId(),
            platformId: scope.platformId,
            accountTypeId: row.id,
            ownerKind: AccountOwnerKind.PLATFORM,
            clientId: null,
            bizId: null,
            vendorRef: record.pano,
            balanceFen: 0,
            canNegative: true,
            status: RecordStatus.ACTIVE,
          } as never);
        }
        saved.push(row);
      }
      return saved;
    });
    return { ok: true, accountTypes };
  }

  /** 5.4.1 / 5.5.1: a ledger account of one type for a client (by mobile) or a biz. */
  async openAccount(
    scope: Scope,
    input: { clientId?: string; bizId?: string; accountTypeId: string; canNegative: boolean; memo?: string },
  ): Promise<LedgerResult<{ account: Account }>> {
    if (Boolean(input.clientId) === Boolean(input.bizId))
      throw badUserInput('give exactly one of clientId and bizId', 'clientId');
    const accountType = await this.reads.get('AccountType', scope, input.accountTypeId);
    if (accountType.vendor !== Vendor.COLOURLIFE || !accountType.vendorPano) {
      throw badUserInput('the account type is not a Colourlife one; run syncAccountTypes', 'accountTypeId');
    }
    const owner = input.clientId
      ? { kind: AccountOwnerKind.CLIENT, row: await this.reads.get('Client', scope, input.clientId) }
      : { kind: AccountOwnerKind.BIZ, row: await this.reads.get('Biz', scope, input.bizId as string) };
    const existing = await this.db.manager.findOneBy(Account, {
      platformId: scope.platformId,
      accountTypeId: accountType.id,
      ...(owner.kind === AccountOwnerKind.CLIENT ? { clientId: owner.row.id } : { bizId: owner.row.id }),
    });
    if (existing) return { ok: true, account: existing };
    const config = await this.config(scope.platformId);
    if (!config) return this.notConfigured();
    const cannegative = input.canNegative ? 1 : 0;
    let vendorAccountNo: string;
    let ownerNo: string;
    let balance: string;
    if (owner.kind === AccountOwnerKind.CLIENT) {
      const client = owner.row as Client;
      const mobile = this.parties.clientMobile(client);
      if (!mobile) throw badUserInput('the client has no mobile number, which Colourlife requires', 'clientId');
      const call = await this.adapter.openClientAccount(config, {
        pano: accountType.vendorPano,
        mobile,
        name: this.parties.clientName(client),
        memo: input.memo,
        cannegative,
      });
      if (call.kind !== 'ok') return refusalOf(call);
      vendorAccountNo = String(call.content.account.cano);
      ownerNo = String(call.content.client.cno);
      balance = String(call.content.account.money);
    } else {
      const biz = owner.row as Biz;
      const call = await this.adapter.openBizAccount(config, {
        pano: accountType.vendorPano,
        bno: biz.vendorRef ?? undefined,
        name: biz.name,
        tel: biz.tel ?? undefined,
        address: biz.address ?? undefined,
        website: biz.website ?? undefined,
        memo: input.memo,
        cannegative,
      });
      if (call.kind !== 'ok') return refusalOf(call);
      vendorAccountNo = String(call.content.account.bano);
      ownerNo = String(call.content.biz.bno);
      balance = String(call.content.account.money);
    }
    const account = await this.db.transaction(async (manager) => {
      const row = Object.assign(new Account(), {
        id: newId(),
        platformId: scope.platformId,
        accountTypeId: accountType.id,
        ownerKind: owner.kind,
        clientId: owner.kind === AccountOwnerKind.CLIENT ? owner.row.id : null,
        bizId: owner.kind === AccountOwnerKind.BIZ ? owner.row.id : null,
        vendorRef: vendorAccountNo,
        balanceFen: yuanToFen(balance) ?? 0,
        canNegative: input.canNegative,
        status: RecordStatus.ACTIVE,
      });
      await manager.save(Account, row);
      const target = owner.kind === AccountOwnerKind.CLIENT ? Client : Biz;
      if (!owner.row.vendorRef) await manager.update(target, { id: owner.row.id }, { vendorRef: ownerNo } as never);
      return row;
    });
    return { ok: true, account };
  }

  /** 5.4.2/5.4.3/5.5.2/5.5.3: forbid or recover. */
  async setAccountStatus(
    scope: Scope,
    accountId: string,
    status: RecordStatus,
  ): Promise<LedgerResult<{ account: Account }>> {
    const { account, accountType, config } = await this.vendorAccount(scope, accountId);
    if (!config) return this.notConfigured();
    const pano = accountType.vendorPano as string;
    const ano = account.vendorRef as string;
    const forbid = status === RecordStatus.FORBIDDEN;
    const call =
      account.ownerKind === AccountOwnerKind.CLIENT
        ? forbid
          ? await this.adapter.forbidClientAccount(config, pano, ano)
          : await this.adapter.recoverClientAccount(config, pano, ano)
        : forbid
          ? await this.adapter.forbidBizAccount(config, pano, ano)
          : await this.adapter.recoverBizAccount(config, pano, ano);
    if (call.kind !== 'ok') return refusalOf(call);
    await this.db.transaction((manager) => manager.update(Account, { id: account.id }, { status }));
    return { ok: true, account: await this.reads.get('Account', scope, accountId) };
  }

  /** 5.4.4 / 5.5.4: the vendor's balance and status, mirrored. */
  async refreshAccount(scope: Scope, accountId: string): Promise<LedgerResult<{ account: Account }>> {
    const { account, accountType, config } = await this.vendorAccount(scope, accountId, true);
    if (!config) return this.notConfigured();
    const result = await this.queryBalance(config, account, accountType);
    if (result !== true) return result;
    return { ok: true, account: await this.reads.get('Account', scope, accountId) };
  }

  private async queryBalance(
    config: ResolvedProviderConfig,
    account: Account,
    accountType: AccountType,
  ): Promise<true | LedgerRefusal> {
    if (account.ownerKind === AccountOwnerKind.PLATFORM) return true;
    const pano = accountType.vendorPano as string;
    const ano = account.vendorRef as string;
    const call =
      account.ownerKind === AccountOwnerKind.CLIENT
        ? await this.adapter.queryClientAccount(config, pano, ano)
        : await this.adapter.queryBizAccount(config, pano, ano);
    if (call.kind !== 'ok') return refusalOf(call);
    const balanceFen = yuanToFen(call.content.money);
    if (balanceFen === undefined)
      return { ok: false, error: 'OUTCOME_UNKNOWN', failure: null, message: 'unreadable balance' };
    await this.db.transaction((manager) =>
      manager.update(
        Account,
        { id: account.id },
        {
          balanceFen,
          status: Number(call.content.status) === 1 ? RecordStatus.ACTIVE : RecordStatus.FORBIDDEN,
        },
      ),
    );
    return true;
  }

  private async vendorAccount(scope: Scope, accountId: string, clientMayRead = false) {
    if (scope.clientId && !clientMayRead) throw forbidden();
    const account = await this.reads.get('Account', scope, accountId);
    const accountType = await this.reads.get('AccountType', { platformId: scope.platformId }, account.accountTypeId);
    if (!account.vendorRef || !accountType.vendorPano)
      throw badUserInput('not a Colourlife ledger account', 'accountId');
    if (account.ownerKind === AccountOwnerKind.PLATFORM && !clientMayRead) {
      throw badUserInput("the platform's own accounts cannot be forbidden or recovered", 'accountId');
    }
    return { account, accountType, config: await this.config(scope.platformId) };
  }

  /**
   * 5.3.1 prepay (mode 'prepay') or 5.3.3 fasttransaction (mode 'fast'). The local row and its
   * order number are committed before the call; a timeout is resolved by sending the same
   * orderno again, which the ledger answers with the transaction it already made.
   */
  async transfer(
    scope: Scope,
    mode: 'prepay' | 'fast',
    input: TransferInput,
  ): Promise<LedgerResult<{ transaction: Transaction; replayed: boolean }>> {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0)
      throw badUserInput('amountFen must be a positive whole number of fen', 'amountFen');
    if (scope.clientId && mode === 'fast')
      throw forbidden(
        'a client token cannot move money without the platform confirming it; use createLedgerTransaction',
      );
    if (Boolean(input.payerAccountId) === Boolean(input.externalPayer)) {
      throw badUserInput('give exactly one of payerAccountId and externalPayer', 'payerAccountId');
    }
    if (mode === 'fast' && input.externalPayer)
      throw badUserInput('fast transactions cannot be paid by WeChat or Alipay', 'externalPayer');
    if (mode === 'fast') {
      // 5.3.3 defines none of these: sent anyway, a ledger that ignores them would do something
      // else than asked (an exchange's fixed side decides which amount is ours).
      for (const field of ['fixPayerAmount', 'remoteIp', 'payerSubaccounts', 'payeeSubaccounts'] as const) {
        if (input[field] !== undefined && input[field] !== false)
          throw badUserInput(
            `${field} is only for createLedgerTransaction (prepay, then confirm): the fast transaction has no such parameter`,
            field,
          );
      }
    }
    const platformScope = { platformId: scope.platformId };
    const payee = await this.reads.get('Account', platformScope, input.payeeAccountId);
    const payeeType = await this.reads.get('AccountType', platformScope, payee.accountTypeId);
    // A client token moves money only out of its own accounts.
    const payer = input.payerAccountId ? await this.reads.get('Account', scope, input.payerAccountId) : undefined;
    if (scope.clientId && payer && payer.clientId !== scope.clientId) throw forbidden();
    const payerType = payer ? await this.reads.get('AccountType', platformScope, payer.accountTypeId) : undefined;
    for (const [account, type, field] of [
      [payer, payerType, 'payerAccountId'],
      [payee, payeeType, 'payeeAccountId'],
    ] as const) {
      if (account && (!account.vendorRef || type?.vendor !== Vendor.COLOURLIFE))
        throw badUserInput('not a Colourlife ledger account', field);
    }
    if (payer && payerType) {
      const verdict = classify(
        { role: ROLES[payer.ownerKind], channel: KIND_CHANNELS[payerType.kind] },
        { role: ROLES[payee.ownerKind], channel: KIND_CHANNELS[payeeType.kind] },
        payerType.id === payeeType.id,
      );
      if (!verdict.allowed) {
        return {
          ok: false,
          error: 'NOT_ALLOWED',
          failure: { reason: FailureReason.TRANSFER_NOT_ALLOWED, vendorCode: '', message: verdict.reason },
          message: verdict.reason,
        };
      }
      if ([AccountTypeKind.WEIXIN, AccountTypeKind.ALIPAY].includes(payerType.kind) && mode === 'fast') {
        throw badUserInput('WeChat and Alipay accounts cannot pay by fast transaction', 'payerAccountId');
      }
    } else {
      const expected = input.externalPayer === 'WEIXIN' ? AccountTypeKind.WEIXIN : AccountTypeKind.ALIPAY;
      if (payeeType.kind !== expected) {
        throw badUserInput(`a ${input.externalPayer} payment goes into an account of that channel`, 'payeeAccountId');
      }
    }
    const config = await this.config(scope.platformId);
    if (!config) return this.notConfigured();
    const clientId = payer?.clientId ?? payee.clientId ?? null;
    const bizId = payee.bizId ?? payer?.bizId ?? null;
    let refusedNow: LedgerRefusal | undefined;
    const { replayed, result } = await this.idempotency.run(
      scope.platformId,
      input.idempotencyKey,
      mode === 'prepay' ? 'createLedgerTransaction' : 'fastLedgerTransaction',
      input,
      async (bind) => {
        const id = newId();
        const request = this.transferParams(mode, orderNoOf(id), input, payer, payerType, payee, payeeType);
        // Kept as sent, so a re-send is the same request (only the callback is derived again).
        const vendorData: LedgerVendorData = { mode, fixPayerAmount: input.fixPayerAmount ?? false, request };
        const { event } = await this.db.transaction(async (manager) => {
          await bind(manager, { kind: 'Transaction', id });
          return insertTransaction(manager, this.statusWriter, {
            id,
            platformId: scope.platformId,
            vendor: Vendor.COLOURLIFE,
            kind: TransactionKind.LEDGER,
            payerAccountId: payer?.id ?? null,
            payeeAccountId: payee.id,
            clientId,
            bizId,
            amountFen: input.amountFen,
            status: TransactionStatus.PENDING,
            orderNo: orderNoOf(id),
            description: input.content,
            vendorData: vendorData as unknown as Record<string, unknown>,
            detail: { mode },
          });
        });
        this.statusWriter.publish(event);
        await this.db.durable();
        const params = { ...request, callback: this.callbackUrl(config, scope.platformId) };
        const call =
          mode === 'prepay'
            ? await this.adapter.prepay(config, params)
            : await this.adapter.fastTransaction(config, params);
        failpoint('ledger.after-create-call');
        await this.afterCreate(config, id, scope.platformId, mode, call, EventSource.API);
        if (call.kind === 'refused' && call.code !== CODES.DUPLICATE_ORDERNO) refusedNow = refusalOf(call);
        if (call.kind === 'not_sent') refusedNow = refusalOf(call);
        return { kind: 'Transaction', id };
      },
    );
    const transaction = await this.reads.get('Transaction', scope, result.id);
    // The first answer says why; a replay shows the transaction (FAILED, with its failure).
    if (refusedNow) return { ...refusedNow, transaction };
    return { ok: true, transaction, replayed };
  }

  /** The ledger's request for a transfer between these accounts (the Colourlife provider builds it). */
  private transferParams(
    mode: 'prepay' | 'fast',
    orderNo: string,
    input: TransferInput,
    payer: Account | undefined,
    payerType: AccountType | undefined,
    payee: Account,
    payeeType: AccountType,
  ): Omit<PrepayParams, 'callback'> {
    const side = (account: Account, type: AccountType): LedgerSide => ({
      atid: type.vendorAtid,
      accountNo: account.vendorRef as string,
      thirdParty: THIRD_PARTY_KINDS.includes(type.kind),
    });
    return transferRequest(
      mode,
      { ...input, orderNo },
      payer && payerType ? side(payer, payerType) : undefined,
      side(payee, payeeType),
    );
  }

  private callbackUrl(config: ResolvedProviderConfig, platformId: string): string {
    return `${this.publicUrl()}/callbacks/colourlife/${platformId}/${callbackPathSecret(config)}`;
  }

  /** What a prepay or fast answer means for the local row. */
  private async afterCreate(
    config: ResolvedProviderConfig,
    id: string,
    platformId: string,
    mode: 'prepay' | 'fast',
    call: LedgerCall<{ payinfo?: Record<string, unknown> & { tno: string }; tno?: string }>,
    source: EventSource,
  ): Promise<void> {
    const ref = { id, platformId };
    if (call.kind === 'ok') {
      const tno = mode === 'prepay' ? call.content.payinfo?.tno : call.content.tno;
      if (!tno) {
        await changeTransaction(this.statusWriter, ref, TransactionStatus.NEEDS_ATTENTION, source, {
          step: mode,
          result: 'no tno in the answer',
        });
        return;
      }
      await changeTransaction(
        this.statusWriter,
        ref,
        TransactionStatus.PROCESSING,
        source,
        { step: mode },
        {
          vendorRef: tno,
          vendorData: mode === 'prepay' ? { payinfo: call.content.payinfo } : {},
        },
      );
      if (mode === 'fast') await this.syncByTno(config, ref, tno, source);
      return;
    }
    if (call.kind === 'refused' && call.code === CODES.DUPLICATE_ORDERNO) {
      // Our orderno was already used: by our own earlier attempt. Adopt that transaction.
      const tno = (call.content as { tno?: unknown } | null)?.tno;
      if (typeof tno === 'string') {
        await changeTransaction(
          this.statusWriter,
          ref,
          TransactionStatus.PROCESSING,
          source,
          { step: mode, result: 'adopted' },
          { vendorRef: tno },
        );
        await this.syncByTno(config, ref, tno, source);
        return;
      }
    }
    if (call.kind === 'refused' || call.kind === 'not_sent') {
      const failure =
        call.kind === 'refused'
          ? call.failure
          : { reason: FailureReason.VENDOR_UNREACHABLE, vendorCode: call.reason, message: 'nothing was sent' };
      await changeTransaction(
        this.statusWriter,
        ref,
        TransactionStatus.FAILED,
        source,
        { step: mode, reason: failure.reason, vendorCode: failure.vendorCode },
        {
          vendorData: { failure },
        },
      );
      return;
    }
    await changeTransaction(this.statusWriter, ref, TransactionStatus.NEEDS_ATTENTION, source, {
      step: mode,
      result: call.reason,
    });
    await this.scheduleSync(ref);
  }

  /** 5.3.2 pay: the platform's server confirms a prepay after its own checks (4.2). */
  async confirm(
    scope: Scope,
    input: { idempotencyKey: string; id: string },
  ): Promise<LedgerResult<{ transaction: Transaction; replayed: boolean }>> {
    if (scope.clientId)
      throw forbidden('only the platform server confirms a ledger transaction (after its own checks)');
    return this.onPrepaid(scope, input, 'confirmLedgerTransaction', (config, tno) => this.adapter.pay(config, tno));
  }

  /** 5.3.4 cancel: only an unpaid transaction. A client may cancel its own. */
  async cancel(
    scope: Scope,
    input: { idempotencyKey: string; id: string },
  ): Promise<LedgerResult<{ transaction: Transaction; replayed: boolean }>> {
    return this.onPrepaid(scope, input, 'cancelLedgerTransaction', (config, tno) => this.adapter.cancel(config, tno));
  }

  private async onPrepaid(
    scope: Scope,
    input: { idempotencyKey: string; id: string },
    operation: string,
    send: (config: ResolvedProviderConfig, tno: string) => Promise<LedgerCall<unknown>>,
  ): Promise<LedgerResult<{ transaction: Transaction; replayed: boolean }>> {
    const transaction = await this.reads.get('Transaction', scope, input.id);
    if (transaction.vendor !== Vendor.COLOURLIFE || transaction.kind !== TransactionKind.LEDGER) {
      throw badUserInput('not a ledger transaction', 'id');
    }
    if (!transaction.vendorRef)
      throw badUserInput('the ledger has not issued this transaction yet; sync it first', 'id');
    const config = await this.config(scope.platformId);
    if (!config) return this.notConfigured();
    let vendorAnswer: LedgerRefusal | undefined;
    const { replayed } = await this.idempotency.run(
      scope.platformId,
      input.idempotencyKey,
      operation,
      { id: input.id },
      async () => {
        const call = await send(config, transaction.vendorRef as string);
        if (call.kind === 'unknown') {
          await changeTransaction(this.statusWriter, transaction, TransactionStatus.NEEDS_ATTENTION, EventSource.API, {
            step: operation,
            result: call.reason,
          });
          await this.scheduleSync(transaction);
        } else {
          // Whatever the answer, the ledger's own record of the transaction decides its status.
          await this.syncByTno(config, transaction, transaction.vendorRef as string, EventSource.API);
        }
        if (call.kind !== 'ok') vendorAnswer = refusalOf(call);
        return { kind: 'Transaction', id: transaction.id };
      },
    );
    const current = await this.reads.get('Transaction', scope, input.id);
    if (vendorAnswer) return { ...vendorAnswer, transaction: current };
    return { ok: true, transaction: current, replayed };
  }

  /** 5.3.6 get, applied. Without a tno (a prepay that timed out), the same orderno is sent again. */
  async sync(scope: Scope, id: string): Promise<LedgerResult<{ transaction: Transaction; replayed: boolean }>> {
    const transaction = await this.reads.get('Transaction', scope, id);
    if (transaction.vendor !== Vendor.COLOURLIFE) throw badUserInput('not a ledger transaction', 'id');
    const config = await this.config(scope.platformId);
    if (!config) return this.notConfigured();
    const outcome = await this.resolve(config, transaction, EventSource.POLL);
    const current = await this.reads.get('Transaction', scope, id);
    if (outcome !== true) return { ...outcome, transaction: current };
    return { ok: true, transaction: current, replayed: false };
  }

  /** The sync job: until the ledger gives a definite answer. */
  async syncJob(data: Record<string, unknown>, attempt: number): Promise<JobOutcome> {
    const platformId = String(data.platformId);
    const transaction = (await this.reads.findByIds('Transaction', { platformId }, [String(data.transactionId)])).get(
      String(data.transactionId),
    );
    if (
      !transaction ||
      isFinished(EntityKind.TRANSACTION, transaction.status) ||
      transaction.status === TransactionStatus.PROCESSING
    )
      return { done: true };
    if (Date.now() - transaction.createdAt.getTime() > 24 * 3_600_000) return { done: true };
    const config = await this.config(platformId);
    if (config) await this.resolve(config, transaction, EventSource.POLL);
    const now = (await this.reads.findByIds('Transaction', { platformId }, [transaction.id])).get(transaction.id);
    if (!now || now.status !== TransactionStatus.NEEDS_ATTENTION) return { done: true };
    return { done: false, retryInMs: backoffMs(attempt, this.retryDelayMs()) };
  }

  /** On start: every transfer whose outcome is unknown, or left PENDING by a crash between the ledger call and its commit. */
  async rescheduleUnresolved(): Promise<number> {
    const open = await this.db.manager.findBy(Transaction, {
      vendor: Vendor.COLOURLIFE,
      status: In([TransactionStatus.NEEDS_ATTENTION, TransactionStatus.PENDING]),
    });
    for (const transaction of open) await this.scheduleSync(transaction);
    return open.length;
  }

  /**
   * Settles a transaction whose answer was lost. With its tno, it is read (get). Without one,
   * it is looked for before anything is sent again, because the spec never says the ledger
   * deduplicates on orderno: a fast transaction or a paid prepay is found in the list of its
   * account. A prepay not found (unpaid ones are never listed) is sent again byte for byte as
   * first sent, so a ledger that deduplicates answers with the same tno and one that does not
   * holds a second unpaid prepay that nobody pays. A fast transaction not found is never sent
   * again (money could move twice): it stays NEEDS_ATTENTION for the sync job and a person.
   */
  private async resolve(
    config: ResolvedProviderConfig,
    transaction: Transaction,
    source: EventSource,
  ): Promise<true | LedgerRefusal> {
    if (transaction.vendorRef) return this.syncByTno(config, transaction, transaction.vendorRef, source);
    const data = transaction.vendorData as unknown as LedgerVendorData;
    const search = await this.searchParams(config, transaction);
    const found = search
      ? await this.adapter.findByOrderNo(config, transaction.orderNo, search, data.request?.money)
      : ({ kind: 'absent' } as const);
    if (found.kind === 'found') {
      await changeTransaction(
        this.statusWriter,
        transaction,
        TransactionStatus.PROCESSING,
        source,
        { step: 'list', result: 'found by orderno' },
        { vendorRef: found.tno },
      );
      return this.syncByTno(config, transaction, found.tno, source);
    }
    if (found.kind !== 'absent') return refusalOf(found);
    if (data.mode === 'fast' || !data.request) {
      await changeTransaction(this.statusWriter, transaction, TransactionStatus.NEEDS_ATTENTION, source, {
        step: 'list',
        result: 'not found at the ledger; not sent again (money could move twice)',
      });
      return true;
    }
    const call = await this.adapter.prepay(config, {
      ...data.request,
      callback: this.callbackUrl(config, transaction.platformId),
    });
    await this.afterCreate(config, transaction.id, transaction.platformId, data.mode, call, source);
    return call.kind === 'ok' || (call.kind === 'refused' && call.code === CODES.DUPLICATE_ORDERNO)
      ? true
      : refusalOf(call);
  }

  /** The list (5.3.5) a transaction of ours would be in: its payer's account, or the payee's for a payment from WeChat or Alipay. */
  private async searchParams(
    config: ResolvedProviderConfig,
    transaction: Transaction,
  ): Promise<ListParams | undefined> {
    const accountId = transaction.payerAccountId ?? transaction.payeeAccountId;
    if (!accountId) return undefined;
    const account = await this.db.manager.findOneByOrFail(Account, { id: accountId });
    const accountType = await this.db.manager.findOneByOrFail(AccountType, { id: account.accountTypeId });
    const owner = await this.listOwner(config, { platformId: transaction.platformId }, account, accountType);
    if (!owner) return undefined;
    const since = Math.floor(transaction.createdAt.getTime() / 1000) - 600;
    return { ...owner, ispay: transaction.payerAccountId ? 1 : 2, starttime: since };
  }

  /** Who owns an account at the ledger, as 5.3.5 list names it; undefined when it is not open there. */
  private async listOwner(
    config: ResolvedProviderConfig,
    scope: Scope,
    account: Account,
    accountType: AccountType,
  ): Promise<Pick<ListParams, 'utype' | 'uno' | 'atid' | 'ano'> | undefined> {
    let utype: 1 | 2 | 3;
    let uno: string | null;
    if (account.ownerKind === AccountOwnerKind.PLATFORM) {
      utype = USER_TYPES.PLATFORM;
      uno = colourlifeCredentials(config).pno;
    } else if (account.ownerKind === AccountOwnerKind.BIZ) {
      utype = USER_TYPES.BIZ;
      uno = (await this.reads.get('Biz', { platformId: scope.platformId }, account.bizId as string)).vendorRef;
    } else {
      utype = USER_TYPES.CLIENT;
      uno = (await this.reads.get('Client', scope, account.clientId as string)).vendorRef;
    }
    if (!uno || !account.vendorRef) return undefined;
    return { utype, uno, atid: accountType.vendorAtid, ano: account.vendorRef };
  }

  /** Reads the ledger's record (the LEDGER capability) and applies it; the amount is checked against ours. */
  private async syncByTno(
    config: ResolvedProviderConfig,
    transaction: { id: string; platformId: string },
    tno: string,
    source: EventSource,
  ): Promise<true | LedgerRefusal> {
    const adapter = this.providers.adapter(Capability.LEDGER, Vendor.COLOURLIFE);
    if (!adapter) throw new Error('no ledger adapter');
    const outcome = await adapter.queryTransfer(config, tno);
    if (outcome.kind !== 'found') return refusalOf(outcome);
    await this.applyFound(config, transaction, outcome, source);
    return true;
  }

  private async applyFound(
    config: ResolvedProviderConfig,
    ref: { id: string; platformId: string },
    found: Extract<TransferQueryOutcome, { kind: 'found' }>,
    source: EventSource,
  ): Promise<void> {
    const row = await this.db.manager.findOneByOrFail(Transaction, { id: ref.id });
    const data = row.vendorData as unknown as LedgerVendorData;
    // Our amount is the payer's when it was fixed for an exchange, the payee's otherwise.
    const theirs = found.exchange && data.fixPayerAmount ? found.payerAmountFen : found.payeeAmountFen;
    const detail = {
      step: 'get',
      ...found.detail,
      payerFen: found.payerAmountFen ?? null,
      payeeFen: found.payeeAmountFen ?? null,
    };
    const vendorData = {
      transtype: found.detail.transtype,
      payerAmountFen: found.payerAmountFen,
      payeeAmountFen: found.payeeAmountFen,
    };
    const patch = { vendorRef: found.vendorRef, vendorData };
    await changeTransaction(this.statusWriter, ref, found.status, source, detail, patch, { amount: theirs });
    if (found.status === TransactionStatus.SUCCEEDED) await this.refreshParties(config, row);
  }

  /** Mirrors the balances of both sides after money moved (best effort; syncLedgerAccount repeats it). */
  private async refreshParties(config: ResolvedProviderConfig, row: Transaction): Promise<void> {
    for (const accountId of [row.payerAccountId, row.payeeAccountId]) {
      if (!accountId) continue;
      const account = await this.db.manager.findOneBy(Account, { id: accountId });
      if (!account) continue;
      const accountType = await this.db.manager.findOneByOrFail(AccountType, { id: account.accountTypeId });
      const result = await this.queryBalance(config, account, accountType);
      if (result !== true) this.logger.warn({ accountId, error: result.error }, 'balance refresh failed');
    }
  }

  /** 5.3.5 list, live from the ledger: only successful transactions, newest first. */
  async statement(
    scope: Scope,
    input: {
      accountId: string;
      direction?: 'ALL' | 'PAID' | 'RECEIVED';
      transtype?: number;
      from?: Date;
      to?: Date;
      skip?: number;
      limit?: number;
    },
  ): Promise<
    LedgerResult<{
      entries: Array<
        StatementLine & {
          direction: 'PAID' | 'RECEIVED';
          /** The other side's account number at the ledger, and our account of it if we know it. */
          counterpartyAccountNo: string;
          counterpartyAccountId: string | null;
        }
      >;
    }>
  > {
    const account = await this.reads.get('Account', scope, input.accountId);
    const accountType = await this.reads.get('AccountType', { platformId: scope.platformId }, account.accountTypeId);
    const config = await this.config(scope.platformId);
    if (!config) return this.notConfigured();
    const owner = await this.listOwner(config, scope, account, accountType);
    if (!owner) throw badUserInput('the account is not open at the ledger', 'accountId');
    const { utype, uno } = owner;
    const limit = input.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badUserInput('limit is 1 to 100', 'limit');
    const call = await this.adapter.list(config, {
      utype,
      uno,
      atid: owner.atid,
      ano: owner.ano,
      starttime: input.from ? Math.floor(input.from.getTime() / 1000) : undefined,
      stoptime: input.to ? Math.floor(input.to.getTime() / 1000) : undefined,
      transtype: input.transtype,
      ispay: input.direction === 'PAID' ? 1 : input.direction === 'RECEIVED' ? 2 : 0,
      skip: input.skip ?? 0,
      limit,
    });
    if (call.kind !== 'ok') return refusalOf(call);
    const refs = [...new Set(call.content.flatMap((line) => [line.payerAccountNo, line.payeeAccountNo]))];
    const locals = refs.length
      ? await this.db.manager
          .getRepository(Account)
          .createQueryBuilder('a')
          .where('a.platformId = :platformId AND a.vendorRef IN (:...refs)', { platformId: scope.platformId, refs })
          .getMany()
      : [];
    const localAccountIds = new Map(locals.map((local) => [local.vendorRef as string, local.id]));
    return {
      ok: true,
      entries: call.content.map((line) => {
        const paid = line.payerAccountNo === account.vendorRef;
        const counterpartyAccountNo = paid ? line.payeeAccountNo : line.payerAccountNo;
        return {
          ...line,
          direction: paid ? ('PAID' as const) : ('RECEIVED' as const),
          counterpartyAccountNo,
          counterpartyAccountId: localAccountIds.get(counterpartyAccountNo) ?? null,
        };
      }),
    };
  }

  private scheduleSync(transaction: { id: string; platformId: string }): Promise<void> {
    return this.jobs.schedule({
      name: LedgerService.SYNC_JOB,
      id: `ledger-sync.${transaction.id}`,
      data: { platformId: transaction.platformId, transactionId: transaction.id },
      delayMs: this.retryDelayMs(),
    });
  }
}
