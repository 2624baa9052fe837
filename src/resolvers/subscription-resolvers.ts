import { Arg, Ctx, Field, FieldResolver, ID, InputType, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { Scope } from '../auth/viewer';
import { EntityKind } from '../domain/enums';
import type { Payout, StatusEvent, Transaction } from '../entities';
import { decodeEventCursor } from '../services/events/event-stream';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import { Loaders } from '../graphql/loaders';
import type { StatusEventMessage } from '../services/events/event-bus';
import { PayoutNode, PayoutStatusEvent, TransactionNode, TransactionStatusEvent } from '../schema/object-types';

const AFTER_DESCRIPTION =
  'The `event.cursor` of the last event you received. Every event since then is delivered first, from the event log, then live events follow, with no gap and no duplicate.';

@InputType({ description: 'Narrows a subscription; all given fields must match.' })
export class UpdateFilter {
  @Field(() => ID, {
    nullable: true,
    description: 'Only this transaction or payout; for a payment, its refunds too.',
  })
  id?: string;
  @Field(() => ID, { nullable: true, description: "Only this client's transactions or payouts." }) clientId?: string;
  @Field(() => ID, { nullable: true, description: "Only this merchant's transactions." }) bizId?: string;
}

@ObjectType({ description: 'A status change together with the current state of the transaction.' })
export class TransactionUpdate {
  @Field(() => TransactionStatusEvent, { description: 'The committed status change; its cursor resumes after it.' })
  event: StatusEvent;
  /** Loaded only when the subscriber selects `transaction` (see TransactionUpdateResolver). */
  @Field(() => TransactionNode, { description: 'The transaction as it is when the update is delivered.' })
  transaction: unknown;
}

@ObjectType({ description: 'A status change together with the current state of the payout.' })
export class PayoutUpdate {
  @Field(() => PayoutStatusEvent, { description: 'The committed status change; its cursor resumes after it.' })
  event: StatusEvent;
  /** Loaded only when the subscriber selects `payout` (see PayoutUpdateResolver). */
  @Field(() => PayoutNode, { description: 'The payout as it is when the update is delivered.' }) payout: unknown;
}

interface DecodedFilter {
  entityId?: string;
  clientId?: string;
  bizId?: string;
}

function decodeFilter(kind: EntityKind, filter: UpdateFilter | undefined): DecodedFilter {
  return {
    entityId: filter?.id
      ? fromGlobalIdOf(kind === EntityKind.TRANSACTION ? 'Transaction' : 'Payout', filter.id, 'filter.id')
      : undefined,
    clientId: filter?.clientId ? fromGlobalIdOf('Client', filter.clientId, 'filter.clientId') : undefined,
    bizId: filter?.bizId ? fromGlobalIdOf('Biz', filter.bizId, 'filter.bizId') : undefined,
  };
}

/** Applies the viewer's tenancy before the subscriber's own filter: a client hears only itself. */
function matches(message: StatusEventMessage, kind: EntityKind, scope: Scope, filter: DecodedFilter): boolean {
  if (message.entityKind !== kind) return false;
  if (scope.clientId && message.clientId !== scope.clientId) return false;
  // A payment's id selects its refunds too: a screen following a payment sees them settle.
  if (filter.entityId && message.entityId !== filter.entityId && message.parentId !== filter.entityId) return false;
  if (filter.clientId && message.clientId !== filter.clientId) return false;
  if (filter.bizId && message.bizId !== filter.bizId) return false;
  return true;
}

function subscribeTo(kind: EntityKind) {
  return async ({ args, context }: { args: { filter?: UpdateFilter; after?: string }; context: RequestContext }) => {
    const scope = requireScope(context);
    const filter = decodeFilter(kind, args.filter);
    const after = args.after
      ? decodeEventCursor(args.after)
      : await context.services.eventLog.lastSequence(scope.platformId);
    return context.services.feeds.stream({
      platformId: scope.platformId,
      afterSequence: after,
      keep: (message) => matches(message, kind, scope, filter),
      // Every kept event carries these ids, so the feed offers this subscription only those.
      route: { entityId: filter.entityId, clientId: scope.clientId ?? filter.clientId, bizId: filter.bizId },
    });
  };
}

function asEvent(message: StatusEventMessage): StatusEvent {
  return { ...message, detail: message.detail ?? null, createdAt: new Date(message.createdAt) } as StatusEvent;
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => TransactionUpdate, {
    subscribe: subscribeTo(EntityKind.TRANSACTION) as never,
    description:
      'Status changes of transactions you can see, as they are committed, over graphql-ws. Pass `after` to resume with no gap. Needs an API key or a client token (in connection_init; a client token hears only its own).',
  })
  transactionUpdated(
    @Root() message: StatusEventMessage,
    @Arg('filter', () => UpdateFilter, { nullable: true, description: 'Only the updates that match.' })
    _filter: UpdateFilter | undefined,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION }) _after: string | undefined,
    @Ctx() context: RequestContext,
  ): TransactionUpdate {
    // A subscription's context lives as long as the connection; fresh loaders per event keep
    // every delivery current instead of serving rows cached at the first event.
    context.loaders = new Loaders(context.services, context.viewer);
    return Object.assign(new TransactionUpdate(), { event: asEvent(message) });
  }

  @Subscription(() => PayoutUpdate, {
    subscribe: subscribeTo(EntityKind.PAYOUT) as never,
    description:
      'Status changes of payouts you can see, as they are committed, over graphql-ws. Pass `after` to resume with no gap. Needs an API key or a client token (in connection_init; a client token hears only its own).',
  })
  payoutUpdated(
    @Root() message: StatusEventMessage,
    @Arg('filter', () => UpdateFilter, { nullable: true, description: 'Only the updates that match.' })
    _filter: UpdateFilter | undefined,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION }) _after: string | undefined,
    @Ctx() context: RequestContext,
  ): PayoutUpdate {
    context.loaders = new Loaders(context.services, context.viewer);
    return Object.assign(new PayoutUpdate(), { event: asEvent(message) });
  }
}

/** The row behind an update, read only if the subscriber asked for it: most watch the status. */
@Resolver(() => TransactionUpdate)
export class TransactionUpdateResolver {
  @FieldResolver(() => TransactionNode, { description: 'The transaction as it is when the update is delivered.' })
  async transaction(@Root() update: TransactionUpdate, @Ctx() context: RequestContext): Promise<Transaction> {
    return (await context.loaders.related('Transaction', update.event.entityId, 'direct')) as Transaction;
  }
}

@Resolver(() => PayoutUpdate)
export class PayoutUpdateResolver {
  @FieldResolver(() => PayoutNode, { description: 'The payout as it is when the update is delivered.' })
  async payout(@Root() update: PayoutUpdate, @Ctx() context: RequestContext): Promise<Payout> {
    return (await context.loaders.related('Payout', update.event.entityId, 'direct')) as Payout;
  }
}
