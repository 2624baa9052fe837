import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import {
  CreatedAtColumn,
  ForeignIdColumn,
  IdColumn,
  JsonColumn,
  StringColumn,
  TextColumn,
  UpdatedAtColumn,
} from '../db/columns';
import { Vendor } from '../domain/enums';
import { Platform } from './platform.entity';

/** How one platform reaches one vendor: base URL, encrypted credentials and non-secret options. */
@Entity('provider_configs')
@Index(['platformId', 'vendor'], { unique: true })
export class ProviderConfig {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  @StringColumn(32) vendor: Vendor;
  @StringColumn(512) baseUrl: string;
  /** JSON of the vendor's secrets, sealed with DATA_KEY. Write-only through the API. */
  @TextColumn() secretsCiphertext: string;
  @JsonColumn() options: Record<string, unknown> | null;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
