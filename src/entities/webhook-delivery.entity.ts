import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CreatedAtColumn, FenColumn, ForeignIdColumn, IdColumn, StringColumn, TextColumn } from '../db/columns';
import type { WebhookDeliveryKind, WebhookDeliveryStatus } from '../domain/enums';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/**
 * One event to send to one endpoint, until it is answered with a 2xx. Event deliveries of one
 * endpoint and entity form a chain in sequence order: only the chain's head has a
 * nextAttemptAt; the next one gets it when the head is delivered.
 */
@Entity('webhook_deliveries')
@Index(['endpointId', 'dedupeKey'], { unique: true })
@Index(['endpointId', 'entityKey', 'status', 'sequence'])
@Index(['status', 'nextAttemptAt'])
export class WebhookDelivery {
  @IdColumn() id: string;
  @ForeignIdColumn() endpointId: string;
  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpointId' })
  endpoint?: WebhookEndpoint;
  @ForeignIdColumn() platformId: string;
  @StringColumn(16) kind: WebhookDeliveryKind;
  /** The event's id; null for a test event. */
  @ForeignIdColumn({ nullable: true }) eventId: string | null;
  @FenColumn({ default: 0 }) sequence: number;
  /** `<entityKind>:<entityId>`: the chain the delivery waits in. */
  @StringColumn(64) entityKey: string;
  /** The event id for an EVENT delivery, so one event is never queued twice for an endpoint; else the delivery id. */
  @StringColumn(40) dedupeKey: string;
  /** The JSON body, fixed when the delivery is made so every attempt sends the same bytes. */
  @TextColumn() body: string;
  @StringColumn(16) status: WebhookDeliveryStatus;
  /** Attempts started (a claim counts one before the request is sent). */
  @Column({ type: 'int', default: 0 }) attempts: number;
  /** When the next attempt is due; null while waiting behind an earlier event of its entity. */
  @Column({ type: 'datetime', precision: 6, nullable: true }) nextAttemptAt: Date | null;
  /** An attempt in flight: no other instance takes the delivery before this. */
  @Column({ type: 'datetime', precision: 6, nullable: true }) leaseUntil: Date | null;
  /** When the first attempt failed: the retry window is counted from here. */
  @Column({ type: 'datetime', precision: 6, nullable: true }) failingSince: Date | null;
  @Column({ type: 'datetime', precision: 6, nullable: true }) deliveredAt: Date | null;
  @CreatedAtColumn() createdAt: Date;
}
