import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CreatedAtColumn, ForeignIdColumn, IdColumn, StringColumn, TextColumn, UpdatedAtColumn } from '../db/columns';
import { RecordStatus } from '../domain/enums';
import { Platform } from './platform.entity';

/** An end user of a platform (Colourlife "Client", cno). Name and mobile are encrypted at rest. */
@Entity('clients')
@Index(['platformId', 'mobileIndex'])
@Index(['platformId', 'externalRef'], { unique: true })
export class Client {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  /** The platform's own identifier for this user; unique per platform. */
  @StringColumn(64) externalRef: string;
  /** The vendor's cno, once the ledger account is opened. */
  @StringColumn(64, { nullable: true }) vendorRef: string | null;
  @TextColumn() nameCiphertext: string;
  @TextColumn({ nullable: true }) mobileCiphertext: string | null;
  /** Keyed hash of the mobile number, so lookups by mobile work without decrypting every row. */
  @StringColumn(64, { nullable: true }) mobileIndex: string | null;
  @StringColumn(16) status: RecordStatus;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
