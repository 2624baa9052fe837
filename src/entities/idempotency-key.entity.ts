import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, ForeignIdColumn, IdColumn, StringColumn } from '../db/columns';

/**
 * One idempotency key of one platform. The unique (platformId, key) index is what makes
 * concurrent duplicates safe: only the request that inserts the row runs; the others wait for
 * its result. Kept at least 24 hours (IDEMPOTENCY_RETENTION_HOURS).
 */
@Entity('idempotency_keys')
@Index(['platformId', 'idempotencyKey'], { unique: true })
@Index(['expiresAt'])
export class IdempotencyKey {
  @IdColumn() id: string;
  @ForeignIdColumn() platformId: string;
  @StringColumn(128) idempotencyKey: string;
  /** The mutation name, so one key cannot be replayed against a different operation. */
  @StringColumn(64) operation: string;
  /** SHA-256 of the canonical JSON of the input: same key + different input is a conflict. */
  @StringColumn(64) requestHash: string;
  @StringColumn(16) state: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  /** What the first request produced: a typed reference, re-read for every replay. */
  @StringColumn(32, { nullable: true }) resultKind: string | null;
  @StringColumn(64, { nullable: true }) resultId: string | null;
  @CreatedAtColumn() createdAt: Date;
  @Column({ type: 'datetime', precision: 6 }) expiresAt: Date;
}
