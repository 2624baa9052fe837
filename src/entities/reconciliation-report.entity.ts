import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CreatedAtColumn, ForeignIdColumn, IdColumn, JsonColumn, StringColumn, UpdatedAtColumn } from '../db/columns';
import { Vendor } from '../domain/enums';
import { Platform } from './platform.entity';

/**
 * The comparison of one day's payouts with the vendor's daily order and bill files. One per
 * platform, vendor and day: running it again replaces it.
 */
@Entity('reconciliation_reports')
@Index(['platformId', 'vendor', 'day'], { unique: true })
export class ReconciliationReport {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  @StringColumn(32) vendor: Vendor;
  /** yyyy-mm-dd, China time (the vendor's day). */
  @StringColumn(10) day: string;
  @StringColumn(16) status: 'MATCHED' | 'DISCREPANCIES';
  @JsonColumn() summary: Record<string, unknown> | null;
  @JsonColumn() discrepancies: Array<Record<string, unknown>> | null;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
