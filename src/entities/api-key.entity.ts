import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CreatedAtColumn, ForeignIdColumn, IdColumn, StringColumn } from '../db/columns';
import { Platform } from './platform.entity';

/**
 * A platform's server credential. Only a SHA-256 of the secret part is stored: the key has 256
 * bits of entropy, so a slow password hash would add latency to every request and no security.
 */
@Entity('api_keys')
export class ApiKey {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @ManyToOne(() => Platform, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platformId' })
  platform?: Platform;
  /** The public, non-secret part of the key, used to find the row. */
  @Index({ unique: true }) @StringColumn(32) lookupId: string;
  @StringColumn(64) secretHash: string;
  @StringColumn(128) label: string;
  @CreatedAtColumn() createdAt: Date;
  @Column({ type: 'datetime', precision: 6, nullable: true }) revokedAt: Date | null;
}
