import type { VendorEntityKind } from '../../domain/transitions';
import type { DataSource } from 'typeorm';
import { updateStatement, type Statement } from '../../db/bulk-sql';
import { EntityKind, EventSource, PayoutStatus, TransactionStatus } from '../../domain/enums';
import { canTransition, isTerminal, PAYOUT_TRANSITIONS, TRANSACTION_TRANSITIONS } from '../../domain/transitions';
import { guardedByAmount, type AmountMismatch, type ReportedAmount } from '../../domain/vendor-amount';
import { Payout, StatusEvent, Transaction } from '../../entities';

/** The entities whose status the writer keeps: a row of one of them, as locked. */
export type Tracked = Transaction | Payout;

export const TRACKED = {
  [EntityKind.TRANSACTION]: {
    entity: Transaction,
    table: TRANSACTION_TRANSITIONS,
    needsAttention: TransactionStatus.NEEDS_ATTENTION,
    label: 'Transaction',
  },
  [EntityKind.PAYOUT]: {
    entity: Payout,
    table: PAYOUT_TRANSITIONS,
    needsAttention: PayoutStatus.NEEDS_ATTENTION,
    label: 'Payout',
  },
} as const;

export interface TransitionRequest {
  kind: VendorEntityKind;
  entityId: string;
  platformId: string;
  /** The status asked for; when `reported` is set, the status the vendor reported. */
  to: TransactionStatus | PayoutStatus;
  source: EventSource;
  detail?: Record<string, unknown>;
  /**
   * Set when the change is the vendor's word (a callback, a poll, a sync): the amount it
   * reported, checked against the locked row's by the one amount rule (domain/vendor-amount).
   * A missing, unreadable or different amount turns the change into NEEDS_ATTENTION.
   */
  reported?: { amount: ReportedAmount };
  /**
   * What the vendor told us about the row itself (its number, codes, a failure), written with
   * the status when the change is allowed or the status is unchanged, never when a late answer
   * is refused by the table: a settled row is not rewritten.
   */
  patch?: { vendorRef?: string | null; vendorData?: Record<string, unknown> };
}

export type TransitionOutcome =
  { changed: true; event: StatusEvent } | { changed: false; reason: 'same_status' | 'not_allowed'; current: string };

/** An event's fields before it is numbered and stored. */
export type NewEvent = Omit<StatusEvent, 'id' | 'sequence' | 'createdAt' | 'publishedAt'>;

export interface TransitionPlan {
  /** Rows whose status or patch changed, by table. */
  dirty: Map<VendorEntityKind, Tracked[]>;
  /** The events to append, in order. */
  events: NewEvent[];
  /** Vendor amounts that were not ours, with the request that reported them (for the log). */
  mismatches: Array<{ request: TransitionRequest; orderNo: string; mismatch: AmountMismatch }>;
  /** The outcome of each change, given the events as written (numbered). */
  outcomesWith(written: StatusEvent[]): TransitionOutcome[];
}

/**
 * Decides each change against its transitions table, in order (a later change sees the row as
 * the earlier ones left it), after the amount rule for what a vendor reported, and applies the
 * allowed ones to the row objects. Nothing is written here.
 */
export function planTransitions(changes: Array<{ row: Tracked; request: TransitionRequest }>): TransitionPlan {
  const outcomes: Array<TransitionOutcome | undefined> = [];
  const dirty = new Map<string, { kind: VendorEntityKind; row: Tracked }>();
  const events: NewEvent[] = [];
  const eventAt: number[] = [];
  const mismatches: TransitionPlan['mismatches'] = [];
  for (const { row, request } of changes) {
    const { table, needsAttention } = TRACKED[request.kind];
    let to: string = request.to;
    let detail = request.detail;
    if (request.reported) {
      const guarded = guardedByAmount<string>(row.amountFen, request.reported.amount, to, needsAttention, detail ?? {});
      if (guarded.mismatch) {
        ({ to, detail } = guarded);
        mismatches.push({ request, orderNo: row.orderNo, mismatch: guarded.mismatch });
      }
    }
    const from = row.status as string;
    const patch = patchFields(row, request.patch);
    const allowed = from === to || canTransition(table as Record<string, readonly string[]>, from, to);
    if (allowed && Object.keys(patch).length > 0) {
      Object.assign(row, patch);
      dirty.set(row.id, { kind: request.kind, row });
    }
    if (from === to) {
      outcomes.push({ changed: false, reason: 'same_status', current: from });
      continue;
    }
    if (!allowed) {
      outcomes.push({ changed: false, reason: 'not_allowed', current: from });
      continue;
    }
    row.status = to as never;
    dirty.set(row.id, { kind: request.kind, row });
    eventAt.push(outcomes.length);
    events.push({
      ...eventOf(request.kind, row, request.source, detail),
      fromStatus: from,
      toStatus: to,
      terminal: isTerminal(table as Record<string, readonly string[]>, to),
    });
    outcomes.push(undefined); // the event, once numbered
  }
  const byKind = new Map<VendorEntityKind, Tracked[]>();
  for (const { kind, row } of dirty.values()) {
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind)?.push(row);
  }
  return {
    dirty: byKind,
    events,
    mismatches,
    outcomesWith: (written) => {
      eventAt.forEach((index, position) => (outcomes[index] = { changed: true, event: written[position] }));
      return outcomes as TransitionOutcome[];
    },
  };
}

/** The fields every event of a row shares; the caller adds the statuses. */
export function eventOf(
  kind: VendorEntityKind,
  row: Tracked,
  source: EventSource,
  detail: Record<string, unknown> | undefined,
): Omit<NewEvent, 'fromStatus' | 'toStatus' | 'terminal'> {
  return {
    platformId: row.platformId,
    entityKind: kind,
    entityId: row.id,
    clientId: row.clientId,
    bizId: 'bizId' in row ? row.bizId : null,
    parentId: 'parentId' in row ? row.parentId : null,
    source,
    detail: detail ?? null,
  };
}

/** One UPDATE per entity table for the rows a plan changed. */
export function rowUpdates(source: DataSource, plan: Pick<TransitionPlan, 'dirty'>): Statement[] {
  const statements: Statement[] = [];
  for (const kind of [EntityKind.TRANSACTION, EntityKind.PAYOUT] as const) {
    const statement = updateStatement(source, TRACKED[kind].entity, plan.dirty.get(kind) ?? [], [
      'status',
      'vendorRef',
      'vendorData',
    ]);
    if (statement) statements.push(statement);
  }
  return statements;
}

/** The columns a patch changes: the vendor's number, and its data merged into what the row has. */
export function patchFields(row: Tracked, patch: TransitionRequest['patch']): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (patch?.vendorRef) fields.vendorRef = patch.vendorRef;
  if (patch?.vendorData) fields.vendorData = { ...(row.vendorData ?? {}), ...patch.vendorData };
  return fields;
}
