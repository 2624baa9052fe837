import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import {
  CreatedAtColumn,
  FenColumn,
  ForeignIdColumn,
  IdColumn,
  JsonColumn,
  StringColumn,
  TextColumn,
  UpdatedAtColumn,
} from '../db/columns';
import type { EventType, WebhookEndpointStatus } from '../domain/enums';
import { Platform } from './platform.entity';

/** Where a platform's server wants its events pushed, and how far the log has been handed to it. */
@Entity('webhook_endpoints')
@Index(['platformId', 'status'])
export class WebhookEndpoint {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  @StringColumn(2048) url: string;
  @StringColumn(256, { nullable: true }) description: string | null;
  /** The kinds of event wanted; empty means every kind, including kinds added later. */
  @JsonColumn({ nullable: false }) eventTypes: EventType[];
  @StringColumn(16) status: WebhookEndpointStatus;
  /** Why it was last disabled, for its owner. */
  @StringColumn(256, { nullable: true }) disabledReason: string | null;
  /** The signing secret, sealed with DATA_KEY; shown once, when made. */
  @TextColumn() secretCiphertext: string;
  /** The secret before the last rotation, still signing until previousSecretExpiresAt. */
  @TextColumn({ nullable: true }) previousSecretCiphertext: string | null;
  @Column({ type: 'datetime', precision: 6, nullable: true }) previousSecretExpiresAt: Date | null;
  /**
   * The platform's event sequence handed to this endpoint so far: every event up to it has its
   * delivery row. Starts at the platform's last sequence when the endpoint is made.
   */
  @FenColumn({ default: 0 }) dispatchedSequence: number;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
