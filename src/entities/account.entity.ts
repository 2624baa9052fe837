import { Column, Entity, Index, JoinColumn, ManyToOne, VersionColumn } from 'typeorm';
import { CreatedAtColumn, FenColumn, ForeignIdColumn, IdColumn, StringColumn, UpdatedAtColumn } from '../db/columns';
import { AccountOwnerKind, RecordStatus } from '../domain/enums';
import { AccountType } from './account-type.entity';
import { Biz } from './biz.entity';
import { Client } from './client.entity';
import { Platform } from './platform.entity';

/** One account of one AccountType held by a client, a biz or the platform itself (ano). */
@Entity('accounts')
@Index(['platformId', 'clientId'])
@Index(['platformId', 'bizId'])
export class Account {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  @ForeignIdColumn() accountTypeId: string;
  @ManyToOne(() => AccountType)
  @JoinColumn({ name: 'accountTypeId' })
  accountType?: AccountType;
  @StringColumn(16) ownerKind: AccountOwnerKind;
  @ForeignIdColumn({ nullable: true }) clientId: string | null;
  @ManyToOne(() => Client)
  @JoinColumn({ name: 'clientId' })
  client?: Client;
  @ForeignIdColumn({ nullable: true }) bizId: string | null;
  @ManyToOne(() => Biz)
  @JoinColumn({ name: 'bizId' })
  biz?: Biz;
  /** The vendor's account number (ano / cano / bano). */
  @StringColumn(64, { nullable: true }) vendorRef: string | null;
  /** Last balance reported by the vendor, in fen. The vendor's ledger is the source of truth. */
  @FenColumn({ default: 0 }) balanceFen: number;
  /** When balanceFen was last read from the vendor; null until it has been (the platform's own accounts). */
  @Column({ type: 'datetime', precision: 6, nullable: true }) balanceUpdatedAt: Date | null;
  @Column({ type: 'boolean', default: false }) canNegative: boolean;
  @StringColumn(16) status: RecordStatus;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
  @VersionColumn() version: number;
}
