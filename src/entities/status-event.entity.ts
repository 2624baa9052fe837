import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, FenColumn, ForeignIdColumn, IdColumn, JsonColumn, StringColumn } from '../db/columns';
import { EntityKind, EventSource } from '../domain/enums';

/**
 * Append-only log of every status change. (platformId, sequence) is gap-free and monotonic per
 * platform, which is what lets a subscriber resume from a cursor without gaps or duplicates.
 */
@Entity('status_events')
@Index(['platformId', 'sequence'], { unique: true })
@Index(['entityKind', 'entityId'])
@Index(['publishedAt', 'createdAt'])
export class StatusEvent {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @FenColumn() sequence: number;
  @StringColumn(16) entityKind: EntityKind;
  @ForeignIdColumn() entityId: string;
  /** Denormalised owner ids so subscription filters and client-token checks need no join. */
  @ForeignIdColumn({ nullable: true }) clientId: string | null;
  @ForeignIdColumn({ nullable: true }) bizId: string | null;
  /** A refund's payment: a subscription to the payment hears its refunds too. */
  @ForeignIdColumn({ nullable: true }) parentId: string | null;
  @StringColumn(24, { nullable: true }) fromStatus: string | null;
  @StringColumn(24) toStatus: string;
  @StringColumn(16) source: EventSource;
  @Column({ type: 'boolean', default: false }) terminal: boolean;
  @JsonColumn() detail: Record<string, unknown> | null;
  @CreatedAtColumn() createdAt: Date;
  /**
   * Set once the event has been handed to the bus. Events still null after a grace period
   * (the process died between commit and publish) are published by the outbox relay.
   */
  @Column({ type: 'datetime', precision: 6, nullable: true }) publishedAt: Date | null;
}
