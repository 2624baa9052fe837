import { Arg, ID, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Account, AccountType } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { fromGlobalIdOf, toGlobalId } from '../../graphql/global-id';
import { toConnection, type ConnectionShape } from '../../schema/connection';
import { AccountFilter, PageArgs } from '../../schema/inputs';
import { Money } from '../../schema/money';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import { AccountConnection, AccountNode, AccountTypeNode, BizNode, ClientNode } from '../../schema/object-types';

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

  @Authorized()
  @Query(() => AccountConnection, { description: 'Accounts visible to you; a client token sees only its own.' })
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
