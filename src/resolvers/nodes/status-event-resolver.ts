import { ID, FieldResolver, Resolver, Root } from 'type-graphql';
import { EntityKind } from '../../domain/enums';
import type { StatusEvent } from '../../entities';
import { toGlobalId } from '../../graphql/global-id';
import { encodeEventCursor } from '../../services/events/event-stream';
import { StatusEventNode } from '../../schema/object-types';

@Resolver(() => StatusEventNode)
export class StatusEventResolver {
  @FieldResolver(() => ID)
  entityId(@Root() event: StatusEvent): string {
    return toGlobalId(event.entityKind === EntityKind.TRANSACTION ? 'Transaction' : 'Payout', event.entityId);
  }

  @FieldResolver(() => String, { description: 'Pass as `after` to a subscription to resume after this event.' })
  cursor(@Root() event: StatusEvent): string {
    return encodeEventCursor(event.sequence);
  }

  @FieldResolver()
  occurredAt(@Root() event: StatusEvent): Date {
    return event.createdAt instanceof Date ? event.createdAt : new Date(event.createdAt);
  }
}
