import { Entity } from 'typeorm';
import { CreatedAtColumn, FenColumn, IdColumn, StringColumn, UpdatedAtColumn } from '../db/columns';
import { RecordStatus } from '../domain/enums';

/** A tenant: one integrating company, its API keys, its vendor credentials and its end users. */
@Entity('platforms')
export class Platform {
  @IdColumn() id: string;
  @StringColumn(128) name: string;
  @StringColumn(16) status: RecordStatus;
  /**
   * The last StatusEvent sequence number handed out for this platform. Incremented inside the
   * same DB transaction as the event it numbers, which is what makes the sequence gap-free.
   */
  @FenColumn({ default: 0 }) lastEventSequence: number;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
