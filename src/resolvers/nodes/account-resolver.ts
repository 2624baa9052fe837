import { Arg, ArgsType, Field, ID, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { LedgerTransferKind } from '../../domain/enums';
import { AppError, ErrorCode, badUserInput } from '../../errors/app-errors';
import { DEFAULT_PAGE_SIZE } from '../../services/tenancy/scoped-reads';
import { LedgerStatementConnection, LedgerStatementEntry, StatementDirection } from '../../schema/ledger-types';
import { DateTime } from '../../schema/scalars';
import type { Account, AccountType } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { fromGlobalIdOf, toGlobalId } from '../../graphql/global-id';
import { toConnection, type ConnectionShape } from '../../schema/connection';
import { AccountFilter, PageArgs } from '../../schema/inputs';
import { Money } from '../../schema/money';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import { AccountConnection, AccountNode, AccountTypeNode, BizNode, ClientNode } from '../../schema/object-types';

@ArgsType()
class StatementArgs {
  @Field(() => StatementDirection, {
    defaultValue: StatementDirection.ALL,
    description: 'Paid out, received, or both.',
  })
  direction: StatementDirection;
  @Field(() => LedgerTransferKind, { nullable: true, description: 'Only transfers of this kind.' })
  kind?: LedgerTransferKind;
  @Field(() => DateTime, { nullable: true, description: 'Only transfers completed at or after this time.' })
  occurredAfter?: Date;
  @Field(() => DateTime, { nullable: true, description: 'Only transfers completed up to this time.' })
  occurredBefore?: Date;
}

/** The ledger pages by offset: the cursor carries it, opaque to the client. */
function encodeStatementCursor(offset: number): string {
  return Buffer.from(`statement:${offset}`).toString('base64url');
}

function decodeStatementCursor(cursor: string): number {
  const match = /^statement:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badUserInput('`after` is not a cursor of this statement', 'after');
  return Number(match[1]);
}

@Resolver(() => AccountNode)
export class AccountResolver {
  @FieldResolver(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id(@Root() account: Account): string {
    return toGlobalId('Account', account.id);
  }

  @FieldResolver(() => Money)
  balance(@Root() account: Account): Money {
    return Money.of(account.balanceFen);
  }

  @FieldResolver(() => AccountTypeNode, {
    nullable: true,
    description: 'The kind of money the account holds; null only if the type cannot be read.',
  })
  accountType(@Root() account: Account, @Ctx() context: RequestContext): Promise<AccountType | null> {
    return context.loaders.related('AccountType', account.accountTypeId);
  }

  @FieldResolver(() => ClientNode, { nullable: true, description: 'The owner, when a client owns it.' })
  client(@Root() account: Account, @Ctx() context: RequestContext) {
    return context.loaders.related('Client', account.clientId);
  }

  @FieldResolver(() => BizNode, { nullable: true, description: 'The owner, when a merchant owns it.' })
  biz(@Root() account: Account, @Ctx() context: RequestContext) {
    return context.loaders.related('Biz', account.bizId);
  }

  @FieldResolver(() => LedgerStatementConnection, {
    nullable: true,
    description:
      "The account's completed transfers, newest first, read live from the ledger (only COLOURLIFE accounts have one). When the ledger cannot answer, this field is null with an error (extensions.code PROVIDER_ERROR) and the rest of the query still arrives.",
  })
  async statement(
    @Root() account: Account,
    @Args() page: PageArgs,
    @Args() filter: StatementArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<LedgerStatementEntry>> {
    const offset = page.after ? decodeStatementCursor(page.after) : 0;
    const result = await context.services.ledger.statement.statement(requireScope(context), {
      accountId: account.id,
      direction: filter.direction,
      transferKind: filter.kind,
      from: filter.occurredAfter,
      to: filter.occurredBefore,
      offset,
      first: page.first ?? DEFAULT_PAGE_SIZE,
    });
    if (!result.ok) throw new AppError(ErrorCode.PROVIDER_ERROR, result.message, { reason: result.error });
    const [transactions, counterparties] = await Promise.all([
      Promise.all(result.entries.map((entry) => context.loaders.related('Transaction', entry.transactionId))),
      Promise.all(result.entries.map((entry) => context.loaders.related('Account', entry.counterpartyAccountId))),
    ]);
    const entries = result.entries.map((entry, index) =>
      Object.assign(new LedgerStatementEntry(), {
        tno: entry.tno,
        direction: entry.direction === 'PAID' ? StatementDirection.PAID : StatementDirection.RECEIVED,
        amount: Money.of(entry.amountFen),
        occurredAt: entry.occurredAt,
        statusMessage: entry.statusMessage,
        transaction: transactions[index],
        counterparty: counterparties[index],
        counterpartyAccountNo: entry.counterpartyAccountNo,
      }),
    );
    return toConnection({ items: entries, hasNextPage: result.hasNextPage }, offset > 0, (_entry, index) =>
      encodeStatementCursor(offset + index + 1),
    );
  }

  @Authorized()
  @Query(() => AccountConnection, {
    description:
      'Ledger accounts visible to you, newest first. Needs an API key or a client token (which sees only its own).',
  })
  async accounts(
    @Args() page: PageArgs,
    @Arg('filter', () => AccountFilter, { nullable: true, description: 'Only the accounts that match.' })
    filter: AccountFilter | undefined,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<unknown>> {
    const clientId = filter?.clientId ? fromGlobalIdOf('Client', filter.clientId, 'filter.clientId') : undefined;
    const bizId = filter?.bizId ? fromGlobalIdOf('Biz', filter.bizId, 'filter.bizId') : undefined;
    const accountTypeId = filter?.accountTypeId
      ? fromGlobalIdOf('AccountType', filter.accountTypeId, 'filter.accountTypeId')
      : undefined;
    const result = await context.services.reads.page('Account', requireScope(context), page, (builder) => {
      if (clientId) builder.andWhere('row.clientId = :filterClientId', { filterClientId: clientId });
      if (bizId) builder.andWhere('row.bizId = :filterBizId', { filterBizId: bizId });
      if (accountTypeId) builder.andWhere('row.accountTypeId = :accountTypeId', { accountTypeId });
      if (filter?.kind) {
        builder.andWhere('row.accountTypeId IN (SELECT t.id FROM account_types t WHERE t.kind = :kind)', {
          kind: filter.kind,
        });
      }
    });
    return toConnection(result, Boolean(page.after));
  }
}
