import type { VendorEntityKind } from '../../domain/transitions';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { newId } from '../../crypto/ids';
import type { SecretBox } from '../../crypto/secret-box';
import { hydrate, insertStatement, selectStatement, updateStatement, type Statement } from '../../db/bulk-sql';
import type { PipelinedTransaction } from '../../db/pipelined-transaction';
import { EntityKind, EventSource, type Vendor } from '../../domain/enums';
import { CallbackInbox } from '../../entities';
import type { VerifiedNotification } from '../../providers/callbacks';
import { TRACKED, type Tracked, type TransitionRequest } from './transition-plan';

/** A verified callback on its way into the inbox, or a stored WAITING one (inboxId) being retried. */
export interface InboundCallback {
  vendor: Vendor;
  dedupeKey: string;
  notification: VerifiedNotification;
  inboxId?: string;
}

export type CallbackWriteOutcome = 'applied' | 'waiting' | 'duplicate';

/**
 * The reads and inbox rows of one batch of a platform's callbacks, the first half of the
 * status writer's batch (StatusWriter.writeCallbacks commits the second). One round trip checks
 * for repeats and locks the rows the callbacks name; then each fresh callback becomes an inbox
 * row (APPLIED, or WAITING when its row is not committed yet) and, when its row exists, a
 * status change. `outcomes` is filled in for every item.
 */
export async function prepareCallbackBatch(
  transaction: PipelinedTransaction,
  source: DataSource,
  secretBox: SecretBox,
  platformId: string,
  items: InboundCallback[],
  outcomes: CallbackWriteOutcome[],
): Promise<{ changes: Array<{ row: Tracked; request: TransitionRequest }>; inboxWrites: Statement[] }> {
  const incoming = items.filter((item) => !item.inboxId);
  // Our order numbers by entity kind. The rows are locked for repeats too: that keeps the
  // reads to one round trip, and a repeat is rare.
  const orderNos = new Map<VendorEntityKind, Set<string>>();
  for (const { notification } of items) {
    if (!orderNos.has(notification.entityKind)) orderNos.set(notification.entityKind, new Set());
    orderNos.get(notification.entityKind)?.add(notification.orderNo);
  }
  // Always in the same order, so two instances' batches take their row locks alike.
  const kinds = ([EntityKind.TRANSACTION, EntityKind.PAYOUT] as const).filter((kind) => orderNos.has(kind));
  const [stored, ...locked] = await transaction.run([
    selectStatement(
      source,
      CallbackInbox,
      {
        platformId,
        vendor: [...new Set(incoming.map((item) => item.vendor))],
        dedupeKey: [...new Set(incoming.map((item) => item.dedupeKey))],
      },
      { properties: ['vendor', 'dedupeKey'] },
    ),
    ...kinds.map((kind) =>
      selectStatement<Tracked>(
        source,
        TRACKED[kind].entity,
        { platformId, orderNo: [...(orderNos.get(kind) ?? [])] },
        { forUpdate: true },
      ),
    ),
  ]);
  const fresh = withoutRepeats(items, hydrate(source, CallbackInbox, stored), outcomes);
  const changes: Array<{ row: Tracked; request: TransitionRequest }> = [];
  if (fresh.length === 0) return { changes, inboxWrites: [] };
  const rows = new Map<string, Tracked>();
  kinds.forEach((kind, index) => {
    for (const row of hydrate<Tracked>(source, TRACKED[kind].entity, locked[index]))
      rows.set(`${kind}:${row.orderNo}`, row);
  });
  const inboxRows: CallbackInbox[] = [];
  const retried: CallbackInbox[] = [];
  const now = new Date();
  for (const index of fresh) {
    const { vendor, dedupeKey, notification, inboxId } = items[index];
    const row = rows.get(`${notification.entityKind}:${notification.orderNo}`);
    // No row yet: kept, and applied once the row exists (StatusWriter.applyWaiting).
    outcomes[index] = row ? 'applied' : 'waiting';
    if (row) changes.push({ row, request: changeOf(platformId, row, notification) });
    const state = row ? ('APPLIED' as const) : ('WAITING' as const);
    if (inboxId) {
      retried.push(Object.assign(new CallbackInbox(), { id: inboxId, state, appliedAt: row ? now : null }));
      continue;
    }
    inboxRows.push({
      id: newId(),
      platformId,
      vendor,
      dedupeKey,
      orderNo: notification.orderNo,
      state,
      payloadCiphertext: secretBox.encrypt(JSON.stringify(notification)),
      attempts: 1,
      lastError: null,
      receivedAt: now,
      appliedAt: row ? now : null,
    });
  }
  // A callback stored by another instance since the check above fails this insert with a
  // unique violation; the writer then goes again item by item, and that one is a duplicate.
  const inboxWrites = [
    insertStatement(source, CallbackInbox, inboxRows),
    updateStatement(source, CallbackInbox, retried, ['state', 'appliedAt'], { increment: 'attempts' }),
  ].filter((statement): statement is Statement => statement !== undefined);
  return { changes, inboxWrites };
}

/** The status change a notification reports; the writer applies the amount rule to it. */
function changeOf(platformId: string, row: Tracked, notification: VerifiedNotification): TransitionRequest {
  return {
    kind: notification.entityKind,
    entityId: row.id,
    platformId,
    to: notification.status,
    source: EventSource.CALLBACK,
    detail: notification.detail,
    reported: { amount: notification.amount },
    // What the vendor told us about the row itself, written with the status under its lock:
    // its own number (if we never learned it, e.g. the answer to our request was lost) and,
    // on a failure, why; and the vendor's own status words, as last reported.
    patch: {
      vendorRef: notification.vendorRef && !row.vendorRef ? notification.vendorRef : undefined,
      vendorData: notification.vendorData,
    },
  };
}

/**
 * The last check before a verified callback is stored, the same for every vendor and both
 * databases: what it names must fit our columns (MySQL refuses an over-long value with an error,
 * SQLite stores it) and its amount must be fen or undefined. Vendors check their own stricter
 * patterns first; this keeps a vendor module's omission from ever becoming a 500.
 */
const storableNotification = z.object({
  dedupeKey: z.string().min(1).max(191),
  notification: z.object({
    orderNo: z.string().min(1).max(64),
    vendorRef: z.string().max(64).optional(),
    amount: z.union([z.number().int(), z.array(z.number().int())]).optional(),
  }),
});

/** Why a verified callback cannot be stored, or undefined when it can. */
export function storableProblem(verified: {
  dedupeKey: string;
  notification: VerifiedNotification;
}): string | undefined {
  const parsed = storableNotification.safeParse(verified);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `cannot be ours: ${issue?.path.join('.')} ${issue?.message}`;
}

/** Indexes of the items not stored before and not repeated earlier in the batch; marks the rest. */
function withoutRepeats(
  items: InboundCallback[],
  stored: Array<Pick<CallbackInbox, 'vendor' | 'dedupeKey'>>,
  outcomes: CallbackWriteOutcome[],
): number[] {
  const key = (vendor: string, dedupeKey: string) => `${vendor}\n${dedupeKey}`;
  const seen = new Set(stored.map((row) => key(row.vendor, row.dedupeKey)));
  const fresh: number[] = [];
  items.forEach((item, index) => {
    if (item.inboxId) return void fresh.push(index);
    const itemKey = key(item.vendor, item.dedupeKey);
    if (seen.has(itemKey)) {
      outcomes[index] = 'duplicate';
      return;
    }
    seen.add(itemKey);
    fresh.push(index);
  });
  return fresh;
}
