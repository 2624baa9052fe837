import { ID, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { AccountType } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import { AccountTypeNode } from '../../schema/object-types';

@Resolver(() => AccountTypeNode)
export class AccountTypeResolver {
  @FieldResolver(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id(@Root() accountType: AccountType): string {
    return toGlobalId('AccountType', accountType.id);
  }

  @Authorized()
  @Query(() => [AccountTypeNode], {
    description:
      "Your platform's ledger account types (syncAccountTypes reads them from the ledger): each is one kind of money. Needs an API key or a client token.",
  })
  async accountTypes(@Ctx() context: RequestContext): Promise<AccountType[]> {
    const builder = context.services.reads.query('AccountType', requireScope(context));
    return builder ? builder.orderBy('row.id', 'ASC').getMany() : [];
  }
}
