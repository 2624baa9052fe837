import { Brackets, type EntityTarget, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { Scope } from '../../auth/viewer';
import type { Database } from '../../db/database';
import {
  Account,
  AccountType,
  ApiKey,
  Biz,
  Client,
  Payout,
  ProviderConfig,
  ReconciliationReport,
  Transaction,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../entities';
import { badUserInput, notFound } from '../../errors/app-errors';

/**
 * Tenancy rules in one table. Every read of a tenant-owned row goes through this file, so a
 * resolver cannot forget a `WHERE platformId = ?` and a client token cannot see another client.
 *
 * - `clientColumn`: the column that must equal the client token's client id.
 * - `catalogue`: rows every viewer of the platform may read (e.g. the list of account types).
 * - `counterparty`: rows a client token may reach only as the other side of its own records
 *   (the merchant it paid), never by listing or by `node(id:)`.
 */
interface ScopeRule {
  target: EntityTarget<ObjectLiteral>;
  label: string;
  clientColumn?: string;
  catalogue?: boolean;
  counterparty?: boolean;
}

export const SCOPE_RULES = {
  Client: { target: Client, label: 'Client', clientColumn: 'id' },
  Biz: { target: Biz, label: 'Biz', counterparty: true },
  AccountType: { target: AccountType, label: 'AccountType', catalogue: true },
  Account: { target: Account, label: 'Account', clientColumn: 'clientId' },
  Transaction: { target: Transaction, label: 'Transaction', clientColumn: 'clientId' },
  Payout: { target: Payout, label: 'Payout', clientColumn: 'clientId' },
  // The platform's own credentials: no client token sees one.
  ApiKey: { target: ApiKey, label: 'ApiKey' },
  ReconciliationReport: { target: ReconciliationReport, label: 'ReconciliationReport' },
  // Holds sealed credentials: only the platform's own API key reads one (never a client token).
  ProviderConfig: { target: ProviderConfig, label: 'ProviderConfig' },
  // Webhooks are the platform's servers' business: no client token sees one.
  WebhookEndpoint: { target: WebhookEndpoint, label: 'WebhookEndpoint' },
  WebhookDelivery: { target: WebhookDelivery, label: 'WebhookDelivery' },
} satisfies Record<string, ScopeRule>;

export type ScopedEntityName = keyof typeof SCOPE_RULES;
export type EntityOf<N extends ScopedEntityName> = InstanceType<(typeof SCOPE_RULES)[N]['target']>;

/** How a row is being reached: directly (list, node) or as the relation of a visible row. */
export type Access = 'direct' | 'relation';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

/** A connection's `first`: the default when not given, refused outside 0 to MAX_PAGE_SIZE. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE)
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  return size;
}

export function encodeCursor(id: string): string {
  return Buffer.from(`cursor:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('cursor:')) throw badUserInput('`after` is not a cursor from this API', 'after');
  return text.slice('cursor:'.length);
}

export class ScopedReads {
  constructor(private readonly db: Database) {}

  /**
   * A query builder over one entity with the viewer's tenancy already applied. Returns
   * undefined when the viewer may see no row of this kind at all.
   */
  query<N extends ScopedEntityName>(
    name: N,
    scope: Scope,
    access: Access = 'direct',
  ): SelectQueryBuilder<EntityOf<N>> | undefined {
    const rule: ScopeRule = SCOPE_RULES[name];
    const builder = this.db.manager
      .getRepository(rule.target)
      .createQueryBuilder('row')
      .where('row.platformId = :platformId', { platformId: scope.platformId });
    if (scope.clientId && !rule.catalogue) {
      if (rule.clientColumn) {
        builder.andWhere(`row.${rule.clientColumn} = :clientId`, { clientId: scope.clientId });
      } else if (!(rule.counterparty && access === 'relation')) {
        return undefined;
      }
    }
    return builder as SelectQueryBuilder<EntityOf<N>>;
  }

  async findByIds<N extends ScopedEntityName>(
    name: N,
    scope: Scope,
    ids: readonly string[],
    access: Access = 'direct',
  ): Promise<Map<string, EntityOf<N>>> {
    const builder = this.query(name, scope, access);
    if (!builder || ids.length === 0) return new Map();
    const rows = await builder.andWhere('row.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
    return new Map(rows.map((row) => [(row as { id: string }).id, row]));
  }

  async get<N extends ScopedEntityName>(name: N, scope: Scope, id: string): Promise<EntityOf<N>> {
    const found = (await this.findByIds(name, scope, [id])).get(id);
    if (!found) throw notFound(SCOPE_RULES[name].label);
    return found;
  }

  /**
   * Keyset pagination, newest first. Ids are UUIDv7, so ordering by id is ordering by creation
   * time and the cursor is simply the last id seen: stable under concurrent inserts.
   */
  async page<N extends ScopedEntityName>(
    name: N,
    scope: Scope,
    args: PageArgs,
    filter?: (builder: SelectQueryBuilder<EntityOf<N>>) => void,
  ): Promise<Page<EntityOf<N>>> {
    const first = pageSize(args.first);
    const builder = this.query(name, scope);
    if (!builder) return { items: [], hasNextPage: false };
    filter?.(builder);
    if (args.after) builder.andWhere('row.id < :afterId', { afterId: decodeCursor(args.after) });
    const rows = await builder
      .orderBy('row.id', 'DESC')
      .limit(first + 1)
      .getMany();
    return { items: rows.slice(0, first), hasNextPage: rows.length > first };
  }
}

/** `column IN (...)` that also accepts an empty list (matching nothing). */
export function whereIn(builder: SelectQueryBuilder<ObjectLiteral>, column: string, values: string[]): void {
  if (values.length === 0) {
    builder.andWhere('1 = 0');
    return;
  }
  const parameter = column.replace(/\W/g, '_');
  builder.andWhere(new Brackets((inner) => inner.where(`${column} IN (:...${parameter})`, { [parameter]: values })));
}
