import {
  Args,
  ArgsType,
  Authorized,
  type ClassType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { EntityKind, EventType } from '../../domain/enums';
import { requireScope, type RequestContext } from '../../graphql/context';
import { connectionTypes, toConnection, type ConnectionShape } from '../../schema/connection';
import { StatusEventNode } from '../../schema/object-types';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSize } from '../../services/tenancy/scoped-reads';
import { Role } from '../auth-checker';
import type { StatusEvent } from '../../entities';
import { NODE_TYPE_OF_ENTITY, toGlobalId } from '../../graphql/global-id';
import { WebhookEndpointStatusEvent } from '../../schema/webhook-types';
import { decodeEventCursor, encodeEventCursor } from '../../services/events/event-stream';
import { PayoutStatusEvent, TransactionStatusEvent } from '../../schema/object-types';
import { DateTime } from '../../schema/scalars';

/**
 * The fields every status event computes from its log row, for the transaction's events and
 * the payout's alike (one resolver class per concrete type, from one definition).
 */
function statusEventResolver(of: ClassType) {
  @Resolver(() => of)
  class StatusEventFields {
    @FieldResolver(() => ID, { description: 'Global id of the transaction, payout or webhook endpoint.' })
    entityId(@Root() event: StatusEvent): string {
      return toGlobalId(NODE_TYPE_OF_ENTITY[event.entityKind as EntityKind], event.entityId);
    }

    @FieldResolver(() => String, {
      description: 'Pass as `after` to a subscription or to the events feed to resume after this event.',
    })
    cursor(@Root() event: StatusEvent): string {
      return encodeEventCursor(event.sequence);
    }

    @FieldResolver(() => DateTime, { description: 'When the change was committed.' })
    occurredAt(@Root() event: StatusEvent): Date {
      return event.createdAt instanceof Date ? event.createdAt : new Date(event.createdAt);
    }
  }
  return StatusEventFields;
}

// The interface's class is abstract; connectionTypes only uses it as the nodes' GraphQL type.
const StatusEventConnection = connectionTypes(
  StatusEventNode as unknown as ClassType<object>,
  'StatusEvent',
  'oldest first',
);

@ArgsType()
class EventsArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.` })
  first?: number;
  @Field(() => String, {
    nullable: true,
    description:
      "The cursor of the last event you have: an `endCursor` of this feed, or an `event.cursor` of a subscription. Without it, the feed starts at the platform's first event.",
  })
  after?: string;
  @Field(() => [EventType], { nullable: true, description: 'Only these kinds of change; all when left out.' })
  types?: EventType[];
}

/** The events feed: the same log and cursors as the subscriptions, for servers that poll. */
@Resolver()
export class EventsFeedResolver {
  @Authorized(Role.PLATFORM)
  @Query(() => StatusEventConnection, {
    description:
      "Your platform's status events after a cursor, oldest first: the same gap-free log, and the same cursors, as transactionUpdated, payoutUpdated and your webhooks, so a server can poll, catch up after downtime, or switch to a subscription (pass the last cursor as `after`) without a gap. Needs an API key.",
  })
  async events(@Args() args: EventsArgs, @Ctx() context: RequestContext): Promise<ConnectionShape<StatusEvent>> {
    const after = args.after ? decodeEventCursor(args.after) : 0;
    const page = await context.services.eventLog.feedPage(
      requireScope(context).platformId,
      after,
      pageSize(args.first),
      args.types,
    );
    const connection = toConnection({ items: page.events, hasNextPage: page.hasNextPage }, after > 0, (event) =>
      encodeEventCursor(event.sequence),
    );
    // An empty page keeps the caller's place: polling again from it misses nothing.
    connection.pageInfo.endCursor ??= args.after ?? null;
    return connection;
  }
}

export const TransactionStatusEventResolver = statusEventResolver(TransactionStatusEvent);
export const PayoutStatusEventResolver = statusEventResolver(PayoutStatusEvent);
export const WebhookEndpointStatusEventResolver = statusEventResolver(WebhookEndpointStatusEvent);
