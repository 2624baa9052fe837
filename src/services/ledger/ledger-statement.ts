import type { Scope } from '../../auth/viewer';
import type { Database } from '../../db/database';
import { AccountOwnerKind, type LedgerTransferKind } from '../../domain/enums';
import { Account } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { LedgerGateway, StatementLine } from '../../providers/ledger';
import type { ProviderRegistry } from '../../providers/capabilities';
import { refusalOf } from '../payments/vendor-refusal';
import type { ScopedReads } from '../tenancy/scoped-reads';
import { ledgerAccountOf, ledgerConfig, ledgerNotConfigured, type LedgerResult } from './ledger-common';

export interface StatementEntry extends StatementLine {
  direction: 'PAID' | 'RECEIVED';
  /** The other side's account number at the ledger, and our account of it if we know it. */
  counterpartyAccountNo: string;
  counterpartyAccountId: string | null;
}

/** An account's statement, live from the ledger: only successful transactions, newest first. */
export class LedgerStatement {
  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly providers: ProviderRegistry,
    private readonly ledger: LedgerGateway,
  ) {}

  async statement(
    scope: Scope,
    input: {
      accountId: string;
      direction?: 'ALL' | 'PAID' | 'RECEIVED';
      transferKind?: LedgerTransferKind;
      from?: Date;
      to?: Date;
      skip?: number;
      limit?: number;
    },
  ): Promise<LedgerResult<{ entries: StatementEntry[] }>> {
    const account = await this.reads.get('Account', scope, input.accountId);
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    const ledger = await ledgerAccountOf(this.reads, scope.platformId, account);
    if (!ledger || (ledger.owner !== AccountOwnerKind.PLATFORM && !ledger.ownerRef))
      throw badUserInput('the account is not open at the ledger', 'accountId');
    const limit = input.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badUserInput('limit is 1 to 100', 'limit');
    const call = await this.ledger.statement(config, ledger, {
      direction: input.direction,
      transferKind: input.transferKind,
      from: input.from,
      to: input.to,
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
}
