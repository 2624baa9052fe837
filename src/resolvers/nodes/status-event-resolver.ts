import { type ClassType, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { EntityKind } from '../../domain/enums';
import type { StatusEvent } from '../../entities';
import { toGlobalId } from '../../graphql/global-id';
import { encodeEventCursor } from '../../services/events/event-stream';
import { PayoutStatusEvent, TransactionStatusEvent } from '../../schema/object-types';
import { DateTime } from '../../schema/scalars';

/**
 * The fields every status event computes from its log row, for the transaction's events and
 * the payout's alike (one resolver class per concrete type, from one definition).
 */
function statusEventResolver(of: ClassType) {
  @Resolver(() => of)
  class StatusEventFields {
    @FieldResolver(() => ID, { description: 'Global id of the transaction or payout.' })
    entityId(@Root() event: StatusEvent): string {
      return toGlobalId(event.entityKind === EntityKind.TRANSACTION ? 'Transaction' : 'Payout', event.entityId);
    }

    @FieldResolver(() => String, { description: 'Pass as `after` to a subscription to resume after this event.' })
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

export const TransactionStatusEventResolver = statusEventResolver(TransactionStatusEvent);
export const PayoutStatusEventResolver = statusEventResolver(PayoutStatusEvent);
