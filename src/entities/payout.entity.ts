import { Entity, Index, JoinColumn, ManyToOne, VersionColumn } from 'typeorm';
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
import { CurrencyCode, PayoutChannel, PayoutStatus, Vendor } from '../domain/enums';
import { Client } from './client.entity';
import { Platform } from './platform.entity';

/** Money paid out to a person's bank card, Alipay or WeChat (Yunzhanghu). */
@Entity('payouts')
@Index(['platformId', 'orderNo'], { unique: true })
@Index(['platformId', 'clientId'])
export class Payout {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  @StringColumn(32) vendor: Vendor;
  @ForeignIdColumn({ nullable: true }) clientId: string | null;
  @ManyToOne(() => Client)
  @JoinColumn({ name: 'clientId' })
  client?: Client;
  @StringColumn(16) channel: PayoutChannel;
  @FenColumn() amountFen: number;
  @StringColumn(3) currency: CurrencyCode;
  @StringColumn(24) status: PayoutStatus;
  @StringColumn(64) orderNo: string;
  @StringColumn(64, { nullable: true }) vendorRef: string | null;
  /** Payee details (real name, card or account number, ID number), sealed with DATA_KEY. */
  @TextColumn({ nullable: true }) payeeCiphertext: string | null;
  @JsonColumn() vendorData: Record<string, unknown> | null;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
  @VersionColumn() version: number;
}
