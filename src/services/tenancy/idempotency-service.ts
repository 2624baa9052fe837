import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { newId } from '../../crypto/ids';
import { isUniqueViolation, type Database } from '../../db/database';
import { IdempotencyKey } from '../../entities';
import { AppError, badUserInput, conflict, ErrorCode } from '../../errors/app-errors';

/** A typed reference to what the first request created; replays re-read its current state. */
export interface IdempotentResult {
  kind: string;
  id: string;
}

export interface IdempotencySettings {
  retentionHours: number;
  /** How long a duplicate waits for the first request to finish before giving up. */
  waitMs: number;
  pollMs: number;
}

export const DEFAULT_IDEMPOTENCY_SETTINGS: IdempotencySettings = { retentionHours: 24, waitMs: 30_000, pollMs: 25 };

/** JSON with sorted keys, so `{a,b}` and `{b,a}` hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Records, inside the caller's DB transaction, what the request created, before any vendor is
 * called: if the request then fails or its process dies, the key still leads to that object.
 */
export type BindResult = (manager: EntityManager, result: IdempotentResult) => Promise<void>;

/**
 * Idempotency for every money-moving mutation. The first request with a key inserts the key
 * row and runs; concurrent duplicates find the row (the unique index decides the race) and
 * wait for its result; later duplicates get the same object, in its current state. The same
 * key with a different input is a CONFLICT. If the first request fails before creating
 * anything, the key is released so the client can retry with it.
 */
export class IdempotencyService {
  constructor(
    private readonly db: Database,
    private readonly settings: IdempotencySettings = DEFAULT_IDEMPOTENCY_SETTINGS,
  ) {}

  async run(
    platformId: string,
    key: string,
    operation: string,
    input: unknown,
    work: (bind: BindResult) => Promise<IdempotentResult>,
  ): Promise<{ replayed: boolean; result: IdempotentResult }> {
    if (!/^[\x21-\x7e]{1,128}$/.test(key)) {
      throw badUserInput('idempotencyKey must be 1 to 128 printable ASCII characters', 'idempotencyKey');
    }
    const requestHash = createHash('sha256').update(canonicalJson({ operation, input })).digest('hex');
    const claimed = await this.claim(platformId, key, operation, requestHash);
    if (claimed.kind === 'existing')
      return { replayed: true, result: await this.awaitResult(claimed.row, operation, requestHash) };
    let bound = false;
    const bind: BindResult = async (manager, result) => {
      await manager.update(IdempotencyKey, { id: claimed.id }, { resultKind: result.kind, resultId: result.id });
      bound = true;
    };
    let result: IdempotentResult;
    try {
      result = await work(bind);
    } catch (error) {
      // Something was created (and may have reached the vendor): the key keeps pointing at it,
      // so a retry returns it instead of creating a second one. Otherwise the key is released.
      await this.db.transaction((manager) =>
        bound
          ? manager.update(IdempotencyKey, { id: claimed.id }, { state: 'COMPLETED' })
          : manager.delete(IdempotencyKey, { id: claimed.id }),
      );
      throw error;
    }
    await this.db.write((manager) =>
      manager.update(
        IdempotencyKey,
        { id: claimed.id },
        { state: 'COMPLETED', resultKind: result.kind, resultId: result.id },
      ),
    );
    return { replayed: false, result };
  }

  /** Deletes keys past their retention; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.db.transaction((manager) =>
      manager.createQueryBuilder().delete().from(IdempotencyKey).where('expiresAt < :now', { now }).execute(),
    );
    return result.affected ?? 0;
  }

  private async claim(
    platformId: string,
    key: string,
    operation: string,
    requestHash: string,
  ): Promise<{ kind: 'claimed'; id: string } | { kind: 'existing'; row: IdempotencyKey }> {
    const id = newId();
    const row = {
      id,
      platformId,
      idempotencyKey: key,
      operation,
      requestHash,
      state: 'IN_PROGRESS' as const,
      resultKind: null,
      resultId: null,
      expiresAt: new Date(Date.now() + this.settings.retentionHours * 3_600_000),
    };
    // The common case, a new key, is one INSERT: the unique index decides every race.
    try {
      await this.db.write((manager) => manager.insert(IdempotencyKey, row));
      return { kind: 'claimed', id };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    try {
      return await this.db.transaction(async (manager) => {
        const existing = await manager.findOneBy(IdempotencyKey, { platformId, idempotencyKey: key });
        if (existing && existing.expiresAt.getTime() > Date.now()) return { kind: 'existing', row: existing } as const;
        // Expired but not purged yet: the key is free again.
        if (existing) await manager.delete(IdempotencyKey, { id: existing.id });
        await manager.insert(IdempotencyKey, row);
        return { kind: 'claimed', id } as const;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Lost the race to a concurrent request with the same key: wait for its result.
      const row = await this.db.manager.findOneByOrFail(IdempotencyKey, { platformId, idempotencyKey: key });
      return { kind: 'existing', row };
    }
  }

  private async awaitResult(row: IdempotencyKey, operation: string, requestHash: string): Promise<IdempotentResult> {
    if (row.operation !== operation || row.requestHash !== requestHash) {
      throw conflict('This idempotencyKey was already used with a different input');
    }
    // Measured from the first request: a key its process left behind (it crashed) is not waited
    // on again by every retry.
    const deadline = Math.max(Date.now(), row.createdAt.getTime() + this.settings.waitMs);
    let current: IdempotencyKey | null = row;
    while (current && current.state === 'IN_PROGRESS') {
      if (Date.now() >= deadline) {
        // The first request is gone or slow, but it bound what it created: that is the answer;
        // its background job settles its state.
        if (current.resultId) return { kind: current.resultKind as string, id: current.resultId };
        throw new AppError(ErrorCode.CONFLICT, 'A request with this idempotencyKey is still in progress; retry later');
      }
      await new Promise((resolve) => setTimeout(resolve, this.settings.pollMs));
      current = await this.db.manager.findOneBy(IdempotencyKey, { id: row.id });
    }
    if (!current) {
      // The first request failed and released the key without creating anything.
      throw conflict('The first request with this idempotencyKey failed; retry it');
    }
    return { kind: current.resultKind as string, id: current.resultId as string };
  }
}
