import type { Scope } from '../../auth/viewer';
import { AccountOwnerKind, Vendor } from '../../domain/enums';
import type { Account, AccountType, Transaction } from '../../entities';
import { badUserInput, forbidden } from '../../errors/app-errors';
import type { LedgerAccountAt } from '../../providers/ledger';
import { Capability, type ProviderRegistry } from '../../providers/capabilities';
import { notConfigured, type VendorRefusal } from '../payments/vendor-refusal';
import type { ResolvedProviderConfig } from '../tenancy/provider-config-service';
import type { ScopedReads } from '../tenancy/scoped-reads';

/** A vendor answer that is not a success (or a transfer the matrix refuses), for the resolvers. */
export type LedgerRefusal = Omit<VendorRefusal, 'error'> & {
  error: VendorRefusal['error'] | 'NOT_ALLOWED';
  transaction?: Transaction;
};

export type LedgerResult<T> = ({ ok: true } & T) | LedgerRefusal;

/** The platform's ledger vendor (routed by configuration) and its configuration. */
export function ledgerConfig(
  providers: ProviderRegistry,
  platformId: string,
): Promise<ResolvedProviderConfig | undefined> {
  return providers.configOf(platformId, Capability.LEDGER);
}

export function ledgerNotConfigured(): LedgerRefusal {
  return notConfigured(Vendor.COLOURLIFE);
}

/**
 * One of our accounts as the ledger knows it (its type's numbers, its owner's number), or
 * undefined when it is not open there.
 */
export async function ledgerAccountOf(
  reads: ScopedReads,
  platformId: string,
  account: Account,
  accountType?: AccountType,
): Promise<LedgerAccountAt | undefined> {
  const type = accountType ?? (await reads.get('AccountType', { platformId }, account.accountTypeId));
  if (!account.vendorRef || type.vendor !== Vendor.COLOURLIFE || !type.vendorPano) return undefined;
  let ownerRef: string | null = null;
  if (account.ownerKind === AccountOwnerKind.BIZ)
    ownerRef = (await reads.get('Biz', { platformId }, account.bizId as string)).vendorRef;
  if (account.ownerKind === AccountOwnerKind.CLIENT)
    ownerRef = (await reads.get('Client', { platformId }, account.clientId as string)).vendorRef;
  return {
    owner: account.ownerKind,
    ownerRef,
    kind: type.kind,
    typeRef: type.vendorAtid,
    platformAccountNo: type.vendorPano,
    accountNo: account.vendorRef,
  };
}

/**
 * An account the caller may manage at the ledger: a client's or a biz's, open there. Clients
 * may read (refresh) their own; only the platform manages them.
 */
export async function managedAccount(reads: ScopedReads, scope: Scope, accountId: string, clientMayRead = false) {
  if (scope.clientId && !clientMayRead) throw forbidden();
  const account = await reads.get('Account', scope, accountId);
  const ledger = await ledgerAccountOf(reads, scope.platformId, account);
  if (!ledger) throw badUserInput('not a Colourlife ledger account', 'accountId');
  if (account.ownerKind === AccountOwnerKind.PLATFORM && !clientMayRead) {
    throw badUserInput("the platform's own accounts cannot be forbidden or recovered", 'accountId');
  }
  return { account, ledger };
}
