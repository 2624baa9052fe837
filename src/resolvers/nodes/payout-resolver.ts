import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root, ID, Args } from 'type-graphql';
import type { Payout, Client, StatusEvent } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { fromGlobalIdOf, toGlobalId } from '../../graphql/global-id';
import {
  PayoutNode,
  TransactionFailure,
  ClientNode,
  PayoutConnection,
  PayoutStatusEvent,
} from '../../schema/object-types';
import { Money } from '../../schema/money';
import { payoutData, vendorDataOf } from '../../services/vendor-data';
import { MaskedPayee } from '../../schema/payout-types';
import { EntityKind } from '../../domain/enums';
import { encodeEventCursor } from '../../services/events/event-stream';
import { toConnection, type ConnectionShape } from '../../schema/connection';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import { PageArgs, PayoutFilter } from '../../schema/inputs';

@Resolver(() => PayoutNode)
export class PayoutResolver {
  @FieldResolver(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id(@Root() payout: Payout): string {
    return toGlobalId('Payout', payout.id);
  }

  @FieldResolver(() => Money)
  amount(@Root() payout: Payout): Money {
    return Money.of(payout.amountFen, payout.currency);
  }

  @FieldResolver(() => ClientNode, { nullable: true, description: 'The client it was made for, if any.' })
  client(@Root() payout: Payout, @Ctx() context: RequestContext): Promise<Client | null> {
    return context.loaders.related('Client', payout.clientId);
  }

  @FieldResolver(() => [PayoutStatusEvent], { description: 'Every status change, oldest first.' })
  statusHistory(@Root() payout: Payout, @Ctx() context: RequestContext): Promise<StatusEvent[]> {
    return context.loaders.statusHistory(EntityKind.PAYOUT, payout.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The cursor of this payout's latest status event: subscribe to payoutUpdated with `after` set to it to hear every later change, with no gap and no race.",
  })
  async lastEventCursor(@Root() payout: Payout, @Ctx() context: RequestContext): Promise<string | null> {
    const last = (await context.loaders.statusHistory(EntityKind.PAYOUT, payout.id)).at(-1);
    return last ? encodeEventCursor(last.sequence) : null;
  }

  @Authorized()
  @Query(() => PayoutConnection, {
    description: 'Payouts visible to you, newest first. Needs an API key or a client token (which sees only its own).',
  })
  async payouts(
    @Args() page: PageArgs,
    @Arg('filter', () => PayoutFilter, { nullable: true, description: 'Only the payouts that match.' })
    filter: PayoutFilter | undefined,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<unknown>> {
    const clientId = filter?.clientId ? fromGlobalIdOf('Client', filter.clientId, 'filter.clientId') : undefined;
    const result = await context.services.reads.page('Payout', requireScope(context), page, (builder) => {
      if (filter?.status?.length) builder.andWhere('row.status IN (:...statuses)', { statuses: filter.status });
      if (clientId) builder.andWhere('row.clientId = :filterClientId', { filterClientId: clientId });
      if (filter?.orderNo) builder.andWhere('row.orderNo = :orderNo', { orderNo: filter.orderNo });
    });
    return toConnection(result, Boolean(page.after));
  }

  @FieldResolver(() => MaskedPayee, { nullable: true, description: 'Masked; the full details are encrypted at rest.' })
  payee(@Root() payout: Payout): MaskedPayee | null {
    return vendorDataOf(payout, payoutData).payee;
  }

  @FieldResolver(() => TransactionFailure, { nullable: true, description: 'Why the vendor refused or failed it.' })
  failure(@Root() payout: Payout): TransactionFailure | null {
    return vendorDataOf(payout, payoutData).failure ?? null;
  }

  @FieldResolver(() => Int, { nullable: true, description: "Yunzhanghu's status (附录1), as last reported." })
  vendorStatus(@Root() payout: Payout): number | null {
    return vendorDataOf(payout, payoutData).status ?? null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: "Yunzhanghu's status_detail (附录2), e.g. 27: red packet awaiting claim.",
  })
  vendorStatusDetail(@Root() payout: Payout): number | null {
    return vendorDataOf(payout, payoutData).statusDetail ?? null;
  }
}
