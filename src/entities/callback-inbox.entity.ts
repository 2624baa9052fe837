import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, ForeignIdColumn, IdColumn, StringColumn, TextColumn } from '../db/columns';
import { Vendor } from '../domain/enums';

/**
 * Every verified vendor callback, stored before it is applied. The unique dedupe key makes a
 * redelivered callback a no-op that is still acknowledged; WAITING rows are callbacks that
 * arrived before the row they refer to was committed, applied as soon as it exists.
 */
@Entity('callback_inbox')
@Index(['platformId', 'vendor', 'dedupeKey'], { unique: true })
@Index(['state', 'receivedAt'])
export class CallbackInbox {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @StringColumn(32) vendor: Vendor;
  /** The vendor's notification id, or what identifies one notification when it has none. */
  @StringColumn(191) dedupeKey: string;
  /** Our order number the callback refers to, to find it again once that row exists. */
  @StringColumn(64) orderNo: string;
  @StringColumn(16) state: 'RECEIVED' | 'APPLIED' | 'WAITING' | 'IGNORED';
  /** The verified, decoded notification, sealed with DATA_KEY (it can carry personal data). */
  @TextColumn() payloadCiphertext: string;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @StringColumn(512, { nullable: true }) lastError: string | null;
  @CreatedAtColumn() receivedAt: Date;
  @Column({ type: 'datetime', precision: 6, nullable: true }) appliedAt: Date | null;
}
