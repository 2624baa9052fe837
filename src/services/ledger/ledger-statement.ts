import type { Scope } from '../../auth/viewer';
import type { Database } from '../../db/database';
import { AccountOwnerKind, type LedgerTransferKind } from '../../domain/enums';
import { Account, Transaction } from '../../entities';
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
  /** Our transaction of this transfer, when it was made through paygraph. */
  transactionId: string | null;
}

/** The most the ledger is asked for at once (it lists at most 100). */
const MOST_PER_CALL = 100;

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
      /** How many lines of the statement to pass over (the page cursor's offset). */
      offset: number;
      /** How many to answer (1 to 100). */
      first: number;
    },
  ): Promise<LedgerResult<{ entries: StatementEntry[]; hasNextPage: boolean }>> {
    const account = await this.reads.get('Account', scope, input.accountId);
    const config = await ledgerConfig(this.providers, scope.platformId);
    if (!config) return ledgerNotConfigured();
    const ledger = await ledgerAccountOf(this.reads, scope.platformId, account);
    if (!ledger || (ledger.owner !== AccountOwnerKind.PLATFORM && !ledger.ownerRef))
      throw badUserInput('the account is not open at the ledger', 'accountId');
    const { offset, first } = input;
    if (!Number.isInteger(first) || first < 1 || first > MOST_PER_CALL)
      throw badUserInput('first is 1 to 100', 'first');
    // One more than asked tells whether a next page exists, within what the ledger answers at once.
    const limit = Math.min(first + 1, MOST_PER_CALL);
    const call = await this.ledger.statement(config, ledger, {
      direction: input.direction,
      transferKind: input.transferKind,
      from: input.from,
      to: input.to,
      skip: offset,
      limit,
    });
    if (call.kind !== 'ok') return refusalOf(call);
    const lines = call.content.slice(0, first);
    const hasNextPage = call.content.length > first || (limit === first && call.content.length === first);
    const tnos = lines.map((line) => line.tno);
    const transactions = tnos.length
      ? await this.db.manager
          .getRepository(Transaction)
          .createQueryBuilder('t')
          .select(['t.id', 't.vendorRef'])
          .where('t.platformId = :platformId AND t.vendor = :vendor AND t.vendorRef IN (:...tnos)', {
            platformId: scope.platformId,
            vendor: this.ledger.vendor,
            tnos,
          })
          .getMany()
      : [];
    const transactionIds = new Map(transactions.map((row) => [row.vendorRef as string, row.id]));
    const refs = [...new Set(lines.flatMap((line) => [line.payerAccountNo, line.payeeAccountNo]))];
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
      hasNextPage,
      entries: lines.map((line) => {
        const paid = line.payerAccountNo === account.vendorRef;
        const counterpartyAccountNo = paid ? line.payeeAccountNo : line.payerAccountNo;
        return {
          ...line,
          direction: paid ? ('PAID' as const) : ('RECEIVED' as const),
          counterpartyAccountNo,
          counterpartyAccountId: localAccountIds.get(counterpartyAccountNo) ?? null,
          transactionId: transactionIds.get(line.tno) ?? null,
        };
      }),
    };
  }
}
