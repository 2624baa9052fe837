import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, ForeignIdColumn, IdColumn, StringColumn } from '../db/columns';

/** One HTTP attempt of a delivery, as its owner sees it in webhookDeliveries. */
@Entity('webhook_attempts')
@Index(['deliveryId', 'number'])
export class WebhookAttempt {
  @IdColumn() id: string;
  @ForeignIdColumn() deliveryId: string;
  @ForeignIdColumn() endpointId: string;
  @Column({ type: 'int' }) number: number;
  /** The answer's status code; null when none came (refused, timed out, blocked). */
  @Column({ type: 'int', nullable: true }) statusCode: number | null;
  @Column({ type: 'int' }) latencyMs: number;
  /** Why it did not count as delivered, in our words; never the answer's body. */
  @StringColumn(256, { nullable: true }) error: string | null;
  /** When the delivery is tried again after this attempt; null if it is not. */
  @Column({ type: 'datetime', precision: 6, nullable: true }) nextRetryAt: Date | null;
  @CreatedAtColumn() createdAt: Date;
}
