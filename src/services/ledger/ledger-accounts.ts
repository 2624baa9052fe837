import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { Database } from '../../db/database';
import { AccountOwnerKind, RecordStatus, Vendor } from '../../domain/enums';
import { Account, AccountType, Biz, Client } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { Logger } from '../../logging/logger';
import type { LedgerAccountAt, LedgerGateway, OpenAccountRequest } from '../../providers/ledger';
import type { ProviderRegistry } from '../../providers/capabilities';
import { refusalOf } from '../payments/vendor-refusal';
import type { PartyService } from '../tenancy/party-service';
import type { ResolvedProviderConfig } from '../tenancy/provider-config-service';
import type { ScopedReads } from '../tenancy/scoped-reads';
import {
  ledgerConfig,
  ledgerNotConfigured,
  managedAccount,
  type LedgerRefusal,
  type LedgerResult,
} from './ledger-common';

/**
 * Ledger accounts: the platform's account types, client and biz accounts opened at the ledger,
 * forbidden or recovered there, and their balances mirrored locally.
 */
export class LedgerAccounts {
  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly providers: ProviderRegistry,
    private readonly parties: PartyService,
    private readonly ledger: LedgerGateway,
    private readonly logger: Logger,
  ) {}

  /** The platform's account types, each with the platform's own account of that type. */
  async syncAccountTypes(scope: Scope): Promise<LedgerResult<{ accountTypes: AccountType[] }>> {
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    const call = await this.ledger.accountTypes(config);
    if (call.kind !== 'ok') return refusalOf(call);
    for (const type of call.content.skipped)
      this.logger.warn({ type }, 'ledger account type of an unknown channel skipped');
    const accountTypes = await this.db.transaction(async (manager) => {
      const saved: AccountType[] = [];
      for (const type of call.content.types) {
        const existing = await manager.findOneBy(AccountType, {
          platformId: scope.platformId,
          vendor: Vendor.COLOURLIFE,
          vendorAtid: type.typeRef,
        });
        const row = Object.assign(existing ?? new AccountType(), {
          id: existing?.id ?? newId(),
          platformId: scope.platformId,
          vendor: Vendor.COLOURLIFE,
          kind: type.kind,
          name: type.name,
          vendorAtid: type.typeRef,
          vendorPano: type.platformAccountNo,
          iconUrl: type.iconUrl,
        });
        await manager.save(AccountType, row);
        const platformAccount = await manager.findOneBy(Account, {
          platformId: scope.platformId,
          vendorRef: type.platformAccountNo,
        });
        if (!platformAccount) {
          await manager.insert(Account, {
            id: newId(),
            platformId: scope.platformId,
            accountTypeId: row.id,
            ownerKind: AccountOwnerKind.PLATFORM,
            clientId: null,
            bizId: null,
            vendorRef: type.platformAccountNo,
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

  /** An account of one type for a client (by mobile) or a biz; the existing one if it has it. */
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
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    const common = { platformAccountNo: accountType.vendorPano, canNegative: input.canNegative, memo: input.memo };
    let request: OpenAccountRequest;
    if (owner.kind === AccountOwnerKind.CLIENT) {
      const client = owner.row as Client;
      const mobile = this.parties.clientMobile(client);
      if (!mobile) throw badUserInput('the client has no mobile number, which Colourlife requires', 'clientId');
      request = { ...common, owner: AccountOwnerKind.CLIENT, mobile, name: this.parties.clientName(client) };
    } else {
      const biz = owner.row as Biz;
      request = {
        ...common,
        owner: AccountOwnerKind.BIZ,
        ownerRef: biz.vendorRef ?? undefined,
        name: biz.name,
        tel: biz.tel ?? undefined,
        address: biz.address ?? undefined,
        website: biz.website ?? undefined,
      };
    }
    const call = await this.ledger.open(config, request);
    if (call.kind !== 'ok') return refusalOf(call);
    const { accountNo, ownerRef, balanceFen } = call.content;
    // A new account holds nothing. An unreadable opening balance is not taken as a number:
    // the row starts at 0 and the next refresh reads the ledger's balance again.
    if (balanceFen === undefined)
      this.logger.error({ accountNo }, 'ledger reported an unreadable opening balance; refresh the account');
    const account = await this.db.transaction(async (manager) => {
      const row = Object.assign(new Account(), {
        id: newId(),
        platformId: scope.platformId,
        accountTypeId: accountType.id,
        ownerKind: owner.kind,
        clientId: owner.kind === AccountOwnerKind.CLIENT ? owner.row.id : null,
        bizId: owner.kind === AccountOwnerKind.BIZ ? owner.row.id : null,
        vendorRef: accountNo,
        balanceFen: balanceFen ?? 0,
        balanceUpdatedAt: balanceFen === undefined ? null : new Date(),
        canNegative: input.canNegative,
        status: RecordStatus.ACTIVE,
      });
      await manager.save(Account, row);
      const target = owner.kind === AccountOwnerKind.CLIENT ? Client : Biz;
      if (!owner.row.vendorRef) await manager.update(target, { id: owner.row.id }, { vendorRef: ownerRef } as never);
      return row;
    });
    return { ok: true, account };
  }

  /** Forbid or recover a client's or biz's account. */
  async setAccountStatus(
    scope: Scope,
    accountId: string,
    status: RecordStatus,
  ): Promise<LedgerResult<{ account: Account }>> {
    const { account, ledger } = await managedAccount(this.reads, scope, accountId);
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    const call = await this.ledger.setActive(config, ledger, status === RecordStatus.ACTIVE);
    if (call.kind !== 'ok') return refusalOf(call);
    await this.db.transaction((manager) => manager.update(Account, { id: account.id }, { status }));
    return { ok: true, account: await this.reads.get('Account', scope, accountId) };
  }

  /** The ledger's balance and state of an account, mirrored. */
  async refreshAccount(scope: Scope, accountId: string): Promise<LedgerResult<{ account: Account }>> {
    const { account, ledger } = await managedAccount(this.reads, scope, accountId, true);
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    const result = await this.mirror(config, account.id, ledger);
    if (result !== true) return result;
    return { ok: true, account: await this.reads.get('Account', scope, accountId) };
  }

  /** Reads an account's balance and state at the ledger and stores them (the platform's own: nothing to read). */
  async mirror(
    config: ResolvedProviderConfig,
    accountId: string,
    ledger: LedgerAccountAt,
  ): Promise<true | LedgerRefusal> {
    if (ledger.owner === AccountOwnerKind.PLATFORM) return true;
    const call = await this.ledger.state(config, ledger);
    if (call.kind !== 'ok') return refusalOf(call);
    const { balanceFen, active } = call.content;
    if (balanceFen === undefined)
      return { ok: false, error: 'OUTCOME_UNKNOWN', failure: null, message: 'unreadable balance' };
    const status = active ? RecordStatus.ACTIVE : RecordStatus.FORBIDDEN;
    await this.db.transaction((manager) =>
      manager.update(Account, { id: accountId }, { balanceFen, balanceUpdatedAt: new Date(), status }),
    );
    return true;
  }
}
