import { Arg, ID, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Biz } from '../../entities';
import type { Account } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { connectionOfLoaded, toConnection, type ConnectionShape } from '../../schema/connection';
import { BizFilter, CreateBizInput, PageArgs } from '../../schema/inputs';
import { AccountConnection, BizConnection, BizNode } from '../../schema/object-types';
import { CreateBizPayload, CreateBizResult, duplicateExternalRef } from '../../schema/tenancy-types';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import { Role } from '../auth-checker';

@Resolver(() => BizNode)
export class BizResolver {
  @FieldResolver(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id(@Root() biz: Biz): string {
    return toGlobalId('Biz', biz.id);
  }

  @FieldResolver(() => AccountConnection, {
    description: "The merchant's ledger accounts, newest first; empty for a client token.",
  })
  async accounts(
    @Root() biz: Biz,
    @Args() page: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<Account>> {
    return connectionOfLoaded((await context.loaders.bizAccounts(biz.id)).toReversed(), page);
  }

  @Authorized(Role.PLATFORM)
  @Query(() => BizConnection, { description: "Your platform's merchants (bizs), newest first. Needs an API key." })
  async bizs(
    @Args() page: PageArgs,
    @Arg('filter', () => BizFilter, { nullable: true, description: 'Only the merchants that match.' })
    filter: BizFilter | undefined,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<unknown>> {
    const result = await context.services.reads.page('Biz', requireScope(context), page, (builder) => {
      if (filter?.status) builder.andWhere('row.status = :status', { status: filter.status });
      if (filter?.externalRef) builder.andWhere('row.externalRef = :externalRef', { externalRef: filter.externalRef });
    });
    return toConnection(result, Boolean(page.after));
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => CreateBizResult, {
    description:
      'Creates a merchant (biz) of your platform, for ledger accounts and the payments it takes. Needs an API key.',
  })
  async createBiz(
    @Arg('input') input: CreateBizInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof CreateBizResult> {
    const result = await context.services.parties.createBiz(requireScope(context).platformId, input);
    if (!result.ok) return duplicateExternalRef(input.clientMutationId, result.externalRef);
    return Object.assign(new CreateBizPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      biz: result.value,
    });
  }
}
