import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CreatedAtColumn, ForeignIdColumn, IdColumn, StringColumn, UpdatedAtColumn } from '../db/columns';
import { RecordStatus } from '../domain/enums';
import { Platform } from './platform.entity';

/** A merchant of a platform (Colourlife "Biz", bno); usually the receiving side of a payment. */
@Entity('bizs')
@Index(['platformId', 'externalRef'], { unique: true })
export class Biz {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  @StringColumn(64) externalRef: string;
  @StringColumn(64, { nullable: true }) vendorRef: string | null;
  @StringColumn(128) name: string;
  @StringColumn(32, { nullable: true }) tel: string | null;
  @StringColumn(256, { nullable: true }) address: string | null;
  @StringColumn(256, { nullable: true }) website: string | null;
  @StringColumn(16) status: RecordStatus;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
