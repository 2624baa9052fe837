import DataLoader from 'dataloader';
import { scopeOf, type Scope, type Viewer } from '../auth/viewer';
import { EntityKind } from '../domain/enums';
import type { Account, Platform, StatusEvent, Transaction, WebhookAttempt } from '../entities';
import type { Access, EntityOf, ScopedEntityName } from '../services/tenancy/scoped-reads';
import type { Services } from '../services/services';

/**
 * One DataLoader per relation field, created per request. Every batch goes through the same
 * scoped reads as direct queries, so a relation can never reach a row the viewer may not see.
 */
export class Loaders {
  private readonly scope: Scope | undefined;
  private readonly byId = new Map<string, DataLoader<string, unknown>>();
  private accountsOfClient?: DataLoader<string, Account[]>;
  private accountsOfBiz?: DataLoader<string, Account[]>;
  private refundsOfTransaction?: DataLoader<string, Transaction[]>;
  private historyOfEntity?: DataLoader<string, StatusEvent[]>;
  private platform?: DataLoader<string, Platform | null>;
  private eventById?: DataLoader<string, StatusEvent | null>;
  private attemptsOfDelivery?: DataLoader<string, WebhookAttempt[]>;

  constructor(
    private readonly services: Services,
    viewer: Viewer,
  ) {
    this.scope = viewer.kind === 'anonymous' ? undefined : scopeOf(viewer);
  }

  private requireScope(): Scope {
    if (!this.scope) throw new Error('Loaders used without an authenticated viewer');
    return this.scope;
  }

  /** Rows reached as the relation of a row the viewer can already see. */
  related<N extends ScopedEntityName>(name: N, id: string | null | undefined, access: Access = 'relation') {
    if (!id) return Promise.resolve(null);
    const key = `${name}:${access}`;
    let loader = this.byId.get(key);
    if (!loader) {
      const scope = this.requireScope();
      loader = new DataLoader<string, unknown>(async (ids) => {
        const found = await this.services.reads.findByIds(name, scope, ids, access);
        return ids.map((each) => found.get(each) ?? null);
      });
      this.byId.set(key, loader);
    }
    return loader.load(id) as Promise<EntityOf<N> | null>;
  }

  clientAccounts(clientId: string): Promise<Account[]> {
    this.accountsOfClient ??= this.groupedAccounts('clientId');
    return this.accountsOfClient.load(clientId);
  }

  bizAccounts(bizId: string): Promise<Account[]> {
    this.accountsOfBiz ??= this.groupedAccounts('bizId');
    return this.accountsOfBiz.load(bizId);
  }

  refunds(transactionId: string): Promise<Transaction[]> {
    this.refundsOfTransaction ??= new DataLoader(async (parentIds) => {
      const builder = this.services.reads.query('Transaction', this.requireScope(), 'relation');
      const rows = builder
        ? await builder
            .andWhere('row.parentId IN (:...parentIds)', { parentIds: [...parentIds] })
            .orderBy('row.id', 'ASC')
            .getMany()
        : [];
      return parentIds.map((parentId) => rows.filter((row) => row.parentId === parentId));
    });
    return this.refundsOfTransaction.load(transactionId);
  }

  statusHistory(kind: EntityKind, entityId: string): Promise<StatusEvent[]> {
    this.historyOfEntity ??= new DataLoader(async (keys) => {
      const parsed = keys.map((key) => key.split(':') as [EntityKind, string]);
      const events = await this.services.eventLog.historyOf(this.requireScope().platformId, parsed);
      return keys.map((key) => events.get(key) ?? []);
    });
    return this.historyOfEntity.load(`${kind}:${entityId}`);
  }

  /** An event of the viewer's platform by its row id. */
  statusEvent(id: string): Promise<StatusEvent | null> {
    this.eventById ??= new DataLoader(async (ids) => {
      const found = await this.services.eventLog.byIds(this.requireScope().platformId, ids);
      return ids.map((id) => found.get(id) ?? null);
    });
    return this.eventById.load(id);
  }

  /** The attempts of a webhook delivery the viewer has already read (deliveries are scoped). */
  webhookAttempts(deliveryId: string): Promise<WebhookAttempt[]> {
    this.attemptsOfDelivery ??= new DataLoader(async (ids) => {
      const grouped = await this.services.webhooks.attemptsOf(ids);
      return ids.map((id) => grouped.get(id) ?? []);
    });
    return this.attemptsOfDelivery.load(deliveryId);
  }

  platformById(platformId: string): Promise<Platform | null> {
    this.platform ??= new DataLoader(async (ids) => {
      const rows = await Promise.all(ids.map((id) => this.services.platforms.getPlatform(id).catch(() => null)));
      return rows;
    });
    return this.platform.load(platformId);
  }

  private groupedAccounts(column: 'clientId' | 'bizId'): DataLoader<string, Account[]> {
    return new DataLoader(async (ownerIds) => {
      const builder = this.services.reads.query('Account', this.requireScope(), 'relation');
      const rows = builder
        ? await builder
            .andWhere(`row.${column} IN (:...ownerIds)`, { ownerIds: [...ownerIds] })
            .orderBy('row.id', 'ASC')
            .getMany()
        : [];
      return ownerIds.map((ownerId) => rows.filter((row) => row[column] === ownerId));
    });
  }
}
