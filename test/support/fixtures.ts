import { newId } from '../../src/crypto/ids';
import {
  AccountOwnerKind,
  AccountTypeKind,
  CURRENCY_CNY,
  EntityKind,
  EventSource,
  PayoutChannel,
  PayoutStatus,
  RecordStatus,
  TransactionKind,
  TransactionStatus,
  Vendor,
} from '../../src/domain/enums';
import { Account, AccountType, Payout, Transaction } from '../../src/entities';
import { appendEvents, lockSequence } from '../../src/services/events/event-sequence';
import type { Services } from '../../src/services/services';

/**
 * Seeds rows the vendor issues will create through their own flows (account types, accounts,
 * transactions, payouts), so the spine's reads, tenancy and loaders can be tested now.
 */
export interface SeededPlatform {
  platformId: string;
  apiKey: string;
  clientIds: string[];
  bizId: string;
  accountTypeId: string;
  clientAccountIds: string[];
  bizAccountId: string;
  transactionIds: string[];
  payoutIds: string[];
}

export async function seedPlatform(
  services: Services,
  name: string,
  transactionsPerClient = 1,
): Promise<SeededPlatform> {
  const { platform, apiKey } = await services.platforms.createPlatform(name);
  const clientIds: string[] = [];
  for (const index of [1, 2]) {
    const created = await services.parties.createClient(platform.id, {
      externalRef: `${name}-client-${index}`,
      name: `Client ${index} of ${name}`,
      mobile: `1380000000${index}`,
    });
    if (!created.ok) throw new Error('seed failed');
    clientIds.push(created.value.id);
  }
  const biz = await services.parties.createBiz(platform.id, { externalRef: `${name}-biz`, name: `Shop of ${name}` });
  if (!biz.ok) throw new Error('seed failed');
  const accountTypeId = newId();
  const clientAccountIds = clientIds.map(() => newId());
  const bizAccountId = newId();
  const transactionIds: string[] = [];
  const payoutIds: string[] = [];
  await services.db.transaction(async (manager) => {
    await manager.insert(AccountType, {
      id: accountTypeId,
      platformId: platform.id,
      vendor: Vendor.COLOURLIFE,
      kind: AccountTypeKind.FANPIAO,
      name: '全国饭票',
      vendorAtid: `atid-${name}`,
      vendorPano: `pano-${name}`,
      iconUrl: null,
    });
    const account = (id: string, owner: Partial<Account>) =>
      manager.insert(Account, {
        id,
        platformId: platform.id,
        accountTypeId,
        ownerKind: AccountOwnerKind.CLIENT,
        clientId: null,
        bizId: null,
        vendorRef: `ano-${id.slice(-8)}`,
        balanceFen: 10_000,
        canNegative: false,
        status: RecordStatus.ACTIVE,
        ...owner,
      });
    for (const [index, clientId] of clientIds.entries()) await account(clientAccountIds[index], { clientId });
    await account(bizAccountId, { ownerKind: AccountOwnerKind.BIZ, bizId: biz.value.id, balanceFen: 0 });
  });
  for (const [index, clientId] of clientIds.entries()) {
    for (let n = 0; n < transactionsPerClient; n += 1) {
      transactionIds.push(
        await insertTransaction(services, platform.id, {
          clientId,
          bizId: biz.value.id,
          payerAccountId: clientAccountIds[index],
          payeeAccountId: bizAccountId,
        }),
      );
    }
    payoutIds.push((await insertPayout(services, platform.id, 5_000, clientId)).id);
  }
  return {
    platformId: platform.id,
    apiKey,
    clientIds,
    bizId: biz.value.id,
    accountTypeId,
    clientAccountIds,
    bizAccountId,
    transactionIds,
    payoutIds,
  };
}

export async function insertTransaction(
  services: Services,
  platformId: string,
  parties: {
    clientId: string | null;
    bizId: string | null;
    payerAccountId: string | null;
    payeeAccountId: string | null;
  },
  overrides: Partial<Pick<Transaction, 'vendor' | 'kind' | 'status' | 'orderNo' | 'amountFen'>> = {},
): Promise<string> {
  const id = newId();
  const event = await services.db.transaction(async (manager) => {
    // As the services do: the sequence lock before the row's insert (see lockSequence).
    await lockSequence(services.db, manager, platformId);
    await manager.insert(Transaction, {
      id,
      platformId,
      vendor: Vendor.COLOURLIFE,
      kind: TransactionKind.LEDGER,
      parentId: null,
      ...parties,
      amountFen: 1_234,
      currency: CURRENCY_CNY,
      status: TransactionStatus.PENDING,
      orderNo: `ord-${id}`,
      vendorRef: null,
      description: 'test purchase',
      vendorData: null,
      ...overrides,
    });
    const [created] = await appendEvents(services.db, manager, [
      {
        platformId,
        entityKind: EntityKind.TRANSACTION,
        parentId: null,
        entityId: id,
        clientId: parties.clientId,
        bizId: parties.bizId,
        fromStatus: null,
        toStatus: overrides.status ?? TransactionStatus.PENDING,
        source: EventSource.API,
        terminal: false,
        detail: null,
      },
    ]);
    return created;
  });
  services.statusWriter.publish(event);
  return id;
}

/** A PENDING Yunzhanghu payout of `amountFen`, with an order number of the form we send (32 hex). */
export async function insertPayout(
  services: Services,
  platformId: string,
  amountFen = 5_000,
  clientId: string | null = null,
): Promise<{ id: string; orderNo: string }> {
  const id = newId();
  const orderNo = id.replace(/-/g, '');
  const event = await services.db.transaction(async (manager) => {
    // As the services do: the sequence lock before the row's insert (see lockSequence).
    await lockSequence(services.db, manager, platformId);
    await manager.insert(Payout, {
      id,
      platformId,
      vendor: Vendor.YUNZHANGHU,
      clientId,
      channel: PayoutChannel.BANK_CARD,
      amountFen,
      currency: CURRENCY_CNY,
      status: PayoutStatus.PENDING,
      orderNo,
      vendorRef: null,
      payeeCiphertext: null,
      vendorData: null,
    });
    const [created] = await appendEvents(services.db, manager, [
      {
        platformId,
        entityKind: EntityKind.PAYOUT,
        parentId: null,
        entityId: id,
        clientId,
        bizId: null,
        fromStatus: null,
        toStatus: PayoutStatus.PENDING,
        source: EventSource.API,
        terminal: false,
        detail: null,
      },
    ]);
    return created;
  });
  services.statusWriter.publish(event);
  return { id, orderNo };
}
