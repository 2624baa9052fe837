import { EntityKind, type EventType, TransactionKind } from '../../domain/enums';
import type { StatusEvent } from '../../entities';
import { eventTypeOf } from '../events/event-log';
import { encodeEventCursor } from '../events/event-stream';

/** An entity as the schema shows it (the same field names), keyed by `<entityKind>:<id>`. */
export type EntitySnapshot = Record<string, unknown>;

/**
 * Reads the entities of some events of one platform as the GraphQL schema shows them. Built
 * by the GraphQL layer (graphql/webhook-snapshots.ts), so a webhook's entity has the very
 * fields and names a query returns, and this service knows no schema.
 */
export type EntitySnapshots = (
  platformId: string,
  entities: Array<{ kind: EntityKind; id: string }>,
) => Promise<Map<string, EntitySnapshot | null>>;

export const entityKeyOf = (kind: string, id: string): string => `${kind}:${id}`;

export interface WebhookEventBody {
  /** The event's cursor: a receiver's deduplication key, and `after` for the events feed. */
  id: string;
  type: EventType | 'TEST';
  sequence: number | null;
  source: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  terminal: boolean;
  detail: Record<string, unknown> | null;
  occurredAt: string;
  /** The entity as it stood when the event was handed to the endpoints (just after its commit). */
  entity: EntitySnapshot | null;
}

/** The type of an event whose entity's snapshot is known (a transaction's kind decides it). */
export function typeOfEvent(event: StatusEvent, snapshot: EntitySnapshot | null): EventType | undefined {
  if (event.entityKind !== EntityKind.TRANSACTION) return eventTypeOf(event.entityKind as EntityKind);
  const kind = snapshot?.kind;
  return Object.values(TransactionKind).includes(kind as TransactionKind)
    ? eventTypeOf(EntityKind.TRANSACTION, kind as TransactionKind)
    : undefined;
}

export function eventBody(event: StatusEvent, type: EventType, snapshot: EntitySnapshot | null): WebhookEventBody {
  return {
    id: encodeEventCursor(event.sequence),
    type,
    sequence: event.sequence,
    source: event.source,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    terminal: event.terminal,
    detail: event.detail ?? null,
    occurredAt: event.createdAt.toISOString(),
    entity: snapshot,
  };
}

/** A test event: not in the log, so not in anyone's feed, and marked as such. */
export function testBody(deliveryId: string): WebhookEventBody {
  return {
    id: `test_${deliveryId}`,
    type: 'TEST',
    sequence: null,
    source: null,
    fromStatus: null,
    toStatus: null,
    terminal: true,
    detail: { test: true },
    occurredAt: new Date().toISOString(),
    entity: null,
  };
}
