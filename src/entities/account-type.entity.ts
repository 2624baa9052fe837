import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CreatedAtColumn, ForeignIdColumn, IdColumn, StringColumn } from '../db/columns';
import { AccountTypeKind, Vendor } from '../domain/enums';
import { Platform } from './platform.entity';

/** A payment channel a platform has opened at a ledger vendor (Colourlife atid / pano). */
@Entity('account_types')
@Index(['platformId', 'vendor', 'vendorAtid'], { unique: true })
export class AccountType {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  @StringColumn(32) vendor: Vendor;
  @StringColumn(16) kind: AccountTypeKind;
  @StringColumn(128) name: string;
  @StringColumn(64) vendorAtid: string;
  /** The platform's own account of this type at the vendor (pano). */
  @StringColumn(64, { nullable: true }) vendorPano: string | null;
  @StringColumn(512, { nullable: true }) iconUrl: string | null;
  @CreatedAtColumn() createdAt: Date;
}
