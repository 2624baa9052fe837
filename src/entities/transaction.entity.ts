import { Entity, Index, JoinColumn, ManyToOne, VersionColumn } from 'typeorm';
import {
  CreatedAtColumn,
  FenColumn,
  ForeignIdColumn,
  IdColumn,
  JsonColumn,
  StringColumn,
  UpdatedAtColumn,
} from '../db/columns';
import { CurrencyCode, TransactionKind, TransactionStatus, Vendor } from '../domain/enums';
import { Account } from './account.entity';
import { Biz } from './biz.entity';
import { Client } from './client.entity';
import { Platform } from './platform.entity';

/**
 * A movement of money through a vendor: a ledger transfer, a collected payment, or a refund
 * (a child of its payment). What a vendor adds of its own lives in `vendorData`.
 */
@Entity('transactions')
@Index(['platformId', 'orderNo'], { unique: true })
@Index(['platformId', 'clientId'])
@Index(['platformId', 'status'])
export class Transaction {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  @StringColumn(32) vendor: Vendor;
  @StringColumn(16) kind: TransactionKind;
  @ForeignIdColumn({ nullable: true }) parentId: string | null;
  @ManyToOne(() => Transaction)
  @JoinColumn({ name: 'parentId' })
  parent?: Transaction;
  /** The client who pays (or, for a recharge, receives); drives client-token visibility. */
  @ForeignIdColumn({ nullable: true }) clientId: string | null;
  @ManyToOne(() => Client)
  @JoinColumn({ name: 'clientId' })
  client?: Client;
  @ForeignIdColumn({ nullable: true }) bizId: string | null;
  @ManyToOne(() => Biz)
  @JoinColumn({ name: 'bizId' })
  biz?: Biz;
  @ForeignIdColumn({ nullable: true }) payerAccountId: string | null;
  @ManyToOne(() => Account)
  @JoinColumn({ name: 'payerAccountId' })
  payerAccount?: Account;
  @ForeignIdColumn({ nullable: true }) payeeAccountId: string | null;
  @ManyToOne(() => Account)
  @JoinColumn({ name: 'payeeAccountId' })
  payeeAccount?: Account;
  @FenColumn() amountFen: number;
  @StringColumn(3) currency: CurrencyCode;
  @StringColumn(24) status: TransactionStatus;
  /** Our order number at the vendor; unique per platform, reused on every retry. */
  @StringColumn(64) orderNo: string;
  /** The vendor's own number for this transaction (tno, sn, ...), once known. */
  @StringColumn(64, { nullable: true }) vendorRef: string | null;
  @StringColumn(256, { nullable: true }) description: string | null;
  /** Vendor-specific extra data (payinfo, QR content, ...), never secrets. */
  @JsonColumn() vendorData: Record<string, unknown> | null;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
  @VersionColumn() version: number;
}
